// SPDX-License-Identifier: MIT
// tools/bulk: real transfers over loopback with the kernel stack: the two sides must agree on
// the byte count, for a 1-second run on two threads, an exact byte count over several streams,
// and both sessions on one executor.
#include "tools/bulk/session.hpp"

#include <gtest/gtest.h>

#include "net/errc.hpp"
#include "net/kernel_stack.hpp"
#include "runtime/executor.hpp"
#include "runtime/task_group.hpp"
#include "tools/bulk/loopback.hpp"

namespace netrig::tools::bulk {
namespace {

using namespace std::chrono_literals;

TEST(bulk_session, one_second_on_two_threads_both_sides_agree) {
    auto stack = net::make_kernel_stack();
    bulk_options o;
    o.time_limit = 1s;
    o.congestion = "cubic";
    auto r = run_loopback_pair(*stack, o, pair_options{});
    ASSERT_TRUE(r) << r.error().message();
    EXPECT_GT(r->source.bytes, 0U);
    EXPECT_EQ(r->sink.bytes, r->source.bytes);
    EXPECT_GE(r->source.seconds, 0.99);
    EXPECT_LT(r->source.seconds, 3.0);
    EXPECT_GT(r->sink.seconds, 0.5);
    EXPECT_EQ(r->source.streams, 1U);
    EXPECT_GT(r->source.cwnd_bytes, 0U);
    EXPECT_GT(r->source.srtt, 0ns);
    EXPECT_GT(r->sink.gbit_per_s(), 0.0);
    std::printf("%s\n%s\n", format_report("source", r->source).c_str(),
                format_report("sink", r->sink).c_str());
}

TEST(bulk_session, exact_byte_count_over_four_streams) {
    auto stack = net::make_kernel_stack();
    bulk_options o;
    o.bytes = 10'000'003;  // not a multiple of streams or of the write size
    o.streams = 4;
    o.write_size_bytes = 64 * 1024;
    o.nodelay = true;
    auto r = run_loopback_pair(*stack, o, pair_options{});
    ASSERT_TRUE(r) << r.error().message();
    EXPECT_EQ(r->source.bytes, 10'000'003U);
    EXPECT_EQ(r->sink.bytes, 10'000'003U);
    EXPECT_EQ(r->sink.streams, 4U);
}

struct both_results {
    result<bulk_report, std::error_code> sink = unexpected(std::error_code{});
    result<bulk_report, std::error_code> source = unexpected(std::error_code{});
};

runtime::task<void> sink_into(net::stack& st, net::tcp_listener& l, bulk_options o,
                              both_results& out) {
    out.sink = co_await run_sink(st, l, std::move(o));
}

runtime::task<void> both_on_one_executor(net::stack& st, bulk_options o, both_results& out) {
    auto l = st.listen(net::loopback(0));
    if (!l) {
        ADD_FAILURE() << l.error().message();
        co_return;
    }
    runtime::task_group g;
    g.spawn(sink_into(st, *l, o, out));
    out.source = co_await run_source(st, l->local().value(), o);
    co_await g.join();
}

TEST(bulk_session, sink_and_source_on_one_executor) {
    runtime::executor ex;
    auto stack = net::make_kernel_stack();
    bulk_options o;
    o.bytes = 3'000'000;
    both_results out;
    ex.run(both_on_one_executor(*stack, o, out));
    ASSERT_TRUE(out.source) << out.source.error().message();
    ASSERT_TRUE(out.sink) << out.sink.error().message();
    EXPECT_EQ(out.source->bytes, 3'000'000U);
    EXPECT_EQ(out.sink->bytes, 3'000'000U);
}

TEST(bulk_session, unknown_congestion_control_is_reported) {
    auto stack = net::make_kernel_stack();
    bulk_options o;
    o.bytes = 1000;
    o.congestion = "no_such_cc";
    auto r = run_loopback_pair(*stack, o, pair_options{});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), net::errc::not_supported);
}

TEST(bulk_session, source_to_nowhere_is_refused) {
    runtime::executor ex;
    auto stack = net::make_kernel_stack();
    auto l = stack->listen(net::loopback(0));
    ASSERT_TRUE(l);
    const net::endpoint gone = l->local().value();
    l->close();
    bulk_options o;
    o.bytes = 1000;
    auto r = ex.run(run_source(*stack, gone, o));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), net::errc::refused);
}

}  // namespace
}  // namespace netrig::tools::bulk
