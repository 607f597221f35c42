// SPDX-License-Identifier: MIT
// net: the kernel stack's UDP through the public API, over real loopback sockets.
#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <string>

#include "net/errc.hpp"
#include "net/kernel_stack.hpp"
#include "net/test_support.hpp"
#include "runtime/executor.hpp"
#include "runtime/timeout.hpp"

namespace netrig::net {
namespace {

using namespace std::chrono_literals;
using runtime::task;

bytes as_bytes(std::string_view s) {
    return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

class kernel_udp : public ::testing::Test {
protected:
    runtime::executor ex_;
    std::unique_ptr<stack> stack_ = make_kernel_stack();
};

task<void> send_to_recv_from(stack& st) {
    auto a = st.bind_udp(loopback(0));
    auto b = st.bind_udp(loopback(0));
    CO_ASSERT_TRUE(a);
    CO_ASSERT_TRUE(b);
    const endpoint a_ep = a->local().value();
    const endpoint b_ep = b->local().value();
    EXPECT_NE(a_ep.port, 0);
    EXPECT_EQ(a_ep.address, wire::ipv4_address(127, 0, 0, 1));

    auto sent = co_await a->send_to(as_bytes("ping"), b_ep);
    CO_ASSERT_TRUE(sent);
    EXPECT_EQ(*sent, 4U);
    std::array<std::uint8_t, 64> buf{};
    auto got = co_await b->recv_from(buf);
    CO_ASSERT_TRUE(got);
    EXPECT_EQ(got->size, 4U);
    EXPECT_FALSE(got->truncated);
    EXPECT_EQ(got->source, a_ep);
    EXPECT_EQ(std::string(buf.begin(), buf.begin() + 4), "ping");

    // Datagram boundaries are kept: two sends are two receives.
    CO_ASSERT_TRUE(co_await b->send_to(as_bytes("one"), a_ep));
    CO_ASSERT_TRUE(co_await b->send_to(as_bytes("three"), a_ep));
    auto first = co_await a->recv_from(buf);
    auto second = co_await a->recv_from(buf);
    CO_ASSERT_TRUE(first);
    CO_ASSERT_TRUE(second);
    EXPECT_EQ(first->size, 3U);
    EXPECT_EQ(second->size, 5U);
}

TEST_F(kernel_udp, send_to_and_recv_from) { ex_.run(send_to_recv_from(*stack_)); }

task<void> truncation(stack& st) {
    auto a = st.bind_udp(loopback(0));
    auto b = st.bind_udp(loopback(0));
    CO_ASSERT_TRUE(a);
    CO_ASSERT_TRUE(b);
    CO_ASSERT_TRUE(co_await a->send_to(as_bytes("0123456789"), b->local().value()));
    std::array<std::uint8_t, 4> small{};
    auto got = co_await b->recv_from(small);
    CO_ASSERT_TRUE(got);
    EXPECT_EQ(got->size, 4U);
    EXPECT_TRUE(got->truncated);
}

TEST_F(kernel_udp, oversized_datagram_is_reported_truncated) { ex_.run(truncation(*stack_)); }

task<void> connected(stack& st) {
    auto a = st.bind_udp(loopback(0));
    auto b = st.bind_udp(loopback(0));
    CO_ASSERT_TRUE(a);
    CO_ASSERT_TRUE(b);
    auto not_yet = a->remote();
    CO_ASSERT_FALSE(not_yet);
    EXPECT_EQ(not_yet.error(), errc::not_connected);
    auto unconnected_send = co_await a->send(as_bytes("x"));
    CO_ASSERT_FALSE(unconnected_send);
    EXPECT_EQ(unconnected_send.error(), errc::not_connected);

    CO_ASSERT_TRUE(a->connect(b->local().value()));
    CO_ASSERT_TRUE(b->connect(a->local().value()));
    EXPECT_EQ(a->remote().value(), b->local().value());
    CO_ASSERT_TRUE(co_await a->send(as_bytes("hello")));
    std::array<std::uint8_t, 16> buf{};
    auto n = co_await b->recv(buf);
    CO_ASSERT_TRUE(n);
    EXPECT_EQ(*n, 5U);
    EXPECT_EQ(std::string(buf.begin(), buf.begin() + 5), "hello");
}

TEST_F(kernel_udp, connect_send_recv) { ex_.run(connected(*stack_)); }

task<void> refused_after_icmp(stack& st) {
    // A connected UDP socket learns of ICMP port unreachable: the next call reports refused.
    auto gone = st.bind_udp(loopback(0));
    CO_ASSERT_TRUE(gone);
    const endpoint target = gone->local().value();
    gone->close();
    auto a = st.bind_udp(loopback(0));
    CO_ASSERT_TRUE(a);
    CO_ASSERT_TRUE(a->connect(target));
    CO_ASSERT_TRUE(co_await a->send(as_bytes("anyone?")));
    std::array<std::uint8_t, 16> buf{};
    auto r = co_await runtime::with_timeout(2s, a->recv(buf));
    CO_ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), errc::refused) << r.error().message();
}

TEST_F(kernel_udp, icmp_port_unreachable_is_refused) { ex_.run(refused_after_icmp(*stack_)); }

task<void> buffers_and_close(stack& st) {
    auto a = st.bind_udp(loopback(0));
    CO_ASSERT_TRUE(a);
    CO_ASSERT_TRUE(a->set_recv_buffer(1 << 20));
    EXPECT_GE(a->recv_buffer().value(), 1U << 20);
    CO_ASSERT_TRUE(a->set_send_buffer(1 << 19));
    EXPECT_GE(a->send_buffer().value(), 1U << 19);
    // Binding the same port again fails with a named error.
    auto dup = st.bind_udp(a->local().value());
    CO_ASSERT_FALSE(dup);
    EXPECT_EQ(dup.error(), errc::address_in_use);
    a->close();
    EXPECT_FALSE(a->is_open());
    std::array<std::uint8_t, 4> buf{};
    auto r = co_await a->recv_from(buf);
    CO_ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), errc::closed);
    auto w = a->try_send_to(as_bytes("x"), loopback(9));
    CO_ASSERT_FALSE(w);
    EXPECT_EQ(w.error(), errc::closed);
}

