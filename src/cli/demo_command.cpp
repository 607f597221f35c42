// SPDX-License-Identifier: MIT
// cli: `netrig demo`, the main job as far as it exists: a bounded TCP throughput test through
// netrig's runtime and socket API, printed for humans: over loopback on the kernel stack, or
// (--stack user, --link sim) netrig iperf3 client and server on two netrig stacks joined by the
// in-process sim link, which needs no privileges; as root it then also serves the Linux stack
// over a TAP in a namespace of its own and prints both runs side by side.
#include <fcntl.h>
#include <fmt/core.h>
#include <fmt/format.h>
#include <sched.h>
#include <spawn.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cmath>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "cli/command.hpp"
#include "cli/signals.hpp"
#include "cli/stack_options.hpp"
#include "net/kernel_stack.hpp"
#include "net/user_stack.hpp"
#include "runtime/executor.hpp"
#include "runtime/sleep.hpp"
#include "runtime/task_group.hpp"
#include "tools/bulk/loopback.hpp"
#include "tools/bulk/report.hpp"
#include "tools/iperf3/session.hpp"

namespace netrig::cli {
namespace {

struct demo_flags {
    double seconds = 3.0;
    unsigned streams = 1;
    std::string congestion = "cubic";
    bool no_pin = false;
    stack_options stack;
};

namespace ip3 = tools::iperf3;

constexpr std::uint16_t demo_port = 5201;

// One run of the demo as the table shows it: the figures of the client's -J document, and
// whether the server's own document agrees with what it told the client (results exchange).
struct part_result {
    std::string title;              ///< column header
    bool ran = false;               ///< false: skipped or failed, `note` says why
    bool ok = false;                ///< every check passed
    std::string note;               ///< why skipped or failed, or a remark
    double sender_bps = 0;          ///< client end.sum_sent.bits_per_second
    double receiver_bps = 0;        ///< client end.sum_received.bits_per_second
    std::uint64_t sent_bytes = 0;
    std::uint64_t received_bytes = 0;
    std::optional<std::int64_t> retransmits;  ///< the sender's, when it reports them
    std::uint64_t server_received_bytes = 0;  ///< the server's own count
};

// Fills `out` from the client's and the server's -J documents and checks them: the client got
// a result, the receiver counted bytes and not more than were written (give or take the block
// in progress, see below; iperf3's receiver stops counting at TEST_END, so bytes in flight then
// are written but not counted), and the server's own count equals the one it sent the client in
// the results exchange, to the byte.
void evaluate_part(std::string_view client_json, std::string_view server_json, part_result& out) {
    const nlohmann::json c = nlohmann::json::parse(client_json, nullptr, false);
    const nlohmann::json sv = nlohmann::json::parse(server_json, nullptr, false);
    if (c.is_discarded() || !c.contains("end") || !c["end"].contains("sum_sent") ||
        !c["end"].contains("sum_received")) {
        out.note = "the client printed no result";
        return;
    }
    if (sv.is_discarded() || !sv.contains("end") || !sv["end"].contains("sum_received")) {
        out.note = "the server printed no result";
        return;
    }
    const nlohmann::json& sent = c["end"]["sum_sent"];
    const nlohmann::json& received = c["end"]["sum_received"];
    out.ran = true;
    out.sender_bps = sent.value("bits_per_second", 0.0);
    out.receiver_bps = received.value("bits_per_second", 0.0);
    out.sent_bytes = sent.value("bytes", std::uint64_t{0});
    out.received_bytes = received.value("bytes", std::uint64_t{0});
    if (sent.contains("retransmits")) {
        out.retransmits = sent.value("retransmits", std::int64_t{0});
    }
    out.server_received_bytes = sv["end"]["sum_received"].value("bytes", std::uint64_t{0});
    // The sender counts a block when its write completes; a block still being written when
    // the sender's test ends is not counted, but its bytes can arrive before the receiver sees
    // TEST_END. So received may exceed sent by up to one block per stream, never more.
    const std::uint64_t streams = c.contains("start") && c["start"].contains("test_start")
                                      ? c["start"]["test_start"].value("num_streams", 1U)
                                      : 1U;
    const std::uint64_t block = c.contains("start") && c["start"].contains("test_start")
                                    ? c["start"]["test_start"].value("blksize", 128U * 1024U)
                                    : 128U * 1024U;
    if (out.received_bytes == 0 || out.received_bytes > out.sent_bytes + streams * block) {
        out.note = fmt::format("the receiver counted {} bytes but the sender wrote {}",
                               out.received_bytes, out.sent_bytes);
        return;
    }
    if (out.server_received_bytes != out.received_bytes) {
        out.note = fmt::format("the server counted {} bytes but told the client {}",
                               out.server_received_bytes, out.received_bytes);
        return;
    }
    out.ok = true;
}

ip3::server_options demo_server_options() {
    ip3::server_options so;
    so.listen = net::endpoint{wire::ipv4_address::any(), demo_port};
    so.one_off = true;
    so.max_concurrent_tests = 1;
    so.output.json = true;
    so.output.interval = duration{0};
    return so;
}

runtime::task<void> serve_one(net::stack& s, ip3::server_options o, std::string& json,
                              result<void, ip3::run_failure>& out, bool& done) {
    out = co_await ip3::run_server(s, std::move(o),
                                   [&json](std::string_view text) { json.append(text); });
    done = true;
}

// Server (one test) on stack a, client on stack b; both JSON documents are captured.
runtime::task<result<void, ip3::run_failure>> user_demo_run(net::user_stack& a, net::user_stack& b,
                                                            ip3::client_options co,
                                                            std::string& client_json,
                                                            std::string& server_json,
                                                            result<void, ip3::run_failure>& server) {
    bool done = false;
    // The server runs in a group joined here, so it never outlives `server` or the stacks.
    runtime::task_group g;
    g.spawn(serve_one(a, demo_server_options(), server_json, server, done));
    auto r = co_await ip3::run_client(
        b, std::move(co), [&client_json](std::string_view text) { client_json.append(text); });
    if (!r) {
        g.cancel();  // a one-off server still waiting for a test would wait forever
    }
    co_await g.join();
    co_return r;
}

// --- the Linux-over-TAP part (root) ---------------------------------------------------------

// Runs argv (no shell) with stdout and stderr captured; returns the exit status or -1.
int run_command(const std::vector<std::string>& argv, std::string* output = nullptr);

// A child process with its stdout in a memfd (no pipe that could fill while we wait).
class child_process {
public:
    child_process() = default;
    child_process(const child_process&) = delete;
    child_process& operator=(const child_process&) = delete;
    child_process(child_process&&) = delete;
    child_process& operator=(child_process&&) = delete;
    // Kills a child still running (SIGINT, error paths) and reaps it.
    ~child_process() {
        if (pid_ > 0 && !exited_) {
            ::kill(pid_, SIGKILL);
            int st = 0;
            ::waitpid(pid_, &st, 0);
        }
        if (out_fd_ >= 0) {
            ::close(out_fd_);
        }
    }

