// SPDX-License-Identifier: MIT
// Interop helpers shared by the link probes: hand-built Ethernet + IPv4 + UDP frames with
// correct checksums (the link layer knows no IP, so the tests build the bytes themselves), and
// reading an interface MAC from sysfs.
#pragma once

#include <arpa/inet.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

namespace link_test {

inline std::uint16_t checksum_finish(std::uint32_t sum) {
    while ((sum >> 16U) != 0) {
        sum = (sum & 0xffffU) + (sum >> 16U);
    }
    return static_cast<std::uint16_t>(~sum);
}

inline std::uint32_t checksum_add(std::uint32_t sum, const std::uint8_t* p, std::size_t n) {
    for (std::size_t i = 0; i + 1 < n; i += 2) {
        sum += static_cast<std::uint32_t>((p[i] << 8U) | p[i + 1]);
    }
    if ((n & 1U) != 0) {
        sum += static_cast<std::uint32_t>(p[n - 1] << 8U);
    }
    return sum;
}

// Ethernet II + IPv4 (RFC 791) + UDP (RFC 768) with correct checksums.
inline std::vector<std::uint8_t> udp_frame(const std::uint8_t dst_mac[6], in_addr src, in_addr dst,
                                           std::uint16_t port, const std::string& payload,
                                           bool partial_checksum = false) {
    const std::size_t udp_len = 8 + payload.size();
    const std::size_t ip_len = 20 + udp_len;
    std::vector<std::uint8_t> f(14 + ip_len);
    std::memcpy(f.data(), dst_mac, 6);
    const std::uint8_t src_mac[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x02};
    std::memcpy(f.data() + 6, src_mac, 6);
    f[12] = 0x08;
    f[13] = 0x00;
    std::uint8_t* ip = f.data() + 14;
    ip[0] = 0x45;
    ip[2] = static_cast<std::uint8_t>(ip_len >> 8U);
    ip[3] = static_cast<std::uint8_t>(ip_len);
    ip[6] = 0x40;  // DF
    ip[8] = 64;    // TTL
    ip[9] = 17;    // UDP
    std::memcpy(ip + 12, &src, 4);
    std::memcpy(ip + 16, &dst, 4);
    const std::uint16_t ip_sum = checksum_finish(checksum_add(0, ip, 20));
    ip[10] = static_cast<std::uint8_t>(ip_sum >> 8U);
    ip[11] = static_cast<std::uint8_t>(ip_sum);
    std::uint8_t* udp = ip + 20;
    udp[0] = 0xc3;
    udp[1] = 0x50;  // source port 50000
    udp[2] = static_cast<std::uint8_t>(port >> 8U);
    udp[3] = static_cast<std::uint8_t>(port);
    udp[4] = static_cast<std::uint8_t>(udp_len >> 8U);
    udp[5] = static_cast<std::uint8_t>(udp_len);
    std::memcpy(udp + 8, payload.data(), payload.size());
    // RFC 768: checksum over the pseudo header (src, dst, zero, proto, UDP length) and datagram.
    std::uint32_t sum = checksum_add(0, ip + 12, 8);
    sum += 17 + static_cast<std::uint32_t>(udp_len);
    sum = checksum_add(sum, udp, udp_len);
    if (partial_checksum) {
        // Checksum offload (virtio NEEDS_CSUM / Linux CHECKSUM_PARTIAL): the field holds the
        // folded pseudo-header sum, not complemented; the device sums from checksum_start to
        // the end and stores the complement at checksum_start + checksum_offset.
        std::uint32_t pseudo =
            checksum_add(0, ip + 12, 8) + 17 + static_cast<std::uint32_t>(udp_len);
        const std::uint16_t folded = static_cast<std::uint16_t>(~checksum_finish(pseudo));
        udp[6] = static_cast<std::uint8_t>(folded >> 8U);
        udp[7] = static_cast<std::uint8_t>(folded);
        return f;
    }
    std::uint16_t udp_sum = checksum_finish(sum);
    if (udp_sum == 0) {
        udp_sum = 0xffff;
    }
    udp[6] = static_cast<std::uint8_t>(udp_sum >> 8U);
    udp[7] = static_cast<std::uint8_t>(udp_sum);
    return f;
}

inline bool read_mac(const std::string& tap, std::uint8_t out[6]) {
    std::ifstream in("/sys/class/net/" + tap + "/address");
    std::string text;
    in >> text;
    unsigned v[6];
    if (std::sscanf(text.c_str(), "%x:%x:%x:%x:%x:%x", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5]) !=
        6) {
        return false;
    }
    for (int i = 0; i < 6; ++i) {
        out[i] = static_cast<std::uint8_t>(v[i]);
    }
    return true;
}

/// Parses "aa:bb:cc:dd:ee:ff".
inline bool parse_mac(const std::string& text, std::uint8_t out[6]) {
    unsigned v[6];
    if (std::sscanf(text.c_str(), "%x:%x:%x:%x:%x:%x", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5]) !=
        6) {
        return false;
    }
    for (int i = 0; i < 6; ++i) {
        out[i] = static_cast<std::uint8_t>(v[i]);
    }
    return true;
}

}  // namespace link_test
