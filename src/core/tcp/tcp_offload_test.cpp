// SPDX-License-Identifier: MIT
// core: TCP/UDP offloads through core::interface (what a TAP with a vnet header gives us):
// transmit checksum offload (tx_fill: pseudo-header sum + NEEDS_CSUM request), TSO (segments
// of several MSS with gso_size), GRO receive (super-frames with partial checksums), and the
// drop of oversized frames without GRO. Between two interfaces the test plays the device: it
// completes partial checksums and cuts TSO frames as Linux's tun/GSO code does, or hands a TSO
// frame whole to a GRO receiver as the kernel's TAP does.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "core/interface.hpp"
#include "core/interface_fixture.hpp"
#include "core/test_support.hpp"
#include "wire/checksum.hpp"
#include "wire/ethernet.hpp"
#include "wire/ipv4.hpp"
#include "wire/tcp.hpp"

namespace netrig::core::testing {
namespace {

namespace wtcp = wire::tcp;

constexpr std::size_t l2 = ethernet::min_header_len;
constexpr std::size_t l4_at = l2 + ipv4::min_header_len;

struct out_frame {
    frame bytes_;
    tx_frame_info info;
};

// Polls until nothing more comes out, keeping each frame's offload request.
std::vector<out_frame> drain_offload(interface& iface, instant now) {
    std::vector<out_frame> out;
    for (;;) {
        const std::size_t n =
            iface.poll(now, [&](std::size_t len, auto&& fill, const tx_frame_info& info) {
                out_frame f{frame(len), info};
                fill(mut_bytes{f.bytes_});
                out.push_back(std::move(f));
            });
        if (n == 0) {
            return out;
        }
    }
}

// virtio 1.1 §5.1.6.2: the device sums from checksum_start to the end and stores the
// complement at checksum_start + checksum_offset (the field holds the pseudo-header sum).
void complete_partial(frame& f, const tx_frame_info& info) {
    const mut_bytes l4 = mut_bytes{f}.subspan(info.checksum_start);
    std::uint16_t c = wire::finish(wire::ones_sum(l4));
    if (info.checksum_offset == 6 && c == 0) {
        c = 0xffff;  // RFC 768
    }
    store_be16(l4, info.checksum_offset, c);
}

// What Linux's GSO does to a TCPV4 frame: gso_size pieces with the same headers, IPv4 total
// length, id (+i) and checksum fixed, sequence numbers advanced, PSH/FIN on the last piece only,
// TCP checksums complete.
std::vector<frame> segment_tso(const frame& f, const tx_frame_info& info) {
    std::vector<frame> pieces;
    const std::size_t hdr = info.hdr_len;
    const std::size_t payload = f.size() - hdr;
    const std::uint16_t ident = load_be16(bytes{f}, l2 + 4);
    const std::uint32_t seq = load_be32(bytes{f}, l4_at + 4);
    for (std::size_t off = 0, i = 0; off < payload; off += info.gso_size, ++i) {
        const std::size_t len = std::min<std::size_t>(info.gso_size, payload - off);
        frame p(f.begin(), f.begin() + static_cast<std::ptrdiff_t>(hdr));
        p.insert(p.end(), f.begin() + static_cast<std::ptrdiff_t>(hdr + off),
                 f.begin() + static_cast<std::ptrdiff_t>(hdr + off + len));
        const mut_bytes ip = mut_bytes{p}.subspan(l2);
        store_be16(ip, 2, static_cast<std::uint16_t>(p.size() - l2));
        store_be16(ip, 4, static_cast<std::uint16_t>(ident + i));
        store_be16(ip, 10, 0);
        store_be16(ip, 10, wire::internet_checksum(ip.first(ipv4::min_header_len)));
        const mut_bytes t = mut_bytes{p}.subspan(l4_at);
        store_be32(t, 4, seq + static_cast<std::uint32_t>(off));
        if (off + len < payload) {
            t[13] = static_cast<std::uint8_t>(t[13] & ~(wtcp::flag::psh | wtcp::flag::fin));
        }
        // Linux's tcp_gso_segment re-derives the checksum from the pseudo-header; so do we.
        const wire::ipv4_address src = wire::ipv4_address::from_u32(load_be32(bytes{p}, l2 + 12));
        const wire::ipv4_address dst = wire::ipv4_address::from_u32(load_be32(bytes{p}, l2 + 16));
        store_be16(t, 16,
                   wire::ipv4_pseudo_header_sum(src, dst, ipv4::protocol::tcp,
                                                static_cast<std::uint16_t>(t.size())));
        complete_partial(p, tx_frame_info{.needs_checksum = true,
                                          .checksum_start = static_cast<std::uint16_t>(l4_at),
                                          .checksum_offset = 16});
        pieces.push_back(std::move(p));
    }
    return pieces;
}

interface_config host(std::uint8_t n, bool tso, bool gro) {
    interface_config c;
    c.mac = wire::mac_address{{0x02, 0, 0, 0, 0, n}};
    c.address = wire::ipv4_cidr{wire::ipv4_address{10, 9, 0, n}, 24};
    c.limits.tcp_connections_max = 8;
    c.checksum.tx_fill = tso;  // TSO implies checksum offload (TUN_F_TSO4 needs TUN_F_CSUM)
    c.segmentation = {.tso = tso, .gro = gro};
    return c;
}

std::vector<std::uint8_t> pattern(std::size_t n) {
    std::vector<std::uint8_t> v(n);
    for (std::size_t i = 0; i < n; ++i) {
        v[i] = static_cast<std::uint8_t>((i * 131U) ^ (i >> 9U));
    }
    return v;
}

// Two interfaces and the "device" between them. a -> b frames: with b_gro, TSO frames reach b
// whole, marked partial with their gso_size (a TAP with TUN_F_TSO4 hands them over so);
// otherwise they are cut first. Every partial checksum is completed unless b takes it as is.
class offload_pair : public ::testing::Test {
protected:
    void make(bool a_tso, bool b_gro) {
        a_.emplace(host(1, a_tso, false), rng_a_);
        b_.emplace(host(2, false, b_gro), rng_b_);
        b_gro_ = b_gro;
    }