    // Starts argv with default signal handling (ours are blocked) and stdout/stderr captured.
    result<void, std::string> start(const std::vector<std::string>& argv) {
        out_fd_ = ::memfd_create("netrig-demo-child", MFD_CLOEXEC);
        if (out_fd_ < 0) {
            return unexpected(fmt::format("memfd_create: {}", std::strerror(errno)));
        }
        posix_spawn_file_actions_t fa;
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_adddup2(&fa, out_fd_, STDOUT_FILENO);
        posix_spawn_file_actions_adddup2(&fa, out_fd_, STDERR_FILENO);
        posix_spawnattr_t attr;
        posix_spawnattr_init(&attr);
        sigset_t none;
        sigemptyset(&none);
        posix_spawnattr_setsigmask(&attr, &none);
        posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK);
        std::vector<char*> args;
        args.reserve(argv.size() + 1);
        for (const auto& a : argv) {
            args.push_back(const_cast<char*>(a.c_str()));  // NOLINT: posix_spawn's signature
        }
        args.push_back(nullptr);
        const int rc = ::posix_spawnp(&pid_, args[0], &fa, &attr, args.data(), environ);
        posix_spawn_file_actions_destroy(&fa);
        posix_spawnattr_destroy(&attr);
        if (rc != 0) {
            pid_ = -1;
            return unexpected(fmt::format("cannot run {}: {}", argv[0], std::strerror(rc)));
        }
        return {};
    }

