// SPDX-License-Identifier: MIT
// link: TAP backend (Linux TUN/TAP, Documentation/networking/tuntap.rst).
#include "link/tap.hpp"

#include <fcntl.h>
#include <linux/fs.h>
#include <linux/if_tun.h>
#include <liburing.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <new>

#include "link/error.hpp"

namespace netrig::link {

namespace {

// The legacy struct virtio_net_hdr (virtio spec 1.1 §5.1.6). <linux/virtio_net.h> cannot be
// included from C++ (a member is named `class`), so the layout is restated here.
struct virtio_net_hdr {
    std::uint8_t flags;
    std::uint8_t gso_type;
    std::uint16_t hdr_len;
    std::uint16_t gso_size;
    std::uint16_t csum_start;
    std::uint16_t csum_offset;
};
static_assert(sizeof(virtio_net_hdr) == 10);
constexpr std::uint8_t VIRTIO_NET_HDR_F_NEEDS_CSUM = 1;  // NOLINT: kernel's name
constexpr std::uint8_t VIRTIO_NET_HDR_F_DATA_VALID = 2;  // NOLINT: kernel's name

constexpr std::size_t vnet_header_bytes = sizeof(virtio_net_hdr);
// Fewest reads a batched refill submits: each that finds no frame costs an -EAGAIN.
constexpr std::size_t rx_reads_min = 4;
constexpr std::size_t tso_frame_bytes = 65536 + ethernet_header_bytes;

std::error_code errno_code(int err) {
    return {err, std::system_category()};
}

// Reads the interface MTU (SIOCGIFMTU works on any socket in the caller's namespace).
std::optional<std::size_t> interface_mtu(const std::string& name) {
    const int sock = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (sock < 0) {
        return std::nullopt;
    }
    ifreq req{};
    std::memcpy(req.ifr_name, name.c_str(), name.size());
    const int rc = ::ioctl(sock, SIOCGIFMTU, &req);
    ::close(sock);
    if (rc < 0 || req.ifr_mtu <= 0) {
        return std::nullopt;
    }
    return static_cast<std::size_t>(req.ifr_mtu);
}

}  // namespace

// An io_uring (liburing) that submits a batch of reads or writes on the tun fd and waits for
// all of them. tun completes each one inline (RWF_NOWAIT: an empty queue answers -EAGAIN
// instead of parking the read), so a batch costs one io_uring_enter instead of one syscall
// per frame; the kernel's per-frame work (copy, and on write the receive path of the peer
// stack) stays.
class tap_device::uring {
public:
    uring(const uring&) = delete;
    uring& operator=(const uring&) = delete;
    uring(uring&&) = delete;
    uring& operator=(uring&&) = delete;

    /// A ring with room for `entries` requests, or nullptr if the kernel refuses io_uring.
    static std::unique_ptr<uring> open(unsigned entries) {
        std::unique_ptr<uring> r{new uring};
        io_uring_params params{};
        // No IORING_SETUP_SINGLE_ISSUER: a device may be opened on one thread and driven on
        // another. The completion queue holds two batches, and each batch is reaped whole.
        params.flags = IORING_SETUP_CQSIZE;
        params.cq_entries = 2 * entries;
        if (::io_uring_queue_init_params(entries, &r->ring_, &params) < 0) {
            return nullptr;
        }
        r->open_ = true;
        return r;
    }

    ~uring() {
        if (open_) {
            ::io_uring_queue_exit(&ring_);
        }
    }

    /// Adds a read (write = false) into, or a write from, buf[0, len) on fd to the batch being
    /// prepared, tagged `tag`. A batch holds at most the `entries` given to open(). Offset -1:
    /// the file position (tun has none). RWF_NOWAIT: an empty queue answers a read with -EAGAIN
    /// now instead of arming a poll that would fill the slot later, behind our back, and a write
    /// is never parked or punted to a worker (as O_NONBLOCK write()).
    void add(bool write, int fd, std::uint8_t* buf, std::size_t len, std::uint64_t tag) {
        io_uring_sqe* e = ::io_uring_get_sqe(&ring_);
        NETRIG_ASSERT(e != nullptr);
        if (write) {
            ::io_uring_prep_write(e, fd, buf, static_cast<unsigned>(len), ~std::uint64_t{0});
        } else {
            ::io_uring_prep_read(e, fd, buf, static_cast<unsigned>(len), ~std::uint64_t{0});
        }
        e->rw_flags = RWF_NOWAIT;
        e->user_data = tag;
    }

