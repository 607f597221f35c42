// SPDX-License-Identifier: MIT
// core: pmtu_cache's O(1) lookup paths (empty table, last destination) must answer exactly as
// a plain scan of the table would, through updates, evictions, expiry and refreshes.
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>
#include <optional>

#include "base/rng.hpp"
#include "core/pmtu_cache.hpp"

namespace netrig::core {
namespace {

using namespace std::chrono_literals;

instant at(duration d) { return instant{d}; }

TEST(pmtu_cache_fast_path_test, empty_cache_answers_nothing_and_counts_zero) {
    pmtu_cache c{32, 600s};
    EXPECT_EQ(c.size(), 0U);
    EXPECT_EQ(c.lookup(at(0s), {10, 0, 0, 1}), std::nullopt);
    c.update(at(0s), {10, 0, 0, 1}, 1400);
    EXPECT_EQ(c.size(), 1U);
    EXPECT_EQ(c.lookup(at(1s), {10, 0, 0, 1}), 1400);
    // Expired but not yet removed: not answered, still counted.
    EXPECT_EQ(c.lookup(at(600s), {10, 0, 0, 1}), std::nullopt);
    EXPECT_EQ(c.size(), 1U);
    c.expire(at(600s));
    EXPECT_EQ(c.size(), 0U);
    EXPECT_EQ(c.lookup(at(600s), {10, 0, 0, 1}), std::nullopt);
}

TEST(pmtu_cache_fast_path_test, last_hit_is_not_trusted_after_its_slot_is_reused) {
    pmtu_cache c{1, 600s};
    c.update(at(0s), {10, 0, 0, 1}, 1200);
    EXPECT_EQ(c.lookup(at(1s), {10, 0, 0, 1}), 1200);  // slot 0 remembered for 10.0.0.1
    c.update(at(2s), {10, 0, 0, 2}, 1000);              // evicts it: slot 0 now 10.0.0.2
    EXPECT_EQ(c.lookup(at(3s), {10, 0, 0, 1}), std::nullopt);
    EXPECT_EQ(c.lookup(at(3s), {10, 0, 0, 2}), 1000);
    c.update(at(4s), {10, 0, 0, 2}, 900);  // RFC 1191: a decrease is taken in place
    EXPECT_EQ(c.lookup(at(5s), {10, 0, 0, 2}), 900);
    EXPECT_EQ(c.size(), 1U);
}

// The table as it was before the fast paths (a scan per lookup, a count per size()): the
// reference the fast paths must agree with, eviction choices included.
class reference_cache {
public:
    reference_cache(std::size_t capacity, duration lifetime)
        : entries_(capacity), lifetime_(lifetime) {}
    void update(instant now, wire::ipv4_address d, std::uint16_t mtu) {
        for (auto& e : entries_) {
            if (e.in_use && e.expires > now && e.destination == d) {
                if (mtu < e.mtu) {
                    e.mtu = mtu;
                    e.expires = now + lifetime_;
                }
                return;
            }
        }
        entry* victim = &entries_.front();
        for (auto& e : entries_) {
            if (!e.in_use || e.expires <= now) {
                victim = &e;
                break;
            }
            if (e.expires < victim->expires) {
                victim = &e;
            }
        }
        *victim = entry{d, mtu, now + lifetime_, true};
    }
    [[nodiscard]] std::optional<std::uint16_t> lookup(instant now, wire::ipv4_address d) const {
        for (const auto& e : entries_) {
            if (e.in_use && e.expires > now && e.destination == d) {
                return e.mtu;
            }
        }
        return std::nullopt;
    }
    void expire(instant now) {
        for (auto& e : entries_) {
            if (e.in_use && e.expires <= now) {
                e.in_use = false;
            }
        }
    }
    [[nodiscard]] std::optional<instant> next_deadline() const {
        std::optional<instant> d;
        for (const auto& e : entries_) {
            if (e.in_use && (!d || e.expires < *d)) {
                d = e.expires;
            }
        }
        return d;
    }
    [[nodiscard]] std::size_t size() const {
        std::size_t n = 0;
        for (const auto& e : entries_) {
            n += e.in_use ? 1 : 0;
        }
        return n;
    }

private:
    struct entry {
        wire::ipv4_address destination;
        std::uint16_t mtu = 0;
        instant expires{};
        bool in_use = false;
    };
    std::vector<entry> entries_;
    duration lifetime_;
};

TEST(pmtu_cache_fast_path_test, random_operations_match_the_scanning_reference) {
    for (const std::size_t capacity : {std::size_t{1}, std::size_t{4}, std::size_t{32}}) {
        pmtu_cache c{capacity, 50s};
        reference_cache ref{capacity, 50s};
        rng r{capacity};
        instant now{};
        for (int step = 0; step < 20000; ++step) {
            now = now + duration{std::chrono::seconds{r.below(3)}};
            // Mostly one destination (the bulk-flow case the last-hit path serves), some others.
            const std::uint64_t host = r.chance(0.7) ? 1U : 1U + r.below(12);
            const wire::ipv4_address dst{10, 0, 0, static_cast<std::uint8_t>(host)};
            const auto op = r.below(16);
            if (op == 0) {
                c.expire(now);
                ref.expire(now);
            } else if (op <= 2) {
                const auto mtu = static_cast<std::uint16_t>(576 + r.below(1000));
                c.update(now, dst, mtu);
                ref.update(now, dst, mtu);
            }
            ASSERT_EQ(c.lookup(now, dst), ref.lookup(now, dst))
                << "capacity " << capacity << " step " << step;
            ASSERT_EQ(c.size(), ref.size()) << "capacity " << capacity << " step " << step;
            ASSERT_EQ(c.next_deadline(), ref.next_deadline()) << "capacity " << capacity;
        }
    }
}

}  // namespace
}  // namespace netrig::core
