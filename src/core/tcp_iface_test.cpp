// SPDX-License-Identifier: MIT
// core: TCP through core::interface: two interfaces joined by the in-test shuttle doing
// handshakes, multi-MB transfers both ways, half-close, RST to a closed port, listener
// backlog and SYN cookies, ICMP errors, TIME-WAIT and its reuse, close with unread data, abort.
#include <gtest/gtest.h>

#include "core/tcp/tcp_error.hpp"
#include "core/test_support.hpp"
#include "wire/icmpv4.hpp"
#include "wire/ipv4_quote.hpp"
#include "wire/tcp.hpp"

namespace netrig::core::testing {
namespace {

using tcp::tcp_errc;
using tcp::tcp_state;

interface_config host(std::uint8_t n) {
    interface_config c;
    c.mac = wire::mac_address{{0x02, 0, 0, 0, 0, n}};
    c.address = wire::ipv4_cidr{wire::ipv4_address{10, 9, 0, n}, 24};
    c.limits.tcp_connections_max = 64;
    c.limits.tcp_time_wait_max = 64;
    return c;
}

// FNV-1a: enough to compare what was sent with what arrived.
std::uint64_t fnv(bytes data, std::uint64_t h = 1469598103934665603ULL) {
    for (const std::uint8_t x : data) {
        h = (h ^ x) * 1099511628211ULL;
    }
    return h;
}

class tcp_iface_test : public ::testing::Test {
protected:
    rng rng_a{11};
    rng rng_b{22};
    interface a{host(1), rng_a};
    interface b{host(2), rng_b};
    shuttle link{a, b};
    instant now{};
    tcp::conn_config cfg;

    // Like shuttle::run, but f() may queue work at `now` (it runs before every step) and a
    // deadline at `now` means "step again". Returns f() at the end.
    template <class F>
    bool run_on(shuttle& sh, instant until, F&& f) {
        for (int i = 0; i < 3000000; ++i) {
            if (f()) {
                return true;
            }
            if (sh.step(now)) {
                continue;
            }
            if (f()) {
                return true;
            }
            std::optional<instant> next;
            for (const auto d : {a.next_deadline(), b.next_deadline()}) {
                if (d && (!next || *d < *next)) {
                    next = d;
                }
            }
            if (!next || *next > until) {
                return f();
            }
            now = std::max(now, *next);
        }
        return f();
    }
    template <class F>
    bool run(instant until, F&& f) {
        return run_on(link, until, std::forward<F>(f));
    }

    udp_endpoint b_at(std::uint16_t port) { return {b.config().address.address, port}; }

    // What an ICMP error about a's connection c quotes: the IPv4 header and first 8 bytes
    // (ports, sequence number) of a data segment a sent on c and b never got, so in flight.
    std::vector<std::uint8_t> in_flight_quote(tcp_handle c) {
        const std::vector<std::uint8_t> data(100, 0x5a);
        EXPECT_TRUE(a.tcp_send(now, c, data));
        for (const auto& f : drain(a, now)) {
            if (auto d = decode(f); d && d->ip && d->ip->protocol == wire::ipv4::protocol::tcp) {
                const bytes ip = bytes{f}.subspan(wire::ethernet::min_header_len, 20 + 8);
                return {ip.begin(), ip.end()};
            }
        }
        ADD_FAILURE() << "a sent no data segment";
        return {};
    }

    tcp_listen_handle listen_b(std::uint16_t port, tcp_listen_config lc = {}) {
        auto l = b.tcp_listen(now, {{}, port}, lc);
        EXPECT_TRUE(l) << l.error().message();
        return *l;
    }

    // a connects to b:port (listening); returns (client, accepted server) once established.
    std::pair<tcp_handle, tcp_handle> connect_pair(tcp_listen_handle l, std::uint16_t port) {
        auto c = a.tcp_connect(now, b_at(port), std::nullopt, cfg);
        EXPECT_TRUE(c) << c.error().message();
        std::optional<tcp_handle> s;
        EXPECT_TRUE(run(now + 10s, [&] {
            if (!s) {
                if (auto r = b.tcp_accept(l)) {
                    s = *r;
                }
            }
            return s && a.tcp_readiness(*c).connected;
        }));
        return {*c, s.value_or(tcp_handle{})};
    }