    /// Submits the n requests prepared with add() and waits until all completed; calls
    /// fn(user_data, res) for each (res: bytes, or -errno). Returns false if io_uring_enter
    /// failed for another reason than an interruption (the caller then stops using the ring).
    template <class Fn>
    bool run(unsigned n, Fn&& fn) {
        unsigned reaped = 0;
        bool ok = true;
        int rc = ::io_uring_submit_and_wait(&ring_, n);
        for (;;) {
            if (rc < 0 && rc != -EINTR && rc != -EAGAIN && rc != -EBUSY) {
                ok = false;  // reap what completed, then give up on the ring
            }
            std::array<io_uring_cqe*, 64> done{};
            unsigned got = 0;
            while ((got = ::io_uring_peek_batch_cqe(&ring_, done.data(),
                                                    static_cast<unsigned>(done.size()))) > 0) {
                for (unsigned i = 0; i < got; ++i) {
                    fn(done[i]->user_data, done[i]->res);
                }
                ::io_uring_cq_advance(&ring_, got);
                reaped += got;
            }
            if (reaped >= n || !ok) {
                return ok;
            }
            rc = ::io_uring_submit_and_wait(&ring_, n - reaped);
        }
    }

private:
    uring() = default;

    io_uring ring_{};
    bool open_ = false;
};

result<tap_device, std::error_code> tap_device::open(const tap_options& options) {
    if (options.name.empty() || options.name.size() >= IFNAMSIZ) {
        return unexpected<std::error_code>(errc::invalid_name);
    }
    NETRIG_ASSERT(options.batch > 0);
    NETRIG_ASSERT(!options.offload_checksum || options.vnet_hdr);
    NETRIG_ASSERT(!options.offload_tso || options.offload_checksum);
    if (options.must_exist && ::if_nametoindex(options.name.c_str()) == 0) {
        return unexpected<std::error_code>(errc::no_such_device);
    }
    const int fd = ::open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        const int err = errno;
        if (err == ENOENT || err == ENODEV || err == ENXIO) {
            return unexpected<std::error_code>(errc::no_tun_device);
        }
        if (err == EACCES || err == EPERM) {
            return unexpected<std::error_code>(errc::permission_denied);
        }
        return unexpected(errno_code(err));
    }
    tap_device dev;
    dev.fd_ = fd;  // closed by dev's destructor on every error path below
    dev.name_ = options.name;

    ifreq req{};
    std::memcpy(req.ifr_name, options.name.c_str(), options.name.size());
    // IFF_NO_PI: no 4-byte packet-information prefix; frames start at the Ethernet header.
    req.ifr_flags = static_cast<short>(IFF_TAP | IFF_NO_PI | (options.vnet_hdr ? IFF_VNET_HDR : 0));
    if (::ioctl(fd, TUNSETIFF, &req) < 0) {
        const int err = errno;
        if (err == EPERM || err == EACCES) {
            return unexpected<std::error_code>(errc::permission_denied);
        }
        if (err == EBUSY) {
            return unexpected<std::error_code>(errc::device_busy);
        }
        return unexpected(errno_code(err));
    }
    if (options.vnet_hdr) {
        int hdr_len = static_cast<int>(vnet_header_bytes);
        if (::ioctl(fd, TUNSETVNETHDRSZ, &hdr_len) < 0) {
            return unexpected<std::error_code>(errc::not_supported);
        }
        dev.vnet_bytes_ = vnet_header_bytes;
    }
    unsigned offload = 0;
    if (options.offload_checksum) {
        offload |= TUN_F_CSUM;
    }
    if (options.offload_tso) {
        offload |= TUN_F_TSO4 | TUN_F_TSO6;
    }
    // Always set, also to 0 and also without a vnet header: a persistent tap keeps the
    // offloads a previous owner enabled, and the kernel would then hand us 64 KiB GSO frames
    // (with no header to say so) that our MTU-sized buffers truncate.
    if (::ioctl(fd, TUNSETOFFLOAD, offload) < 0 && offload != 0) {
        return unexpected<std::error_code>(errc::not_supported);
    }