    bool step() {
        bool moved = false;
        for (auto& f : drain_offload(*a_, now_)) {
            moved = true;
            ++a_frames_;
            if (f.bytes_.size() > l2 + 1500) {
                ++a_large_;
                EXPECT_TRUE(f.info.gso_tcpv4);
            }
            if (f.info.gso_tcpv4) {
                gso_sizes_.push_back(f.info.gso_size);
                hdr_lens_.push_back(f.info.hdr_len);
                EXPECT_GT(f.bytes_.size() - f.info.hdr_len, f.info.gso_size);
                if (b_gro_) {
                    b_->receive(now_, f.bytes_,
                                rx_frame_info{.checksum_partial = true,
                                              .gso_size = f.info.gso_size});
                } else {
                    // Pieces one by one, b sending what it wants (ACKs for parts of the
                    // super-segment) in between.
                    for (auto& p : segment_tso(f.bytes_, f.info)) {
                        if (drop_every_ != 0 && ++pieces_ % drop_every_ == 0) {
                            continue;  // lost on the wire after the device cut it
                        }
                        b_->receive(now_, p);
                        for (auto& r : drain_offload(*b_, now_)) {
                            back_.push_back(std::move(r.bytes_));
                        }
                    }
                }
                continue;
            }
            if (pieces_ > 0 && f.bytes_.size() > l4_at + 32) {
                // An MSS-sized frame after a loss: retransmissions must stay within the MSS.
                const std::size_t tcp_header = (f.bytes_[l4_at + 12] >> 4U) * 4U;
                max_retransmit_ =
                    std::max(max_retransmit_, f.bytes_.size() - l4_at - tcp_header);
            }
            if (f.info.needs_checksum) {
                complete_partial(f.bytes_, f.info);
            }
            b_->receive(now_, f.bytes_);
        }
        for (auto& r : drain_offload(*b_, now_)) {
            back_.push_back(std::move(r.bytes_));
        }
        for (auto& r : back_) {
            moved = true;
            a_->receive(now_, r);
        }
        back_.clear();
        return moved;
    }

    // Runs until done() or no more work before `limit`.
    template <class Done>
    bool run(duration limit, Done&& done) {
        const instant until = now_ + limit;
        for (int i = 0; i < 1000000; ++i) {
            if (done()) {
                return true;
            }
            if (step()) {
                continue;
            }
            std::optional<instant> next;
            for (const auto d : {a_->next_deadline(), b_->next_deadline()}) {
                if (d && *d > now_ && (!next || *d < *next)) {
                    next = d;
                }
            }
            if (!next || *next > until) {
                return done();
            }
            now_ = *next;
        }
        return done();
    }

