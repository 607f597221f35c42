// SPDX-License-Identifier: MIT
// link: the pcap sink (ring + libpcap writer thread).
#include "link/pcap_recorder.hpp"

#include <pcap/pcap.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>

#include "base/assert.hpp"
#include "link/error.hpp"

namespace netrig::link {

std::int64_t realtime_base_now(instant now) {
    timespec ts{};
    ::clock_gettime(CLOCK_REALTIME, &ts);
    const std::int64_t real_ns = static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
    return real_ns - now.since_zero().count();
}

result<std::unique_ptr<pcap_sink>, std::error_code> pcap_sink::open(const std::string& path,
                                                                    const pcap_options& options) {
    NETRIG_ASSERT(options.ring_frames > 0);
    NETRIG_ASSERT(options.snap_bytes > 0);
    // Nanosecond precision: the file gets the 0xa1b23c4d magic and tv_usec carries ns.
    pcap_t* p = ::pcap_open_dead_with_tstamp_precision(
        DLT_EN10MB, static_cast<int>(options.snap_bytes), PCAP_TSTAMP_PRECISION_NANO);
    if (p == nullptr) {
        return unexpected<std::error_code>(errc::system_error);
    }
    errno = 0;
    pcap_dumper_t* d = ::pcap_dump_open(p, path.c_str());
    if (d == nullptr) {
        const int err = errno;
        ::pcap_close(p);
        if (err != 0) {
            return unexpected(std::error_code(err, std::system_category()));
        }
        return unexpected<std::error_code>(errc::system_error);
    }
    return std::unique_ptr<pcap_sink>(new pcap_sink(options, p, d));
}

pcap_sink::pcap_sink(const pcap_options& options, void* pcap, void* dumper)
    : options_(options),
      pcap_(pcap),
      dumper_(dumper),
      headers_(options.ring_frames),
      data_(options.ring_frames * options.snap_bytes) {
    writer_ = std::thread([this] { writer_loop(); });
}

pcap_sink::~pcap_sink() {
    (void)close();
}

bool pcap_sink::offer(instant at, bytes frame) {
    ++offered_;
    const std::uint64_t head = head_.load(std::memory_order_relaxed);
    const std::uint64_t tail = tail_.load(std::memory_order_acquire);
    if (closed_ || head - tail >= options_.ring_frames) {
        ++dropped_;
        return false;
    }
    const std::size_t slot = static_cast<std::size_t>(head % options_.ring_frames);
    const std::size_t captured = std::min(frame.size(), options_.snap_bytes);
    headers_[slot] = {.at_ns = options_.realtime_base + at.since_zero().count(),
                      .len = static_cast<std::uint32_t>(frame.size()),
                      .captured = static_cast<std::uint32_t>(captured)};
    std::memcpy(data_.data() + slot * options_.snap_bytes, frame.data(), captured);
    head_.store(head + 1, std::memory_order_release);
    return true;
}

bool pcap_sink::drain_one() {
    const std::uint64_t tail = tail_.load(std::memory_order_relaxed);
    if (tail == head_.load(std::memory_order_acquire)) {
        return false;
    }
    const std::size_t slot = static_cast<std::size_t>(tail % options_.ring_frames);
    const slot_header& h = headers_[slot];
    pcap_pkthdr hdr{};
    hdr.ts.tv_sec = static_cast<time_t>(h.at_ns / 1'000'000'000);
    hdr.ts.tv_usec = static_cast<suseconds_t>(h.at_ns % 1'000'000'000);  // ns: nano file
    hdr.caplen = h.captured;
    hdr.len = h.len;
    ::pcap_dump(static_cast<u_char*>(dumper_), &hdr, data_.data() + slot * options_.snap_bytes);
    tail_.store(tail + 1, std::memory_order_release);
    return true;
}

void pcap_sink::writer_loop() {
    using namespace std::chrono_literals;
    for (;;) {
        bool any = false;
        while (drain_one()) {
            any = true;
        }
        if (stop_.load(std::memory_order_acquire)) {
            while (drain_one()) {
            }
            return;
        }
        if (!any) {
            // Idle: a short sleep keeps the writer off the stack's core; the ring absorbs the
            // burst meanwhile (its size is the bound on what a 1 ms stall can lose).
            std::this_thread::sleep_for(1ms);
        }
    }
}

pcap_counts pcap_sink::counts() const {
    return {
        .offered = offered_, .written = tail_.load(std::memory_order_acquire), .dropped = dropped_};
}

pcap_counts pcap_sink::close() {
    if (!closed_) {
        closed_ = true;
        stop_.store(true, std::memory_order_release);
        if (writer_.joinable()) {
            writer_.join();
        }
        ::pcap_dump_close(static_cast<pcap_dumper_t*>(dumper_));
        ::pcap_close(static_cast<pcap_t*>(pcap_));
    }
    return counts();
}

}  // namespace netrig::link
