// SPDX-License-Identifier: MIT
// link: the pcap sink: a mirrored byte ring of finished pcap records and a writer thread that
// appends them to the file with write(2). The file format is the classic libpcap one with the
// nanosecond magic (https://www.tcpdump.org/manpages/pcap-savefile.5.txt, draft-ietf-opsawg-
// pcap §4 "File Header", §5 "Packet Record"), in host byte order as libpcap itself writes it.
#include "link/pcap_recorder.hpp"

#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <ctime>

#include "base/assert.hpp"
#include "base/ones_sum.hpp"

namespace netrig::link {

namespace {

// draft-ietf-opsawg-pcap §4: magic 0xA1B23C4D means the record timestamps' second field is in
// nanoseconds; version 2.4; LinkType 1 = LINKTYPE_ETHERNET (DLT_EN10MB).
constexpr std::uint32_t pcap_magic_ns = 0xa1b23c4dU;
constexpr std::uint16_t pcap_version_major = 2;
constexpr std::uint16_t pcap_version_minor = 4;
constexpr std::uint32_t linktype_ethernet = 1;

// O_DIRECT writes start at a multiple of this and are a multiple of it long, from memory
// aligned to it: 4 KiB covers 512-byte and 4 KiB logical blocks. The ring is page-aligned and
// stream position p is file offset p, so the ring's bytes at a block boundary are aligned too.
constexpr std::size_t direct_block = 4096;

struct file_header {
    std::uint32_t magic;
    std::uint16_t version_major;
    std::uint16_t version_minor;
    std::int32_t reserved1;   // thiszone, always 0
    std::uint32_t reserved2;  // sigfigs, always 0
    std::uint32_t snap_len;
    std::uint32_t link_type;
};
static_assert(sizeof(file_header) == 24);

// draft-ietf-opsawg-pcap §5: seconds, nanoseconds (nano magic), captured length, original length.
struct record_header {
    std::uint32_t ts_sec;
    std::uint32_t ts_frac;
    std::uint32_t captured_len;
    std::uint32_t original_len;
};
static_assert(sizeof(record_header) == 16);

std::error_code last_errno() {
    return {errno, std::system_category()};
}

bool write_all(int fd, const std::uint8_t* p, std::size_t n) {
    while (n > 0) {
        const ssize_t w = ::write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR) {
                continue;
            }
            return false;
        }
        p += w;
        n -= static_cast<std::size_t>(w);
    }
    return true;
}

// The ring: `capacity` bytes plus a spill area of `spill` bytes after them, where a record that
// crosses the ring's end is written whole before its tail is copied to the ring's start (so
// the producer copies each frame in one piece). The memory is anonymous, 2 MiB aligned and
// advised for transparent huge pages: O_DIRECT pins the pages it writes from and the block
// layer merges physically contiguous ones into one segment, so a 4 MiB write from huge pages
// is one request where 4 KiB pages make four (max_segments 254 here) and pins 2 folios instead
// of 1024 pages. Measured on this guest (O_DIRECT to ext4 on virtio-blk): 16 us of CPU per MB
// written in 4 MiB chunks from huge pages against 90-130 us per MB in 1 MiB chunks from 4 KiB
// pages, which at 1 GB/s of capture is ~2% of a core instead of ~11%. Without THP it still
// works, at the old cost.
constexpr std::size_t huge_page = std::size_t{2} << 20U;

