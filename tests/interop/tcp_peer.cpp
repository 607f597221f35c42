// SPDX-License-Identifier: MIT
// tests/interop: netrig_tcp_peer, a TCP test peer on either stack (the shared --stack/--link
// flags of netrig_cli). It listens or connects, moves bytes in one of five modes (sink, source,
// echo, rst, close) over one or many concurrent connections, hashes both directions with SHA-256
// (OpenSSL EVP) and prints one JSON line per connection plus a summary line, so a script can
// compare what each end sent and received. Used by tcp_interop.sh and the scapy hostile peers.
//
//   netrig_tcp_peer [stack flags] listen PORT --mode M [--bytes N] [--conns K] [--time-limit S]
//                   [--half-close] [--expect ok|reset|any]
//   netrig_tcp_peer [stack flags] connect IP:PORT --mode M [--bytes N] [--conns K]
//                   [--half-close] [--time-limit S] [--expect ok|reset|any]
// M: sink | source | echo | rst | close. Stack flags may also follow the subcommand. Output:
// {"event":"listening",...} once listening, one {"conn":i,"rx_bytes":..,"rx_sha256":..,
// "tx_bytes":..,"tx_sha256":..,"result":"ok"|"reset"|"error: ..."} per connection, then
// {"summary":..,"pass":bool}. Exit 0 iff every connection ended as --expect says (default ok),
// 1 otherwise, 2 for bad flags. On --stack user the stack's counters go to stderr at exit.
#include <fmt/core.h>
#include <openssl/evp.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "cli/signals.hpp"
#include "cli/stack_options.hpp"
#include "net/errc.hpp"
#include "runtime/executor.hpp"
#include "runtime/scheduler.hpp"
#include "runtime/sleep.hpp"
#include "runtime/task_group.hpp"
#include "runtime/timeout.hpp"