    const std::size_t mtu = interface_mtu(options.name).value_or(1500);
    dev.caps_ = {
        .mtu = mtu,
        .max_frame_bytes = options.offload_tso ? tso_frame_bytes : mtu + ethernet_header_bytes,
        .checksum = {.rx = options.offload_checksum, .tx = options.offload_checksum},
        .tso = options.offload_tso,
        .gro = options.offload_tso,
        .vnet_hdr = options.vnet_hdr};
    // Read buffers take the largest frame the kernel may hand us; with TSO off that is still
    // capped by the MTU (a larger frame is truncated by read and then dropped).
    dev.slot_bytes_ = dev.vnet_bytes_ + dev.caps_.max_frame_bytes;
    dev.batch_ = options.batch;
    dev.rx_slab_.resize(dev.slot_bytes_ * dev.batch_);
    dev.rx_len_.resize(dev.batch_);
    dev.tx_slab_.resize(dev.slot_bytes_ * dev.batch_);
    dev.tx_len_.resize(dev.batch_);
    dev.tx_done_.resize(dev.batch_);
    dev.rx_slot_.resize(dev.batch_);
    for (std::size_t i = 0; i < dev.batch_; ++i) {
        dev.rx_slot_[i] = static_cast<std::uint32_t>(i);
    }
    dev.rx_reads_ = std::min<std::size_t>(dev.batch_, rx_reads_min);
    if (options.io_uring) {
        dev.uring_ = uring::open(static_cast<unsigned>(dev.batch_));  // nullptr: plain calls
    }
    return dev;
}

tap_device::tap_device(tap_device&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)),
      name_(std::move(other.name_)),
      caps_(other.caps_),
      stats_(other.stats_),
      vnet_bytes_(other.vnet_bytes_),
      slot_bytes_(other.slot_bytes_),
      batch_(other.batch_),
      rx_slab_(std::move(other.rx_slab_)),
      rx_len_(std::move(other.rx_len_)),
      rx_slot_(std::move(other.rx_slot_)),
      rx_count_(std::exchange(other.rx_count_, 0)),
      rx_reads_(other.rx_reads_),
      rx_next_(std::exchange(other.rx_next_, 0)),
      rx_outstanding_(other.rx_outstanding_),
      tx_slab_(std::move(other.tx_slab_)),
      tx_len_(std::move(other.tx_len_)),
      tx_count_(std::exchange(other.tx_count_, 0)),
      tx_done_(std::move(other.tx_done_)),
      uring_(std::move(other.uring_)) {
    NETRIG_ASSERT(!rx_outstanding_);  // moving a device with a live token would dangle it
}

tap_device& tap_device::operator=(tap_device&& other) noexcept {
    if (this != &other) {
        this->~tap_device();
        new (this) tap_device(std::move(other));
    }
    return *this;
}

tap_device::~tap_device() {
    if (fd_ >= 0) {
        ::close(fd_);
    }
}

std::size_t tap_device::refill() {
    if (uring_ != nullptr) {
        return refill_uring();
    }
    // Plain reads fill the slots in order.
    for (std::size_t i = 0; i < batch_; ++i) {
        rx_slot_[i] = static_cast<std::uint32_t>(i);
    }
    rx_count_ = 0;
    rx_next_ = 0;
    // Read until EAGAIN or the batch is full: tun hands out one frame per read(), so the
    // saving is in doing the reads back to back (and the caller polling once per batch).
    while (rx_count_ < batch_) {
        std::uint8_t* slot = rx_slab_.data() + rx_count_ * slot_bytes_;
        const ssize_t n = ::read(fd_, slot, slot_bytes_);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            if (errno != EAGAIN) {
                stats_.drop(drop_reason::io_error);
            }
            break;
        }
        const auto len = static_cast<std::size_t>(n);
        if (len <= vnet_bytes_) {
            stats_.drop(drop_reason::truncated);
            continue;
        }
        rx_len_[rx_count_] = static_cast<std::uint32_t>(len);
        ++rx_count_;
        ++stats_.rx_frames;
        stats_.rx_bytes += len - vnet_bytes_;
    }
    return rx_count_;
}

