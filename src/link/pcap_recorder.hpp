// SPDX-License-Identifier: MIT
// link: packet capture of any device. pcap_recorder<D> wraps a device and copies every
// received and transmitted frame, as a finished pcap record, into a bounded lock-free
// single-producer/single-consumer byte ring; pcap_sink's writer thread appends what the ring
// holds to a nanosecond pcap file with one write() per batch. A full ring drops the frame from
// the capture only (counted); the stack never waits for the disk and makes no syscall.
// Timestamps are the caller's `now` plus a real-time base read once at open, so no clock is
// read in the hot path and sim runs get reproducible files.
//
// Why it is cheap (see docs/PERFORMANCE.md "UDP sink"): one memcpy per frame into a ring with a
// spill area past its end (a record that crosses the end is copied whole, and its tail moved to
// the start, once per lap), one plain store publishes it, and the writer wakes every 4 ms and
// writes what gathered (~4 MB at 1 GB/s) from huge pages with O_DIRECT, counting the frames
// from marks the producer leaves at block boundaries rather than reading the records back.
// Wake-ups are timed rather than signalled so that the producer never makes a syscall or a
// full fence; the cost is up to ~4 ms of capture latency and a ring sized for it.
#pragma once

#include <atomic>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <system_error>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#include "base/bytes.hpp"
#include "base/result.hpp"
#include "base/time.hpp"
#include "link/device.hpp"

namespace netrig::link {

/// Where pcap_sink's writer thread runs.
enum class pcap_writer_cpus : std::uint8_t {
    /// The creating thread's CPU affinity.
    inherit,
    /// If the creating thread is pinned to ONE CPU and other CPUs are online, every other
    /// online CPU: a stack pinned to a core (taskset, the benchmarks) keeps it, and the writer's
    /// write() of every record (~650 ns per 1514-B frame here) runs beside it instead of
    /// stealing from it. Otherwise (not pinned, one CPU, or the cpuset refuses) as inherit.
    avoid_pinned_cpu,
};

/// Capture settings.
struct pcap_options {
    /// CLOCK_REALTIME in ns at instant{} (see realtime_base_now); 0 puts sim runs at the epoch.
    std::int64_t realtime_base = 0;
    /// Bytes of records (16-byte pcap record header + captured bytes) the ring holds before it
    /// drops; rounded up to a power of two of at least one page. It should hold what arrives
    /// during the writer's 4 ms nap plus the write itself: 16 MiB is 8 ms at 2 GB/s (1.4M
    /// 1514-byte frames a second); above that the nap shortens.
    std::size_t ring_bytes = std::size_t{16} << 20U;
    /// Bytes kept per frame (longer frames are cut; the record keeps the original length).
    /// tcpdump's default, so that TSO and GRO super-frames (up to 64 KiB) are kept whole.
    std::size_t snap_bytes = 262144;
    /// Placement of the writer thread.
    pcap_writer_cpus writer_cpus = pcap_writer_cpus::avoid_pinned_cpu;
    /// Write the file with O_DIRECT where the file system takes it (ext4, xfs, ...): the block
    /// layer reads the ring's pages itself, so the writer copies nothing into the page cache
    /// (on this guest that copy is ~0.4 ns/B, ~650 ns per 1514-B frame, about what the whole
    /// receive path costs). Whole 4 KiB blocks go out as the ring fills; the last partial block
    /// is written normally at close (so, like tcpdump without -U, the file lags by up to a
    /// block while capturing). Taken only if the ring holds a block besides the largest record
    /// (ring_bytes >= snap_bytes + 16 + 4096). Where O_DIRECT is refused (pipes, /dev/full) or
    /// ignored (tmpfs copies anyway) the file is written as before.
    bool direct_io = true;
};

/// Reads CLOCK_REALTIME once and returns the real time of instant{} given that it is `now`.
[[nodiscard]] std::int64_t realtime_base_now(instant now);

/// An L4 checksum a frame carries partial (TAP checksum offload: the field holds the
/// pseudo-header sum) that the capture completes in its copy, the way virtio 1.1 §5.1.6.2 asks
/// the device to: the one's complement of the sum from `start` to the frame's end, stored at
/// start + offset.
struct partial_checksum {
    std::size_t start = 0;   ///< Byte offset in the frame where the summed data begins.
    std::size_t offset = 0;  ///< Offset of the 16-bit field from start (UDP 6, TCP 16).
};

/// What a capture did. At close, offered = written + dropped + failed.
struct pcap_counts {
    std::uint64_t offered = 0;  ///< Frames given to the capture.
    std::uint64_t written = 0;  ///< Frames written to the file.
    std::uint64_t dropped = 0;  ///< Frames lost because the ring was full.
    std::uint64_t failed = 0;   ///< Frames lost because writing the file failed (disk full).
    /// CPU time the writer thread used, user + system (updated after each write): the
    /// capture's cost beside the producer's copies, wherever the writer runs.
    std::uint64_t writer_cpu_ns = 0;
};

/// A pcap file with its writer thread and ring. Not movable (the thread points at it).
/// The writer thread's CPUs follow pcap_options::writer_cpus.
class pcap_sink {
public:
    /// Creates path (truncating it), writes the pcap file header (nanosecond magic, DLT_EN10MB)
    /// and starts the writer. Errors: errno as std::system_category (file not creatable, ring
    /// memory not mappable).
    [[nodiscard]] static result<std::unique_ptr<pcap_sink>, std::error_code> open(
        const std::string& path, const pcap_options& options);