namespace {

using namespace netrig;

/// What a connection does with its bytes.
enum class peer_mode { sink, source, echo, rst, close };

/// Which result every connection must end with for exit status 0.
enum class expectation { ok, reset, any };

struct peer_flags {
    peer_mode mode = peer_mode::sink;
    std::uint64_t bytes = 1U << 20U;
    unsigned conns = 0;  // 0: listen = until signal/time limit; connect = 1
    double time_limit_s = 0;
    bool half_close = false;
    expectation expect = expectation::ok;
    std::uint64_t seed = 1;
    std::uint16_t port = 0;
    std::string target;
    cli::stack_options stack;
};

constexpr std::size_t io_chunk_bytes = 256 * 1024;
constexpr auto connect_timeout = std::chrono::seconds{10};
constexpr auto drain_limit = std::chrono::seconds{10};

/// SHA-256 over a byte stream (OpenSSL EVP; the digest Linux's sha256sum prints).
class sha256 {
public:
    sha256() : ctx_(EVP_MD_CTX_new()) {
        NETRIG_ASSERT(ctx_ != nullptr);
        NETRIG_ASSERT(EVP_DigestInit_ex(ctx_.get(), EVP_sha256(), nullptr) == 1);
    }
    void update(bytes data) {
        NETRIG_ASSERT(EVP_DigestUpdate(ctx_.get(), data.data(), data.size()) == 1);
    }
    /// The lowercase hex digest; the object must not be updated afterwards.
    std::string hex() {
        std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
        unsigned int len = 0;
        NETRIG_ASSERT(EVP_DigestFinal_ex(ctx_.get(), md.data(), &len) == 1);
        std::string out;
        for (unsigned int i = 0; i < len; ++i) {
            out += fmt::format("{:02x}", md[i]);
        }
        return out;
    }

private:
    struct ctx_free {
        void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
    };
    std::unique_ptr<EVP_MD_CTX, ctx_free> ctx_;
};

/// A non-repeating byte stream (xorshift64*), different per connection, so a segment placed at
/// the wrong offset or on the wrong connection changes the hash.
class pattern {
public:
    explicit pattern(std::uint64_t seed) : state_(seed * 0x9E3779B97F4A7C15ULL + 1) {}
    void fill(mut_bytes out) {
        for (std::size_t i = 0; i < out.size(); i += 8) {
            state_ ^= state_ >> 12U;
            state_ ^= state_ << 25U;
            state_ ^= state_ >> 27U;
            std::uint64_t v = state_ * 0x2545F4914F6CDD1DULL;
            for (std::size_t k = 0; k < 8 && i + k < out.size(); ++k) {
                out[i + k] = static_cast<std::uint8_t>(v >> (8 * k));
            }
        }
    }

private:
    std::uint64_t state_;
};

/// What one connection did.
struct conn_report {
    unsigned index = 0;
    std::uint64_t rx_bytes = 0;
    std::uint64_t tx_bytes = 0;
    sha256 rx_hash;
    sha256 tx_hash;
    std::error_code error;  // the first error; errc::reset is reported as "reset"
    std::string error_context;
};

/// Counts of finished connections, for the summary and the exit status.
struct totals {
    unsigned finished = 0;
    unsigned ok = 0;
    unsigned reset = 0;
    unsigned errors = 0;
    std::uint64_t rx_bytes = 0;
    std::uint64_t tx_bytes = 0;
};

bool is_reset(std::error_code ec) {
    return ec == net::errc::reset;
}

void note_error(conn_report& r, std::error_code ec, std::string_view what) {
    if (!r.error) {
        r.error = ec;
        r.error_context = what;
    }
}

std::string result_text(const conn_report& r) {
    if (!r.error) {
        return "ok";
    }
    if (is_reset(r.error)) {
        return "reset";
    }
    return fmt::format("error: {}: {}", r.error_context, r.error.message());
}

void finish(conn_report& r, totals& t) {
    const std::string res = result_text(r);
    nlohmann::json line = {
        {"conn", r.index},        {"rx_bytes", r.rx_bytes},       {"rx_sha256", r.rx_hash.hex()},
        {"tx_bytes", r.tx_bytes}, {"tx_sha256", r.tx_hash.hex()}, {"result", res}};
    cli::print_now(line.dump() + "\n");
    ++t.finished;
    t.rx_bytes += r.rx_bytes;
    t.tx_bytes += r.tx_bytes;
    if (res == "ok") {
        ++t.ok;
    } else if (res == "reset") {
        ++t.reset;
    } else {
        ++t.errors;
    }
}

// Reads to EOF, hashing; rst mode stops after `limit` bytes instead. Returns false on error.
runtime::task<bool> read_to_end(net::tcp_stream& s, conn_report& r, std::uint64_t limit) {
    std::vector<std::uint8_t> buf(io_chunk_bytes);
    while (r.rx_bytes < limit) {
        const std::size_t want =
            static_cast<std::size_t>(std::min<std::uint64_t>(buf.size(), limit - r.rx_bytes));
        auto n = co_await s.read_some(mut_bytes{buf}.first(want));
        if (!n) {
            note_error(r, n.error(), "read");
            co_return false;
        }
        if (*n == 0) {
            co_return true;
        }
        r.rx_hash.update(bytes{buf}.first(*n));
        r.rx_bytes += *n;
    }
    co_return true;
}

// Writes `count` pattern bytes, then half-closes (FIN after the data).
runtime::task<void> write_pattern(net::tcp_stream& s, conn_report& r, std::uint64_t count,
                                  std::uint64_t seed) {
    std::vector<std::uint8_t> buf(io_chunk_bytes);
    pattern gen(seed);
    while (r.tx_bytes < count) {
        const std::size_t n =
            static_cast<std::size_t>(std::min<std::uint64_t>(buf.size(), count - r.tx_bytes));
        gen.fill(mut_bytes{buf}.first(n));
        auto w = co_await s.write_all(bytes{buf}.first(n));
        if (!w) {
            note_error(r, w.error(), "write");
            co_return;
        }
        r.tx_hash.update(bytes{buf}.first(n));
        r.tx_bytes += n;
    }
    if (auto shut = s.shutdown_write(); !shut) {
        note_error(r, shut.error(), "shutdown");
    }
}

runtime::task<void> read_task(net::tcp_stream& s, conn_report& r) {
    (void)co_await read_to_end(s, r, UINT64_MAX);
}

runtime::task<void> run_echo(net::tcp_stream& s, conn_report& r) {
    std::vector<std::uint8_t> buf(io_chunk_bytes);
    for (;;) {
        auto n = co_await s.read_some(buf);
        if (!n) {
            note_error(r, n.error(), "read");
            co_return;
        }
        if (*n == 0) {
            break;
        }
        r.rx_hash.update(bytes{buf}.first(*n));
        r.rx_bytes += *n;
        auto w = co_await s.write_all(bytes{buf}.first(*n));
        if (!w) {
            note_error(r, w.error(), "write");
            co_return;
        }
        r.tx_hash.update(bytes{buf}.first(*n));
        r.tx_bytes += *n;
    }
}

// Waits until everything written has been acknowledged (bounded). netrig's stack lives in this
// process: unlike the kernel, it cannot go on delivering queued data after we exit, so a peer
// whose FIN came first (half-close) would otherwise lose the tail of the stream.
runtime::task<void> drain_sent(net::tcp_stream& s) {
    const instant give_up = runtime::now() + drain_limit;
    while (runtime::now() < give_up) {
        auto info = s.info();
        if (!info || (info->notsent_bytes == 0 && info->unacked_segments == 0)) {
            co_return;
        }
        if (!co_await runtime::sleep_for(std::chrono::milliseconds{5})) {
            co_return;  // cancelled
        }
    }
}

runtime::task<void> run_connection(net::tcp_stream s, const peer_flags& f, unsigned index,
                                   totals& t) {
    conn_report r;
    r.index = index;
    switch (f.mode) {
        case peer_mode::sink:
            if (f.half_close) {
                // Our FIN goes first; the peer must still be able to send everything.
                if (auto shut = s.shutdown_write(); !shut) {
                    note_error(r, shut.error(), "shutdown");
                }
            }
            if (!r.error) {
                (void)co_await read_to_end(s, r, UINT64_MAX);
            }
            break;
        case peer_mode::source: {
            // Write and read at once: an echoing peer stops reading when we stop reading.
            runtime::task_group g;
            g.spawn(write_pattern(s, r, f.bytes, f.seed * 1000003ULL + index));
            g.spawn(read_task(s, r));
            co_await g.join();
            break;
        }
        case peer_mode::echo:
            co_await run_echo(s, r);
            break;
        case peer_mode::rst:
        case peer_mode::close: {
            const std::uint64_t limit = std::max<std::uint64_t>(f.bytes, 1);
            if (co_await read_to_end(s, r, limit) && r.rx_bytes < limit) {
                note_error(
                    r, net::make_error_code(net::errc::closed),
                    fmt::format("EOF after {} of {} bytes, before the close", r.rx_bytes, limit));
            }
            if (f.mode == peer_mode::rst) {
                // SO_LINGER 0 equivalent: discard queued data and send RST.
                s.abort();
            } else {
                // An orderly close with data still arriving: RFC 9293 §3.10.4 and RFC 2525
                // §2.17 want a RST so the peer learns its data was lost (Linux does this).
                s.close();
            }
            break;
        }
    }
    if (s.is_open()) {
        if (!r.error) {
            co_await drain_sent(s);
        }
        s.close();
    }
    finish(r, t);
}

runtime::task<void> linger() {
    (void)co_await runtime::sleep_for(std::chrono::milliseconds{200});
}

runtime::task<result<void, std::error_code>> run_listen(net::stack& st, const peer_flags& f,
                                                        totals& t) {
    auto listener = st.listen(net::endpoint{wire::ipv4_address::any(), f.port});
    if (!listener) {
        co_return unexpected(listener.error());
    }
    cli::print_now(
        nlohmann::json{{"event", "listening"}, {"port", f.port}, {"stack", std::string{st.name()}}}
            .dump() +
        "\n");
    runtime::task_group g;
    std::error_code accept_error;
    for (unsigned i = 0; f.conns == 0 || i < f.conns; ++i) {
        auto s = co_await listener->accept();
        if (!s) {
            accept_error = s.error();
            break;
        }
        g.spawn(run_connection(std::move(*s), f, i, t));
    }
    listener->close();
    co_await g.join();
    if (accept_error && accept_error != std::errc::operation_canceled) {
        co_return unexpected(accept_error);
    }
    co_return result<void, std::error_code>{};
}

runtime::task<void> connect_one(net::stack& st, net::endpoint remote, const peer_flags& f,
                                unsigned index, totals& t) {
    net::connect_options o;
    o.timeout = connect_timeout;
    auto s = co_await st.connect(remote, o);
    if (!s) {
        conn_report r;
        r.index = index;
        note_error(r, s.error(), "connect");
        finish(r, t);
        co_return;
    }
    co_await run_connection(std::move(*s), f, index, t);
}

runtime::task<result<void, std::error_code>> run_connect(net::stack& st, net::endpoint remote,
                                                         const peer_flags& f, totals& t) {
    runtime::task_group g;
    const unsigned n = std::max(f.conns, 1U);
    for (unsigned i = 0; i < n; ++i) {
        g.spawn(connect_one(st, remote, f, i, t));
    }
    co_await g.join();
    co_return result<void, std::error_code>{};
}

int run_peer(const peer_flags& f, bool listening) {
    // TCP runs on both stacks; this still rejects contradictory flag combinations.
    if (auto why = cli::unsupported_reason(f.stack)) {
        fmt::print(stderr, "netrig_tcp_peer: {}\n", *why);
        return 2;
    }
    net::endpoint remote{};
    if (!listening) {
        auto parsed = net::endpoint::parse(f.target);
        if (!parsed) {
            fmt::print(stderr, "netrig_tcp_peer: bad IP:PORT '{}'\n", f.target);
            return 2;
        }
        remote = *parsed;
    }
    cli::block_run_signals();
    runtime::executor ex;
    auto built = cli::make_stack(f.stack);
    if (!built) {
        fmt::print(stderr, "netrig_tcp_peer: {}\n", built.error());
        return 1;
    }
    const net::user_stack* user = built->user;
    ex.spawn(cli::watch_signals([user] {
        if (user != nullptr) {
            fmt::print(stderr, "{}", user->stats_report());
        }
    }));
    totals t;
    const instant start = ex.now();
    auto body =
        listening ? run_listen(*built->stack, f, t) : run_connect(*built->stack, remote, f, t);
    result<void, std::error_code> r{};
    if (f.time_limit_s > 0) {
        const auto limit =
            std::chrono::duration_cast<duration>(std::chrono::duration<double>(f.time_limit_s));
        r = ex.run(runtime::with_timeout(limit, std::move(body)));
    } else {
        r = ex.run(std::move(body));
    }
    const double seconds = to_seconds(ex.now() - start);
    if (user != nullptr) {
        // Let the last FIN and ACK exchanges of the closed connections happen before the stack
        // (which lives in this process) goes away.
        (void)ex.run(linger());
    }
    const unsigned wanted = listening ? f.conns : std::max(f.conns, 1U);
    bool pass = r.has_value() || (listening && f.conns == 0);
    if (wanted != 0 && t.finished < wanted) {
        pass = false;
    }
    switch (f.expect) {
        case expectation::ok:
            pass = pass && t.ok == t.finished;
            break;
        case expectation::reset:
            pass = pass && t.reset == t.finished;
            break;
        case expectation::any:
            break;
    }
    nlohmann::json summary = {{"summary", listening ? "listen" : "connect"},
                              {"stack", std::string{built->stack->name()}},
                              {"conns", t.finished},
                              {"ok", t.ok},
                              {"reset", t.reset},
                              {"errors", t.errors},
                              {"rx_bytes", t.rx_bytes},
                              {"tx_bytes", t.tx_bytes},
                              {"seconds", seconds},
                              {"pass", pass}};
    if (!r) {
        summary["error"] = r.error().message();
    }
    cli::print_now(summary.dump() + "\n");
    if (user != nullptr) {
        fmt::print(stderr, "--- netrig user stack counters ---\n{}", user->stats_report());
    }
    return pass ? 0 : 1;
}

void add_peer_flags(CLI::App& sub, peer_flags& f) {
    const std::map<std::string, peer_mode> modes{{"sink", peer_mode::sink},
                                                 {"source", peer_mode::source},
                                                 {"echo", peer_mode::echo},
                                                 {"rst", peer_mode::rst},
                                                 {"close", peer_mode::close}};
    sub.add_option(
           "--mode", f.mode,
           "sink: read to EOF; source: write --bytes then FIN, read to EOF; echo: "
           "write back what arrives until EOF; rst: read --bytes then abort (RST); close: read "
           "--bytes then close() while data still arrives (abrupt close)")
        ->required()
        ->transform(CLI::CheckedTransformer(modes, CLI::ignore_case));
    sub.add_option("--bytes", f.bytes,
                   "source: bytes to send per connection; rst/close: bytes to read first")
        ->capture_default_str();
    sub.add_option("--time-limit", f.time_limit_s,
                   "Seconds before everything still running is cancelled (0 = none)")
        ->check(CLI::Range(0.0, 86400.0));
    const std::map<std::string, expectation> expects{
        {"ok", expectation::ok}, {"reset", expectation::reset}, {"any", expectation::any}};
    sub.add_option("--expect", f.expect,
                   "Result every connection must have for exit status 0 (ok, reset, any)")
        ->transform(CLI::CheckedTransformer(expects, CLI::ignore_case));
    sub.add_flag("--half-close", f.half_close,
                 "sink: send our FIN first, then read everything the peer still sends");
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{
        "netrig_tcp_peer: a TCP test peer (sink, source, echo, rst) on the kernel stack "
        "or netrig's user stack; one JSON line per connection",
        "netrig_tcp_peer"};
    app.require_subcommand(1, 1);
    app.fallthrough();
    peer_flags f;
    cli::add_stack_options(app, f.stack);
    CLI::App* listen = app.add_subcommand("listen", "Accept connections on PORT");
    listen->add_option("port", f.port, "TCP port")->required()->check(CLI::Range(1, 65535));
    listen->add_option("--conns", f.conns,
                       "Connections to serve before exiting (0 = until SIGINT/SIGTERM or "
                       "--time-limit)");
    add_peer_flags(*listen, f);
    CLI::App* connect = app.add_subcommand("connect", "Connect to IP:PORT");
    connect->add_option("target", f.target, "IP:PORT")->required();
    connect->add_option("--conns", f.conns, "Concurrent connections (default 1)");
    add_peer_flags(*connect, f);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        const int code = app.exit(e);
        return code == 0 ? 0 : 2;
    }
    if (f.half_close && f.mode != peer_mode::sink) {
        fmt::print(stderr, "netrig_tcp_peer: --half-close needs --mode sink\n");
        return 2;
    }
    f.seed = f.stack.seed;
    return run_peer(f, listen->parsed());
}
