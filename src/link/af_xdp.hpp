// SPDX-License-Identifier: MIT
// link: the AF_XDP backend (libxdp/libbpf). One socket on one interface queue with its own
// UMEM: the fill and rx rings carry received frames, the tx and completion rings sent ones.
// Binding tries native (driver) XDP then generic SKB mode, and zero-copy then copy, and
// reports what it got; EBUSY while the kernel still tears down a previous socket on the queue
// is retried for a short window. The XDP program it loads (libxdp's default redirect-all
// program) is unloaded on close, and af_xdp_cleanup() unloads it from a signal path.
// need_wakeup is used when the kernel offers it; busy polling is optional.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <system_error>
#include <type_traits>
#include <utility>

#include "base/assert.hpp"
#include "base/bytes.hpp"
#include "base/result.hpp"
#include "base/time.hpp"
#include "link/device.hpp"
#include "link/fill_then.hpp"
#include "link/function_ref.hpp"

namespace netrig::link {

/// Which XDP attach mode to use.
enum class xdp_attach : std::uint8_t {
    automatic,  ///< Native (driver) mode, falling back to generic SKB mode.
    native,     ///< Native only.
    skb,        ///< Generic SKB mode only.
};

/// Whether the socket should map NIC buffers directly.
enum class xdp_copy : std::uint8_t {
    automatic,  ///< Zero-copy, falling back to copy mode.
    zero_copy,  ///< Zero-copy only (fails on drivers without it, e.g. veth).
    copy,       ///< Copy mode only.
};

/// How to open an AF_XDP socket.
struct af_xdp_options {
    std::string interface;                      ///< Interface name.
    std::uint32_t queue = 0;                    ///< Queue id to bind.
    xdp_attach attach = xdp_attach::automatic;  ///< Attach mode preference.
    xdp_copy copy = xdp_copy::automatic;        ///< Copy mode preference.
    bool receive = true;               ///< false: tx-only socket, no XDP program is loaded.
    std::uint32_t frame_count = 4096;  ///< UMEM frames; half for rx (fill ring), half for tx.
    std::uint32_t frame_bytes = 4096;  ///< UMEM frame size (power of two, 2048 or 4096).
    std::uint32_t ring_size = 2048;    ///< Entries of each ring (power of two).
    bool busy_poll = false;  ///< SO_PREFER_BUSY_POLL + SO_BUSY_POLL(_BUDGET) on the socket.
    std::chrono::milliseconds rebind_window{300};  ///< How long EBUSY binds are retried.
};

/// What the bind got.
struct af_xdp_mode {
    bool native = false;       ///< Native (driver) XDP; false = generic SKB mode.
    bool zero_copy = false;    ///< Zero-copy; false = copy mode.
    bool program = false;      ///< This socket loaded an XDP program (rx sockets).
    bool need_wakeup = false;  ///< The kernel honours XDP_USE_NEED_WAKEUP.
};

/// Unloads the XDP programs of every AF_XDP device still open in this process. For the
/// runtime's SIGINT/SIGTERM handling (call it from the signal-handling context, e.g. after a
/// signalfd read, not from an async handler: libxdp uses netlink and malloc).
void af_xdp_cleanup() noexcept;

/// An AF_XDP socket with its UMEM. Move-only (holds a heap state block so moves are cheap).
class af_xdp_device {
    struct state;

public:
    /// A received frame in the UMEM; returned to the fill ring when the token dies.
    class rx_token_type {
    public:
        rx_token_type(rx_token_type&& other) noexcept
            : dev_(std::exchange(other.dev_, nullptr)), frame_(other.frame_) {}
        rx_token_type& operator=(rx_token_type&& other) noexcept {
            if (this != &other) {
                release();
                dev_ = std::exchange(other.dev_, nullptr);
                frame_ = other.frame_;
            }
            return *this;
        }
        rx_token_type(const rx_token_type&) = delete;
        rx_token_type& operator=(const rx_token_type&) = delete;
        ~rx_token_type() { release(); }
        /// The frame, in the UMEM.
        [[nodiscard]] bytes frame() const { return frame_; }

    private:
        friend class af_xdp_device;
        rx_token_type(af_xdp_device* dev, bytes frame) : dev_(dev), frame_(frame) {}
        void release() {
            if (dev_ != nullptr) {
                dev_->rx_release_one();
                dev_ = nullptr;
            }
        }
        af_xdp_device* dev_;
        bytes frame_;
    };