    pcap_sink(const pcap_sink&) = delete;
    pcap_sink& operator=(const pcap_sink&) = delete;
    /// Closes (see close()).
    ~pcap_sink();

    /// Copies frame into the ring as one record stamped `at`; with `partial`, the copy gets that
    /// checksum completed (if the field is inside the captured bytes), summed while copying.
    /// false (and counted) when the ring lacks room. The frame itself is not changed.
    /// Call from one thread only (the device's), the same one that calls close().
    bool offer(instant at, bytes frame, std::optional<partial_checksum> partial = std::nullopt);
    /// Stops the writer after it drained the ring, closes the file, returns the final counts.
    /// Idempotent.
    pcap_counts close();
    /// Counts so far (written and failed lag while the writer runs).
    [[nodiscard]] pcap_counts counts() const;
    /// The ring's capacity in bytes (ring_bytes rounded up).
    [[nodiscard]] std::size_t ring_bytes() const { return capacity_; }
    /// The CPUs the writer thread may run on (empty once closed or if unknown).
    [[nodiscard]] std::vector<int> writer_cpu_list() const;
    /// True if the file was opened for O_DIRECT writes (pcap_options::direct_io and a file
    /// system that takes them); the writer falls back to normal writes if one is refused.
    [[nodiscard]] bool opened_direct() const { return opened_direct_; }

private:
    pcap_sink(const pcap_options& options, int fd, std::uint8_t* ring, std::size_t capacity,
              std::size_t mapped, bool direct);
    void writer_loop();
    std::size_t drain(bool final);
    void count_written(std::uint64_t upto, bool ok);
    void count_by_headers(std::uint64_t upto);
    void note_writer_cpu();
    bool write_chunk(const std::uint8_t* p, std::size_t len);
    void write_out(std::uint64_t from, std::size_t n);
    void set_direct(bool on);

    pcap_options options_;
    int fd_;
    std::uint8_t* ring_;    // capacity_ bytes, then a spill area for the longest record
    std::size_t capacity_;  // a power of two
    std::size_t mapped_;    // bytes mapped at ring_
    bool opened_direct_;
    // SPSC byte positions (monotonic; offset = position & (capacity_ - 1)). The producer owns
    // head_ and publishes records with a release store; the writer owns tail_ and frees space
    // with a release store after write() returned. Each side caches its own position and only
    // reads the other's when it must, so the shared lines move rarely.
    alignas(64) std::atomic<std::uint64_t> head_{0};
    std::uint64_t head_local_ = 0;
    std::uint64_t tail_seen_ = 0;  // the producer's last view of tail_
    std::uint64_t offered_ = 0;
    std::uint64_t dropped_ = 0;
    std::uint64_t published_ = 0;  // records put in the ring
    bool closed_ = false;
    // One per 4 KiB block of the ring, written by the producer for each block boundary B its
    // records reach: how many records end at or before B, and the end of the record that
    // spans B (0 if one ends exactly there). With O_DIRECT the writer writes up to block
    // boundaries, so it counts written frames from these without reading any record header:
    // those reads missed the cache once per record and were 80% of the writer's time.
    struct block_mark {
        std::atomic<std::uint64_t> frames{0};
        std::atomic<std::uint64_t> spanning_end{0};
    };
    std::unique_ptr<block_mark[]> marks_;
    [[nodiscard]] block_mark& mark_at(std::uint64_t boundary);
    alignas(64) std::atomic<std::uint64_t> tail_{0};
    std::atomic<std::uint64_t> written_{0};
    std::atomic<std::uint64_t> failed_{0};
    std::atomic<std::uint64_t> writer_cpu_ns_{0};
    std::atomic<bool> stop_{false};
    // The writer's own: whether fd_ has O_DIRECT (then it writes whole blocks only, at
    // block-aligned offsets), where the next record not yet counted as written starts, and
    // that record's end once its header was read (0: not read yet).
    bool direct_ = false;
    std::uint64_t parse_pos_ = 0;
    std::uint64_t record_end_ = 0;
    std::uint64_t counted_ = 0;  // records counted as written or failed
    std::thread writer_;
};

namespace detail {
/// The partial checksum of a frame the device reported with offload.needs_checksum, for
/// pcap_sink::offer; nullopt if it has none or reports a field outside the frame.
[[nodiscard]] inline std::optional<partial_checksum> capture_checksum(
    bytes frame, const frame_offload& offload) {
    const std::size_t field = std::size_t{offload.checksum_start} + offload.checksum_offset;
    if (!offload.needs_checksum || field + 2 > frame.size()) {
        return std::nullopt;
    }
    return partial_checksum{.start = offload.checksum_start, .offset = offload.checksum_offset};
}
}  // namespace detail

/// Wraps device D (Holder = D to own it, D& to borrow it) and records its traffic into a
/// pcap_sink that outlives the recorder. Frames with a partial checksum (TAP checksum offload,
/// both directions) are recorded with the checksum completed, as they are on the wire beyond
/// the device, so captures verify in tshark; the sum is taken during the copy into the ring
/// (rfc1071::copy_and_sum), so such frames are still read once. TSO/GRO frames are recorded whole
/// (up to 64 KiB, above the MTU). Models link_device; stats are the inner device's. Transmitted
/// frames are recorded when consumed (before a later flush could drop them).
template <class Holder>
class pcap_recorder {
    using device = std::remove_reference_t<Holder>;
    static_assert(link_device<device>);

public:
    /// An inner rx token (already recorded).
    class rx_token_type {
    public:
        /// The received frame.
        [[nodiscard]] bytes frame() const { return inner_.frame(); }
        /// The wrapped token (for backend extras such as tap's vnet()).
        [[nodiscard]] const typename device::rx_token_type& inner() const { return inner_; }

