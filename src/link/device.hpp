// SPDX-License-Identifier: MIT
// link: the device contract every backend models (sim, tap, af_xdp) and every wrapper (pcap,
// fault) both consumes and models. Modelled on smoltcp's phy::Device: receive() yields an rx
// token (a view of one received frame, released when the token dies), transmit() yields a tx
// token whose consume(len, fn) lets the caller write the frame in place (ring slot, UMEM frame
// or TAP buffer). Hot paths are templated on the concept; any_device.hpp erases it for --link.
#pragma once

#include <array>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <type_traits>

#include "base/bytes.hpp"
#include "base/time.hpp"

namespace netrig::link {

/// Ethernet II header length (destination MAC, source MAC, EtherType). The link layer frames
/// are Ethernet; MTU is the L3 payload size, so max frame = mtu + this (no FCS, no VLAN tag).
inline constexpr std::size_t ethernet_header_bytes = 14;

/// Checksum offload: which directions the device verifies (rx) or fills in (tx) for the stack.
struct checksum_caps {
    bool rx = false;  ///< Device has verified L4 checksums of received frames (or marks them).
    bool tx = false;  ///< Device completes partial L4 checksums of transmitted frames.
};

/// What a device can do. The stack reads this once at attach time.
struct capabilities {
    std::size_t mtu = 1500;                                      ///< L3 MTU in bytes.
    std::size_t max_frame_bytes = 1500 + ethernet_header_bytes;  ///< Largest frame accepted.
    checksum_caps checksum{};                                    ///< Checksum offload.
    bool tso = false;       ///< Accepts TCP segments larger than the MTU (segmented below).
    bool gro = false;       ///< May deliver coalesced TCP segments larger than the MTU.
    bool vnet_hdr = false;  ///< Frames carry a virtio_net_hdr side channel (TAP).
};

/// Per-frame offload information, with the semantics of the virtio_net_hdr (virtio spec 1.1
/// §5.1.6) that TAP exchanges with the kernel, in host byte order. Received: what the kernel
/// says about the frame (partial checksum, already verified, coalesced by GRO). Transmitted:
/// what the stack asks the device to do (complete a partial checksum, segment a TSO frame).
/// All zero means "nothing special": a complete, unverified frame of at most the MTU.
struct frame_offload {
    bool needs_checksum = false;        ///< VIRTIO_NET_HDR_F_NEEDS_CSUM: L4 checksum is partial.
    bool data_valid = false;            ///< VIRTIO_NET_HDR_F_DATA_VALID: checksum already verified.
    std::uint8_t gso_type = 0;          ///< VIRTIO_NET_HDR_GSO_* (gso_none, gso_tcpv4).
    std::uint16_t hdr_len = 0;          ///< Bytes of headers (Ethernet + IP + L4), for GSO.
    std::uint16_t gso_size = 0;         ///< Payload bytes per segment, for GSO.
    std::uint16_t checksum_start = 0;   ///< Frame offset where checksumming starts (L4 header).
    std::uint16_t checksum_offset = 0;  ///< Offset of the checksum field after checksum_start.
};
/// What a device reports about a received frame.
using rx_offload = frame_offload;
/// What the stack asks of the device for a transmitted frame.
using tx_offload = frame_offload;
/// VIRTIO_NET_HDR_GSO_NONE: not a GSO frame.
inline constexpr std::uint8_t gso_none = 0;
/// VIRTIO_NET_HDR_GSO_TCPV4: a TCP/IPv4 frame to cut into gso_size pieces (TSO), or one that
/// GRO coalesced from such pieces.
inline constexpr std::uint8_t gso_tcpv4 = 1;

/// Calls a receive callback with the frame's offload information if it takes it
/// (fn(bytes, const rx_offload&)), else with the frame only (fn(bytes)): callbacks written
/// before offloads existed keep compiling.
template <class Fn>
void call_rx(Fn& fn, bytes frame, const rx_offload& offload) {
    if constexpr (std::is_invocable_v<Fn&, bytes, const rx_offload&>) {
        fn(frame, offload);
    } else {
        fn(frame);
    }
}

/// A device whose receive_batch() passes rx_offload to two-argument callbacks (TAP and the
/// wrappers that forward it). Others (sim, AF_XDP) call fn(bytes) only.
template <class D>
concept reports_rx_offload = requires { requires D::reports_rx_offload; };

/// dev.receive_batch with a callback that may take (bytes, const rx_offload&): devices that do
/// not report offloads give an all-zero rx_offload.
template <class D, class Fn>
std::size_t receive_batch_offload(D& dev, instant now, std::size_t max, Fn&& fn) {
    if constexpr (reports_rx_offload<D>) {
        return dev.receive_batch(now, max,
                                 [&](bytes f, const rx_offload& o) { call_rx(fn, f, o); });
    } else {
        return dev.receive_batch(now, max, [&](bytes f) { call_rx(fn, f, rx_offload{}); });
    }
}

/// A device that can tell without a syscall whether a received frame is waiting, because its
/// receive ring is memory shared with the kernel (AF_XDP): `std::optional<bool> rx_ready()
/// const`, nullopt when it cannot tell after all. A loop polls this instead of asking epoll
/// while frames keep coming (see runtime::poll_handler::probe).
template <class D>
concept peeks_rx = requires(const D& dev) {
    { dev.rx_ready() } -> std::same_as<std::optional<bool>>;
};

/// dev.rx_ready() where the device has it; nullopt (only the fd can tell) otherwise.
template <class D>
[[nodiscard]] std::optional<bool> rx_ready_of(const D& dev) {
    if constexpr (peeks_rx<D>) {
        return dev.rx_ready();
    } else {
        (void)dev;
        return std::nullopt;
    }
}

/// A tx token that accepts per-frame offload requests (TAP with a vnet header).
template <class T>
concept offload_tx_token = requires(T& token, const tx_offload& offload) {
    token.set_offload(offload);
};

/// Passes offload to the token if it takes offload requests; otherwise does nothing (the
/// stack asks only for what capabilities() promised, so this happens for all-zero requests).
template <class T>
void set_tx_offload(T& token, const tx_offload& offload) {
    if constexpr (offload_tx_token<T>) {
        token.set_offload(offload);
    } else {
        (void)token;
        (void)offload;
    }
}

/// Why a frame was dropped by a device or wrapper. Counted in stats::drops.
enum class drop_reason : std::uint8_t {
    loss,            ///< Random (Bernoulli) loss impairment.
    burst_loss,      ///< Gilbert-Elliott burst loss impairment.
    queue_full,      ///< Drop-tail queue of a bandwidth limit was full.
    oversize,        ///< Frame larger than the link MTU allows.
    pool_exhausted,  ///< No free frame buffer (bounded pool).
    no_port,         ///< Sim switch: nowhere to deliver (e.g. addressed to the sender itself).
    ring_full,       ///< Tx ring/queue full, or the kernel said EAGAIN on write.
    io_error,        ///< A read or write syscall failed.
    truncated,       ///< Received frame was shorter than its side header (vnet) or empty.
    capture_full,    ///< pcap ring full: frame missing from the capture (not from the link).
    count_           ///< Number of reasons; not a reason.
};

/// Number of drop reasons, for arrays indexed by drop_reason.
inline constexpr std::size_t drop_reason_count = static_cast<std::size_t>(drop_reason::count_);

/// A short lowercase name for a drop reason ("queue_full"), for reports.
[[nodiscard]] std::string_view to_string(drop_reason reason);

/// Per-device counters. Plain integers: a device is used by one thread.
struct stats {
    std::uint64_t rx_frames = 0;  ///< Frames handed to the caller.
    std::uint64_t rx_bytes = 0;   ///< Their bytes (Ethernet header included, no FCS).
    std::uint64_t tx_frames = 0;  ///< Frames accepted from the caller and sent or queued.
    std::uint64_t tx_bytes = 0;   ///< Their bytes.
    std::array<std::uint64_t, drop_reason_count> drops{};  ///< Dropped frames, by reason.

