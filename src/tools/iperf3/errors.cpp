// SPDX-License-Identifier: MIT
// tools/iperf3: names and categories of the codec and run errors; state byte names.
#include "tools/iperf3/errors.hpp"

#include <string>

#include "tools/iperf3/protocol.hpp"

namespace netrig::tools::iperf3 {

std::optional<state> state_from_byte(std::uint8_t b) {
    switch (b) {
        case 1: case 2: case 4: case 9: case 10: case 11: case 12: case 13: case 14: case 16:
        case 0xFF: case 0xFE:
            return static_cast<state>(static_cast<std::int8_t>(b));
        default:
            return std::nullopt;
    }
}

std::string_view to_string(state s) {
    switch (s) {
        case state::test_start: return "TEST_START";
        case state::test_running: return "TEST_RUNNING";
        case state::test_end: return "TEST_END";
        case state::param_exchange: return "PARAM_EXCHANGE";
        case state::create_streams: return "CREATE_STREAMS";
        case state::server_terminate: return "SERVER_TERMINATE";
        case state::client_terminate: return "CLIENT_TERMINATE";
        case state::exchange_results: return "EXCHANGE_RESULTS";
        case state::display_results: return "DISPLAY_RESULTS";
        case state::iperf_done: return "IPERF_DONE";
        case state::access_denied: return "ACCESS_DENIED";
        case state::server_error: return "SERVER_ERROR";
    }
    return "UNKNOWN";
}

std::string_view describe_i_errno(std::int32_t value) {
    switch (value) {
        case i_errno::recv_cookie: return "unable to receive cookie at server";
        case i_errno::ctrl_close: return "control socket has closed unexpectedly";
        case i_errno::message: return "received an unknown control message";
        case i_errno::recv_params: return "unable to receive parameters from client";
        case i_errno::recv_results: return "unable to receive results";
        case i_errno::access_denied: return "the server is busy running a test. try again later";
        case i_errno::set_congestion: return "unable to set TCP_CONGESTION";
        case i_errno::stream_listen: return "unable to start stream listener";
        case i_errno::stream_accept: return "unable to accept stream connection";
        case i_errno::num_streams: return "number of parallel streams too large";
        case i_errno::block_size: return "block size too large";
        case i_errno::duration: return "test duration too long";
        default: return "error reported by the server";
    }
}

std::string_view to_string(codec_error e) {
    switch (e) {
        case codec_error::cookie_bad_char: return "cookie_bad_char";
        case codec_error::cookie_no_nul: return "cookie_no_nul";
        case codec_error::unknown_state: return "unknown_state";
        case codec_error::unexpected_state: return "unexpected_state";
        case codec_error::json_empty: return "json_empty";
        case codec_error::json_too_large: return "json_too_large";
        case codec_error::json_malformed: return "json_malformed";
        case codec_error::json_not_object: return "json_not_object";
        case codec_error::bad_param: return "bad_param";
        case codec_error::bad_results: return "bad_results";
        case codec_error::datagram_too_short: return "datagram_too_short";
    }
    return "unknown";
}

namespace {

class codec_category final : public std::error_category {
public:
    [[nodiscard]] const char* name() const noexcept override { return "netrig.iperf3.codec"; }
    [[nodiscard]] std::string message(int ev) const override {
        return std::string{to_string(static_cast<codec_error>(ev))};
    }
};

class run_category final : public std::error_category {
public:
    [[nodiscard]] const char* name() const noexcept override { return "netrig.iperf3"; }
    [[nodiscard]] std::string message(int ev) const override {
        switch (static_cast<errc>(ev)) {
            case errc::server_busy: return "the server is busy running a test, try again later";
            case errc::access_denied: return "the server denied access";
            case errc::server_error: return "the server reported an error";
            case errc::server_terminated: return "the server has terminated";
            case errc::client_terminated: return "the client has terminated";
            case errc::control_closed: return "the control connection closed unexpectedly";
            case errc::protocol_violation: return "the peer violated the iperf3 protocol";
            case errc::interrupted: return "interrupted by a signal";
            case errc::timed_out: return "timed out";
        }
        return "unknown iperf3 error";
    }
};

}  // namespace

const std::error_category& codec_error_category() {
    static const codec_category category;
    return category;
}

std::error_code make_error_code(codec_error e) {
    return {static_cast<int>(e), codec_error_category()};
}

const std::error_category& error_category() {
    static const run_category category;
    return category;
}

std::error_code make_error_code(errc e) { return {static_cast<int>(e), error_category()}; }

}  // namespace netrig::tools::iperf3
