// SPDX-License-Identifier: MIT
// bench (issue 4: 10,000 idle established connections in <= 100 MiB RSS): opens N TCP
// connections and keeps them open and idle, then reports the process's VmRSS before and after
// and per connection.
//
//   tcp_idle_conns user   [--conns 10000] [--payload 0]   two user stacks on the sim link in
//       this process (sim executor, one thread); BOTH ends of every connection live in this
//       process, so the figure covers 2 x N connection endpoints. --payload B: each connection
//       then sends B bytes each way (reads them too), so the buffers have been used once.
//       --idle S (default 3): virtual seconds the connections then stay idle before RSS is
//       read; it must exceed conn_config::idle_release_after (1 s), after which the stack gives
//       the empty buffers' storage back. The storage the buffers hold is printed too.
//   tcp_idle_conns kernel [--conns 10000] [--payload 0]   the Linux stack on 127.0.0.1 (plain
//       sockets, both ends here too): the socket memory is in the kernel, not in our RSS, so
//       the kernel's own accounting is printed as well (Slab and /proc/net/sockstat "mem").
// Prints "RESULT <mode> conns N rss_before_kib A rss_after_kib B per_conn_bytes C".
#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include <arpa/inet.h>
#include <malloc.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "core/tcp/recv_buffer.hpp"
#include "core/tcp/send_buffer.hpp"
#include "net/tcp_listener.hpp"
#include "net/tcp_stream.hpp"
#include "net/user_stack.hpp"
#include "runtime/sim_executor.hpp"
#include "runtime/sleep.hpp"
#include "runtime/task_group.hpp"

namespace {

namespace net = netrig::net;
using netrig::runtime::task;

constexpr std::uint16_t server_port = 5001;

// A "Key:   value kB" line of a /proc file, in KiB (0 if absent).
std::uint64_t proc_kib(const char* file, const std::string& key) {
    std::ifstream in(file);
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind(key + ":", 0) == 0) {
            std::istringstream s(line.substr(key.size() + 1));
            std::uint64_t v = 0;
            s >> v;
            return v;
        }
    }
    return 0;
}

std::uint64_t rss_kib() { return proc_kib("/proc/self/status", "VmRSS"); }

// /proc/net/sockstat "TCP: inuse A orphan B tw C alloc D mem E": E in pages.
std::uint64_t sockstat_tcp_mem_pages() {
    std::ifstream in("/proc/net/sockstat");
    std::string word;
    bool tcp = false;
    while (in >> word) {
        if (word == "TCP:") {
            tcp = true;
        } else if (tcp && word == "mem") {
            std::uint64_t v = 0;
            in >> v;
            return v;
        }
    }
    return 0;
}

void report(const char* mode, std::size_t conns, std::uint64_t before, std::uint64_t after) {
    const double per = (static_cast<double>(after) - static_cast<double>(before)) * 1024.0 /
                       static_cast<double>(conns);
    fmt::print("{}: {} connections (both ends in this process): VmRSS {:.1f} MiB -> {:.1f} MiB, "
               "{:+.1f} MiB, {:.0f} bytes per connection (both endpoints)\n",
               mode, conns, static_cast<double>(before) / 1024, static_cast<double>(after) / 1024,
               (static_cast<double>(after) - static_cast<double>(before)) / 1024, per);
    fmt::print("RESULT {} conns {} rss_before_kib {} rss_after_kib {} per_conn_bytes {:.0f}\n",
               mode, conns, before, after, per);
}

// ---- user stacks on the sim link ----

struct user_state {
    std::vector<net::tcp_stream> accepted;
    std::vector<net::tcp_stream> connected;
    std::error_code error;
};

task<void> accept_all(net::tcp_listener& l, std::size_t n, user_state& st) {
    for (std::size_t i = 0; i < n; ++i) {
        auto s = co_await l.accept();
        if (!s) {
            st.error = s.error();
            co_return;
        }
        st.accepted.push_back(std::move(*s));
    }
}

// Sends `payload` bytes on s and reads as many back from its peer t.
task<void> exchange(net::tcp_stream& s, net::tcp_stream& t, std::size_t payload,
                    user_state& st) {
    std::vector<std::uint8_t> out(payload, 0x5a);
    std::vector<std::uint8_t> in(payload);
    if (auto w = co_await s.write_all(out); !w) {
        st.error = w.error();
        co_return;
    }
    std::size_t got = 0;
    while (got < payload) {
        auto r = co_await t.read_some(std::span{in}.subspan(got));
        if (!r || *r == 0) {
            st.error = r ? std::make_error_code(std::errc::connection_aborted) : r.error();
            co_return;
        }
        got += *r;
    }
}

// Storage held by every TCP send and receive buffer in the process, in KiB.
std::pair<double, double> buffers_kib() {
    return {static_cast<double>(netrig::core::tcp::send_buffer::totals().allocated_bytes) / 1024,
            static_cast<double>(netrig::core::tcp::recv_buffer::totals().allocated_bytes) / 1024};
}