    // True once the child has exited (reaped without blocking).
    bool poll() {
        if (pid_ > 0 && !exited_) {
            int st = 0;
            if (::waitpid(pid_, &st, WNOHANG) == pid_) {
                exited_ = true;
                status_ = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
            }
        }
        return exited_;
    }

    // Waits for the child and returns its exit status (128+N when killed by signal N).
    int wait() {
        if (pid_ > 0 && !exited_) {
            int st = 0;
            while (::waitpid(pid_, &st, 0) < 0 && errno == EINTR) {
            }
            exited_ = true;
            status_ = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
        }
        return status_;
    }

    // Kills the child (SIGKILL) if it still runs.
    void kill() {
        if (pid_ > 0 && !poll()) {
            ::kill(pid_, SIGKILL);
        }
    }

    // Everything the child wrote so far.
    [[nodiscard]] std::string output() const {
        std::string text;
        if (out_fd_ < 0) {
            return text;
        }
        std::array<char, 4096> buf{};
        off_t at = 0;
        for (;;) {
            const ssize_t n = ::pread(out_fd_, buf.data(), buf.size(), at);
            if (n <= 0) {
                break;
            }
            text.append(buf.data(), static_cast<std::size_t>(n));
            at += n;
        }
        return text;
    }

private:
    pid_t pid_ = -1;
    int out_fd_ = -1;
    bool exited_ = false;
    int status_ = -1;
};

int run_command(const std::vector<std::string>& argv, std::string* output) {
    child_process c;
    if (!c.start(argv)) {
        return -1;
    }
    const int rc = c.wait();
    if (output != nullptr) {
        *output = c.output();
    }
    return rc;
}

// True when `name` is an executable file in a PATH directory.
bool in_path(std::string_view name) {
    const char* path = std::getenv("PATH");
    std::string_view rest = path != nullptr ? path : "/usr/sbin:/usr/bin:/sbin:/bin";
    while (!rest.empty()) {
        const auto colon = rest.find(':');
        const std::string dir{rest.substr(0, colon)};
        rest = colon == std::string_view::npos ? std::string_view{} : rest.substr(colon + 1);
        const std::string file = fmt::format("{}/{}", dir.empty() ? "." : dir, name);
        if (::access(file.c_str(), X_OK) == 0) {
            return true;
        }
    }
    return false;
}

// A network namespace holding a TAP with the Linux end's address; deleted (with the TAP) on
// destruction, which runs on every return path, SIGINT included (the run handles SIGINT and
// returns instead of dying).
class tap_namespace {
public:
    tap_namespace(std::string ns, std::string dev) : ns_(std::move(ns)), dev_(std::move(dev)) {}
    tap_namespace(const tap_namespace&) = delete;
    tap_namespace& operator=(const tap_namespace&) = delete;
    tap_namespace(tap_namespace&&) = delete;
    tap_namespace& operator=(tap_namespace&&) = delete;
    ~tap_namespace() {
        if (created_) {
            (void)run_command({"ip", "netns", "del", ns_});
        }
    }

    // Creates the namespace, its loopback, the TAP and the kernel's address on it.
    result<void, std::string> create(const std::string& kernel_cidr) {
        std::string out;
        if (run_command({"ip", "netns", "add", ns_}, &out) != 0) {
            return unexpected(fmt::format("ip netns add {} failed: {}", ns_, trim(out)));
        }
        created_ = true;
        const std::vector<std::vector<std::string>> steps = {
            {"ip", "-n", ns_, "link", "set", "lo", "up"},
            {"ip", "-n", ns_, "tuntap", "add", "dev", dev_, "mode", "tap"},
            {"ip", "-n", ns_, "addr", "add", kernel_cidr, "dev", dev_},
            {"ip", "-n", ns_, "link", "set", dev_, "up"},
        };
        for (const auto& step : steps) {
            if (run_command(step, &out) != 0) {
                return unexpected(fmt::format("{} failed: {}", fmt::join(step, " "), trim(out)));
            }
        }
        // No IPv6 chatter (router solicitations) on the TAP; failure here is harmless.
        (void)run_command({"ip", "netns", "exec", ns_, "sysctl", "-qw",
                           fmt::format("net.ipv6.conf.{}.disable_ipv6=1", dev_)});
        return {};
    }

