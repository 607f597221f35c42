// SPDX-License-Identifier: MIT
// core: names of the counters.
#include "core/counters.hpp"

#include <numeric>

namespace netrig::core {

namespace {

#define NETRIG_CORE_NAME_(name) #name,
constexpr std::array<std::string_view, drop_reason_count> drop_names{
    NETRIG_CORE_DROP_REASONS(NETRIG_CORE_NAME_)};
constexpr std::array<std::string_view, stat_count> stat_names{NETRIG_CORE_STATS(NETRIG_CORE_NAME_)};
#undef NETRIG_CORE_NAME_

}  // namespace

std::string_view to_string(drop_reason r) {
    const auto i = static_cast<std::size_t>(r);
    return i < drop_names.size() ? drop_names[i] : std::string_view{"unknown"};
}

std::string_view to_string(stat s) {
    const auto i = static_cast<std::size_t>(s);
    return i < stat_names.size() ? stat_names[i] : std::string_view{"unknown"};
}

std::uint64_t counters::total_drops() const {
    return std::accumulate(drops.begin(), drops.end(), std::uint64_t{0});
}

}  // namespace netrig::core
