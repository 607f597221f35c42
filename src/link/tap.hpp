// SPDX-License-Identifier: MIT
// link: the TAP backend. Attaches to a named TAP interface (TUNSETIFF, IFF_TAP | IFF_NO_PI,
// optionally IFF_VNET_HDR with TUNSETOFFLOAD checksum/TSO offload), non-blocking. Receives in
// batches (reads until EAGAIN into a ring of buffers; tun has no multi-frame read) and queues
// transmitted frames until flush(). A batch of reads or of writes is one io_uring_enter() when
// the kernel allows io_uring (read()/write() per frame otherwise). Models link_device; fd() is
// pollable.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "base/assert.hpp"
#include "base/bytes.hpp"
#include "base/result.hpp"
#include "base/time.hpp"
#include "link/device.hpp"
#include "link/fill_then.hpp"

namespace netrig::link {

/// How to attach to a TAP interface.
struct tap_options {
    std::string name;               ///< Interface name (< IFNAMSIZ).
    bool must_exist = true;         ///< Fail with no_such_device instead of creating it.
    bool vnet_hdr = false;          ///< Frames carry a virtio_net_hdr (needed for offloads).
    bool offload_checksum = false;  ///< TUN_F_CSUM: partial checksums both ways (vnet_hdr).
    bool offload_tso = false;       ///< TUN_F_TSO4|TSO6: large TCP frames both ways (checksum).
    std::size_t batch = 32;         ///< Frames per receive batch and per tx flush.
    /// Submit each batch of reads and of writes with one io_uring_enter() instead of one
    /// read()/write() per frame (tun moves one frame per call, and a syscall costs ~1 us in
    /// this VM). Falls back to plain calls if io_uring_setup fails.
    bool io_uring = true;
};

/// The virtio_net_hdr side channel of a frame (only with vnet_hdr): link's frame_offload.
using vnet_info = frame_offload;

/// An attached TAP interface. Move-only; closing the fd detaches (the interface stays).
class tap_device {
public:
    /// receive_batch() passes each frame's vnet header to two-argument callbacks.
    static constexpr bool reports_rx_offload = true;

    /// A received frame in the device's receive batch.
    class rx_token_type {
    public:
        rx_token_type(rx_token_type&& other) noexcept
            : dev_(std::exchange(other.dev_, nullptr)), frame_(other.frame_), vnet_(other.vnet_) {}
        rx_token_type& operator=(rx_token_type&& other) noexcept {
            if (this != &other) {
                release();
                dev_ = std::exchange(other.dev_, nullptr);
                frame_ = other.frame_;
                vnet_ = other.vnet_;
            }
            return *this;
        }
        rx_token_type(const rx_token_type&) = delete;
        rx_token_type& operator=(const rx_token_type&) = delete;
        ~rx_token_type() { release(); }
        /// The frame (without the vnet header).
        [[nodiscard]] bytes frame() const { return frame_; }
        /// Offload information from the kernel (all zero without vnet_hdr).
        [[nodiscard]] const vnet_info& vnet() const { return vnet_; }

    private:
        friend class tap_device;
        rx_token_type(tap_device* dev, bytes frame, const vnet_info& vnet)
            : dev_(dev), frame_(frame), vnet_(vnet) {}
        void release() {
            if (dev_ != nullptr) {
                dev_->rx_outstanding_ = false;
                dev_ = nullptr;
            }
        }
        tap_device* dev_;
        bytes frame_;
        vnet_info vnet_;
    };

    /// Permission to queue one frame in the tx batch.
    class tx_token_type {
    public:
        /// Asks the kernel to complete a checksum or segment the frame (vnet_hdr only).
        void set_offload(const vnet_info& vnet) { vnet_ = vnet; }
        /// fn writes len bytes straight into the tx batch buffer; sent at flush().
        /// Preconditions: 0 < len <= capabilities().max_frame_bytes.
        template <class Fn>
        decltype(auto) consume(std::size_t len, Fn&& fn) {
            mut_bytes buf = dev_->tx_slot(len, vnet_);
            return fill_then(buf, std::forward<Fn>(fn), [&] { dev_->tx_commit(len); });
        }