    [[nodiscard]] const std::string& name() const { return ns_; }

private:
    static std::string trim(std::string s) {
        while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) {
            s.pop_back();
        }
        return s;
    }
    std::string ns_;
    std::string dev_;
    bool created_ = false;
};

// Moves the calling thread into a named network namespace until destroyed (the TAP is opened
// by name, so the stack must be built inside; the open fd keeps working outside).
class netns_scope {
public:
    netns_scope() = default;
    netns_scope(const netns_scope&) = delete;
    netns_scope& operator=(const netns_scope&) = delete;
    netns_scope(netns_scope&&) = delete;
    netns_scope& operator=(netns_scope&&) = delete;
    ~netns_scope() {
        if (home_ >= 0) {
            (void)::setns(home_, CLONE_NEWNET);
            ::close(home_);
        }
    }

    result<void, std::string> enter(const std::string& ns) {
        home_ = ::open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
        if (home_ < 0) {
            return unexpected(fmt::format("open /proc/self/ns/net: {}", std::strerror(errno)));
        }
        const std::string path = fmt::format("/run/netns/{}", ns);
        const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            return unexpected(fmt::format("open {}: {}", path, std::strerror(errno)));
        }
        const int rc = ::setns(fd, CLONE_NEWNET);
        const int err = errno;
        ::close(fd);
        if (rc != 0) {
            return unexpected(fmt::format("setns {}: {}", ns, std::strerror(err)));
        }
        return {};
    }

private:
    int home_ = -1;
};

// Why the TAP part cannot run here, or nothing.
std::optional<std::string> tap_skip_reason() {
    if (::geteuid() != 0) {
        return "not root (it creates a network namespace and a TAP device)";
    }
    if (::access("/dev/net/tun", R_OK | W_OK) != 0) {
        return "/dev/net/tun is missing (no TUN/TAP)";
    }
    if (!in_path("ip")) {
        return "the ip command (iproute2) is missing";
    }
    return std::nullopt;
}

// Serves one test on `s` while the Linux client (a child process) runs; bounded: the server
// is cancelled if the client exits without a test finishing, or at `limit`.
runtime::task<result<void, ip3::run_failure>> tap_demo_run(net::stack& s,
                                                           const std::vector<std::string>& argv,
                                                           child_process& client,
                                                           std::string& server_json,
                                                           std::string& spawn_error,
                                                           duration limit) {
    result<void, ip3::run_failure> server{};
    bool done = false;
    runtime::task_group g;
    g.spawn(serve_one(s, demo_server_options(), server_json, server, done));
    // Let the server reach listen() before the client connects.
    bool go = static_cast<bool>(co_await runtime::sleep_for(std::chrono::milliseconds{200}));
    if (go) {
        if (auto st = client.start(argv); !st) {
            spawn_error = st.error();
            go = false;
        }
    }
    const instant deadline = runtime::now() + limit;
    std::optional<instant> client_exit;
    while (go && !done) {
        if (!client_exit && client.poll()) {
            client_exit = runtime::now();
        }
        // A client that failed never starts a test: give the server a moment to finish one
        // that did end, then stop waiting.
        if ((client_exit && runtime::now() - *client_exit > std::chrono::seconds{3}) ||
            runtime::now() > deadline) {
            break;
        }
        if (!(co_await runtime::sleep_for(std::chrono::milliseconds{50}))) {
            break;
        }
    }
    if (!done) {
        g.cancel();
    }
    co_await g.join();
    co_return server;
}