std::uint8_t* map_ring(std::size_t capacity, std::size_t spill, std::size_t* mapped) {
    const std::size_t len = capacity + spill;
    void* area = ::mmap(nullptr, len + huge_page, PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (area == MAP_FAILED) {
        return nullptr;
    }
    // Keep the 2 MiB-aligned part; give the rest back.
    const auto at = reinterpret_cast<std::uintptr_t>(area);
    const std::uintptr_t aligned = (at + huge_page - 1) & ~(std::uintptr_t{huge_page} - 1);
    if (aligned > at) {
        ::munmap(area, aligned - at);
    }
    const std::uintptr_t end = at + len + huge_page;
    const std::uintptr_t used_end = aligned + len;
    const auto page = static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
    const std::uintptr_t trim = (used_end + page - 1) & ~(page - 1);
    if (end > trim) {
        ::munmap(reinterpret_cast<void*>(trim), end - trim);
    }
    auto* ring = reinterpret_cast<std::uint8_t*>(aligned);
    (void)::madvise(ring, len, MADV_HUGEPAGE);  // best effort: THP may be off
    // Fault every page in now, not in the stack's hot path.
    std::memset(ring, 0, len);
    *mapped = trim - aligned;
    return ring;
}

// pcap_writer_cpus::avoid_pinned_cpu: if the calling thread may run on exactly one CPU and
// others are online, the writer gets all the others. Best effort: a refusal (cpuset) leaves the
// inherited affinity.
void place_writer_off_pinned_cpu(pthread_t writer) {
    cpu_set_t mine;
    CPU_ZERO(&mine);
    if (::pthread_getaffinity_np(::pthread_self(), sizeof mine, &mine) != 0 ||
        CPU_COUNT(&mine) != 1) {
        return;
    }
    const long online = ::sysconf(_SC_NPROCESSORS_ONLN);
    cpu_set_t others;
    CPU_ZERO(&others);
    for (std::size_t c = 0; static_cast<long>(c) < online && c < CPU_SETSIZE; ++c) {
        if (!CPU_ISSET(c, &mine)) {
            CPU_SET(c, &others);
        }
    }
    if (CPU_COUNT(&others) > 0) {
        (void)::pthread_setaffinity_np(writer, sizeof others, &others);
    }
}

}  // namespace

std::int64_t realtime_base_now(instant now) {
    timespec ts{};
    ::clock_gettime(CLOCK_REALTIME, &ts);
    const std::int64_t real_ns = static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
    return real_ns - now.since_zero().count();
}

result<std::unique_ptr<pcap_sink>, std::error_code> pcap_sink::open(const std::string& path,
                                                                    const pcap_options& options) {
    NETRIG_ASSERT(options.snap_bytes > 0 && options.snap_bytes <= 0x7fffffffU);
    const auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
    const std::size_t capacity = std::bit_ceil(std::max(options.ring_bytes, page));

    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        return unexpected(last_errno());
    }
    const file_header fh{.magic = pcap_magic_ns,
                         .version_major = pcap_version_major,
                         .version_minor = pcap_version_minor,
                         .reserved1 = 0,
                         .reserved2 = 0,
                         .snap_len = static_cast<std::uint32_t>(options.snap_bytes),
                         .link_type = linktype_ethernet};
    std::uint8_t raw[sizeof fh];
    std::memcpy(raw, &fh, sizeof fh);
    std::uint8_t* ring = nullptr;
    std::size_t mapped = 0;
    // The spill area holds the longest record past the ring's end.
    const std::size_t spill = sizeof(record_header) + options.snap_bytes;
    // The header is written at once, so that an unwritable file (disk full) fails here.
    if (!write_all(fd, raw, sizeof raw) || (ring = map_ring(capacity, spill, &mapped)) == nullptr) {
        const std::error_code ec = last_errno();
        ::close(fd);
        return unexpected(ec);
    }
    // The ring starts with the header too: with O_DIRECT the first block (header + records)
    // is written again from offset 0, so that every direct write is block-aligned.
    std::memcpy(ring, raw, sizeof raw);
    bool direct = false;
    // A partial block stays in the ring until more arrives, so the ring must hold one besides
    // the largest record, or a record that fits a plain writer's ring would never fit.
    if (options.direct_io &&
        capacity >= options.snap_bytes + sizeof(record_header) + direct_block) {
        const int fl = ::fcntl(fd, F_GETFL);
        if (fl >= 0 && ::fcntl(fd, F_SETFL, fl | O_DIRECT) == 0) {
            direct = ::lseek(fd, 0, SEEK_SET) == 0;
            if (!direct) {
                (void)::fcntl(fd, F_SETFL, fl);
            }
        }
    }
    return std::unique_ptr<pcap_sink>(new pcap_sink(options, fd, ring, capacity, mapped, direct));
}