task<void> open_user(net::user_stack& server, net::user_stack& client, net::tcp_listener& l,
                     std::size_t n, std::size_t payload, double idle_s, user_state& st) {
    netrig::runtime::task_group g;
    g.spawn(accept_all(l, n, st));
    const net::endpoint to{server.address().address, server_port};
    for (std::size_t i = 0; i < n && !st.error; ++i) {
        auto s = co_await client.connect(to);
        if (!s) {
            st.error = s.error();
            break;
        }
        st.connected.push_back(std::move(*s));
    }
    if (st.error) {
        g.cancel();
    }
    co_await g.join();
    if (st.error || payload == 0) {
        co_return;
    }
    // accepted[i] is the peer of connected[i]: the listener hands out connections in order.
    for (std::size_t i = 0; i < n && !st.error; ++i) {
        co_await exchange(st.connected[i], st.accepted[i], payload, st);
        co_await exchange(st.accepted[i], st.connected[i], payload, st);
    }
    const auto [send_kib, recv_kib] = buffers_kib();
    fmt::print("user: after the exchange, buffers hold send {:.0f} KiB, receive {:.0f} KiB\n",
               send_kib, recv_kib);
    // Let delayed ACKs and any timers of the exchange run out, and the idle period pass: the
    // connections are idle now.
    (void)co_await netrig::runtime::sleep_for(
        std::chrono::duration_cast<netrig::duration>(std::chrono::duration<double>{idle_s}));
}

int run_user(std::size_t n, std::size_t payload, double idle_s) {
    const std::uint64_t rss0 = rss_kib();
    netrig::runtime::sim_executor ex;
    net::user_stack_config a;
    a.address = netrig::wire::ipv4_cidr::parse("10.0.0.1/24").value();
    a.tcp_connections_max = n + 16;
    a.seed = 1;
    net::user_stack_config b = a;
    b.address = netrig::wire::ipv4_cidr::parse("10.0.0.2/24").value();
    b.seed = 2;
    auto pair = net::make_user_stack_pair(a, b);
    if (!pair) {
        fmt::print(stderr, "tcp_idle_conns: stacks: {}\n", pair.error().message());
        return 1;
    }
    net::listen_options lo;
    lo.backlog = 1024;
    auto listener = pair->first->listen(net::endpoint{{}, server_port}, lo);
    if (!listener) {
        fmt::print(stderr, "tcp_idle_conns: listen: {}\n", listener.error().message());
        return 1;
    }
    const std::uint64_t rss1 = rss_kib();
    user_state st;
    st.accepted.reserve(n);
    st.connected.reserve(n);
    ex.run(open_user(*pair->first, *pair->second, *listener, n, payload, idle_s, st));
    if (st.error) {
        fmt::print(stderr, "tcp_idle_conns: after {} connections: {}\n", st.connected.size(),
                   st.error.message());
        return 1;
    }
    const std::uint64_t rss2 = rss_kib();
    fmt::print("user: process VmRSS {:.1f} MiB at start, {:.1f} MiB with the two stacks "
               "({} connection slots each) and no connections\n",
               static_cast<double>(rss0) / 1024, static_cast<double>(rss1) / 1024,
               n + 16);
    report("user", n, rss1, rss2);
    const auto [send_kib, recv_kib] = buffers_kib();
    fmt::print("user: after {:.1f} s idle, buffers hold send {:.0f} KiB, receive {:.0f} KiB\n",
               idle_s, send_kib, recv_kib);
    // glibc keeps the touched pages of freed chunks inside its heap (only the top of the heap
    // is trimmed on free), so storage the buffers gave back may still count in VmRSS; what
    // malloc_trim returns is memory the stack no longer holds.
    ::malloc_trim(0);
    const std::uint64_t rss3 = rss_kib();
    fmt::print("user: after malloc_trim(0): VmRSS {:.1f} MiB, {:+.1f} MiB over the stacks, "
               "{:.0f} bytes per connection (both endpoints)\n",
               static_cast<double>(rss3) / 1024,
               (static_cast<double>(rss3) - static_cast<double>(rss1)) / 1024,
               (static_cast<double>(rss3) - static_cast<double>(rss1)) * 1024 /
                   static_cast<double>(n));
    fmt::print("RESULT user_trimmed conns {} rss_before_kib {} rss_after_kib {}\n", n, rss1, rss3);
    fmt::print("user: whole process with the stacks: {:.1f} MiB for {} connections "
               "(2 x {} endpoints); payload exchanged per connection: {} B each way\n",
               static_cast<double>(rss2) / 1024, n, n, payload);
    return 0;
}

// ---- the kernel stack on loopback ----

