// SPDX-License-Identifier: MIT
// link: the one step every tx token's consume() shares: let the caller's fn fill the frame in
// place, then commit it (ring submit, switch send, batch commit), returning what fn returned.
#pragma once

#include <type_traits>
#include <utility>

#include "base/bytes.hpp"

namespace netrig::link {

/// Calls fn(frame), then commit(), and returns fn's result (nothing if fn returns void).
/// The commit runs after fn so the frame is complete when the device sees it.
template <class Fn, class Commit>
decltype(auto) fill_then(mut_bytes frame, Fn&& fn, Commit&& commit) {
    if constexpr (std::is_void_v<std::invoke_result_t<Fn&&, mut_bytes>>) {
        std::forward<Fn>(fn)(frame);
        std::forward<Commit>(commit)();
    } else {
        decltype(auto) out = std::forward<Fn>(fn)(frame);
        std::forward<Commit>(commit)();
        return out;
    }
}

}  // namespace netrig::link