    // a connects to b, sends data, b reads it all; returns what b read.
    std::vector<std::uint8_t> bulk(const std::vector<std::uint8_t>& data) {
        auto l = b_->tcp_listen(now_, {{}, 5001}, {});
        EXPECT_TRUE(l);
        auto c = a_->tcp_connect(now_, {b_->config().address.address, 5001}, std::nullopt, {});
        EXPECT_TRUE(c);
        std::optional<tcp_handle> s;
        EXPECT_TRUE(run(10s, [&] {
            if (!s) {
                if (auto r = b_->tcp_accept(*l)) {
                    s = *r;
                }
            }
            return s && a_->tcp_readiness(*c).connected;
        }));
        client_ = *c;
        std::size_t sent = 0;
        std::vector<std::uint8_t> got;
        std::vector<std::uint8_t> buf(100000);
        run(60s, [&] {
            while (sent < data.size()) {
                auto r = a_->tcp_send(now_, *c, bytes{data}.subspan(sent));
                if (!r) {
                    break;
                }
                sent += *r;
            }
            for (;;) {
                auto r = b_->tcp_recv(now_, *s, buf);
                if (!r || *r == 0) {
                    break;
                }
                got.insert(got.end(), buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(*r));
            }
            return got.size() == data.size();
        });
        return got;
    }