pcap_sink::pcap_sink(const pcap_options& options, int fd, std::uint8_t* ring, std::size_t capacity,
                     std::size_t mapped, bool direct)
    : options_(options),
      fd_(fd),
      ring_(ring),
      capacity_(capacity),
      mapped_(mapped),
      opened_direct_(direct),
      direct_(direct) {
    // Stream position p is file offset p: the header is [0, 24), records follow. Without
    // O_DIRECT the header is already in the file and the writer starts after it.
    head_local_ = sizeof(file_header);
    head_.store(head_local_, std::memory_order_relaxed);
    tail_seen_ = direct_ ? 0 : sizeof(file_header);
    tail_.store(tail_seen_, std::memory_order_relaxed);
    parse_pos_ = sizeof(file_header);
    marks_ = std::make_unique<block_mark[]>(capacity_ / direct_block);
    writer_ = std::thread([this] { writer_loop(); });
    (void)::pthread_setname_np(writer_.native_handle(), "netrig-pcap");
    if (options_.writer_cpus == pcap_writer_cpus::avoid_pinned_cpu) {
        place_writer_off_pinned_cpu(writer_.native_handle());
    }
}

std::vector<int> pcap_sink::writer_cpu_list() const {
    std::vector<int> cpus;
    if (closed_ || !writer_.joinable()) {
        return cpus;
    }
    cpu_set_t set;
    CPU_ZERO(&set);
    if (::pthread_getaffinity_np(const_cast<std::thread&>(writer_).native_handle(), sizeof set,
                                 &set) != 0) {
        return cpus;
    }
    for (std::size_t c = 0; c < CPU_SETSIZE; ++c) {
        if (CPU_ISSET(c, &set)) {
            cpus.push_back(static_cast<int>(c));
        }
    }
    return cpus;
}

pcap_sink::~pcap_sink() {
    (void)close();
}

namespace {

// Copies frame's first `captured` bytes to out with the partial checksum completed in the copy.
// RFC 1071: the summed bytes (start to the frame's end, the field holding the pseudo-header
// sum) are summed while copied; bytes past the snap length are summed without a copy and added
// at their offset (§2(B)).
void copy_completing(std::uint8_t* out, bytes frame, std::size_t captured,
                     const partial_checksum& partial) {
    std::memcpy(out, frame.data(), partial.start);
    std::uint16_t sum = rfc1071::copy_and_sum(
        out + partial.start, frame.subspan(partial.start, captured - partial.start));
    if (captured < frame.size()) {
        sum = rfc1071::combine_at(sum, rfc1071::ones_sum(frame.subspan(captured)),
                                  captured - partial.start);
    }
    auto field = static_cast<std::uint16_t>(~sum);
    // RFC 768: a computed UDP checksum of 0 goes out as 0xffff; TCP (offset 16) keeps 0.
    if (field == 0 && partial.offset == 6) {
        field = 0xffff;
    }
    out[partial.start + partial.offset] = static_cast<std::uint8_t>(field >> 8U);
    out[partial.start + partial.offset + 1] = static_cast<std::uint8_t>(field);
}

}  // namespace