std::size_t tap_device::refill_uring() {
    rx_count_ = 0;
    rx_next_ = 0;
    const auto reads = static_cast<unsigned>(rx_reads_);
    for (unsigned i = 0; i < reads; ++i) {
        uring_->add(false, fd_, rx_slab_.data() + i * slot_bytes_, slot_bytes_, i);
    }
    // Reads complete in submission order, so frames keep their arrival order; one that found
    // the queue empty leaves a hole that rx_slot_ skips.
    constexpr std::uint32_t no_frame = ~std::uint32_t{0};
    std::fill_n(rx_len_.begin(), reads, no_frame);
    bool ok = true;
    const bool ran = uring_->run(reads, [&](std::uint64_t slot, std::int32_t res) {
        if (res >= 0) {
            rx_len_[slot] = static_cast<std::uint32_t>(res);
        } else if (res == -EOPNOTSUPP || res == -EINVAL) {
            ok = false;  // a kernel whose tun cannot do RWF_NOWAIT: nothing was read
        } else if (res != -EAGAIN && res != -EINTR) {
            stats_.drop(drop_reason::io_error);
        }
    });
    ok = ok && ran;
    for (unsigned i = 0; i < reads; ++i) {
        const std::uint32_t len = rx_len_[i];
        if (len == no_frame) {
            continue;
        }
        if (len <= vnet_bytes_) {
            stats_.drop(drop_reason::truncated);
            continue;
        }
        rx_slot_[rx_count_++] = i;
        ++stats_.rx_frames;
        stats_.rx_bytes += len - vnet_bytes_;
    }
    // Submit about twice what arrived next time: a busy link grows the batch to `batch`, an
    // idle one costs rx_reads_min -EAGAIN reads per refill.
    rx_reads_ = std::clamp<std::size_t>(2 * rx_count_, std::min(rx_reads_min, batch_), batch_);
    if (!ok) {
        // The kernel stopped taking batches: plain read()/write() from now on. This batch's
        // frames stay where they are (rx_slot_ keeps naming them until the next refill).
        uring_.reset();
    }
    return rx_count_;
}

bytes tap_device::rx_frame(std::size_t pos) const {
    NETRIG_ASSERT(pos < rx_count_);
    const std::size_t slot = rx_slot_[pos];
    return bytes{rx_slab_}.subspan(slot * slot_bytes_ + vnet_bytes_, rx_len_[slot] - vnet_bytes_);
}

vnet_info tap_device::rx_vnet(std::size_t pos) const {
    const std::size_t slot = rx_slot_[pos];
    vnet_info info;
    if (vnet_bytes_ == 0) {
        return info;
    }
    virtio_net_hdr hdr{};
    std::memcpy(&hdr, rx_slab_.data() + slot * slot_bytes_, sizeof hdr);
    // Legacy vnet header fields are in host byte order (no TUNSETVNETLE/BE set).
    info.needs_checksum = (hdr.flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) != 0;
    info.data_valid = (hdr.flags & VIRTIO_NET_HDR_F_DATA_VALID) != 0;
    info.gso_type = hdr.gso_type;
    info.hdr_len = hdr.hdr_len;
    info.gso_size = hdr.gso_size;
    info.checksum_start = hdr.csum_start;
    info.checksum_offset = hdr.csum_offset;
    return info;
}

