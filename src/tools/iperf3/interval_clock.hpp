// SPDX-License-Identifier: MIT
// tools/iperf3 (internal): the reporting clock the client and the server share. It says when
// the next interval line is due, ends the omit period (-O) and decides whether the last,
// partial interval is printed, as iperf3 3.12 does.
#pragma once

#include <algorithm>

#include "base/time.hpp"
#include "tools/iperf3/engine.hpp"

namespace netrig::tools::iperf3::detail {

/// Interval reporting of one running test. `Report` callables are `void(instant from,
/// instant to)` and print one interval line (text or JSON).
class interval_clock {
public:
    /// A clock with the -i period; a zero period prints no interval lines.
    explicit interval_clock(duration interval) : interval_(interval) {}

    /// Starts counting intervals at `at` (the test start).
    void restart(instant at) {
        last_ = at;
        next_ = interval_.count() > 0 ? at + interval_ : instant::max();
    }

    /// Ends the omit period when it is due, reporting its last partial interval (iperf3 prints
    /// omitted intervals too) and restarting the test clock; then reports every due interval.
    template <class Report>
    void advance(test_state& t, instant now, Report&& report) {
        if (t.omitting && now >= t.omit_end) {
            if (interval_.count() > 0 && now > last_) {
                report(last_, now);  // the last omitted interval
            }
            end_omit(t);
            t.start = now;
            restart(now);
        }
        if (now >= next_) {
            report(last_, now);
            last_ = now;
            next_ += interval_;
        }
    }

    /// At the test end: reports the partial interval since the last line if it is longer than
    /// a tenth of the period, or if no line was printed yet (iperf3's "irregular" interval).
    template <class Report>
    void finish(const test_state& t, instant now, Report&& report) const {
        if (interval_.count() <= 0) {
            return;
        }
        const bool none_yet = last_ == t.start;
        if (none_yet || to_seconds(now - last_) > 0.1 * to_seconds(interval_)) {
            report(last_, now);
        }
    }

    /// When the last interval line ended (the start of the one being counted).
    [[nodiscard]] instant last_tick() const { return last_; }

    /// How long until the next line is due (zero if it is overdue; long if none is).
    [[nodiscard]] duration until_next(instant now) const {
        return std::max<duration>(next_ - now, duration{0});
    }

private:
    duration interval_;
    instant last_{};
    instant next_ = instant::max();
};

}  // namespace netrig::tools::iperf3::detail