bool pcap_sink::offer(instant at, bytes frame, std::optional<partial_checksum> partial) {
    ++offered_;
    if (closed_) {
        ++dropped_;
        return false;
    }
    const std::size_t captured = std::min(frame.size(), options_.snap_bytes);
    const std::uint64_t need = sizeof(record_header) + captured;
    const std::uint64_t head = head_local_;
    if (capacity_ - (head - tail_seen_) < need) {
        // Only now look at the writer's position: the shared line is read once per refill.
        tail_seen_ = tail_.load(std::memory_order_acquire);
        if (capacity_ - (head - tail_seen_) < need) {
            ++dropped_;
            return false;
        }
    }
    std::int64_t at_ns = options_.realtime_base + at.since_zero().count();
    at_ns = std::max<std::int64_t>(at_ns, 0);
    const record_header rh{.ts_sec = static_cast<std::uint32_t>(at_ns / 1'000'000'000),
                           .ts_frac = static_cast<std::uint32_t>(at_ns % 1'000'000'000),
                           .captured_len = static_cast<std::uint32_t>(captured),
                           .original_len = static_cast<std::uint32_t>(frame.size())};
    const std::size_t at_off = head & (capacity_ - 1);
    std::uint8_t* p = ring_ + at_off;
    std::memcpy(p, &rh, sizeof rh);
    std::uint8_t* copy = p + sizeof rh;
    if (partial && partial->start + partial->offset + 2 <= captured) {
        copy_completing(copy, frame, captured, *partial);
    } else {
        std::memcpy(copy, frame.data(), captured);
    }
    if (at_off + need > capacity_) {
        // The record ran into the spill area: its tail belongs at the ring's start (free, as
        // the room check covered the whole record). Once per lap of the ring at most.
        std::memcpy(ring_, ring_ + capacity_, at_off + need - capacity_);
    }
    // The block boundaries this record reaches (see block_mark); most records reach none.
    const std::uint64_t end = head + need;
    for (std::uint64_t b = (head / direct_block + 1) * direct_block; b <= end; b += direct_block) {
        block_mark& m = mark_at(b);
        m.frames.store(published_ + (b == end ? 1 : 0), std::memory_order_relaxed);
        m.spanning_end.store(b == end ? 0 : end, std::memory_order_relaxed);
    }
    ++published_;
    head_local_ = end;
    // One plain store on x86; the writer reads head_ about once per millisecond.
    head_.store(head_local_, std::memory_order_release);
    return true;
}

void pcap_sink::set_direct(bool on) {
    const int fl = ::fcntl(fd_, F_GETFL);
    if (fl >= 0 && ::fcntl(fd_, F_SETFL, on ? (fl | O_DIRECT) : (fl & ~O_DIRECT)) == 0) {
        direct_ = on;
    }
}

bool pcap_sink::write_chunk(const std::uint8_t* p, std::size_t n) {
    while (n > 0) {
        const ssize_t w = ::write(fd_, p, n);
        if (w < 0) {
            if (errno == EINTR) {
                continue;
            }
            if (errno == EINVAL && direct_) {
                // Refused after all (alignment after a short write): go on without O_DIRECT.
                set_direct(false);
                if (!direct_) {
                    continue;
                }
            }
            return false;
        }
        p += w;
        n -= static_cast<std::size_t>(w);
    }
    return true;
}

void pcap_sink::note_writer_cpu() {
    timespec ts{};
    if (::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) == 0) {
        writer_cpu_ns_.store(static_cast<std::uint64_t>(ts.tv_sec) * 1'000'000'000U +
                                 static_cast<std::uint64_t>(ts.tv_nsec),
                             std::memory_order_relaxed);
    }
}

pcap_sink::block_mark& pcap_sink::mark_at(std::uint64_t boundary) {
    return marks_[(boundary / direct_block) & (capacity_ / direct_block - 1)];
}

void pcap_sink::count_written(std::uint64_t upto, bool ok) {
    const std::uint64_t before = counted_;
    if (upto % direct_block == 0) {
        // A block boundary (every O_DIRECT write ends on one): the producer's mark says.
        const block_mark& m = mark_at(upto);
        counted_ = m.frames.load(std::memory_order_relaxed);
        record_end_ = m.spanning_end.load(std::memory_order_relaxed);
        parse_pos_ = upto;  // used once record_end_ is 0
    } else {
        count_by_headers(upto);
    }
    // Disk full or I/O error: the frames are lost from the capture, the stack goes on.
    (ok ? written_ : failed_).fetch_add(counted_ - before, std::memory_order_relaxed);
}

void pcap_sink::count_by_headers(std::uint64_t upto) {
    // Records end where their header says; one that runs past `upto` keeps its end in
    // record_end_, because its header may be overwritten once tail_ passes it.
    for (;;) {
        if (record_end_ == 0) {
            if (parse_pos_ >= upto) {
                break;
            }
            // Byte by byte, as the field may straddle the ring's end (no memcpy call per record).
            const std::uint64_t field = parse_pos_ + offsetof(record_header, captured_len);
            std::uint8_t raw[sizeof(std::uint32_t)];
            for (std::size_t k = 0; k < sizeof raw; ++k) {
                raw[k] = ring_[(field + k) & (capacity_ - 1)];
            }
            std::uint32_t captured = 0;
            std::memcpy(&captured, raw, sizeof captured);
            record_end_ = parse_pos_ + sizeof(record_header) + captured;
        }
        if (record_end_ > upto) {
            break;
        }
        ++counted_;
        parse_pos_ = record_end_;
        record_end_ = 0;
    }
}

void pcap_sink::write_out(std::uint64_t from, std::size_t n) {
    if (n == 0) {
        return;
    }
    // A stretch that crosses the ring's end goes out in two writes (once per lap); with
    // O_DIRECT both stay block-aligned, as the ring's size is a multiple of the block.
    const std::size_t off = from & (capacity_ - 1);
    const std::size_t first = std::min(n, capacity_ - off);
    bool ok = write_chunk(ring_ + off, first);
    if (ok && first < n) {
        ok = write_chunk(ring_, n - first);
    }
    count_written(from + n, ok);
    tail_.store(from + n, std::memory_order_release);
}

std::size_t pcap_sink::drain(bool final) {
    const std::uint64_t tail = tail_.load(std::memory_order_relaxed);
    const std::uint64_t head = head_.load(std::memory_order_acquire);
    auto len = static_cast<std::size_t>(head - tail);
    if (direct_) {
        const std::size_t whole = len & ~(direct_block - 1);
        if (final && whole < len) {
            write_out(tail, whole);
            set_direct(false);  // the file's last, partial block
            write_out(tail + whole, len - whole);
            return len;
        }
        len = whole;  // a partial block waits for more
    }
    write_out(tail, len);
    return len;
}

void pcap_sink::writer_loop() {
    using namespace std::chrono_literals;
    // The writer wakes every `nap` and writes what gathered: at 1 GB/s a 4 ms nap gathers
    // ~4 MB, the block device's largest request (see map_ring), in one write. Every wake-up is
    // a timer interrupt and two context switches, which this guest makes expensive (a 1 ms
    // tick cost more than the writes), so the nap is long and only shortens when a drain found
    // more than half the ring (above ~2 GB/s), to keep room; it bounds the capture's latency.
    constexpr auto nap_min = 1ms;
    constexpr auto nap_max = 4ms;
    auto nap = nap_max;
    for (;;) {
        // Read stop_ before draining: the producer sets it after its last offer, so a drain
        // that follows a true read sees every record.
        const bool stopping = stop_.load(std::memory_order_acquire);
        const std::size_t n = drain(stopping);
        if (n > 0 || stopping) {
            note_writer_cpu();
        }
        if (stopping) {
            return;
        }
        if (n >= capacity_ / 2) {
            nap = std::max<std::chrono::milliseconds>(nap / 2, nap_min);
        } else if (n < capacity_ / 8) {
            nap = std::min<std::chrono::milliseconds>(nap * 2, nap_max);
        }
        std::this_thread::sleep_for(nap);
    }
}

pcap_counts pcap_sink::counts() const {
    return {.offered = offered_,
            .written = written_.load(std::memory_order_acquire),
            .dropped = dropped_,
            .failed = failed_.load(std::memory_order_acquire),
            .writer_cpu_ns = writer_cpu_ns_.load(std::memory_order_relaxed)};
}

pcap_counts pcap_sink::close() {
    if (!closed_) {
        closed_ = true;
        stop_.store(true, std::memory_order_release);
        if (writer_.joinable()) {
            writer_.join();
        }
        ::munmap(ring_, mapped_);
        ::close(fd_);
    }
    return counts();
}

}  // namespace netrig::link