    private:
        friend class pcap_recorder;
        explicit rx_token_type(typename device::rx_token_type&& inner) : inner_(std::move(inner)) {}
        typename device::rx_token_type inner_;
    };

    /// An inner tx token; the frame is recorded after fn wrote it.
    class tx_token_type {
    public:
        /// See tx_token.
        template <class Fn>
        decltype(auto) consume(std::size_t len, Fn&& fn) {
            return inner_.consume(len, [&](mut_bytes b) -> decltype(auto) {
                if constexpr (std::is_void_v<decltype(fn(b))>) {
                    fn(b);
                    record(b);
                } else {
                    decltype(auto) out = fn(b);
                    record(b);
                    return out;
                }
            });
        }
        /// Passes an offload request to the inner token (ignored if it takes none). The capture
        /// shows the frame as the stack wrote it: a TSO frame larger than the MTU, a partial
        /// checksum.
        void set_offload(const tx_offload& offload) {
            offload_ = offload;
            set_tx_offload(inner_, offload);
        }
        /// The wrapped token (for backend extras such as tap's set_offload()).
        [[nodiscard]] typename device::tx_token_type& inner() { return inner_; }

    private:
        friend class pcap_recorder;
        tx_token_type(typename device::tx_token_type&& inner, pcap_recorder* owner, instant now)
            : inner_(std::move(inner)), sink_(owner->sink_), owner_(owner), now_(now) {}
        void record(bytes frame) {
            sink_->offer(now_, frame, detail::capture_checksum(frame, offload_));
        }
        typename device::tx_token_type inner_;
        pcap_sink* sink_;
        pcap_recorder* owner_;
        instant now_;
        tx_offload offload_{};
    };

    /// receive_batch() passes the inner device's rx_offload (all zero if it reports none).
    static constexpr bool reports_rx_offload = true;

    /// Records dev's traffic into sink.
    template <class D>
    pcap_recorder(D&& dev, pcap_sink& sink) : dev_(std::forward<D>(dev)), sink_(&sink) {}

    /// See link_device.
    [[nodiscard]] std::optional<rx_token_type> receive(instant now) {
        auto t = dev_.receive(now);
        if (!t) {
            return std::nullopt;
        }
        sink_->offer(now, t->frame());
        return rx_token_type{std::move(*t)};
    }
    /// See link_device.
    template <class Fn>
    std::size_t receive_batch(instant now, std::size_t max, Fn&& fn) {
        return receive_batch_offload(dev_, now, max, [&](bytes f, const rx_offload& o) {
            sink_->offer(now, f, detail::capture_checksum(f, o));
            call_rx(fn, f, o);
        });
    }
    /// See link_device.
    [[nodiscard]] std::optional<tx_token_type> transmit(instant now) {
        auto t = dev_.transmit(now);
        if (!t) {
            return std::nullopt;
        }
        return tx_token_type{std::move(*t), this, now};
    }
    /// See link_device.
    void flush(instant now) { dev_.flush(now); }
    /// See link_device.
    [[nodiscard]] link::capabilities capabilities() const { return dev_.capabilities(); }
    /// The inner device's counters (capture drops are in the sink's counts).
    [[nodiscard]] const link::stats& stats() const { return dev_.stats(); }
    /// See link_device.
    [[nodiscard]] int fd() const { return dev_.fd(); }
    /// See link_device.
    [[nodiscard]] std::optional<instant> next_deadline() const { return dev_.next_deadline(); }
    /// See peeks_rx (the inner device's answer).
    [[nodiscard]] std::optional<bool> rx_ready() const { return rx_ready_of(dev_); }
    /// The wrapped device.
    [[nodiscard]] device& inner() { return dev_; }

private:
    Holder dev_;
    pcap_sink* sink_;
};

}  // namespace netrig::link