    // Moves `data` from (src, h_src) to (dst, h_dst); returns what arrived until EOF or until.
    std::vector<std::uint8_t> transfer(interface& src, tcp_handle hs, interface& dst,
                                       tcp_handle hd, const std::vector<std::uint8_t>& data,
                                       bool close_after) {
        std::size_t sent = 0;
        bool shut = false;
        bool eof = false;
        std::vector<std::uint8_t> got;
        std::vector<std::uint8_t> buf(70000);
        run(now + 120s, [&] {
            while (sent < data.size()) {
                auto r = src.tcp_send(now, hs, bytes{data}.subspan(sent));
                if (!r) {
                    break;
                }
                sent += *r;
            }
            if (sent == data.size() && close_after && !shut) {
                src.tcp_shutdown(now, hs);
                shut = true;
            }
            for (;;) {
                auto r = dst.tcp_recv(now, hd, buf);
                if (!r) {
                    break;
                }
                if (*r == 0) {
                    eof = true;
                    break;
                }
                got.insert(got.end(), buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(*r));
            }
            return close_after ? eof : got.size() == data.size();
        });
        return got;
    }
};

std::vector<std::uint8_t> random_bytes(std::size_t n, std::uint64_t seed) {
    rng r{seed};
    std::vector<std::uint8_t> v(n);
    for (auto& x : v) {
        x = static_cast<std::uint8_t>(r());
    }
    return v;
}

TEST_F(tcp_iface_test, handshake_reports_connected_endpoints_and_events) {
    const auto l = listen_b(80);
    const auto cs = connect_pair(l, 80);  // (clang-14 cannot capture bindings)
    const tcp_handle c = cs.first;
    const tcp_handle s = cs.second;
    EXPECT_EQ(a.tcp_info(c)->state, tcp_state::established);
    EXPECT_EQ(b.tcp_info(s)->state, tcp_state::established);
    const auto ea = a.tcp_endpoints(c);
    const auto eb = b.tcp_endpoints(s);
    ASSERT_TRUE(ea && eb);
    EXPECT_EQ(ea->remote, b_at(80));
    EXPECT_EQ(eb->local.port, 80);
    EXPECT_EQ(eb->remote, ea->local);
    EXPECT_GE(ea->local.port, 49152);
    EXPECT_TRUE(a.tcp_readiness(c).writable);
    EXPECT_FALSE(a.tcp_readiness(c).readable);
    bool saw = false;
    a.take_events([&](const socket_event& ev) {
        if (ev.kind == socket_kind::tcp && ev.index == c.index) {
            saw = ev.ready.connected;
        }
    });
    EXPECT_TRUE(saw);
    EXPECT_EQ(a.stats()[stat::tcp_active_opens], 1U);
    EXPECT_EQ(b.stats()[stat::tcp_passive_opens], 1U);
    EXPECT_EQ(a.tcp_connection_count(), 1U);
    EXPECT_EQ(b.tcp_connection_count(), 1U);
    for (const auto r : {drop_reason::tcp_no_socket, drop_reason::tcp_listener_drop,
                         drop_reason::tcp_bad_checksum, drop_reason::tcp_tx_failed}) {
        EXPECT_EQ(a.stats()[r], 0U) << to_string(r);
        EXPECT_EQ(b.stats()[r], 0U) << to_string(r);
    }
}

TEST_F(tcp_iface_test, transfers_megabytes_both_ways_intact) {
    const auto l = listen_b(5001);
    const auto cs = connect_pair(l, 5001);  // (clang-14 cannot capture bindings)
    const tcp_handle c = cs.first;
    const tcp_handle s = cs.second;
    const auto up = random_bytes(3 * 1024 * 1024 + 17, 1);
    const auto down = random_bytes(2 * 1024 * 1024 + 5, 2);
    const auto got_up = transfer(a, c, b, s, up, false);
    ASSERT_EQ(got_up.size(), up.size());
    EXPECT_EQ(fnv(got_up), fnv(up));
    const auto got_down = transfer(b, s, a, c, down, false);
    ASSERT_EQ(got_down.size(), down.size());
    EXPECT_EQ(fnv(got_down), fnv(down));
    const auto info = a.tcp_info(c);
    EXPECT_GE(info->bytes_acked, up.size());
    EXPECT_EQ(info->bytes_received, down.size());
    EXPECT_EQ(a.stats()[drop_reason::tcp_bad_checksum], 0U);
}

TEST_F(tcp_iface_test, transfers_under_loss_reorder_and_duplication) {
    rng imp{7};
    shuttle lossy{a, b, &imp, impairments{.loss = 0.02, .duplicate = 0.01, .reorder = 0.02}};
    const auto l = listen_b(5002);
    auto c = a.tcp_connect(now, b_at(5002), std::nullopt, cfg);
    ASSERT_TRUE(c);
    std::optional<tcp_handle> s;
    ASSERT_TRUE(run_on(lossy, now + 60s, [&] {
        if (!s) {
            if (auto r = b.tcp_accept(l)) {
                s = *r;
            }
        }
        return s && a.tcp_readiness(*c).connected;
    }));
    const auto data = random_bytes(512 * 1024, 3);
    std::size_t sent = 0;
    std::vector<std::uint8_t> got;
    std::vector<std::uint8_t> buf(65536);
    bool eof = false;
    ASSERT_TRUE(run_on(lossy, now + 600s, [&] {
        while (sent < data.size()) {
            auto r = a.tcp_send(now, *c, bytes{data}.subspan(sent));
            if (!r) {
                break;
            }
            sent += *r;
            if (sent == data.size()) {
                a.tcp_shutdown(now, *c);
            }
        }
        while (auto r = b.tcp_recv(now, *s, buf)) {
            if (*r == 0) {
                eof = true;
                break;
            }
            got.insert(got.end(), buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(*r));
        }
        return eof;
    }));
    ASSERT_EQ(got.size(), data.size());
    EXPECT_EQ(fnv(got), fnv(data));
    EXPECT_GT(a.tcp_info(*c)->retransmits, 0U);
}

TEST_F(tcp_iface_test, half_close_keeps_the_other_direction_open) {
    const auto l = listen_b(81);
    const auto cs = connect_pair(l, 81);  // (clang-14 cannot capture bindings)
    const tcp_handle c = cs.first;
    const tcp_handle s = cs.second;
    const auto up = random_bytes(10000, 4);
    const auto got = transfer(a, c, b, s, up, true);  // a sends then FIN; b sees EOF
    EXPECT_EQ(fnv(got), fnv(up));
    ASSERT_TRUE(run(now + 5s, [&] { return a.tcp_info(c)->state == tcp_state::fin_wait_2; }));
    EXPECT_EQ(b.tcp_info(s)->state, tcp_state::close_wait);
    EXPECT_EQ(a.tcp_info(c)->state, tcp_state::fin_wait_2);
    const auto down = random_bytes(20000, 5);
    const auto got_down = transfer(b, s, a, c, down, true);
    EXPECT_EQ(fnv(got_down), fnv(down));
    EXPECT_EQ(a.tcp_info(c)->state, tcp_state::time_wait);
}

TEST_F(tcp_iface_test, rfc9293_s3_10_7_1_syn_to_closed_port_is_refused_by_rst) {
    auto c = a.tcp_connect(now, b_at(9), std::nullopt, cfg);
    ASSERT_TRUE(c);
    ASSERT_TRUE(run(now + 10s, [&] { return a.tcp_error(*c).has_value(); }));
    EXPECT_EQ(*a.tcp_error(*c), make_error_code(tcp_errc::connection_refused));
    EXPECT_TRUE(a.tcp_readiness(*c).error);
    EXPECT_TRUE(a.tcp_readiness(*c).readable);
    std::vector<std::uint8_t> buf(10);
    EXPECT_EQ(a.tcp_recv(now, *c, buf).error(), make_error_code(tcp_errc::connection_refused));
    EXPECT_EQ(b.stats()[drop_reason::tcp_no_socket], 1U);
    EXPECT_EQ(b.stats()[stat::tcp_rsts_sent], 1U);
    a.tcp_close(now, *c);
    EXPECT_EQ(a.tcp_connection_count(), 0U);
    EXPECT_EQ(a.tcp_readiness(*c), readiness{});
}

TEST_F(tcp_iface_test, listener_backlog_full_drops_syns_until_accept) {
    tcp_listen_config lc;
    lc.listener.backlog = 1;
    lc.listener.cookies = tcp::syn_cookie_mode::never;
    const auto l = listen_b(82, lc);
    auto c1 = a.tcp_connect(now, b_at(82), std::nullopt, cfg);
    auto c2 = a.tcp_connect(now, b_at(82), std::nullopt, cfg);
    ASSERT_TRUE(c1 && c2);
    run(now + 2s, [&] { return false; });
    EXPECT_TRUE(b.tcp_listen_readiness(l).readable);
    const auto st = b.tcp_listen_stats(l);
    ASSERT_TRUE(st);
    EXPECT_GE((*st)[tcp::listener_drop::accept_queue_full] +
                  (*st)[tcp::listener_drop::accept_overflow],
              1U);
    auto s1 = b.tcp_accept(l);
    ASSERT_TRUE(s1);
    // After accept the second handshake completes (its SYN is retransmitted).
    std::optional<tcp_handle> s2;
    ASSERT_TRUE(run(now + 30s, [&] {
        if (auto r = b.tcp_accept(l)) {
            s2 = *r;
        }
        return s2.has_value();
    }));
    EXPECT_TRUE(a.tcp_readiness(*c1).connected);
    EXPECT_TRUE(a.tcp_readiness(*c2).connected);
    EXPECT_EQ(b.tcp_accept(l).error(), make_error_code(errc::would_block));
}

TEST_F(tcp_iface_test, syn_cookies_complete_handshakes_and_carry_data) {
    tcp_listen_config lc;
    lc.listener.cookies = tcp::syn_cookie_mode::always;
    const auto l = listen_b(83, lc);
    const auto cs = connect_pair(l, 83);  // (clang-14 cannot capture bindings)
    const tcp_handle c = cs.first;
    const tcp_handle s = cs.second;
    const auto st = b.tcp_listen_stats(l);
    EXPECT_EQ((*st)[tcp::listener_event::cookie_sent], 1U);
    EXPECT_EQ((*st)[tcp::listener_event::cookie_accepted], 1U);
    const auto data = random_bytes(100000, 6);
    const auto got = transfer(a, c, b, s, data, false);
    EXPECT_EQ(fnv(got), fnv(data));
}

TEST_F(tcp_iface_test, rfc1122_s4_2_3_9_port_unreachable_refuses_a_syn_sent_connection) {
    auto c = a.tcp_connect(now, b_at(84), std::nullopt, cfg);
    ASSERT_TRUE(c);
    // Take a's SYN and answer it with an ICMP port unreachable quoting it.
    auto frames = drain(a, now);
    std::optional<frame> syn;
    for (auto& f : frames) {
        if (auto d = decode(f); d && d->ip && d->ip->protocol == wire::ipv4::protocol::tcp) {
            syn = f;
        }
    }
    if (!syn) {  // ARP first: let the link resolve, then catch the SYN
        for (auto& f : frames) {
            b.receive(now, f);
        }
        for (auto& f : drain(b, now)) {
            a.receive(now, f);
        }
        for (auto& f : drain(a, now)) {
            if (auto d = decode(f); d && d->ip && d->ip->protocol == wire::ipv4::protocol::tcp) {
                syn = f;
            }
        }
    }
    ASSERT_TRUE(syn.has_value());
    const bytes ip_part = bytes{*syn}.subspan(14, 20 + 8);
    const auto icmp = icmp_message(3, wire::icmpv4::unreachable::port, 0, ip_part);
    ipv4::repr h{.source = b.config().address.address,
                 .destination = a.config().address.address,
                 .protocol = wire::ipv4::protocol::icmp,
                 .ttl = 64};
    a.receive(now, eth_frame(a.config().mac, b.config().mac, wire::ethernet::ethertype::ipv4,
                             ipv4_packet(h, icmp)));
    EXPECT_EQ(a.tcp_error(*c), make_error_code(tcp_errc::connection_refused));
    EXPECT_EQ(a.stats()[stat::tcp_icmp_hard_errors], 1U);
}

TEST_F(tcp_iface_test, rfc1191_frag_needed_lowers_the_connection_mss) {
    const auto l = listen_b(85);
    const auto cs = connect_pair(l, 85);  // (clang-14 cannot capture bindings)
    const tcp_handle c = cs.first;
    const tcp_handle s = cs.second;
    EXPECT_EQ(a.tcp_info(c)->send_mss, 1460U - 12U);  // timestamps take 12 bytes
    // A router on the path quotes a's segment (IPv4 header + 8 bytes of TCP: ports, seq).
    const std::vector<std::uint8_t> quote = in_flight_quote(c);
    ipv4::repr h{.source = wire::ipv4_address{10, 9, 0, 254},
                 .destination = a.config().address.address,
                 .protocol = wire::ipv4::protocol::icmp,
                 .ttl = 64};
    a.receive(now, eth_frame(a.config().mac, b.config().mac, wire::ethernet::ethertype::ipv4,
                             ipv4_packet(h, icmp_message(3, wire::icmpv4::unreachable::frag_needed,
                                                         1000, quote))));
    EXPECT_EQ(a.path_mtu(now, b.config().address.address), 1000);
    EXPECT_LE(a.tcp_info(c)->send_mss, 1000U - 40U);
    EXPECT_FALSE(a.tcp_error(c).has_value());
    // The quoted segment is retransmitted (its 100 bytes arrive first), then data still
    // flows, in smaller segments.
    std::vector<std::uint8_t> first(100);
    ASSERT_TRUE(run(now + 10s, [&] {
        auto r = b.tcp_recv(now, s, first);
        return r && *r == first.size();
    }));
    EXPECT_EQ(first, std::vector<std::uint8_t>(100, 0x5a));
    const auto data = random_bytes(50000, 8);
    const auto got = transfer(a, c, b, s, data, false);
    EXPECT_EQ(fnv(got), fnv(data));
}

TEST_F(tcp_iface_test, rfc5927_icmp_not_naming_a_connection_and_seq_in_flight_is_ignored) {
    const auto l = listen_b(84);
    const auto cs = connect_pair(l, 84);  // (clang-14 cannot capture bindings)
    const tcp_handle c = cs.first;
    const std::uint32_t mss = a.tcp_info(c)->send_mss;
    auto quote = in_flight_quote(c);
    ASSERT_EQ(quote.size(), 28U);
    const std::uint32_t in_flight = load_be32(quote, 24);
    ipv4::repr h{.source = wire::ipv4_address{10, 9, 0, 254},
                 .destination = a.config().address.address,
                 .protocol = wire::ipv4::protocol::icmp,
                 .ttl = 64};
    const auto icmp_about = [&](std::uint32_t seq, std::uint8_t code, std::uint16_t mtu) {
        store_be32(quote, 24, seq);
        a.receive(now, eth_frame(a.config().mac, b.config().mac, wire::ethernet::ethertype::ipv4,
                                 ipv4_packet(h, icmp_message(3, code, mtu, quote))));
    };
    // RFC 5927 §4.1: SND.UNA <= SEG.SEQ < SND.NXT, else ignored. Below SND.UNA (acknowledged
    // data), at SND.NXT (nothing sent there yet) and far outside: a blind attacker's guesses.
    for (const std::uint32_t seq : {in_flight - 1U, in_flight + 100U, in_flight + 0x40000000U}) {
        icmp_about(seq, wire::icmpv4::unreachable::frag_needed, 600);
        icmp_about(seq, wire::icmpv4::unreachable::host, 0);
    }
    EXPECT_EQ(a.stats()[drop_reason::icmp_tcp_seq_not_in_flight], 6U);
    EXPECT_EQ(a.path_mtu(now, b.config().address.address), 1500);  // §7.2: no blind PMTU cut
    EXPECT_EQ(a.tcp_info(c)->send_mss, mss);
    EXPECT_FALSE(a.tcp_readiness(c).error);
    EXPECT_FALSE(a.tcp_take_soft_error(c).has_value());
    // A quote of a TCP tuple with no connection (here: another local port) changes nothing
    // either, not even the path-MTU cache (RFC 5927 §7.2).
    const std::uint16_t other_port = static_cast<std::uint16_t>(load_be16(quote, 20) + 1U);
    store_be16(quote, 20, other_port);
    icmp_about(in_flight, wire::icmpv4::unreachable::frag_needed, 600);
    EXPECT_EQ(a.stats()[drop_reason::icmp_error_no_socket], 1U);
    EXPECT_EQ(a.path_mtu(now, b.config().address.address), 1500);
    store_be16(quote, 20, static_cast<std::uint16_t>(other_port - 1U));
    // The last byte in flight is inside: that one is acted on.
    icmp_about(in_flight + 99U, wire::icmpv4::unreachable::host, 0);
    EXPECT_TRUE(a.tcp_take_soft_error(c).has_value());
    EXPECT_EQ(a.stats()[drop_reason::icmp_tcp_seq_not_in_flight], 6U);
}

TEST_F(tcp_iface_test, icmp_host_unreachable_is_a_soft_error) {
    const auto l = listen_b(86);
    const auto cs = connect_pair(l, 86);  // (clang-14 cannot capture bindings)
    const tcp_handle c = cs.first;
    EXPECT_TRUE(b.tcp_readiness(cs.second).connected);
    const std::vector<std::uint8_t> quote = in_flight_quote(c);
    ipv4::repr h{.source = wire::ipv4_address{10, 9, 0, 254},
                 .destination = a.config().address.address,
                 .protocol = wire::ipv4::protocol::icmp,
                 .ttl = 64};
    a.receive(now, eth_frame(a.config().mac, b.config().mac, wire::ethernet::ethertype::ipv4,
                             ipv4_packet(h, icmp_message(3, wire::icmpv4::unreachable::host, 0,
                                                         quote))));
    EXPECT_TRUE(a.tcp_readiness(c).error);
    EXPECT_FALSE(a.tcp_error(c).has_value());
    const auto e = a.tcp_take_soft_error(c);
    ASSERT_TRUE(e);
    EXPECT_EQ(e->code, wire::icmpv4::unreachable::host);
    EXPECT_EQ(a.tcp_info(c)->state, tcp_state::established);
    EXPECT_FALSE(a.tcp_readiness(c).error);
}

TEST_F(tcp_iface_test, time_wait_record_replaces_the_connection_then_the_tuple_is_reused) {
    const auto l = listen_b(87);
    const auto cs = connect_pair(l, 87);  // (clang-14 cannot capture bindings)
    const tcp_handle c = cs.first;
    const tcp_handle s = cs.second;
    const auto ep = a.tcp_endpoints(c);
    // Active close from a: a ends in TIME-WAIT, as a compact record once the handle is closed.
    a.tcp_close(now, c);
    std::vector<std::uint8_t> buf(10);
    ASSERT_TRUE(run(now + 5s, [&] {
        auto r = b.tcp_recv(now, s, buf);
        return r && *r == 0;
    }));
    b.tcp_close(now, s);
    ASSERT_TRUE(run(now + 5s, [&] { return a.tcp_time_wait_count() == 1; }));
    EXPECT_EQ(a.tcp_connection_count(), 0U);
    EXPECT_EQ(a.stats()[stat::tcp_time_wait_entered], 1U);
    ASSERT_TRUE(run(now + 5s, [&] { return b.tcp_connection_count() == 0; }));
    // The same 4-tuple again while a holds the TIME-WAIT record: address_in_use.
    EXPECT_EQ(a.tcp_connect(now, b_at(87), ep->local, cfg).error(),
              make_error_code(errc::address_in_use));
    // After 2 MSL the record expires and the tuple can be used again.
    run(now + 61s, [&] { return a.tcp_time_wait_count() == 0; });
    EXPECT_EQ(a.tcp_time_wait_count(), 0U);
    auto c2 = a.tcp_connect(now, b_at(87), ep->local, cfg);
    ASSERT_TRUE(c2);
    std::optional<tcp_handle> s2;
    ASSERT_TRUE(run(now + 5s, [&] {
        if (auto r = b.tcp_accept(l)) {
            s2 = *r;
        }
        return s2 && a.tcp_readiness(*c2).connected;
    }));
}

TEST_F(tcp_iface_test, rfc6191_syn_to_a_server_time_wait_record_reopens_the_tuple) {
    const auto l = listen_b(88);
    const auto cs = connect_pair(l, 88);  // (clang-14 cannot capture bindings)
    const tcp_handle c = cs.first;
    const tcp_handle s = cs.second;
    const auto ep = a.tcp_endpoints(c);
    // The server closes first: b holds the TIME-WAIT record.
    b.tcp_close(now, s);
    std::vector<std::uint8_t> buf(10);
    ASSERT_TRUE(run(now + 5s, [&] {
        auto r = a.tcp_recv(now, c, buf);
        return r && *r == 0;
    }));
    a.tcp_close(now, c);
    ASSERT_TRUE(run(now + 5s, [&] {
        return b.tcp_time_wait_count() == 1 && a.tcp_connection_count() == 0;
    }));
    // The client reuses its port at once: the SYN hits b's TIME-WAIT record (RFC 6191).
    auto c2 = a.tcp_connect(now + 1s, b_at(88), ep->local, cfg);
    ASSERT_TRUE(c2);
    std::optional<tcp_handle> s2;
    ASSERT_TRUE(run(now + 5s, [&] {
        if (auto r = b.tcp_accept(l)) {
            s2 = *r;
        }
        return s2 && a.tcp_readiness(*c2).connected;
    }));
    EXPECT_EQ(b.stats()[stat::tcp_time_wait_reused], 1U);
    EXPECT_EQ(b.tcp_time_wait_count(), 0U);
}

TEST_F(tcp_iface_test, rfc1122_s4_2_2_13_close_with_unread_data_sends_rst) {
    const auto l = listen_b(89);
    const auto cs = connect_pair(l, 89);  // (clang-14 cannot capture bindings)
    const tcp_handle c = cs.first;
    const tcp_handle s = cs.second;
    const std::vector<std::uint8_t> data(1000, 0x5a);
    ASSERT_TRUE(a.tcp_send(now, c, data));
    ASSERT_TRUE(run(now + 5s, [&] { return b.tcp_readiness(s).readable; }));
    b.tcp_close(now, s);  // 1000 bytes unread
    ASSERT_TRUE(run(now + 5s, [&] { return a.tcp_error(c).has_value(); }));
    EXPECT_EQ(*a.tcp_error(c), make_error_code(tcp_errc::connection_reset));
    EXPECT_GE(b.stats()[stat::tcp_rsts_sent], 1U);
    run(now + 1s, [&] { return false; });
    EXPECT_EQ(b.tcp_connection_count(), 0U);
    EXPECT_EQ(b.tcp_time_wait_count(), 0U);
}

TEST_F(tcp_iface_test, rfc9293_s3_10_5_abort_resets_the_peer_and_frees_the_slot) {
    const auto l = listen_b(90);
    const auto cs = connect_pair(l, 90);  // (clang-14 cannot capture bindings)
    const tcp_handle c = cs.first;
    const tcp_handle s = cs.second;
    a.tcp_abort(now, c);
    EXPECT_EQ(a.tcp_readiness(c), readiness{});
    EXPECT_EQ(a.tcp_send(now, c, bytes{}).error(), make_error_code(errc::invalid_handle));
    ASSERT_TRUE(run(now + 5s, [&] { return b.tcp_error(s).has_value(); }));
    EXPECT_EQ(*b.tcp_error(s), make_error_code(tcp_errc::connection_reset));
    EXPECT_EQ(a.tcp_connection_count(), 0U);
}

TEST_F(tcp_iface_test, listener_close_resets_unaccepted_connections) {
    const auto l = listen_b(91);
    auto c = a.tcp_connect(now, b_at(91), std::nullopt, cfg);
    ASSERT_TRUE(run(now + 5s, [&] {
        return a.tcp_readiness(*c).connected && b.tcp_listen_readiness(l).readable;
    }));
    EXPECT_EQ(b.tcp_connection_count(), 1U);
    b.tcp_listen_close(l);
    EXPECT_EQ(b.tcp_listen_readiness(l), readiness{});
    ASSERT_TRUE(run(now + 5s, [&] { return a.tcp_error(*c).has_value(); }));
    EXPECT_EQ(*a.tcp_error(*c), make_error_code(tcp_errc::connection_reset));
    EXPECT_EQ(b.tcp_connection_count(), 0U);
    // The port is free again.
    EXPECT_TRUE(b.tcp_listen(now, {{}, 91}, {}));
}

TEST_F(tcp_iface_test, listener_totals_keep_the_counts_of_closed_listeners) {
    const auto established = [](const tcp::listener_counters& c) {
        return c[tcp::listener_event::established];
    };
    EXPECT_EQ(established(b.tcp_listeners_total()), 0U);
    const auto l = listen_b(92);
    const auto cs = connect_pair(l, 92);  // (clang-14 cannot capture bindings)
    (void)cs;
    const auto open_counts = b.tcp_listen_stats(l);
    ASSERT_TRUE(open_counts);
    EXPECT_EQ(established(*open_counts), 1U);
    EXPECT_EQ(b.tcp_listeners_total().events, open_counts->events);
    b.tcp_listen_close(l);
    EXPECT_FALSE(b.tcp_listen_stats(l));
    EXPECT_EQ(b.tcp_listeners_total().events, open_counts->events);  // kept after close
    // A second listener adds to the total.
    const auto l2 = listen_b(93);
    const auto cs2 = connect_pair(l2, 93);
    (void)cs2;
    EXPECT_EQ(established(b.tcp_listeners_total()), 2U);
    EXPECT_EQ(b.tcp_listeners_total()[tcp::listener_event::syn_received],
              (*open_counts)[tcp::listener_event::syn_received] +
                  (*b.tcp_listen_stats(l2))[tcp::listener_event::syn_received]);
}

TEST_F(tcp_iface_test, api_errors) {
    EXPECT_EQ(a.tcp_connect(now, {b.config().address.address, 0}, std::nullopt, cfg).error(),
              make_error_code(errc::invalid_argument));
    EXPECT_EQ(a.tcp_connect(now, {a.config().address.address, 80}, std::nullopt, cfg).error(),
              make_error_code(errc::invalid_argument));
    EXPECT_EQ(a.tcp_connect(now, {wire::ipv4_address{192, 0, 2, 1}, 80}, std::nullopt, cfg)
                  .error(),
              make_error_code(errc::no_route));
    EXPECT_EQ(b.tcp_listen(now, {{}, 0}, {}).error(), make_error_code(errc::invalid_argument));
    ASSERT_TRUE(b.tcp_listen(now, {{}, 80}, {}));
    EXPECT_EQ(b.tcp_listen(now, {{}, 80}, {}).error(), make_error_code(errc::address_in_use));
    EXPECT_EQ(a.tcp_recv(now, tcp_handle{3, 9}, {}).error(), make_error_code(errc::invalid_handle));
    EXPECT_EQ(a.tcp_accept(tcp_listen_handle{0, 0}).error(),
              make_error_code(errc::invalid_handle));
    auto c = a.tcp_connect(now, b_at(80), std::nullopt, cfg);
    ASSERT_TRUE(c);
    EXPECT_TRUE(a.tcp_set_nodelay(*c, true));
    EXPECT_TRUE(a.tcp_set_congestion(*c, tcp::cc_algorithm::reno));
    std::vector<std::uint8_t> buf(10);
    EXPECT_EQ(a.tcp_recv(now, *c, buf).error().category(), a.tcp_recv(now, *c, buf).error().category());
}

TEST_F(tcp_iface_test, connection_limit_is_enforced) {
    interface_config cfg_small = host(3);
    cfg_small.limits.tcp_connections_max = 2;
    rng r{5};
    interface x{cfg_small, r};
    EXPECT_TRUE(x.tcp_connect(now, b_at(1), std::nullopt, cfg));
    EXPECT_TRUE(x.tcp_connect(now, b_at(2), std::nullopt, cfg));
    EXPECT_EQ(x.tcp_connect(now, b_at(3), std::nullopt, cfg).error(),
              make_error_code(errc::table_full));
}

}  // namespace
}  // namespace netrig::core::testing