    /// Counts one drop.
    void drop(drop_reason reason) { ++drops[static_cast<std::size_t>(reason)]; }
    /// Drops counted for one reason.
    [[nodiscard]] std::uint64_t dropped(drop_reason reason) const {
        return drops[static_cast<std::size_t>(reason)];
    }
    /// Drops over all reasons.
    [[nodiscard]] std::uint64_t dropped_total() const;
};

namespace detail {
/// A callable of the shape consume() accepts, used only to check the concept.
struct frame_writer_archetype {
    void operator()(mut_bytes /*frame*/) const {}
};
/// A callable of the shape receive_batch() accepts, used only to check the concept.
struct frame_reader_archetype {
    void operator()(bytes /*frame*/) const {}
};
}  // namespace detail

/// An rx token: a read-only view of one received frame. The frame's buffer is released back to
/// the device (ring, pool, UMEM fill queue) when the token is destroyed.
template <class T>
concept rx_token = std::movable<T> && requires(const T& token) {
    { token.frame() } -> std::same_as<bytes>;
};

/// A tx token: permission to send one frame. consume(len, fn) hands fn a writable view of
/// exactly len bytes inside the device's own buffer and sends it; fn's return value is returned.
/// Dropping a token unconsumed sends nothing.
template <class T>
concept tx_token = std::movable<T> &&
    requires(T& token, std::size_t len, detail::frame_writer_archetype fn) {
    token.consume(len, fn);
};

/// The device contract.
///
/// - `receive(now)`: the next received frame as a token, or nullopt when none is ready.
///   Preconditions: no other rx token of this device is alive (one outstanding rx token; this is
///   what lets TAP and AF_XDP hand out views into their batch buffers).
/// - `receive_batch(now, max, fn)`: calls fn(bytes) for up to max ready frames, releasing each
///   after fn returns; returns how many. This is the amortised path (one syscall or ring
///   peek per batch). Devices with `static constexpr bool reports_rx_offload = true` call
///   fn(bytes, const rx_offload&) when fn takes it (see call_rx, receive_batch_offload).
/// - tx tokens may have `set_offload(const tx_offload&)`, called before consume (see
///   set_tx_offload).
/// - `transmit(now)`: a tx token, or nullopt when there is no room (ring or queue full).
///   Frames may be queued until `flush(now)`; callers flush after a burst of consumes.
/// - `capabilities()`, `stats()`, `fd()` (pollable for readability; -1 for sim), and
///   `next_deadline()` (when a delayed frame becomes receivable; nullopt for real devices).
/// - Optionally `rx_ready()` (see peeks_rx).
template <class D>
concept link_device = requires(D& dev, const D& cdev, instant now, std::size_t max) {
    typename D::rx_token_type;
    typename D::tx_token_type;
    requires rx_token<typename D::rx_token_type>;
    requires tx_token<typename D::tx_token_type>;
    { dev.receive(now) } -> std::same_as<std::optional<typename D::rx_token_type>>;
    { dev.receive_batch(now, max, detail::frame_reader_archetype{}) } -> std::same_as<std::size_t>;
    { dev.transmit(now) } -> std::same_as<std::optional<typename D::tx_token_type>>;
    { dev.flush(now) } -> std::same_as<void>;
    { cdev.capabilities() } -> std::same_as<capabilities>;
    { cdev.stats() } -> std::same_as<const stats&>;
    { cdev.fd() } -> std::same_as<int>;
    { cdev.next_deadline() } -> std::same_as<std::optional<instant>>;
};

}  // namespace netrig::link
