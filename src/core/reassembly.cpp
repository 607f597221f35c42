// SPDX-License-Identifier: MIT
// core: IPv4 fragment reassembly.
#include "core/reassembly.hpp"

#include <algorithm>

#include "base/assert.hpp"

namespace netrig::core {

namespace {
// RFC 791: the largest datagram is 65535 bytes, its payload at most 65535 - 20.
constexpr std::uint32_t payload_max = 65535 - 20;
}  // namespace

reassembler::reassembler(const reasm_limits& limits) : limits_(limits), slots_(limits.datagrams_max) {
    NETRIG_ASSERT(limits.datagrams_max > 0);
    NETRIG_ASSERT(limits.fragments_max > 0);
    for (auto& s : slots_) {
        s.ranges.resize(limits.fragments_max);
        s.buffer.resize(payload_max);
    }
}

void reassembler::release(slot& s) {
    NETRIG_ASSERT(s.in_use);
    NETRIG_ASSERT(bytes_held_ >= s.held);
    bytes_held_ -= s.held;
    s.in_use = false;
    s.held = 0;
    s.range_count = 0;
    s.total_len.reset();
}

reassembler::slot* reassembler::find_or_claim(instant now, const reasm_key& key) {
    slot* free = nullptr;
    for (auto& s : slots_) {
        if (s.in_use && s.key == key) {
            return &s;
        }
        if (!s.in_use && free == nullptr) {
            free = &s;
        }
    }
    if (free == nullptr) {
        // Pool exhausted: evict the oldest datagram (as Linux's ipfrag LRU does). Under loss an
        // old incomplete datagram is the likeliest to be dead, and keeping it would make every
        // new fragmented datagram fail until its 30 s timeout.
        for (auto& s : slots_) {
            if (free == nullptr || s.deadline < free->deadline) {
                free = &s;
            }
        }
        NETRIG_ASSERT(free != nullptr);
        release(*free);
        ++evictions_;
    }
    {
        free->in_use = true;
        free->key = key;
        // RFC 1122 §3.3.2: the timer starts with the first fragment and is not restarted.
        free->deadline = now + limits_.timeout;
    }
    return free;
}

result<std::optional<bytes>, drop_reason> reassembler::add(instant now, const reasm_fragment& f) {
    const std::uint32_t begin = f.offset;
    const std::uint32_t end = begin + static_cast<std::uint32_t>(f.payload.size());
    // RFC 791: every fragment but the last carries a multiple of 8 bytes.
    if (end > payload_max || (f.more && f.payload.size() % 8 != 0) || f.payload.empty()) {
        return unexpected(drop_reason::reasm_bad_length);
    }
    slot* s = find_or_claim(now, f.key);
    NETRIG_ASSERT(s != nullptr);  // Eviction always frees a slot.
    const auto fail = [&](drop_reason r) -> result<std::optional<bytes>, drop_reason> {
        release(*s);
        return unexpected(r);
    };
    if (!f.more) {
        if (s->total_len && *s->total_len != end) {
            return fail(drop_reason::reasm_bad_length);
        }
        s->total_len = end;
    }
    if (s->total_len && end > *s->total_len) {
        return fail(drop_reason::reasm_bad_length);
    }
    for (std::size_t i = 0; i < s->range_count; ++i) {
        const range r = s->ranges[i];
        if (r.begin == begin && r.end == end) {
            // An exact duplicate (a retransmitting or duplicating link) carries no new data.
            return unexpected(drop_reason::reasm_duplicate);
        }
        if (begin < r.end && r.begin < end) {
            // RFC 5722 §4 (IPv6, applied here): overlapping fragments discard the datagram.
            return fail(drop_reason::reasm_overlap);
        }
    }
    if (s->range_count == s->ranges.size()) {
        return fail(drop_reason::reasm_too_many_fragments);
    }
    if (bytes_held_ + f.payload.size() > limits_.bytes_max) {
        if (s->held == 0) {
            release(*s);
        }
        return unexpected(drop_reason::reasm_bytes_limit);
    }
    std::copy(f.payload.begin(), f.payload.end(), s->buffer.begin() + begin);
    s->ranges[s->range_count++] = range{begin, end};
    s->held += f.payload.size();
    bytes_held_ += f.payload.size();
    // Ranges never overlap, so the datagram is whole when the bytes held equal its length.
    if (s->total_len && s->held == *s->total_len) {
        const bytes done{s->buffer.data(), *s->total_len};
        release(*s);
        return std::optional<bytes>{done};
    }
    return std::optional<bytes>{};
}

std::size_t reassembler::expire(instant now) {
    std::size_t n = 0;
    for (auto& s : slots_) {
        if (s.in_use && s.deadline <= now) {
            release(s);
            ++n;
        }
    }
    return n;
}

std::optional<instant> reassembler::next_deadline() const {
    std::optional<instant> d;
    for (const auto& s : slots_) {
        if (s.in_use && (!d || s.deadline < *d)) {
            d = s.deadline;
        }
    }
    return d;
}

std::size_t reassembler::in_flight() const {
    return static_cast<std::size_t>(
        std::count_if(slots_.begin(), slots_.end(), [](const slot& s) { return s.in_use; }));
}

}  // namespace netrig::core
