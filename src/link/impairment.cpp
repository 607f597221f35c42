// SPDX-License-Identifier: MIT
// link: the impairment engine and the --impair parser.
#include "link/impairment.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "base/assert.hpp"

namespace netrig::link {

bool impairment_config::is_none() const {
    return loss == 0.0 && burst.p_good_to_bad == 0.0 && duplicate == 0.0 && reorder == 0.0 &&
           delay == duration{0} && jitter == duration{0} && corrupt == 0.0 &&
           rate_bits_per_second == 0 && max_frame_bytes == 0;
}

impairment_engine::impairment_engine(const impairment_config& config, std::uint64_t seed)
    : config_(config), passthrough_(only_mtu_limit(config)), rng_(seed) {}

bool impairment_engine::only_mtu_limit(const impairment_config& config) {
    impairment_config c = config;
    c.max_frame_bytes = 0;
    return c.is_none();
}

bool impairment_engine::lost_to_burst() {
    const gilbert_elliott& ge = config_.burst;
    if (ge.p_good_to_bad <= 0.0) {
        return false;
    }
    // The state transition happens before the frame, as in netem's gemodel.
    if (bad_state_) {
        if (rng_.chance(ge.p_bad_to_good)) {
            bad_state_ = false;
        }
    } else if (rng_.chance(ge.p_good_to_bad)) {
        bad_state_ = true;
    }
    return rng_.chance(bad_state_ ? ge.loss_bad : ge.loss_good);
}

std::optional<instant> impairment_engine::pass_rate_limit(instant now, std::size_t len) {
    if (config_.rate_bits_per_second == 0) {
        return now;
    }
    const instant start = std::max(now, link_free_at_);
    // Bytes still waiting when this frame arrives: the backlog drains at the link rate, so it
    // is the time the link stays busy times the rate (a fluid view of the drop-tail queue).
    const auto busy_ns = static_cast<double>((start - now).count());
    const auto backlog_bytes = busy_ns * static_cast<double>(config_.rate_bits_per_second) / 8e9;
    if (config_.queue_bytes != 0 &&
        backlog_bytes + static_cast<double>(len) > static_cast<double>(config_.queue_bytes)) {
        return std::nullopt;
    }
    const auto tx_ns = static_cast<std::int64_t>(std::ceil(
        static_cast<double>(len) * 8e9 / static_cast<double>(config_.rate_bits_per_second)));
    link_free_at_ = start + duration{tx_ns};
    return link_free_at_;
}

delivery impairment_engine::make_copy(instant depart, std::size_t len) {
    delivery copy{.arrival = depart + config_.delay, .flip_bit = std::nullopt};
    if (config_.jitter > duration{0}) {
        const auto span = static_cast<std::uint64_t>(config_.jitter.count()) + 1;
        copy.arrival += duration{static_cast<std::int64_t>(rng_.below(span))};
    }
    if (config_.reorder > 0.0 && rng_.chance(config_.reorder)) {
        copy.arrival += config_.reorder_delay;
    }
    if (config_.corrupt > 0.0 && rng_.chance(config_.corrupt)) {
        copy.flip_bit = static_cast<std::uint32_t>(rng_.below(len * 8));
    }
    return copy;
}

verdict impairment_engine::decide(instant now, std::size_t len) {
    NETRIG_ASSERT(len > 0);
    verdict out;
    if (config_.max_frame_bytes != 0 && len > config_.max_frame_bytes) {
        out.dropped = drop_reason::oversize;
        return out;
    }
    if (passthrough_) {
        // What the steps below yield with every impairment off, without their branches.
        out.copies[0] = delivery{.arrival = now, .flip_bit = std::nullopt};
        out.count = 1;
        return out;
    }
    if (config_.loss > 0.0 && rng_.chance(config_.loss)) {
        out.dropped = drop_reason::loss;
        return out;
    }
    if (lost_to_burst()) {
        out.dropped = drop_reason::burst_loss;
        return out;
    }
    const std::optional<instant> depart = pass_rate_limit(now, len);
    if (!depart) {
        out.dropped = drop_reason::queue_full;
        return out;
    }
    out.copies[0] = make_copy(*depart, len);
    out.count = 1;
    if (config_.duplicate > 0.0 && rng_.chance(config_.duplicate)) {
        out.copies[1] = make_copy(*depart, len);
        out.count = 2;
    }
    return out;
}

// ---- parser ---------------------------------------------------------------------------------

namespace {

using parse_result = result<double, std::string>;

std::string bad(std::string_view key, std::string_view value, std::string_view why) {
    return "bad impairment '" + std::string(key) + "=" + std::string(value) +
           "': " + std::string(why);
}

// Splits "12.5ms" into 12.5 and "ms".
bool split_number(std::string_view text, double& number, std::string_view& suffix) {
    const char* first = text.data();
    const char* last = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(first, last, number);
    if (ec != std::errc{} || !std::isfinite(number) || number < 0) {
        return false;
    }
    suffix = text.substr(static_cast<std::size_t>(ptr - first));
    return true;
}

parse_result parse_probability(std::string_view key, std::string_view value) {
    double number = 0;
    std::string_view suffix;
    if (!split_number(value, number, suffix)) {
        return unexpected<std::string>(bad(key, value, "not a number"));
    }
    if (suffix == "%") {
        number /= 100.0;
    } else if (!suffix.empty()) {
        return unexpected<std::string>(
            bad(key, value, "use a fraction (0.01) or a percentage (1%)"));
    }
    if (number > 1.0) {
        return unexpected<std::string>(bad(key, value, "probability above 100%"));
    }
    return number;
}

result<duration, std::string> parse_duration(std::string_view key, std::string_view value) {
    double number = 0;
    std::string_view suffix;
    if (!split_number(value, number, suffix)) {
        return unexpected<std::string>(bad(key, value, "not a number"));
    }
    double scale = 0;
    if (suffix == "ns") {
        scale = 1;
    } else if (suffix == "us") {
        scale = 1e3;
    } else if (suffix == "ms") {
        scale = 1e6;
    } else if (suffix == "s") {
        scale = 1e9;
    } else {
        return unexpected<std::string>(bad(key, value, "needs a unit: ns, us, ms or s"));
    }
    return duration{static_cast<std::int64_t>(number * scale)};
}

result<std::uint64_t, std::string> parse_scaled(std::string_view key, std::string_view value,
                                                std::string_view unit) {
    double number = 0;
    std::string_view suffix;
    if (!split_number(value, number, suffix)) {
        return unexpected<std::string>(bad(key, value, "not a number"));
    }
    if (!unit.empty() && suffix.size() >= unit.size() &&
        suffix.substr(suffix.size() - unit.size()) == unit) {
        suffix = suffix.substr(0, suffix.size() - unit.size());
    }
    double scale = 1;
    if (suffix == "k" || suffix == "K") {
        scale = 1e3;
    } else if (suffix == "m" || suffix == "M") {
        scale = 1e6;
    } else if (suffix == "g" || suffix == "G") {
        scale = 1e9;
    } else if (!suffix.empty()) {
        return unexpected<std::string>(bad(key, value, "unknown unit"));
    }
    return static_cast<std::uint64_t>(number * scale);
}

result<gilbert_elliott, std::string> parse_burst(std::string_view value) {
    gilbert_elliott ge;
    double* fields[] = {&ge.p_good_to_bad, &ge.p_bad_to_good, &ge.loss_good, &ge.loss_bad};
    std::size_t index = 0;
    std::string_view rest = value;
    while (!rest.empty() && index < 4) {
        const std::size_t colon = rest.find(':');
        const std::string_view part = rest.substr(0, colon);
        NETRIG_TRY_ASSIGN(*fields[index], parse_probability("burst", part));
        ++index;
        rest = colon == std::string_view::npos ? std::string_view{} : rest.substr(colon + 1);
    }
    if (index < 2 || !rest.empty()) {
        return unexpected<std::string>(bad("burst", value,
                                           "use burst=P_GOOD_TO_BAD:P_BAD_TO_GOOD[:LOSS_GOOD"
                                           ":LOSS_BAD]"));
    }
    return ge;
}

result<void, std::string> apply(impairment_config& c, std::string_view key,
                                std::string_view value) {
    if (key == "loss") {
        NETRIG_TRY_ASSIGN(c.loss, parse_probability(key, value));
    } else if (key == "dup" || key == "duplicate") {
        NETRIG_TRY_ASSIGN(c.duplicate, parse_probability(key, value));
    } else if (key == "reorder") {
        NETRIG_TRY_ASSIGN(c.reorder, parse_probability(key, value));
    } else if (key == "corrupt") {
        NETRIG_TRY_ASSIGN(c.corrupt, parse_probability(key, value));
    } else if (key == "delay") {
        NETRIG_TRY_ASSIGN(c.delay, parse_duration(key, value));
    } else if (key == "jitter") {
        NETRIG_TRY_ASSIGN(c.jitter, parse_duration(key, value));
    } else if (key == "reorder_delay") {
        NETRIG_TRY_ASSIGN(c.reorder_delay, parse_duration(key, value));
    } else if (key == "rate") {
        NETRIG_TRY_ASSIGN(c.rate_bits_per_second, parse_scaled(key, value, "bit"));
    } else if (key == "queue") {
        NETRIG_TRY_ASSIGN(auto q, parse_scaled(key, value, "b"));
        c.queue_bytes = static_cast<std::size_t>(q);
    } else if (key == "mtu") {
        NETRIG_TRY_ASSIGN(auto m, parse_scaled(key, value, ""));
        c.max_frame_bytes = static_cast<std::size_t>(m);
    } else if (key == "burst") {
        NETRIG_TRY_ASSIGN(c.burst, parse_burst(value));
    } else {
        return unexpected<std::string>(
            "unknown impairment '" + std::string(key) +
            "' (known: loss, burst, dup, reorder, reorder_delay, delay, jitter, "
            "corrupt, rate, queue, mtu)");
    }
    return {};
}

}  // namespace

result<impairment_config, std::string> parse_impairments(std::string_view text) {
    impairment_config config;
    std::string_view rest = text;
    while (!rest.empty()) {
        const std::size_t comma = rest.find(',');
        const std::string_view item = rest.substr(0, comma);
        rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
        if (item.empty()) {
            continue;
        }
        const std::size_t eq = item.find('=');
        if (eq == std::string_view::npos) {
            return unexpected<std::string>("bad impairment '" + std::string(item) +
                                           "': use key=value");
        }
        NETRIG_TRY(apply(config, item.substr(0, eq), item.substr(eq + 1)));
    }
    if (config.reorder > 0.0 && config.reorder_delay == duration{0}) {
        return unexpected<std::string>(
            std::string("reorder needs reorder_delay (e.g. reorder_delay=5ms)"));
    }
    return config;
}

}  // namespace netrig::link