part_result run_tap_part(const demo_flags& flags) {
    part_result out;
    out.title = "Linux over TAP";
    if (auto why = tap_skip_reason()) {
        out.note = fmt::format("skipped: {}", *why);
        return out;
    }
    const auto pid = static_cast<unsigned>(::getpid());
    const std::string ns = fmt::format("nrdemo{}", pid);
    const std::string dev = fmt::format("nrdtap{}", pid);
    const std::string net = fmt::format("10.80.{}", pid % 200 + 20);
    const std::string kernel_ip = net + ".1";
    const std::string user_ip = net + ".2";
    const bool real_iperf3 = in_path("iperf3");
    out.title = real_iperf3 ? "Linux iperf3 over TAP" : "Linux over TAP";
    tap_namespace tn(ns, dev);
    if (auto r = tn.create(kernel_ip + "/24"); !r) {
        out.note = r.error();
        return out;
    }
    fmt::print("netrig demo: Linux over TAP: namespace {}, {} (Linux, {}) -> {} (netrig user "
               "stack on TAP {}), {} s, {} stream{}, congestion {}\n",
               ns, kernel_ip, real_iperf3 ? "Debian iperf3" : "netrig iperf3 --stack kernel",
               user_ip, dev, std::max(1, static_cast<int>(std::lround(flags.seconds))),
               flags.streams, flags.streams == 1 ? "" : "s", flags.congestion);
    std::fflush(stdout);
    runtime::executor ex;
    stack_options so = flags.stack;
    so.stack = stack_kind::user;
    so.link = link_spec{.kind = link_kind::tap, .name = dev, .queue = 0};
    so.ip = user_ip + "/24";
    so.impair.reset();
    result<built_stack, std::string> built = unexpected(std::string{"not built"});
    {
        netns_scope inside;
        if (auto r = inside.enter(ns); !r) {
            out.note = r.error();
            return out;
        }
        built = make_stack(so);
    }
    if (!built) {
        out.note = fmt::format("cannot build the user stack on the TAP: {}", built.error());
        return out;
    }
    std::vector<std::string> argv = {"ip", "netns", "exec", ns};
    if (real_iperf3) {
        argv.emplace_back("iperf3");
    } else {
        // netrig's own client on the kernel stack inside the namespace.
        std::array<char, 4096> self{};
        const ssize_t n = ::readlink("/proc/self/exe", self.data(), self.size() - 1);
        if (n <= 0) {
            out.note = "cannot find netrig's own binary for the Linux-side client";
            return out;
        }
        argv.emplace_back(self.data(), static_cast<std::size_t>(n));
        argv.emplace_back("iperf3");
    }
    const int secs = std::max(1, static_cast<int>(std::lround(flags.seconds)));
    for (const std::string& a :
         {std::string{"-c"}, user_ip, std::string{"-p"}, std::to_string(demo_port),
          std::string{"-t"}, std::to_string(secs), std::string{"-P"},
          std::to_string(flags.streams), std::string{"-C"}, flags.congestion,
          std::string{"-J"}}) {
        argv.push_back(a);
    }
    child_process client;
    std::string server_json;
    std::string spawn_error;
    auto r = ex.run(tap_demo_run(*built->stack, argv, client, server_json, spawn_error,
                                 std::chrono::seconds{secs + 20}));
    client.kill();
    const int client_rc = client.wait();
    const std::string client_json = client.output();
    if (!spawn_error.empty()) {
        out.note = spawn_error;
        return out;
    }
    if (!r) {
        out.note = fmt::format("the netrig server failed: {}", ip3::describe(r.error()));
        return out;
    }
    if (client_rc != 0) {
        out.note = fmt::format("the Linux client exited with {}: {}", client_rc,
                               client_json.substr(0, 300));
        return out;
    }
    evaluate_part(client_json, server_json, out);
    return out;
}