int run_kernel(std::size_t n, std::size_t payload) {
    rlimit lim{};
    getrlimit(RLIMIT_NOFILE, &lim);
    const rlim_t need = 2 * n + 64;
    if (lim.rlim_cur < need) {
        // Root (CAP_SYS_RESOURCE) may raise the hard limit too; others get up to it.
        lim.rlim_cur = need;
        lim.rlim_max = std::max(lim.rlim_max, need);
        if (setrlimit(RLIMIT_NOFILE, &lim) != 0) {
            getrlimit(RLIMIT_NOFILE, &lim);
            lim.rlim_cur = std::min<rlim_t>(need, lim.rlim_max);
            setrlimit(RLIMIT_NOFILE, &lim);
        }
        getrlimit(RLIMIT_NOFILE, &lim);
        if (lim.rlim_cur < need) {
            // Both ends of every connection are fds of this process: fit n to the limit and
            // say so (the per-connection figure is what compares).
            const std::size_t fit = (static_cast<std::size_t>(lim.rlim_cur) - 64) / 2;
            fmt::print("kernel: RLIMIT_NOFILE {} < {}: measuring {} connections instead of {}\n",
                       lim.rlim_cur, need, fit, n);
            n = fit;
        }
    }
    const std::uint64_t rss0 = rss_kib();
    const std::uint64_t slab0 = proc_kib("/proc/meminfo", "Slab");
    const std::uint64_t mem0 = sockstat_tcp_mem_pages();
    const int l = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof sa;
    if (l < 0 || ::bind(l, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0 ||
        ::listen(l, 4096) != 0 || ::getsockname(l, reinterpret_cast<sockaddr*>(&sa), &len) != 0) {
        std::perror("tcp_idle_conns: listen");
        return 1;
    }
    std::vector<int> fds;
    fds.reserve(2 * n);
    std::vector<char> buf(std::max<std::size_t>(payload, 1), 'x');
    const auto xfer = [&](int from, int to) {
        if (payload == 0) {
            return true;
        }
        if (::send(from, buf.data(), payload, 0) != static_cast<ssize_t>(payload)) {
            return false;
        }
        std::size_t got = 0;
        while (got < payload) {
            const ssize_t r = ::recv(to, buf.data() + got, payload - got, 0);
            if (r <= 0) {
                return false;
            }
            got += static_cast<std::size_t>(r);
        }
        return true;
    };
    for (std::size_t i = 0; i < n; ++i) {
        const int c = ::socket(AF_INET, SOCK_STREAM, 0);
        if (c < 0 || ::connect(c, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) {
            std::perror("tcp_idle_conns: connect");
            return 1;
        }
        const int s = ::accept(l, nullptr, nullptr);
        if (s < 0 || !xfer(c, s) || !xfer(s, c)) {
            std::perror("tcp_idle_conns: accept/exchange");
            return 1;
        }
        fds.push_back(c);
        fds.push_back(s);
    }
    ::usleep(300 * 1000);  // delayed ACKs settle
    const std::uint64_t rss1 = rss_kib();
    const std::uint64_t slab1 = proc_kib("/proc/meminfo", "Slab");
    const std::uint64_t mem1 = sockstat_tcp_mem_pages();
    report("kernel", n, rss0, rss1);
    const double page_kib = static_cast<double>(::sysconf(_SC_PAGESIZE)) / 1024;
    fmt::print("kernel: system Slab {:+.1f} MiB ({:.0f} bytes per connection; system-wide, "
               "includes whatever else ran), sockstat TCP mem {:+.1f} MiB; payload {} B each way\n",
               (static_cast<double>(slab1) - static_cast<double>(slab0)) / 1024,
               (static_cast<double>(slab1) - static_cast<double>(slab0)) * 1024 /
                   static_cast<double>(n),
               (static_cast<double>(mem1) - static_cast<double>(mem0)) * page_kib / 1024, payload);
    fmt::print("RESULT kernel_slab conns {} slab_delta_kib {}\n", n,
               static_cast<std::int64_t>(slab1) - static_cast<std::int64_t>(slab0));
    for (const int fd : fds) {
        ::close(fd);
    }
    ::close(l);
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"RSS of N idle established TCP connections"};
    app.require_subcommand(1);
    std::size_t conns = 10000;
    std::size_t payload = 0;
    double idle_s = 3;
    CLI::App* user = app.add_subcommand("user", "two user stacks on the sim link");
    CLI::App* kernel = app.add_subcommand("kernel", "the kernel stack on 127.0.0.1");
    for (CLI::App* sub : {user, kernel}) {
        sub->add_option("--conns,-n", conns, "connections")->check(CLI::Range(1, 60000));
        sub->add_option("--payload", payload, "bytes each way per connection before idling");
    }
    user->add_option("--idle", idle_s, "virtual seconds idle before measuring")
        ->check(CLI::Range(0.0, 3600.0));
    CLI11_PARSE(app, argc, argv);
    return user->parsed() ? run_user(conns, payload, idle_s) : run_kernel(conns, payload);
}
