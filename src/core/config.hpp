// SPDX-License-Identifier: MIT
// core: the configuration of one interface (addresses, MTU, offloads) and the bounds of every
// queue, cache and pool it owns. Every bound is here, so the memory of an interface is known
// when it is constructed.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>

#include "base/time.hpp"
#include "wire/address.hpp"

namespace netrig::core {

using namespace std::chrono_literals;

/// Which checksum work the link device does, so the core can skip it.
struct checksum_offload {
    /// The device verified L3/L4 checksums of received frames (TAP CHECKSUM_UNNECESSARY,
    /// AF_XDP with a verifying NIC): the core does not verify them.
    bool rx_verify = false;
    /// The device fills the UDP and TCP checksums: the core writes the pseudo-header sum (as
    /// Linux's CHECKSUM_PARTIAL expects). IPv4 header and ICMP checksums are always computed
    /// here.
    bool tx_fill = false;
};

/// Segmentation offloads of the link device (TAP with a vnet header: TUN_F_TSO4).
struct segmentation_offload {
    /// The device cuts TCP/IPv4 frames of up to 64 KiB into MSS-sized pieces (TSO): a
    /// connection may send one segment of several MSS when the next hop is resolved.
    bool tso = false;
    /// The device may deliver TCP/IPv4 frames larger than the MTU, coalesced from MSS-sized
    /// pieces (GRO, or the peer's own TSO frames on a TAP): they are accepted (IPv4 total
    /// length up to 65535) instead of being dropped as oversized.
    bool gro = false;
};

/// Bounds and timers of one interface. The defaults suit a host with a few dozen peers.
struct interface_limits {
    /// Frames queued for transmission (the queue holds this many MTU-sized frames; with TSO
    /// it also has room for two 64 KiB frames, see core/frame_ring.hpp).
    std::size_t tx_frames_max = 256;
    /// Frames handed to the emit callback per poll() call (bounded work per call).
    std::size_t poll_frames_max = 64;

    /// ARP cache entries (resolved and in progress).
    std::size_t arp_entries_max = 64;
    /// How long a resolved entry is trusted (Linux's base_reachable_time is 30 s; RFC 1122
    /// §2.3.2.1 leaves it to the implementation).
    duration arp_entry_lifetime = 60s;
    /// A used entry closer to expiry than this is re-requested (unicast) so traffic does not
    /// stall when it expires (RFC 1122 §2.3.2.1 option (2), unicast poll).
    duration arp_refresh_window = 10s;
    /// Gap between retransmitted ARP requests (RFC 1122 §2.3.2.1: at most one per second per
    /// destination).
    duration arp_retry_interval = 1s;
    /// Requests sent before a destination is declared unreachable and its queue dropped.
    std::uint8_t arp_requests_max = 3;
    /// Packets (frames) waiting for resolution, in total and per next hop (RFC 1122 §2.3.2.2:
    /// "SHOULD save at least one (the latest) packet").
    std::size_t arp_pending_max = 64;
    std::size_t arp_pending_per_dest_max = 8;

    /// Datagrams being reassembled at once.
    std::size_t reasm_datagrams_max = 8;
    /// Fragment payload bytes held across all datagrams being reassembled.
    std::size_t reasm_bytes_max = 192 * 1024;
    /// Fragments one datagram may arrive in (more means hostile or pathological input).
    std::size_t reasm_fragments_max = 64;
    /// Reassembly timeout (RFC 1122 §3.3.2: a fixed timeout; Linux uses 30 s).
    duration reasm_timeout = 30s;

    /// Path-MTU cache entries, and how long a learnt PMTU is kept (RFC 1191 §6.3: "should
    /// be set to 10 minutes").
    std::size_t pmtu_entries_max = 32;
    duration pmtu_lifetime = 600s;

    /// UDP socket slots, and each socket's receive queue bounds.
    std::size_t udp_sockets_max = 64;
    std::size_t udp_rx_datagrams_max = 64;
    std::size_t udp_rx_bytes_max = 256 * 1024;
    /// Ping (ICMP echo) socket slots and their receive queue bounds.
    std::size_t ping_sockets_max = 8;
    std::size_t ping_rx_datagrams_max = 32;
    std::size_t ping_rx_bytes_max = 128 * 1024;

    /// ICMP error rate limit: a token bucket of this burst, refilled one token per interval
    /// (RFC 1122 §3.2.2: "SHOULD ... limit the rate of ICMP error messages").
    std::uint32_t icmp_error_burst = 10;
    duration icmp_error_interval = 10ms;

    /// TCP connection slots: every connection in a state other than LISTEN and TIME-WAIT,
    /// including accepted ones not yet taken by tcp_accept and closed ones still sending
    /// their FIN. Slots (not buffers) are allocated at construction; buffers grow per
    /// connection within its conn_config budget.
    std::size_t tcp_connections_max = 1024;
    /// Listening TCP sockets.
    std::size_t tcp_listeners_max = 16;
    /// TIME-WAIT records (compact: 4-tuple and sequence numbers, not connections); the oldest
    /// is evicted when full.
    std::size_t tcp_time_wait_max = 4096;
    /// TIME-WAIT duration: 2 MSL (RFC 9293 §3.3.2; Linux uses 60 s).
    duration tcp_time_wait = 60s;
    /// Ephemeral ports of tcp_connect, separate from UDP's (as on Linux, where TCP and UDP
    /// port spaces are distinct). RFC 6335 §6 dynamic range.
    std::uint16_t tcp_ephemeral_first = 49152;
    std::uint16_t tcp_ephemeral_last = 65535;
    /// Segments one connection emits per turn of poll()'s round-robin (fairness between
    /// connections; a connection with more goes to the back of the run queue).
    std::size_t tcp_segments_per_turn = 8;

    /// TTL of the datagrams this interface originates (RFC 1700 / Linux default 64).
    std::uint8_t ttl = 64;
};

/// Everything that describes one interface.
struct interface_config {
    /// Our link-layer address.
    wire::mac_address mac;
    /// Our IPv4 address and subnet (the on-link prefix).
    wire::ipv4_cidr address;
    /// Default gateway for off-link destinations; none means off-link traffic is unroutable.
    std::optional<wire::ipv4_address> gateway;
    /// Link MTU: the largest IPv4 datagram (not frame) the link carries. At least 68
    /// (RFC 791: "Every internet module must be able to forward a datagram of 68 octets").
    std::uint16_t mtu = 1500;
    /// Checksum work done by the device.
    checksum_offload checksum;
    /// Segmentation work done by the device.
    segmentation_offload segmentation;
    /// Send a gratuitous ARP request on the first poll (RFC 5227 §3 announcement).
    bool gratuitous_arp = true;
    /// Bounds and timers.
    interface_limits limits;
};

}  // namespace netrig::core