part_result run_sim_part(const demo_flags& flags, const net::user_stack_config& config_a,
                         const net::user_stack_config& config_b) {
    part_result out;
    out.title = "sim link";
    runtime::executor ex;
    auto pair = net::make_user_stack_pair(config_a, config_b);
    if (!pair) {
        out.note = fmt::format("cannot build the two stacks: {}", pair.error().message());
        return out;
    }
    net::user_stack& a = *pair->first;
    net::user_stack& b = *pair->second;
    ip3::client_options co;
    co.server = net::endpoint{a.address().address, demo_port};
    co.host_text = a.address().address.to_string();
    co.output.json = true;
    co.params.protocol = ip3::transport::tcp;
    co.params.time_s = std::max(1, static_cast<int>(std::lround(flags.seconds)));
    co.params.parallel = static_cast<int>(flags.streams);
    co.params.congestion = flags.congestion;
    fmt::print("netrig demo: netrig iperf3 over the sim link between two netrig stacks "
               "({} -> {}), user stack, {} s, {} stream{}, congestion {}\n",
               b.address().address.to_string(), a.address().address.to_string(),
               co.params.time_s, flags.streams, flags.streams == 1 ? "" : "s", flags.congestion);
    std::fflush(stdout);
    std::string client_json;
    std::string server_json;
    result<void, ip3::run_failure> server{};
    auto r = ex.run(user_demo_run(a, b, co, client_json, server_json, server));
    if (!r) {
        out.note = fmt::format("transfer failed: {}", ip3::describe(r.error()));
        return out;
    }
    evaluate_part(client_json, server_json, out);
    return out;
}

std::string retransmits_text(const part_result& p) {
    return p.retransmits ? std::to_string(*p.retransmits) : std::string{"-"};
}

void print_table(const part_result& sim, const part_result& tap) {
    auto cell = [](const part_result& p, auto&& f) -> std::string {
        return p.ran ? f(p) : std::string{"-"};
    };
    auto row = [&](std::string_view name, auto&& f) {
        fmt::print("  {:<22} {:>22} {:>22}\n", name, cell(sim, f), cell(tap, f));
    };
    fmt::print("\n  {:<22} {:>22} {:>22}\n", "", sim.title, tap.title);
    row("sender Gbit/s", [](const part_result& p) { return fmt::format("{:.3f}", p.sender_bps / 1e9); });
    row("receiver Gbit/s",
        [](const part_result& p) { return fmt::format("{:.3f}", p.receiver_bps / 1e9); });
    row("bytes sent", [](const part_result& p) { return std::to_string(p.sent_bytes); });
    row("bytes received", [](const part_result& p) { return std::to_string(p.received_bytes); });
    row("sent - received", [](const part_result& p) {
        return std::to_string(static_cast<std::int64_t>(p.sent_bytes) -
                              static_cast<std::int64_t>(p.received_bytes));
    });
    row("sender retransmits", [](const part_result& p) { return retransmits_text(p); });
    row("results exchange", [](const part_result& p) {
        return std::string{p.server_received_bytes == p.received_bytes ? "agrees" : "DIFFERS"};
    });
    for (const part_result* p : {&sim, &tap}) {
        if (!p->note.empty()) {
            fmt::print("  {}: {}\n", p->title, p->note);
        }
    }
}

int run_user_demo(const demo_flags& flags) {
    if (flags.stack.link && flags.stack.link->kind != link_kind::sim) {
        fmt::print(stderr, "netrig demo: --stack user runs both ends in this process over "
                           "--link sim (use netrig iperf3 --stack user for TAP or AF_XDP)\n");
        return exit_usage;
    }
    auto config_a = user_config(flags.stack);
    if (!config_a) {
        fmt::print(stderr, "netrig demo: {}\n", config_a.error());
        return exit_usage;
    }
    auto peer = net::sim_responder_address(config_a->address);
    if (!peer) {
        fmt::print(stderr, "netrig demo: --ip leaves no address for the second stack\n");
        return exit_usage;
    }
    // The client stack: the next host address, its own seed; --pcap and --impair stay on the
    // server's port (impairments of one port act on both directions of its link).
    net::user_stack_config config_b = *config_a;
    config_b.address = wire::ipv4_cidr{.address = *peer, .prefix_len = config_a->address.prefix_len};
    config_b.seed = config_a->seed + 1;
    config_b.pcap_path.reset();
    config_b.impairments.reset();
    // SIGINT/SIGTERM end the iperf3 runs gracefully (they watch for them), so the namespace and
    // TAP of the second part are always removed; block them before any executor exists.
    block_run_signals();
    const part_result sim = run_sim_part(flags, *config_a, config_b);
    if (!sim.ok) {
        fmt::print(stderr, "netrig demo: {}\n", sim.note);
        return exit_failure;
    }
    const part_result tap = run_tap_part(flags);
    print_table(sim, tap);
    fmt::print("  (as in iperf3, the receiver stops counting when the client ends the test, so "
               "bytes in flight or buffered then are written but not counted; netrig's sender "
               "counts a {} KiB block once it is fully written, so the block in progress at the "
               "end can make the receiver's count larger by up to one block per stream)\n",
               128);
    if (!tap.ran && tap.note.rfind("skipped", 0) == 0) {
        fmt::print("  the Linux-over-TAP part was {}\n", tap.note);
    }
    fmt::print("  sim link: the receiver counted {} of the {} bytes written; the results "
               "exchange agrees.\n",
               sim.received_bytes, sim.sent_bytes);
    if (tap.ok) {
        fmt::print("  Linux over TAP: the receiver counted {} of the {} bytes written; the "
                   "results exchange agrees.\n",
                   tap.received_bytes, tap.sent_bytes);
    } else if (tap.note.rfind("skipped", 0) != 0) {
        fmt::print(stderr, "netrig demo: Linux over TAP: {}\n", tap.note);
        return exit_failure;
    }
    return 0;
}

