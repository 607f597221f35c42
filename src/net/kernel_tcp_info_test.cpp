// SPDX-License-Identifier: MIT
// net: conversion of Linux TCP_INFO bytes into net::tcp_info, including the fields a kernel
// older or newer than the build headers does or does not fill.
#include <linux/tcp.h>

#include <gtest/gtest.h>

#include <array>
#include <cstddef>
#include <cstring>

#include "net/kernel_tcp.hpp"

namespace netrig::net::kernel {
namespace {

using namespace std::chrono_literals;

::tcp_info sample() {
    ::tcp_info k{};
    k.tcpi_snd_cwnd = 10;
    k.tcpi_snd_mss = 1448;
    k.tcpi_rcv_mss = 536;
    k.tcpi_snd_ssthresh = 20;
    k.tcpi_rtt = 250;
    k.tcpi_rttvar = 50;
    k.tcpi_rto = 201000;
    k.tcpi_min_rtt = 30;
    k.tcpi_retransmits = 1;
    k.tcpi_total_retrans = 7;
    k.tcpi_unacked = 3;
    k.tcpi_notsent_bytes = 99;
    k.tcpi_bytes_acked = 1000;
    k.tcpi_bytes_received = 2000;
    k.tcpi_pmtu = 65535;
    k.tcpi_delivery_rate = 123456;
    k.tcpi_bytes_sent = 5000;
    k.tcpi_bytes_retrans = 10;
    k.tcpi_snd_wnd = 65536;
    return k;
}

TEST(tcp_info_from_linux, converts_units_and_fields) {
    const ::tcp_info k = sample();
    // A newer kernel appends tcpi_rcv_wnd right after tcpi_snd_wnd.
    alignas(8) std::array<std::byte, 512> raw{};
    std::memcpy(raw.data(), &k, sizeof(k));
    const std::uint32_t rcv_wnd = 131072;
    const std::size_t rcv_off = offsetof(::tcp_info, tcpi_snd_wnd) + 4;
    std::memcpy(raw.data() + rcv_off, &rcv_wnd, 4);
    const tcp_info i = tcp_info_from_linux(raw.data(), rcv_off + 4);
    EXPECT_EQ(i.cwnd_segments, 10U);
    EXPECT_EQ(i.cwnd_bytes, 14480U);
    EXPECT_EQ(i.mss_bytes, 1448U);
    EXPECT_EQ(i.rcv_mss_bytes, 536U);
    EXPECT_EQ(i.ssthresh_segments, 20U);
    EXPECT_EQ(i.srtt, 250us);
    EXPECT_EQ(i.rttvar, 50us);
    EXPECT_EQ(i.rto, 201ms);
    EXPECT_EQ(i.min_rtt, 30us);
    EXPECT_EQ(i.retransmits, 1U);
    EXPECT_EQ(i.total_retrans, 7U);
    EXPECT_EQ(i.unacked_segments, 3U);
    EXPECT_EQ(i.bytes_in_flight, 3U * 1448U);
    EXPECT_EQ(i.notsent_bytes, 99U);
    EXPECT_EQ(i.bytes_acked, 1000U);
    EXPECT_EQ(i.bytes_received, 2000U);
    EXPECT_EQ(i.bytes_sent, 5000U);
    EXPECT_EQ(i.bytes_retrans, 10U);
    EXPECT_EQ(i.pmtu_bytes, 65535U);
    EXPECT_EQ(i.delivery_rate_bytes_per_s, 123456U);
    EXPECT_EQ(i.snd_wnd_bytes, 65536U);
    EXPECT_EQ(i.rcv_wnd_bytes, 131072U);
}

TEST(tcp_info_from_linux, fields_beyond_the_filled_length_are_absent) {
    const ::tcp_info k = sample();
    // An old kernel that stops before tcpi_delivery_rate.
    const std::size_t len = offsetof(::tcp_info, tcpi_delivery_rate);
    const tcp_info i = tcp_info_from_linux(&k, len);
    EXPECT_EQ(i.cwnd_segments, 10U);
    EXPECT_FALSE(i.delivery_rate_bytes_per_s.has_value());
    EXPECT_FALSE(i.snd_wnd_bytes.has_value());
    EXPECT_FALSE(i.rcv_wnd_bytes.has_value());
    EXPECT_EQ(i.bytes_sent, 0U);
}

}  // namespace
}  // namespace netrig::net::kernel
