// SPDX-License-Identifier: MIT
// tools/bulk: the sans-IO part of the source: how much one stream may still write, given the
// clock and what it has written. The session asks it before every write.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include "base/time.hpp"
#include "tools/bulk/options.hpp"

namespace netrig::tools::bulk {

/// The write budget of one stream: either a byte count or a deadline.
class send_budget {
public:
    /// The budget of stream `index` of options.streams, starting at `start`. A byte count is
    /// split evenly; the first streams take the remainder. Preconditions: validate(options)
    /// succeeded, index < options.streams.
    send_budget(const bulk_options& options, unsigned index, instant start);

    /// Bytes to pass to the next write (at most write_size_bytes), or 0 when the stream is done.
    [[nodiscard]] std::size_t next_write(instant now) const;

    /// Records a completed write of n bytes.
    void on_written(std::size_t n) { sent_ += n; }

    /// Bytes written so far.
    [[nodiscard]] std::uint64_t sent() const { return sent_; }

    /// The byte limit of this stream, if the transfer is bounded by bytes.
    [[nodiscard]] std::optional<std::uint64_t> byte_limit() const { return byte_limit_; }

private:
    std::size_t write_size_;
    std::optional<std::uint64_t> byte_limit_;
    instant deadline_ = instant::max();
    std::uint64_t sent_ = 0;
};

}  // namespace netrig::tools::bulk