std::optional<tap_device::rx_token_type> tap_device::receive(instant /*now*/) {
    NETRIG_ASSERT(!rx_outstanding_);
    if (rx_next_ == rx_count_ && refill() == 0) {
        return std::nullopt;
    }
    const std::size_t slot = rx_next_++;
    rx_outstanding_ = true;
    return rx_token_type{this, rx_frame(slot), rx_vnet(slot)};
}

std::optional<tap_device::tx_token_type> tap_device::transmit(instant now) {
    if (tx_count_ == batch_) {
        flush(now);
    }
    return tx_token_type{this};
}

mut_bytes tap_device::tx_slot(std::size_t len, const vnet_info& vnet) {
    NETRIG_ASSERT(len > 0);
    NETRIG_ASSERT(len <= caps_.max_frame_bytes);
    NETRIG_ASSERT(tx_count_ < batch_);
    std::uint8_t* slot = tx_slab_.data() + tx_count_ * slot_bytes_;
    if (vnet_bytes_ != 0) {
        virtio_net_hdr hdr{};
        hdr.flags =
            static_cast<std::uint8_t>((vnet.needs_checksum ? VIRTIO_NET_HDR_F_NEEDS_CSUM : 0) |
                                      (vnet.data_valid ? VIRTIO_NET_HDR_F_DATA_VALID : 0));
        hdr.gso_type = vnet.gso_type;
        hdr.hdr_len = vnet.hdr_len;
        hdr.gso_size = vnet.gso_size;
        hdr.csum_start = vnet.checksum_start;
        hdr.csum_offset = vnet.checksum_offset;
        std::memcpy(slot, &hdr, sizeof hdr);
    }
    return {slot + vnet_bytes_, len};
}

void tap_device::tx_commit(std::size_t len) {
    tx_len_[tx_count_] = static_cast<std::uint32_t>(len + vnet_bytes_);
    ++tx_count_;
}

void tap_device::count_tx(std::size_t slot, long result) {
    if (result < 0) {
        // EAGAIN: the tap's queue is full (or no carrier); never block the stack.
        stats_.drop(result == -EAGAIN ? drop_reason::ring_full : drop_reason::io_error);
        return;
    }
    ++stats_.tx_frames;
    stats_.tx_bytes += tx_len_[slot] - vnet_bytes_;
}

void tap_device::flush_uring() {
    const auto n = static_cast<unsigned>(tx_count_);
    for (unsigned i = 0; i < n; ++i) {
        uring_->add(true, fd_, tx_slab_.data() + i * slot_bytes_, tx_len_[i], i);
    }
    std::fill_n(tx_done_.begin(), n, std::uint8_t{0});
    bool ok = true;
    const bool ran = uring_->run(n, [&](std::uint64_t slot, std::int32_t res) {
        if (res == -EOPNOTSUPP || res == -EINVAL) {
            ok = false;  // a kernel whose tun cannot do RWF_NOWAIT: the frame was not sent
            return;
        }
        tx_done_[slot] = 1;
        count_tx(slot, res);
    });
    ok = ok && ran;
    if (!ok) {
        // The kernel stopped taking batches (e.g. a seccomp filter on io_uring_enter): plain
        // write()s from now on, starting with the frames this batch did not send.
        uring_.reset();
        for (unsigned i = 0; i < n; ++i) {
            if (tx_done_[i] == 0) {
                write_one(i);
            }
        }
    }
}

void tap_device::flush(instant /*now*/) {
    // One frame needs no ring: a plain write() is the same single syscall.
    if (uring_ != nullptr && tx_count_ > 1) {
        flush_uring();
        tx_count_ = 0;
        return;
    }
    for (std::size_t i = 0; i < tx_count_; ++i) {
        write_one(i);
    }
    tx_count_ = 0;
}

void tap_device::write_one(std::size_t slot) {
    const std::uint8_t* frame = tx_slab_.data() + slot * slot_bytes_;
    ssize_t n = 0;
    do {
        n = ::write(fd_, frame, tx_len_[slot]);
    } while (n < 0 && errno == EINTR);
    count_tx(slot, n < 0 ? -errno : n);
}

}  // namespace netrig::link