    /// A free UMEM tx frame; consume() writes into it and queues it on the tx ring.
    class tx_token_type {
    public:
        tx_token_type(tx_token_type&& other) noexcept
            : dev_(std::exchange(other.dev_, nullptr)), addr_(other.addr_) {}
        tx_token_type& operator=(tx_token_type&& other) noexcept {
            if (this != &other) {
                release();
                dev_ = std::exchange(other.dev_, nullptr);
                addr_ = other.addr_;
            }
            return *this;
        }
        tx_token_type(const tx_token_type&) = delete;
        tx_token_type& operator=(const tx_token_type&) = delete;
        ~tx_token_type() { release(); }

        /// fn writes len bytes straight into the UMEM frame; the descriptor goes on the tx ring
        /// (the kernel is kicked at flush()). Preconditions: 0 < len <= max_frame_bytes.
        template <class Fn>
        decltype(auto) consume(std::size_t len, Fn&& fn) {
            NETRIG_ASSERT(dev_ != nullptr);
            af_xdp_device* dev = std::exchange(dev_, nullptr);
            mut_bytes buf = dev->tx_buffer(addr_, len);
            return fill_then(buf, std::forward<Fn>(fn), [&] { dev->tx_submit(addr_, len); });
        }

    private:
        friend class af_xdp_device;
        tx_token_type(af_xdp_device* dev, std::uint64_t addr) : dev_(dev), addr_(addr) {}
        void release() {
            if (dev_ != nullptr) {
                dev_->tx_unused(addr_);
                dev_ = nullptr;
            }
        }
        af_xdp_device* dev_;
        std::uint64_t addr_;
    };

    /// Creates the UMEM and socket and binds it. Errors (errc): invalid_name, no_such_device,
    /// permission_denied, device_busy (still EBUSY after rebind_window), not_supported (no
    /// mode allowed by the options works); other failures as std::system_category errno.
    [[nodiscard]] static result<af_xdp_device, std::error_code> open(const af_xdp_options& options);

    af_xdp_device(af_xdp_device&& other) noexcept;
    af_xdp_device& operator=(af_xdp_device&& other) noexcept;
    af_xdp_device(const af_xdp_device&) = delete;
    af_xdp_device& operator=(const af_xdp_device&) = delete;
    /// Deletes the socket and UMEM and unloads the XDP program this socket loaded.
    ~af_xdp_device();

    /// See link_device. Preconditions: no other rx token of this device is alive.
    [[nodiscard]] std::optional<rx_token_type> receive(instant now);
    /// See link_device: one rx ring peek for up to max frames, one fill ring refill.
    template <class Fn>
    std::size_t receive_batch(instant now, std::size_t max, Fn&& fn) {
        (void)now;
        return receive_batch_erased(max, fn);
    }
    /// See link_device: nullopt when no UMEM tx frame is free (completions are reaped first).
    [[nodiscard]] std::optional<tx_token_type> transmit(instant now);
    /// Publishes queued tx descriptors and kicks the kernel (sendto) when it asks for it.
    void flush(instant now);
    /// See link_device.
    [[nodiscard]] link::capabilities capabilities() const;
    /// See link_device.
    [[nodiscard]] const link::stats& stats() const;
    /// The XSK socket fd (poll for POLLIN).
    [[nodiscard]] int fd() const;
    /// Always nullopt.
    [[nodiscard]] std::optional<instant> next_deadline() const { return std::nullopt; }
    /// See peeks_rx: whether the rx ring holds a frame (one load of the kernel's producer
    /// index); nullopt for a tx-only socket.
    [[nodiscard]] std::optional<bool> rx_ready() const;
    /// The mode the bind ended up in.
    [[nodiscard]] af_xdp_mode mode() const;

private:
    explicit af_xdp_device(std::unique_ptr<state> s);
    std::size_t receive_batch_erased(std::size_t max, function_ref<void(bytes)> fn);
    void rx_release_one();
    mut_bytes tx_buffer(std::uint64_t addr, std::size_t len);
    void tx_submit(std::uint64_t addr, std::size_t len);
    void tx_unused(std::uint64_t addr);

    std::unique_ptr<state> s_;
};

static_assert(link_device<af_xdp_device>);
static_assert(peeks_rx<af_xdp_device>);

}  // namespace netrig::link