TEST_F(kernel_udp, buffers_bind_conflict_and_close) { ex_.run(buffers_and_close(*stack_)); }

task<void> try_recv_would_block(stack& st) {
    auto a = st.bind_udp(loopback(0));
    CO_ASSERT_TRUE(a);
    std::array<std::uint8_t, 4> buf{};
    auto r = a->try_recv_from(buf);
    CO_ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), errc::would_block);
    // A pending recv ends at the timeout and the socket stays usable.
    auto t = co_await runtime::with_timeout(30ms, a->recv_from(buf));
    CO_ASSERT_FALSE(t);
    EXPECT_EQ(t.error(), std::errc::timed_out);
}

TEST_F(kernel_udp, try_recv_would_block_and_recv_times_out) {
    ex_.run(try_recv_would_block(*stack_));
}


// sendmmsg/recvmmsg through send_batch/recv_batch: boundaries, sizes, contents, sources and
// truncation per slot; an empty queue is would_block for the try form.
task<void> batches(stack& st) {
    auto a = st.bind_udp(loopback(0));
    auto b = st.bind_udp(loopback(0));
    CO_ASSERT_TRUE(a);
    CO_ASSERT_TRUE(b);
    const endpoint a_ep = a->local().value();
    CO_ASSERT_TRUE(a->connect(b->local().value()));
    const std::array<std::string, 5> payloads = {"a", "bb", "0123456789", "", "dddd"};
    std::array<bytes, 5> views{};
    for (std::size_t i = 0; i < payloads.size(); ++i) {
        views[i] = as_bytes(payloads[i]);
    }
    auto sent = co_await a->send_batch(views);
    CO_ASSERT_TRUE(sent);
    EXPECT_EQ(*sent, 5U);  // loopback delivers at once: the receive queue has room for all

    std::array<std::array<std::uint8_t, 8>, 8> storage{};
    std::array<datagram_slot, 8> slots{};
    for (std::size_t i = 0; i < slots.size(); ++i) {
        slots[i].buffer = storage[i];
    }
    auto got = co_await b->recv_batch(slots);
    CO_ASSERT_TRUE(got);
    EXPECT_EQ(*got, 5U);
    CO_ASSERT_TRUE(*got == 5U);
    for (std::size_t i = 0; i < 5; ++i) {
        const std::size_t want = std::min<std::size_t>(payloads[i].size(), 8);
        EXPECT_EQ(slots[i].info.size, want) << i;
        EXPECT_EQ(slots[i].info.truncated, payloads[i].size() > 8) << i;
        EXPECT_EQ(slots[i].info.source, a_ep) << i;
        EXPECT_EQ(std::string(storage[i].begin(), storage[i].begin() + static_cast<long>(want)),
                  payloads[i].substr(0, want))
            << i;
    }
    auto none = b->try_recv_batch(slots);
    CO_ASSERT_FALSE(none);
    EXPECT_EQ(none.error(), errc::would_block);
    // More datagrams than one system call takes (64) still all arrive, in order.
    std::array<std::uint8_t, 100> seqs{};
    std::array<bytes, 100> many{};
    for (std::size_t i = 0; i < many.size(); ++i) {
        seqs[i] = static_cast<std::uint8_t>(i);
        many[i] = bytes{&seqs[i], 1};
    }
    auto sent_many = a->try_send_batch(many);
    CO_ASSERT_TRUE(sent_many);
    EXPECT_EQ(*sent_many, 100U);
    std::size_t next = 0;
    while (next < 100) {
        auto r = co_await b->recv_batch(slots);
        CO_ASSERT_TRUE(r);
        for (std::size_t i = 0; i < *r; ++i, ++next) {
            EXPECT_EQ(slots[i].info.size, 1U);
            EXPECT_EQ(storage[i][0], static_cast<std::uint8_t>(next));
        }
    }
    // A closed socket fails with closed.
    a->close();
    auto closed = co_await a->send_batch(views);
    EXPECT_FALSE(closed);
}

TEST_F(kernel_udp, send_batch_and_recv_batch) { ex_.run(batches(*stack_)); }

}  // namespace
}  // namespace netrig::net