    private:
        friend class tap_device;
        explicit tx_token_type(tap_device* dev) : dev_(dev) {}
        tap_device* dev_;
        vnet_info vnet_{};
    };

    /// Attaches to options.name. Errors (errc): invalid_name, no_such_device (must_exist),
    /// no_tun_device, permission_denied, device_busy, not_supported (offload refused); other
    /// failures as std::system_category errno.
    [[nodiscard]] static result<tap_device, std::error_code> open(const tap_options& options);

    tap_device(tap_device&& other) noexcept;
    tap_device& operator=(tap_device&& other) noexcept;
    tap_device(const tap_device&) = delete;
    tap_device& operator=(const tap_device&) = delete;
    ~tap_device();

    /// See link_device. Preconditions: no other rx token of this device is alive.
    [[nodiscard]] std::optional<rx_token_type> receive(instant now);
    /// See link_device: frames of the current batch, refilled with a read loop until EAGAIN.
    template <class Fn>
    std::size_t receive_batch(instant now, std::size_t max, Fn&& fn) {
        NETRIG_ASSERT(!rx_outstanding_);
        std::size_t n = 0;
        while (n < max) {
            if (rx_next_ == rx_count_ && refill() == 0) {
                break;
            }
            const std::size_t slot = rx_next_++;
            call_rx(fn, rx_frame(slot), rx_vnet(slot));
            ++n;
        }
        (void)now;
        return n;
    }
    /// See link_device. Flushes first when the tx batch is full, so always gives a token.
    [[nodiscard]] std::optional<tx_token_type> transmit(instant now);
    /// Writes every queued frame (one write each: tun takes one frame per write). EAGAIN drops
    /// the frame (ring_full) rather than blocking.
    void flush(instant now);
    /// MTU from the interface, offloads as negotiated.
    [[nodiscard]] link::capabilities capabilities() const { return caps_; }
    /// Counters.
    [[nodiscard]] const link::stats& stats() const { return stats_; }
    /// The tun fd (non-blocking), readable when frames wait.
    [[nodiscard]] int fd() const { return fd_; }
    /// Always nullopt: a real device has no simulated arrivals.
    [[nodiscard]] std::optional<instant> next_deadline() const { return std::nullopt; }
    /// The interface name.
    [[nodiscard]] const std::string& name() const { return name_; }
    /// True if batches go through an io_uring (tap_options::io_uring and the kernel allowed it).
    [[nodiscard]] bool uses_io_uring() const { return uring_ != nullptr; }

private:
    class uring;  // the io_uring of tap.cpp (liburing)

    tap_device() = default;
    std::size_t refill();
    std::size_t refill_uring();
    void flush_uring();
    void write_one(std::size_t slot);
    void count_tx(std::size_t slot, long result);
    [[nodiscard]] bytes rx_frame(std::size_t slot) const;
    [[nodiscard]] vnet_info rx_vnet(std::size_t slot) const;
    mut_bytes tx_slot(std::size_t len, const vnet_info& vnet);
    void tx_commit(std::size_t len);

    int fd_ = -1;
    std::string name_;
    link::capabilities caps_{};
    link::stats stats_{};
    std::size_t vnet_bytes_ = 0;  // 10 with IFF_VNET_HDR, else 0
    std::size_t slot_bytes_ = 0;  // vnet header + max frame
    std::size_t batch_ = 0;
    std::vector<std::uint8_t> rx_slab_;
    std::vector<std::uint32_t> rx_len_;  // bytes read into each slot (vnet header included)
    std::vector<std::uint32_t> rx_slot_;  // slot of the i-th received frame (reads that found
                                          // no frame leave holes when batched)
    std::size_t rx_count_ = 0;
    std::size_t rx_reads_ = 0;  // reads the next batched refill submits (adapts to the arrivals)
    std::size_t rx_next_ = 0;
    bool rx_outstanding_ = false;
    std::vector<std::uint8_t> tx_slab_;
    std::vector<std::uint32_t> tx_len_;
    std::size_t tx_count_ = 0;
    std::vector<std::uint8_t> tx_done_;  // per slot: completed in the current batched flush
    std::unique_ptr<uring> uring_;
};

static_assert(link_device<tap_device>);

}  // namespace netrig::link
