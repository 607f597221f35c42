// SPDX-License-Identifier: MIT
// tools/iperf3: control connection decoder and encoders.
#include "tools/iperf3/control_codec.hpp"

#include <algorithm>

namespace netrig::tools::iperf3 {

namespace {
constexpr std::size_t json_prefix_bytes = 4;
constexpr std::size_t server_error_payload_bytes = 8;
}  // namespace

void control_decoder::expect_cookie() {
    NETRIG_ASSERT(!ready_.has_value());
    kind_ = frame_kind::cookie;
    need_ = cookie_size;
}

void control_decoder::expect_state() {
    NETRIG_ASSERT(!ready_.has_value());
    kind_ = frame_kind::state;
    need_ = 1;
}

void control_decoder::expect_json(std::size_t limit_bytes) {
    NETRIG_ASSERT(!ready_.has_value());
    kind_ = frame_kind::json;
    json_limit_ = limit_bytes;
    need_ = json_prefix_bytes;
}

void control_decoder::fail(codec_error e) {
    failed_ = true;
    buffer_.clear();
    buffer_.shrink_to_fit();
    ready_ = unexpected(e);
}

std::size_t control_decoder::feed(bytes in) {
    std::size_t used = 0;
    while (!ready_.has_value() && !failed_ && used < in.size()) {
        NETRIG_ASSERT(buffer_.size() < need_);
        const std::size_t take_n = std::min(need_ - buffer_.size(), in.size() - used);
        buffer_.insert(buffer_.end(), in.begin() + static_cast<std::ptrdiff_t>(used),
                       in.begin() + static_cast<std::ptrdiff_t>(used + take_n));
        used += take_n;
        if (buffer_.size() == need_) {
            finish_frame();
        }
    }
    return used;
}

void control_decoder::finish_frame() {
    const bytes data{buffer_.data(), buffer_.size()};
    switch (kind_) {
        case frame_kind::cookie: {
            auto c = cookie::parse(data);
            if (!c) {
                fail(c.error());
                return;
            }
            ready_ = control_message{*c};
            break;
        }
        case frame_kind::state: {
            if (server_error_) {
                // iperf_api.c iperf_handle_message_client, case SERVER_ERROR: two int32 in
                // network order follow, i_errno then errno.
                ready_ = control_message{server_error_info{
                    .i_errno = static_cast<std::int32_t>(load_be32(data, 0)),
                    .sys_errno = static_cast<std::int32_t>(load_be32(data, 4))}};
                server_error_ = false;
                break;
            }
            const auto s = state_from_byte(data[0]);
            if (!s) {
                fail(codec_error::unknown_state);
                return;
            }
            if (*s == state::server_error) {
                server_error_ = true;
                buffer_.clear();
                need_ = server_error_payload_bytes;
                return;
            }
            ready_ = control_message{state_message{*s}};
            break;
        }
        case frame_kind::json: {
            if (!length_known_) {
                const std::uint32_t len = load_be32(data, 0);
                // iperf3 3.18 JSON_read: a zero length is rejected; the cap is checked before
                // any body byte is buffered, so a hostile length cannot make us allocate.
                if (len == 0) {
                    fail(codec_error::json_empty);
                    return;
                }
                if (len > json_limit_) {
                    fail(codec_error::json_too_large);
                    return;
                }
                length_known_ = true;
                buffer_.clear();
                need_ = len;
                return;
            }
            auto j = parse_json_object(data);
            if (!j) {
                fail(j.error());
                return;
            }
            ready_ = control_message{json_message{std::move(*j)}};
            length_known_ = false;
            break;
        }
    }
    buffer_.clear();
    kind_ = frame_kind::state;
    need_ = 1;
}

std::optional<result<control_message, codec_error>> control_decoder::take() {
    if (!ready_.has_value()) {
        return std::nullopt;
    }
    auto out = std::move(ready_);
    // Errors are sticky: keep reporting the same rejection.
    if (!failed_) {
        ready_.reset();
    } else {
        ready_ = unexpected(out->error());
    }
    return out;
}

std::array<std::uint8_t, 9> encode_server_error(server_error_info info) {
    std::array<std::uint8_t, 9> out{};
    out[0] = to_byte(state::server_error);
    store_be32(out, 1, static_cast<std::uint32_t>(info.i_errno));
    store_be32(out, 5, static_cast<std::uint32_t>(info.sys_errno));
    return out;
}

std::vector<std::uint8_t> encode_json(const nlohmann::json& value) {
    const std::string text = value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    std::vector<std::uint8_t> out(json_prefix_bytes + text.size());
    store_be32(out, 0, static_cast<std::uint32_t>(text.size()));
    std::copy(text.begin(), text.end(), out.begin() + json_prefix_bytes);
    return out;
}

result<nlohmann::json, codec_error> parse_json_object(bytes text) {
    auto j = nlohmann::json::parse(text.begin(), text.end(), nullptr, false);
    if (j.is_discarded()) {
        return unexpected(codec_error::json_malformed);
    }
    if (!j.is_object()) {
        return unexpected(codec_error::json_not_object);
    }
    return j;
}

}  // namespace netrig::tools::iperf3
