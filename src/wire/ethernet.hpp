// SPDX-License-Identifier: MIT
// wire: Ethernet II frames (IEEE 802.3 type field, RFC 894) with an optional IEEE 802.1Q tag.
#pragma once

#include <cstdint>
#include <optional>

#include "base/bytes.hpp"
#include "base/result.hpp"
#include "wire/address.hpp"
#include "wire/parse_error.hpp"

namespace netrig::wire::ethernet {

//  0                   1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                  Destination MAC (6 octets)                   |
// +                               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                               |                               |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+     Source MAC (6 octets)     +
// |                                                               |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |   EtherType (or TPID 0x8100)  | [802.1Q: PCP|D|    VID      ] |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// | [802.1Q: inner EtherType]     |  payload ...
/// Byte offsets of the Ethernet II header fields.
namespace field {
inline constexpr std::size_t destination = 0;
inline constexpr std::size_t source = 6;
inline constexpr std::size_t ethertype = 12;
/// With an 802.1Q tag: the tag control information (PCP, DEI, VID) ...
inline constexpr std::size_t vlan_tci = 14;
/// ... and the real EtherType after it.
inline constexpr std::size_t vlan_ethertype = 16;
}  // namespace field

/// Header length without a tag.
inline constexpr std::size_t min_header_len = 14;
/// Header length with one 802.1Q tag.
inline constexpr std::size_t vlan_header_len = 18;

/// EtherType values we know.
namespace ethertype {
inline constexpr std::uint16_t ipv4 = 0x0800;
inline constexpr std::uint16_t arp = 0x0806;
inline constexpr std::uint16_t vlan = 0x8100;
inline constexpr std::uint16_t ipv6 = 0x86dd;
}  // namespace ethertype

/// An IEEE 802.1Q tag.
struct vlan_tag {
    /// Priority code point, 0..7.
    std::uint8_t pcp = 0;
    /// Drop eligible indicator.
    bool dei = false;
    /// VLAN identifier, 0..4095.
    std::uint16_t vid = 0;
    friend constexpr bool operator==(const vlan_tag&, const vlan_tag&) = default;
};

/// A checked read-only view of an Ethernet II frame (without FCS). Valid while the bytes are.
class view {
public:
    /// Checks that the header (and the 802.1Q tag, if the TPID says there is one) fits.
    /// Errors: truncated. Frames whose type field is a length (< 0x0600, IEEE 802.3 with LLC)
    /// are accepted here; ethertype() then returns that length and callers drop them.
    [[nodiscard]] static result<view, parse_error> parse(bytes frame);

    /// Destination MAC.
    [[nodiscard]] mac_address destination() const {
        return mac_address::from_bytes(frame_.subspan(field::destination));
    }
    /// Source MAC.
    [[nodiscard]] mac_address source() const {
        return mac_address::from_bytes(frame_.subspan(field::source));
    }
    /// True if the frame carries an 802.1Q tag.
    [[nodiscard]] bool has_vlan() const { return header_len_ == vlan_header_len; }
    /// The tag. Preconditions: has_vlan().
    [[nodiscard]] vlan_tag vlan() const;
    /// The EtherType of the payload (the inner one for a tagged frame).
    [[nodiscard]] std::uint16_t ethertype() const {
        return load_be16(frame_, has_vlan() ? field::vlan_ethertype : field::ethertype);
    }
    /// Length of the header, 14 or 18.
    [[nodiscard]] std::size_t header_len() const { return header_len_; }
    /// Everything after the header (may include link-layer padding).
    [[nodiscard]] bytes payload() const { return frame_.subspan(header_len_); }
    /// The whole frame.
    [[nodiscard]] bytes frame() const { return frame_; }

private:
    view(bytes frame, std::size_t hlen) : frame_(frame), header_len_(hlen) {}
    bytes frame_;
    std::size_t header_len_;
};

/// A validated Ethernet II header.
struct repr {
    mac_address destination;  ///< destination MAC
    mac_address source;       ///< source MAC
    std::uint16_t ethertype = 0;  ///< payload EtherType (never 0x8100 here; the tag is `vlan`)
    std::optional<vlan_tag> vlan;  ///< the 802.1Q tag, if any

    /// Reads the header from a view. Errors: unsupported for a length field (< 0x0600) or a
    /// second tag (QinQ).
    [[nodiscard]] static result<repr, parse_error> parse(const view& v);
    /// Header length this repr emits: 14, or 18 with a tag.
    [[nodiscard]] std::size_t buffer_len() const { return vlan ? vlan_header_len : min_header_len; }
    /// Writes the header to buffer[0, buffer_len()); the payload after it is the caller's.
    /// Preconditions: buffer.size() >= buffer_len(); vlan->vid <= 4095; vlan->pcp <= 7.
    void emit(mut_bytes buffer) const;

    friend bool operator==(const repr&, const repr&) = default;
};

}  // namespace netrig::wire::ethernet
