// SPDX-License-Identifier: MIT
// tests/sim: the deterministic TCP sim suite (issue 4). For each impairment profile and seed it
// runs a scenario (tcp_suite_scenario.hpp): a transfer between two core interfaces in virtual
// time whose receiver hash must equal the sender's, with a clean close both ways, within a
// virtual-time bound. Parameters not fixed on the command line (size, direction, MSS, buffer
// sizes, application chunk, congestion control) are drawn from the seed, so
// `--profile P --seed S` plus the fixed options replays a scenario exactly; every failure prints
// that command line.
//
// Usage: tcp_sim_suite [--profile NAME|all] [--bytes N[k|M|G|Ki|Mi|Gi]] [--seeds N]
//                      [--seed S] [--direction c2s|s2c|both] [--cc reno|cubic] [--mss N]
//                      [--check-determinism] [--list]
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/rng.hpp"
#include "tcp_suite_profiles.hpp"
#include "tcp_suite_scenario.hpp"

namespace {

using namespace netrig;
using namespace netrig::sim;

struct options {
    std::string profile = "all";
    std::optional<std::uint64_t> bytes;
    std::uint64_t seeds = 5;
    std::optional<std::uint64_t> seed;
    std::optional<tcp_direction> direction;
    std::optional<core::tcp::cc_algorithm> cc;
    std::optional<std::uint16_t> mss;
    bool check_determinism = false;
    bool list = false;
};

void usage() {
    std::fprintf(stderr,
                 "usage: tcp_sim_suite [--profile NAME|all] [--bytes N[k|M|G|Ki|Mi|Gi]] "
                 "[--seeds N] [--seed S]\n"
                 "                     [--direction c2s|s2c|both] [--cc reno|cubic] [--mss N] "
                 "[--check-determinism] [--list]\n");
}

std::optional<std::uint64_t> parse_count(std::string_view text) {
    char* end = nullptr;
    const std::string s{text};
    const std::uint64_t n = std::strtoull(s.c_str(), &end, 10);
    if (end == s.c_str()) {
        return std::nullopt;
    }
    const std::string_view unit{end};
    if (unit.empty()) {
        return n;
    }
    if (unit == "k" || unit == "K") {
        return n * 1000;
    }
    if (unit == "M") {
        return n * 1000 * 1000;
    }
    if (unit == "G") {
        return n * 1000 * 1000 * 1000;
    }
    if (unit == "Ki") {
        return n * 1024;
    }
    if (unit == "Mi") {
        return n * 1024 * 1024;
    }
    if (unit == "Gi") {
        return n * 1024 * 1024 * 1024;
    }
    return std::nullopt;
}

std::optional<tcp_direction> parse_direction(std::string_view s) {
    for (const auto d :
         {tcp_direction::client_to_server, tcp_direction::server_to_client, tcp_direction::both}) {
        if (to_string(d) == s) {
            return d;
        }
    }
    return std::nullopt;
}

std::optional<options> parse(int argc, char** argv) {
    options o;
    for (int i = 1; i < argc; ++i) {
        const std::string_view a{argv[i]};
        const bool has_value = i + 1 < argc;
        const std::string_view v = has_value ? std::string_view{argv[i + 1]} : std::string_view{};
        if (a == "--list") {
            o.list = true;
        } else if (a == "--check-determinism") {
            o.check_determinism = true;
        } else if (!has_value) {
            return std::nullopt;
        } else if (a == "--profile") {
            o.profile = std::string{v};
            ++i;
        } else if (a == "--bytes") {
            o.bytes = parse_count(v);
            if (!o.bytes || *o.bytes == 0) {
                return std::nullopt;
            }
            ++i;
        } else if (a == "--seeds") {
            const auto n = parse_count(v);
            if (!n || *n == 0) {
                return std::nullopt;
            }
            o.seeds = *n;
            ++i;
        } else if (a == "--seed") {
            o.seed = parse_count(v);
            if (!o.seed) {
                return std::nullopt;
            }
            ++i;
        } else if (a == "--direction") {
            o.direction = parse_direction(v);
            if (!o.direction) {
                return std::nullopt;
            }
            ++i;
        } else if (a == "--cc") {
            o.cc = core::tcp::parse_cc(v);
            if (!o.cc) {
                return std::nullopt;
            }
            ++i;
        } else if (a == "--mss") {
            const auto n = parse_count(v);
            if (!n || *n < 88 || *n > 1460) {
                return std::nullopt;
            }
            o.mss = static_cast<std::uint16_t>(*n);
            ++i;
        } else {
            return std::nullopt;
        }
    }
    return o;
}

// The scenario for (profile, seed): options fixed on the command line win, the rest is drawn
// from the seed (so the same command line always gives the same scenario).
tcp_scenario make_scenario(const options& o, const tcp_profile& p, std::uint64_t seed) {
    std::uint64_t key = seed * 0x9e3779b97f4a7c15ULL;
    for (const char ch : p.name) {
        key = (key ^ static_cast<std::uint8_t>(ch)) * 0x100000001b3ULL;
    }
    rng r{key};
    tcp_scenario s;
    s.profile = &p;
    s.seed = seed;
    // Draw everything, always in the same order, whether or not it is then overridden.
    const std::uint64_t bytes = 256 * 1024 + r.below(2 * 1024 * 1024 - 256 * 1024 + 1);
    const auto direction = static_cast<tcp_direction>(r.below(3));
    constexpr std::uint16_t mss_choices[] = {536, 1000, 1200, 1400, 1460, 1460};
    const std::uint16_t mss = mss_choices[r.below(std::size(mss_choices))];
    constexpr std::size_t send_choices[] = {64 * 1024, 256 * 1024, 1024 * 1024, 4 * 1024 * 1024};
    constexpr std::size_t recv_choices[] = {64 * 1024, 256 * 1024, 1024 * 1024, 6 * 1024 * 1024};
    const std::size_t send_max = send_choices[r.below(std::size(send_choices))];
    const std::size_t recv_max = recv_choices[r.below(std::size(recv_choices))];
    constexpr std::size_t chunk_choices[] = {1000, 4096, 65536, 65536};
    const std::size_t chunk = chunk_choices[r.below(std::size(chunk_choices))];
    const auto cc = r.below(2) == 0 ? core::tcp::cc_algorithm::reno : core::tcp::cc_algorithm::cubic;
    if (o.bytes) {
        // Fixed-size runs (the 100 MB ones) use the defaults except where told otherwise.
        s.bytes = *o.bytes;
        s.direction = o.direction.value_or(tcp_direction::both);
        s.mss = o.mss.value_or(1460);
        s.cc = o.cc.value_or(core::tcp::cc_algorithm::cubic);
        return s;
    }
    s.bytes = bytes;
    s.direction = o.direction.value_or(direction);
    s.mss = o.mss.value_or(mss);
    s.send_buffer_max = send_max;
    s.recv_buffer_max = recv_max;
    s.app_chunk = chunk;
    s.cc = o.cc.value_or(cc);
    return s;
}

std::string replay_line(const options& o, const tcp_profile& p, std::uint64_t seed) {
    std::string line = "tcp_sim_suite --profile " + std::string{p.name} + " --seed " +
                       std::to_string(seed);
    if (o.bytes) {
        line += " --bytes " + std::to_string(*o.bytes);
    }
    if (o.direction) {
        line += " --direction " + std::string{to_string(*o.direction)};
    }
    if (o.cc) {
        line += " --cc " + std::string{core::tcp::to_string(*o.cc)};
    }
    if (o.mss) {
        line += " --mss " + std::to_string(*o.mss);
    }
    return line;
}

}  // namespace

