// SPDX-License-Identifier: MIT
// tools/bulk: the sink and source sessions. Each stream is a child task of a task_group; its
// buffers are allocated once, so the steady state is one system call per read or write.
#include "tools/bulk/session.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <utility>
#include <vector>

#include "net/errc.hpp"
#include "runtime/scheduler.hpp"
#include "runtime/task_group.hpp"
#include "runtime/timeout.hpp"
#include "tools/bulk/budget.hpp"

namespace netrig::tools::bulk {
namespace {

// What one stream did; owned by the session, written by the stream's task.
struct stream_result {
    std::uint64_t bytes = 0;
    std::error_code error;
    std::optional<net::tcp_info> info;
    instant first_byte = instant::max();
    instant done{};
};

// Folds the per-stream results into one report; the first stream error wins.
result<bulk_report, std::error_code> summarize(const std::vector<stream_result>& streams,
                                               instant start) {
    bulk_report r;
    r.streams = static_cast<unsigned>(streams.size());
    instant end = start;
    std::int64_t srtt_sum_ns = 0;
    unsigned srtt_count = 0;
    for (const stream_result& s : streams) {
        if (s.error) {
            return unexpected(s.error);
        }
        r.bytes += s.bytes;
        end = std::max(end, s.done);
        if (s.info) {
            r.retransmits += s.info->total_retrans;
            r.cwnd_bytes += s.info->cwnd_bytes;
            srtt_sum_ns += s.info->srtt.count();
            ++srtt_count;
        }
    }
    r.seconds = to_seconds(end - start);
    if (srtt_count > 0) {
        r.srtt = duration{srtt_sum_ns / srtt_count};
    }
    return r;
}

runtime::task<void> sink_stream(net::tcp_stream stream, std::size_t read_size,
                                stream_result& out) {
    std::vector<std::uint8_t> buffer(read_size);
    for (;;) {
        auto n = co_await stream.read_some(buffer);
        if (!n) {
            out.error = n.error();
            break;
        }
        if (*n == 0) {
            break;  // the source half-closed: everything it wrote has arrived
        }
        if (out.bytes == 0) {
            out.first_byte = runtime::now();
        }
        out.bytes += *n;
    }
    out.done = runtime::now();
    if (auto info = stream.info()) {
        out.info = *info;
    }
    // Closing is the sink's acknowledgement that it read everything; the source waits for it.
    stream.close();
}

// After the last write: half-close and read until the sink closes (EOF), so the source's report
// only ends once the sink has really counted the bytes.
runtime::task<result<void, std::error_code>> finish_source_stream(net::tcp_stream& stream) {
    if (auto shut = stream.shutdown_write(); !shut) {
        co_return unexpected(shut.error());
    }
    std::array<std::uint8_t, 256> scratch{};
    for (;;) {
        auto n = co_await stream.read_some(scratch);
        if (!n) {
            co_return unexpected(n.error());
        }
        if (*n == 0) {
            co_return result<void, std::error_code>{};
        }
    }
}

runtime::task<void> source_stream(net::tcp_stream& stream, send_budget budget, bytes payload,
                                  stream_result& out) {
    for (;;) {
        const std::size_t n = budget.next_write(runtime::now());
        if (n == 0) {
            break;
        }
        auto written = co_await stream.write_all(payload.first(n));
        if (!written) {
            out.error = written.error();
            break;
        }
        budget.on_written(n);
    }
    out.bytes = budget.sent();
    out.done = runtime::now();
    if (auto info = stream.info()) {
        out.info = *info;
    }
    if (!out.error) {
        auto finished = co_await finish_source_stream(stream);
        if (!finished) {
            out.error = finished.error();
        }
    }
}

net::connect_options source_connect_options(const bulk_options& options) {
    net::connect_options c;
    c.timeout = options.connect_timeout;
    c.nodelay = options.nodelay;
    c.congestion = options.congestion;
    c.send_buffer_bytes = options.socket_buffer_bytes;
    return c;
}

}  // namespace

runtime::task<result<bulk_report, std::error_code>> run_sink(net::stack& stack,
                                                             net::tcp_listener& listener,
                                                             bulk_options options) {
    (void)stack;  // the listener already belongs to it; kept for a uniform session signature
    if (auto valid = validate(options); !valid) {
        co_return unexpected(valid.error());
    }
    // Sized once: the stream tasks hold references into it.
    std::vector<stream_result> results(options.streams);
    std::error_code accept_error;
    runtime::task_group group;
    for (unsigned i = 0; i < options.streams; ++i) {
        auto accepted = co_await runtime::with_timeout(options.connect_timeout, listener.accept());
        if (!accepted) {
            accept_error = accepted.error();
            group.cancel();
            break;
        }
        if (options.nodelay) {
            (void)accepted->set_nodelay(true);
        }
        group.spawn(sink_stream(std::move(*accepted), options.read_size_bytes, results[i]));
    }
    co_await group.join();
    if (accept_error) {
        co_return unexpected(accept_error);
    }
    instant start = instant::max();
    for (const stream_result& s : results) {
        start = std::min(start, s.first_byte);
    }
    if (start == instant::max()) {  // nothing arrived at all
        start = runtime::now();
    }
    co_return summarize(results, start);
}

runtime::task<result<bulk_report, std::error_code>> run_source(net::stack& stack,
                                                               net::endpoint sink,
                                                               bulk_options options) {
    if (auto valid = validate(options); !valid) {
        co_return unexpected(valid.error());
    }
    std::vector<net::tcp_stream> streams;
    streams.reserve(options.streams);
    const net::connect_options connect = source_connect_options(options);
    for (unsigned i = 0; i < options.streams; ++i) {
        auto s = co_await stack.connect(sink, connect);
        if (!s) {
            co_return unexpected(s.error());
        }
        streams.push_back(std::move(*s));
    }
    // One payload buffer shared by every stream and every write: no per-write allocation.
    // The pattern is arbitrary but not all zeros, so nothing along the way can special-case it.
    std::vector<std::uint8_t> payload(options.write_size_bytes);
    for (std::size_t i = 0; i < payload.size(); ++i) {
        payload[i] = static_cast<std::uint8_t>(i * 131U + 7U);
    }
    std::vector<stream_result> results(options.streams);
    const instant start = runtime::now();
    runtime::task_group group;
    for (unsigned i = 0; i < options.streams; ++i) {
        group.spawn(source_stream(streams[i], send_budget(options, i, start), payload, results[i]));
    }
    co_await group.join();
    co_return summarize(results, start);
}

}  // namespace netrig::tools::bulk