int run_demo(const demo_flags& flags) {
    if (auto why = unsupported_reason(flags.stack)) {
        fmt::print(stderr, "netrig demo: {}\n", *why);
        return exit_usage;
    }
    if (flags.stack.stack == stack_kind::user) {
        return run_user_demo(flags);
    }
    tools::bulk::bulk_options options;
    options.time_limit = std::chrono::duration_cast<duration>(
        std::chrono::duration<double>(flags.seconds));
    options.streams = flags.streams;
    options.congestion = flags.congestion;
    // Pin the two ends to different cores, as every comparison in this project does
    // (ENVIRONMENT.md: unpinned runs on this machine are noisy).
    tools::bulk::pair_options placement;
    if (!flags.no_pin && std::thread::hardware_concurrency() >= 2) {
        placement.sink_cpu = 1;
        placement.source_cpu = 0;
    }
    auto stack = net::make_kernel_stack();
    fmt::print("netrig demo: TCP bulk transfer over loopback, {} stack, {:.1f} s, {} stream{}, "
               "congestion {}, 128 KiB writes{}\n",
               stack->name(), flags.seconds, flags.streams, flags.streams == 1 ? "" : "s",
               flags.congestion, placement.sink_cpu ? ", sink on CPU 1, source on CPU 0" : "");
    std::fflush(stdout);
    const auto outcome = tools::bulk::run_loopback_pair(*stack, options, placement);
    if (!outcome) {
        fmt::print(stderr, "netrig demo: transfer failed: {}\n", outcome.error().message());
        return exit_failure;
    }
    fmt::print("  {}\n  {}\n", tools::bulk::format_report("source", outcome->source),
               tools::bulk::format_report("sink  ", outcome->sink));
    if (outcome->sink.bytes != outcome->source.bytes) {
        fmt::print(stderr, "netrig demo: the sink counted {} bytes but the source wrote {}\n",
                   outcome->sink.bytes, outcome->source.bytes);
        return exit_failure;
    }
    fmt::print("  every byte written was received ({} bytes).\n", outcome->sink.bytes);
    return 0;
}

}  // namespace

command add_demo_command(CLI::App& parent) {
    auto flags = std::make_shared<demo_flags>();
    CLI::App* sub = parent.add_subcommand(
        "demo", "Run a bounded TCP throughput test through netrig's runtime and socket API "
                "(kernel stack over loopback, or --stack user: two netrig stacks over the sim link) "
                "and print the result");
    sub->add_option("-t,--time", flags->seconds, "Seconds to transmit")
        ->check(CLI::Range(0.1, 60.0))
        ->capture_default_str();
    sub->add_option("-P,--parallel", flags->streams, "Number of parallel TCP streams")
        ->check(CLI::Range(1U, 128U))
        ->capture_default_str();
    sub->add_option("-C,--congestion", flags->congestion, "TCP congestion control algorithm")
        ->capture_default_str();
    sub->add_flag("--no-pin", flags->no_pin, "Do not pin the two ends to CPUs 0 and 1");
    add_stack_options(*sub, flags->stack);
    return command{.app = sub, .run = [flags] { return run_demo(*flags); }};
}

}  // namespace netrig::cli