int main(int argc, char** argv) {
    const auto parsed = parse(argc, argv);
    if (!parsed) {
        usage();
        return 2;
    }
    const options& o = *parsed;
    if (o.list) {
        for (const auto& p : tcp_profiles()) {
            std::printf("%-11s %s\n", std::string{p.name}.c_str(),
                        std::string{p.description}.c_str());
        }
        return 0;
    }
    std::vector<const tcp_profile*> profiles;
    if (o.profile == "all") {
        for (const auto& p : tcp_profiles()) {
            profiles.push_back(&p);
        }
    } else if (const auto* p = find_tcp_profile(o.profile)) {
        profiles.push_back(p);
    } else {
        std::fprintf(stderr, "tcp_sim_suite: unknown profile '%s' (see --list)\n",
                     o.profile.c_str());
        return 2;
    }
    const std::uint64_t first = o.seed.value_or(1);
    const std::uint64_t last = o.seed ? *o.seed : o.seeds;
    int runs = 0;
    int failures = 0;
    const auto wall_start = std::chrono::steady_clock::now();
    for (const tcp_profile* p : profiles) {
        for (std::uint64_t seed = first; seed <= last; ++seed) {
            const tcp_scenario s = make_scenario(o, *p, seed);
            const auto t0 = std::chrono::steady_clock::now();
            const tcp_outcome out = run_tcp_scenario(s);
            std::string error = out.error;
            if (error.empty() && o.check_determinism) {
                const tcp_outcome again = run_tcp_scenario(s);
                if (again.fingerprint != out.fingerprint || !again.error.empty()) {
                    error = "two runs of the same scenario differ (not deterministic)";
                }
            }
            const double wall = std::chrono::duration<double>(
                                    std::chrono::steady_clock::now() - t0)
                                    .count();
            ++runs;
            const double vt = std::chrono::duration<double>(out.virtual_time).count();
            std::printf("%s %-10s seed %-4llu %-4s %9llu B mss %4u snd %7zu rcv %7zu chunk %5zu "
                        "%-5s | %7.2f s virtual, %8llu frames, %6llu rexmit, %4llu rto, "
                        "%4llu csum drops, %.2f s wall\n",
                        error.empty() ? "ok  " : "FAIL", std::string{p->name}.c_str(),
                        static_cast<unsigned long long>(seed),
                        std::string{to_string(s.direction)}.c_str(),
                        static_cast<unsigned long long>(s.bytes), s.mss, s.send_buffer_max,
                        s.recv_buffer_max, s.app_chunk,
                        std::string{core::tcp::to_string(s.cc)}.c_str(), vt,
                        static_cast<unsigned long long>(out.frames),
                        static_cast<unsigned long long>(out.retransmits),
                        static_cast<unsigned long long>(out.rtos),
                        static_cast<unsigned long long>(out.checksum_drops), wall);
            if (!error.empty()) {
                ++failures;
                std::printf("  FAILED: %s\n  replay: %s\n", error.c_str(),
                            replay_line(o, *p, seed).c_str());
            }
            std::fflush(stdout);
        }
    }
    const double wall =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
    std::printf("tcp_sim_suite: %d scenarios, %d failed, %.1f s wall\n", runs, failures, wall);
    return failures == 0 ? 0 : 1;
}
