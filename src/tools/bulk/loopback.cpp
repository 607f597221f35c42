// SPDX-License-Identifier: MIT
// tools/bulk: sink and source on two threads, one executor each, over 127.0.0.1.
#include "tools/bulk/loopback.hpp"

#include <pthread.h>
#include <sched.h>

#include <future>
#include <thread>

#include "net/errc.hpp"
#include "runtime/executor.hpp"
#include "tools/bulk/session.hpp"

namespace netrig::tools::bulk {
namespace {

// Pins the calling thread to one CPU, like taskset -c or iperf3 -A.
result<void, std::error_code> pin_to_cpu(std::optional<int> cpu) {
    if (!cpu) {
        return {};
    }
    if (*cpu < 0 || *cpu >= CPU_SETSIZE) {
        return unexpected(make_error_code(net::errc::invalid_argument));
    }
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(static_cast<std::size_t>(*cpu), &set);
    if (const int rc = pthread_setaffinity_np(pthread_self(), sizeof(set), &set); rc != 0) {
        return unexpected(net::error_from_errno(rc));
    }
    return {};
}

using report_result = result<bulk_report, std::error_code>;
using endpoint_result = result<net::endpoint, std::error_code>;

void sink_thread(net::stack& stack, const bulk_options& options, std::optional<int> cpu,
                 std::promise<endpoint_result>& where, report_result& out) {
    if (auto pinned = pin_to_cpu(cpu); !pinned) {
        where.set_value(unexpected(pinned.error()));
        out = unexpected(pinned.error());
        return;
    }
    runtime::executor ex;
    net::listen_options listen;
    listen.recv_buffer_bytes = options.socket_buffer_bytes;
    listen.congestion = options.congestion;
    auto listener = stack.listen(net::loopback(0), listen);
    if (!listener) {
        where.set_value(unexpected(listener.error()));
        out = unexpected(listener.error());
        return;
    }
    where.set_value(listener->local());
    out = ex.run(run_sink(stack, *listener, options));
}

void source_thread(net::stack& stack, const bulk_options& options, std::optional<int> cpu,
                   std::future<endpoint_result> where, report_result& out) {
    endpoint_result sink = where.get();
    if (!sink) {
        out = unexpected(sink.error());
        return;
    }
    if (auto pinned = pin_to_cpu(cpu); !pinned) {
        out = unexpected(pinned.error());
        return;
    }
    runtime::executor ex;
    out = ex.run(run_source(stack, *sink, options));
}

}  // namespace

result<pair_report, std::error_code> run_loopback_pair(net::stack& stack,
                                                       const bulk_options& options,
                                                       const pair_options& placement) {
    NETRIG_TRY(validate(options));
    const std::error_code not_run = make_error_code(net::errc::aborted);
    report_result sink = unexpected(not_run);
    report_result source = unexpected(not_run);
    std::promise<endpoint_result> where;
    std::future<endpoint_result> sink_endpoint = where.get_future();
    std::thread sink_worker(sink_thread, std::ref(stack), std::cref(options), placement.sink_cpu,
                            std::ref(where), std::ref(sink));
    std::thread source_worker(source_thread, std::ref(stack), std::cref(options),
                              placement.source_cpu, std::move(sink_endpoint), std::ref(source));
    source_worker.join();
    sink_worker.join();
    // The source's error is the more telling one (the sink then only sees a reset or timeout).
    if (!source) {
        return unexpected(source.error());
    }
    if (!sink) {
        return unexpected(sink.error());
    }
    return pair_report{.sink = *sink, .source = *source};
}

}  // namespace netrig::tools::bulk
