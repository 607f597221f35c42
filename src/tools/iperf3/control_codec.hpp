// SPDX-License-Identifier: MIT
// tools/iperf3: the sans-IO codec of the control connection (spec A.3-A.5): cookie, one-byte
// states (SERVER_ERROR followed by two big-endian int32), and 4-byte big-endian length-prefixed
// JSON. The decoder is fed whatever bytes arrived and yields whole messages; the caller tells it
// what comes next, because the protocol (not the bytes) decides that.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/bytes.hpp"
#include "base/result.hpp"
#include "tools/iperf3/cookie.hpp"
#include "tools/iperf3/errors.hpp"
#include "tools/iperf3/protocol.hpp"

namespace netrig::tools::iperf3 {

/// The payload of SERVER_ERROR: iperf3's i_errno and the server's errno.
struct server_error_info {
    std::int32_t i_errno = 0;    ///< iperf3 error number (see protocol.hpp i_errno)
    std::int32_t sys_errno = 0;  ///< errno on the server, 0 if none
    friend bool operator==(const server_error_info&, const server_error_info&) = default;
};

/// A state byte other than SERVER_ERROR.
struct state_message {
    state value{};
    friend bool operator==(const state_message&, const state_message&) = default;
};

/// One decoded JSON object.
struct json_message {
    nlohmann::json value;
};

/// Everything that can arrive on a control connection.
using control_message = std::variant<cookie, state_message, server_error_info, json_message>;

/// What the decoder reads next.
enum class frame_kind : std::uint8_t { cookie, state, json };

/// Incremental decoder. Usage: expect_*(); then feed() bytes until take() yields a message or
/// an error; repeat. After a message it expects a state byte again (the common case). Errors
/// are sticky: once take() returned an error, the connection must be dropped.
/// Memory is bounded by the JSON limit given to expect_json (the body is only buffered after
/// its length was checked).
class control_decoder {
public:
    /// Starts expecting a state byte.
    control_decoder() = default;

    /// The next frame is the 37-byte cookie.
    void expect_cookie();
    /// The next frame is a state byte (SERVER_ERROR pulls in its 8-byte payload).
    void expect_state();
    /// The next frame is length-prefixed JSON of at most limit_bytes.
    void expect_json(std::size_t limit_bytes);

    /// Consumes bytes of the current frame from in and returns how many it took; it stops at
    /// the end of the frame, so the caller re-feeds the rest after take(). Returns 0 while a
    /// completed message or an error waits to be taken.
    std::size_t feed(bytes in);

    /// The completed message or the rejection, once there is one. Errors: codec_error::
    /// cookie_bad_char, cookie_no_nul, unknown_state, json_empty, json_too_large,
    /// json_malformed, json_not_object.
    [[nodiscard]] std::optional<result<control_message, codec_error>> take();

    /// What the decoder is reading.
    [[nodiscard]] frame_kind expecting() const { return kind_; }
    /// True while a frame is partly read (a peer that stops here is stalling mid-message).
    [[nodiscard]] bool mid_frame() const { return !buffer_.empty() || length_known_; }

private:
    void finish_frame();
    void fail(codec_error e);

    frame_kind kind_ = frame_kind::state;
    std::size_t json_limit_ = 0;
    std::vector<std::uint8_t> buffer_;
    std::size_t need_ = 1;        // bytes wanted in buffer_ for the current step
    bool length_known_ = false;   // json: the prefix was read, buffer_ now holds the body
    bool server_error_ = false;   // state: 0xFE seen, buffer_ collects the 8-byte payload
    std::optional<result<control_message, codec_error>> ready_;
    bool failed_ = false;
};

/// The byte of a state message.
[[nodiscard]] inline std::uint8_t encode_state(state s) { return to_byte(s); }

/// SERVER_ERROR followed by i_errno and errno, each a big-endian int32 (spec A.3).
[[nodiscard]] std::array<std::uint8_t, 9> encode_server_error(server_error_info info);

/// The 4-byte big-endian length and the unformatted JSON text (cJSON_PrintUnformatted-like).
/// Invalid UTF-8 in strings is replaced, never thrown on.
[[nodiscard]] std::vector<std::uint8_t> encode_json(const nlohmann::json& value);

/// Parses JSON text without exceptions. Errors: json_malformed, json_not_object.
[[nodiscard]] result<nlohmann::json, codec_error> parse_json_object(bytes text);

}  // namespace netrig::tools::iperf3