    rng rng_a_{5};
    rng rng_b_{6};
    std::optional<interface> a_;
    std::optional<interface> b_;
    bool b_gro_ = false;
    instant now_{};
    tcp_handle client_{};
    std::vector<frame> back_;
    std::size_t a_frames_ = 0;
    std::size_t a_large_ = 0;
    std::vector<std::uint16_t> gso_sizes_;
    std::vector<std::uint16_t> hdr_lens_;
    std::size_t drop_every_ = 0;  // drop every n-th piece of a cut TSO frame (0: none)
    std::size_t pieces_ = 0;
    std::size_t max_retransmit_ = 0;
};

TEST_F(offload_pair, gro_super_frames_with_partial_checksums_are_delivered_byte_exact) {
    make(true, true);
    const auto data = pattern(4 * 1024 * 1024 + 333);
    const auto got = bulk(data);
    ASSERT_EQ(got.size(), data.size());
    EXPECT_TRUE(got == data);
    EXPECT_GT(a_large_, 10U);  // super-frames crossed, each taken whole by b
    EXPECT_EQ((*b_).stats()[drop_reason::tcp_bad_checksum], 0U);
    EXPECT_EQ((*b_).stats()[drop_reason::ipv4_too_long], 0U);
    const auto info = a_->tcp_info(client_);
    ASSERT_TRUE(info);
    EXPECT_EQ(info->retransmits, 0U);
}

TEST_F(offload_pair, a_64_kib_gro_segment_is_acked_at_once) {
    make(true, true);
    auto l = b_->tcp_listen(now_, {{}, 7000}, {});
    ASSERT_TRUE(l);
    auto c = a_->tcp_connect(now_, {b_->config().address.address, 7000}, std::nullopt, {});
    ASSERT_TRUE(c);
    std::optional<tcp_handle> s;
    ASSERT_TRUE(run(10s, [&] {
        if (!s) {
            if (auto r = b_->tcp_accept(*l)) {
                s = *r;
            }
        }
        return s && a_->tcp_readiness(*c).connected;
    }));
    // Let cwnd grow past 64 KiB first (slow start over a few round trips).
    const auto warm = pattern(1024 * 1024);
    std::size_t sent = 0;
    std::vector<std::uint8_t> buf(1 << 20);
    std::size_t got = 0;
    run(10s, [&] {
        while (sent < warm.size()) {
            auto r = a_->tcp_send(now_, *c, bytes{warm}.subspan(sent));
            if (!r) {
                break;
            }
            sent += *r;
        }
        while (auto r = b_->tcp_recv(now_, *s, buf)) {
            if (*r == 0) {
                break;
            }
            got += *r;
        }
        return got == warm.size();
    });
    ASSERT_EQ(got, warm.size());
    ASSERT_TRUE(run(1s, [&] { return a_->tcp_info(*c)->bytes_acked >= warm.size(); }));
    // A 45 x 1448-byte write goes out as one super-frame; b, handed it whole (GRO), answers in
    // the same poll with an ACK for all of it, not after its delayed-ACK timer.
    const auto block = pattern(45 * 1448);
    ASSERT_EQ(a_->tcp_send(now_, *c, block).value_or(0), block.size());
    auto frames = drain_offload(*a_, now_);
    ASSERT_EQ(frames.size(), 1U);
    ASSERT_TRUE(frames[0].info.gso_tcpv4);
    const std::uint32_t seq = load_be32(bytes{frames[0].bytes_}, l4_at + 4);
    b_->receive(now_, frames[0].bytes_,
                rx_frame_info{.checksum_partial = true, .gso_size = frames[0].info.gso_size});
    const auto acks = drain_offload(*b_, now_);
    ASSERT_FALSE(acks.empty());
    const std::uint32_t ack = load_be32(bytes{acks.back().bytes_}, l4_at + 8);
    // (The windows may cut the write short of 45 pieces; it is still one super-frame.)
    const std::size_t payload = frames[0].bytes_.size() - frames[0].info.hdr_len;
    EXPECT_GE(payload, 20U * frames[0].info.gso_size);
    EXPECT_EQ(ack, seq + static_cast<std::uint32_t>(payload));
}

TEST_F(offload_pair, tso_segments_carry_mss_pieces_and_partial_acks_are_handled) {
    make(true, false);
    const auto data = pattern(3 * 1024 * 1024 + 77);
    const auto got = bulk(data);
    ASSERT_EQ(got.size(), data.size());
    EXPECT_TRUE(got == data);
    ASSERT_FALSE(gso_sizes_.empty());
    const auto info = a_->tcp_info(client_);
    ASSERT_TRUE(info);
    // MSS 1460 less 12 bytes of timestamps (RFC 7323) per piece; headers 14 + 20 + 32.
    for (const auto g : gso_sizes_) {
        EXPECT_EQ(g, 1448U);
    }
    for (const auto h : hdr_lens_) {
        EXPECT_EQ(h, 14U + 20U + 32U);
    }
    EXPECT_GT(a_large_, 10U);
    // b ACKed every second piece, so most ACKs covered part of a super-segment: no spurious
    // retransmission or recovery came of it, and b saw only valid MTU-sized segments.
    EXPECT_EQ(info->retransmits, 0U);
    EXPECT_EQ((*b_).stats()[drop_reason::tcp_bad_checksum], 0U);
    EXPECT_GT((*b_).stats()[stat::tcp_segments_received], 2000U);
}

TEST_F(offload_pair, lost_pieces_of_tso_segments_are_recovered_with_sack_mss_sized) {
    make(true, false);
    drop_every_ = 211;  // one piece in 211 after the device cut the frame
    const auto data = pattern(2 * 1024 * 1024 + 5);
    const auto got = bulk(data);
    ASSERT_EQ(got.size(), data.size());
    EXPECT_TRUE(got == data);
    const auto info = a_->tcp_info(client_);
    ASSERT_TRUE(info);
    // Each lost piece is one MSS hole inside a super-segment: SACK recovery (RFC 6675) fills
    // it with an MSS-sized retransmission, without waiting for the RTO.
    EXPECT_GT(info->fast_retransmits, 0U);
    EXPECT_GE(info->retransmits, pieces_ / drop_every_);
    EXPECT_EQ(info->rto_expirations, 0U);
    EXPECT_LE(max_retransmit_, 1448U);
}

TEST_F(offload_pair, without_tso_segments_stay_mss_sized) {
    make(false, false);
    const auto data = pattern(512 * 1024);
    EXPECT_TRUE(bulk(data) == data);
    EXPECT_EQ(a_large_, 0U);
    EXPECT_TRUE(gso_sizes_.empty());
}

class offload_iface_test : public interface_test {};

TEST_F(offload_iface_test, tx_fill_leaves_the_pseudo_header_sum_and_asks_for_needs_csum) {
    cfg.checksum.tx_fill = true;
    make();
    learn_peer(at(0s));
    auto u = iface->udp_open();
    ASSERT_TRUE(u);
    const std::vector<std::uint8_t> payload(100, 0x5a);
    ASSERT_TRUE(iface->udp_send_to(at(0s), *u, {peer_ip, 9}, payload));
    auto l = iface->tcp_connect(at(0s), {peer_ip, 80}, std::nullopt, {});
    ASSERT_TRUE(l);
    const auto frames = drain_offload(*iface, at(0s));
    ASSERT_EQ(frames.size(), 2U);  // the datagram, then the SYN
    for (const auto& f : frames) {
        const std::uint8_t proto = f.bytes_[l2 + 9];
        const auto l4_len = static_cast<std::uint16_t>(f.bytes_.size() - l4_at);
        EXPECT_TRUE(f.info.needs_checksum);
        EXPECT_FALSE(f.info.gso_tcpv4);
        EXPECT_EQ(f.info.checksum_start, l4_at);
        EXPECT_EQ(f.info.checksum_offset, proto == ipv4::protocol::tcp ? 16U : 6U);
        EXPECT_EQ(load_be16(bytes{f.bytes_}, l4_at + f.info.checksum_offset),
                  wire::ipv4_pseudo_header_sum(our_ip, peer_ip, proto, l4_len));
        // Completed as the device would, the checksum verifies (pseudo-header + segment).
        frame done = f.bytes_;
        complete_partial(done, f.info);
        EXPECT_EQ(wire::combine(wire::ipv4_pseudo_header_sum(our_ip, peer_ip, proto, l4_len),
                                wire::ones_sum(bytes{done}.subspan(l4_at))),
                  0xffffU);
    }
}

TEST_F(offload_iface_test, partial_checksums_leave_complete_when_fragmented) {
    cfg.checksum.tx_fill = true;
    make();
    learn_peer(at(0s));
    auto u = iface->udp_open();
    ASSERT_TRUE(u);
    const std::vector<std::uint8_t> payload(3000, 0x33);
    ASSERT_TRUE(iface->udp_send_to(at(0s), *u, {peer_ip, 9}, payload));
    const auto frames = drain_offload(*iface, at(0s));
    ASSERT_EQ(frames.size(), 3U);
    std::vector<std::uint8_t> dgram;
    for (const auto& f : frames) {
        EXPECT_FALSE(f.info.needs_checksum);  // the device cannot sum across fragments
        dgram.insert(dgram.end(), f.bytes_.begin() + l4_at, f.bytes_.end());
    }
    // The reassembled datagram's checksum is complete (pseudo-header + datagram sum to ~0).
    const std::uint16_t pseudo = wire::ipv4_pseudo_header_sum(
        our_ip, peer_ip, ipv4::protocol::udp, static_cast<std::uint16_t>(dgram.size()));
    EXPECT_EQ(wire::combine(pseudo, wire::ones_sum(dgram)), 0xffffU);
}

frame big_tcp_from_peer(std::size_t payload_len) {
    wtcp::repr t{};
    t.source_port = 40000;
    t.destination_port = 5555;
    t.seq = wire::seq32{1000};
    t.ack = wire::seq32{1};
    t.flags = wtcp::flag::ack;
    t.window = 1000;
    const std::vector<std::uint8_t> data(payload_len, 7);
    t.payload = data;
    frame l4(t.buffer_len());
    t.emit(l4, peer_ip, our_ip, wire::checksum_policy::pseudo_header_only);
    return eth_frame(our_mac, peer_mac, ethernet::ethertype::ipv4,
                     ipv4_packet({.source = peer_ip,
                                  .destination = our_ip,
                                  .protocol = ipv4::protocol::tcp,
                                  .ttl = 64,
                                  .ident = 1},
                                 l4));
}

TEST_F(offload_iface_test, oversized_frame_without_gro_is_dropped_and_counted) {
    // A coalesced TCP frame (the device says so with gso_size) while GRO is not configured.
    make();
    iface->receive(at(0s), big_tcp_from_peer(4000),
                   rx_frame_info{.checksum_partial = true, .gso_size = 1448});
    EXPECT_EQ(drops(drop_reason::ipv4_too_long), 1U);
    EXPECT_EQ(iface->stats()[stat::tcp_segments_received], 0U);
    // With GRO the same frame reaches TCP (no socket there: a RST answers it), and a partial
    // checksum is not held against it; a UDP datagram above the MTU is still dropped.
    cfg.segmentation.gro = true;
    make();
    iface->receive(at(0s), big_tcp_from_peer(4000),
                   rx_frame_info{.checksum_partial = true, .gso_size = 1448});
    EXPECT_EQ(drops(drop_reason::ipv4_too_long), 0U);
    EXPECT_EQ(drops(drop_reason::tcp_bad_checksum), 0U);
    EXPECT_EQ(iface->stats()[stat::tcp_segments_received], 1U);
    const std::vector<std::uint8_t> big(3000, 1);
    iface->receive(at(0s), from_peer(peer_header(ipv4::protocol::udp),
                                     udp_datagram(peer_ip, our_ip, 1, 2, big)));
    EXPECT_EQ(drops(drop_reason::ipv4_too_long), 1U);
    // Without the partial mark, the same (pseudo-sum only) checksum fails verification.
    iface->receive(at(0s), big_tcp_from_peer(1000));
    EXPECT_EQ(drops(drop_reason::tcp_bad_checksum), 1U);
}

}  // namespace
}  // namespace netrig::core::testing
