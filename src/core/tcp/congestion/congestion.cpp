// SPDX-License-Identifier: MIT
// core/tcp/congestion: name parsing, the RFC 5681 initial window and std::visit dispatch.
#include "core/tcp/congestion/congestion.hpp"

#include "base/assert.hpp"

namespace netrig::core::tcp {

std::uint32_t initial_window(std::uint32_t mss) {
    NETRIG_ASSERT(mss > 0);
    // RFC 5681 §3.1: "If SMSS > 2190 bytes: IW = 2 * SMSS bytes ...; If (SMSS > 1095 bytes)
    // and (SMSS <= 2190 bytes): IW = 3 * SMSS bytes ...; if (SMSS <= 1095 bytes): IW = 4 * SMSS".
    if (mss > 2190) {
        return 2 * mss;
    }
    if (mss > 1095) {
        return 3 * mss;
    }
    return 4 * mss;
}

std::optional<cc_algorithm> parse_cc(std::string_view name) {
    if (name == "reno") {
        return cc_algorithm::reno;
    }
    if (name == "cubic") {
        return cc_algorithm::cubic;
    }
    return std::nullopt;
}

std::string_view to_string(cc_algorithm algo) {
    switch (algo) {
        case cc_algorithm::reno:
            return "reno";
        case cc_algorithm::cubic:
            return "cubic";
    }
    return "unknown";
}

namespace {

std::variant<reno, cubic> make_impl(cc_algorithm algo, std::uint32_t mss, instant now) {
    switch (algo) {
        case cc_algorithm::reno:
            return reno{mss, now};
        case cc_algorithm::cubic:
            return cubic{mss, now};
    }
    NETRIG_ASSERT(false && "unknown cc_algorithm");
    return reno{mss, now};
}

}  // namespace

congestion_control::congestion_control(cc_algorithm algo, std::uint32_t mss, instant now)
    : impl_(make_impl(algo, mss, now)) {}

std::uint32_t congestion_control::cwnd() const {
    return std::visit([](const auto& cc) { return cc.cwnd(); }, impl_);
}

std::uint32_t congestion_control::ssthresh() const {
    return std::visit([](const auto& cc) { return cc.ssthresh(); }, impl_);
}

cc_algorithm congestion_control::algorithm() const {
    return std::holds_alternative<reno>(impl_) ? cc_algorithm::reno : cc_algorithm::cubic;
}

void congestion_control::on_ack(const ack_event& ev) {
    std::visit([&](auto& cc) { cc.on_ack(ev); }, impl_);
}

void congestion_control::on_enter_recovery(instant now, std::uint32_t bytes_in_flight) {
    std::visit([&](auto& cc) { cc.on_enter_recovery(now, bytes_in_flight); }, impl_);
}

void congestion_control::on_exit_recovery(instant now) {
    std::visit([&](auto& cc) { cc.on_exit_recovery(now); }, impl_);
}

void congestion_control::on_rto(instant now, std::uint32_t bytes_in_flight) {
    std::visit([&](auto& cc) { cc.on_rto(now, bytes_in_flight); }, impl_);
}

void congestion_control::on_idle(instant now, duration idle, duration rto) {
    std::visit([&](auto& cc) { cc.on_idle(now, idle, rto); }, impl_);
}

void congestion_control::set_mss(std::uint32_t mss) {
    std::visit([&](auto& cc) { cc.set_mss(mss); }, impl_);
}

}  // namespace netrig::core::tcp
