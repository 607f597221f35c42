// SPDX-License-Identifier: MIT
// link: frame pool, delay line and the shared impair-and-queue step.
#include "link/frame_pool.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <utility>

#include "base/assert.hpp"

namespace netrig::link {

frame_pool::frame_pool(std::size_t count, std::size_t frame_bytes)
    // make_unique_for_overwrite: new[] without value-initialisation, so no memset and no page
    // touched until a frame is written into it.
    : count_(count),
      frame_bytes_(frame_bytes),
      slab_(std::make_unique_for_overwrite<std::uint8_t[]>(count * frame_bytes)) {
    NETRIG_ASSERT(count > 0);
    NETRIG_ASSERT(frame_bytes > 0);
    NETRIG_ASSERT(count <= UINT32_MAX);
    free_.reserve(count);
    // Hand out low slots first (stack order), so a light load touches few cache lines.
    for (std::size_t i = count; i > 0; --i) {
        free_.push_back(static_cast<frame_slot>(i - 1));
    }
#if defined(NETRIG_ASSERTS) && NETRIG_ASSERTS
    in_use_.assign(count, false);
#endif
}

std::optional<frame_slot> frame_pool::acquire() {
    if (free_.empty()) {
        return std::nullopt;
    }
    const frame_slot slot = free_.back();
    free_.pop_back();
#if defined(NETRIG_ASSERTS) && NETRIG_ASSERTS
    in_use_[slot] = true;
#endif
    return slot;
}

void frame_pool::release(frame_slot slot) {
    NETRIG_ASSERT(slot < count_);
#if defined(NETRIG_ASSERTS) && NETRIG_ASSERTS
    NETRIG_ASSERT(in_use_[slot]);
    in_use_[slot] = false;
#endif
    NETRIG_ASSERT(free_.size() < count_);
    free_.push_back(slot);  // never reallocates: capacity reserved for all slots
}

mut_bytes frame_pool::buffer(frame_slot slot) {
    NETRIG_ASSERT(slot < count_);
    return mut_bytes{slab_.get() + std::size_t{slot} * frame_bytes_, frame_bytes_};
}

bytes frame_pool::view(frame_slot slot, std::size_t len) const {
    NETRIG_ASSERT(slot < count_);
    NETRIG_ASSERT(len <= frame_bytes_);
    return bytes{slab_.get() + std::size_t{slot} * frame_bytes_, len};
}

pooled_frame::pooled_frame(pooled_frame&& other) noexcept
    : pool_(std::exchange(other.pool_, nullptr)), slot_(other.slot_), len_(other.len_) {}

pooled_frame& pooled_frame::operator=(pooled_frame&& other) noexcept {
    if (this != &other) {
        if (pool_ != nullptr) {
            pool_->release(slot_);
        }
        pool_ = std::exchange(other.pool_, nullptr);
        slot_ = other.slot_;
        len_ = other.len_;
    }
    return *this;
}

pooled_frame::~pooled_frame() {
    if (pool_ != nullptr) {
        pool_->release(slot_);
    }
}

bytes pooled_frame::frame() const {
    NETRIG_ASSERT(pool_ != nullptr);
    return pool_->view(slot_, len_);
}

namespace {
// std heap functions build a max-heap; "greater" puts the earliest arrival on top.
bool later(const delayed_frame& a, const delayed_frame& b) {
    if (a.arrival != b.arrival) {
        return a.arrival > b.arrival;
    }
    return a.order > b.order;
}
}  // namespace

delay_line::delay_line(frame_pool& pool, std::size_t capacity)
    : pool_(&pool), capacity_(capacity), fifo_(capacity) {
    heap_.reserve(capacity);
}

delay_line::delay_line(delay_line&& other) noexcept
    : pool_(std::exchange(other.pool_, nullptr)),
      capacity_(other.capacity_),
      next_order_(other.next_order_),
      heap_(std::move(other.heap_)),
      fifo_(std::move(other.fifo_)),
      fifo_head_(std::exchange(other.fifo_head_, 0)),
      fifo_size_(std::exchange(other.fifo_size_, 0)) {
    other.heap_.clear();
}

delay_line::~delay_line() {
    if (pool_ == nullptr) {
        return;
    }
    for (const delayed_frame& f : heap_) {
        pool_->release(f.slot);
    }
    for (std::size_t i = 0; i < fifo_size_; ++i) {
        pool_->release(fifo_[(fifo_head_ + i) % capacity_].slot);
    }
}

bool delay_line::push(instant arrival, frame_slot slot, std::size_t len) {
    if (size() >= capacity_) {
        pool_->release(slot);
        return false;
    }
    const delayed_frame f{.arrival = arrival,
                          .order = next_order_++,
                          .slot = slot,
                          .len = static_cast<std::uint32_t>(len)};
    // The FIFO stays sorted by (arrival, order) as long as arrivals do not go backwards: order
    // only grows, so an equal arrival still sorts after the FIFO's last frame.
    if (fifo_size_ == 0 || arrival >= fifo_[(fifo_head_ + fifo_size_ - 1) % capacity_].arrival) {
        fifo_[(fifo_head_ + fifo_size_) % capacity_] = f;
        ++fifo_size_;
        return true;
    }
    heap_.push_back(f);
    std::push_heap(heap_.begin(), heap_.end(), later);
    return true;
}

const delayed_frame* delay_line::earliest() const {
    const delayed_frame* fifo_front = fifo_size_ != 0 ? &fifo_[fifo_head_] : nullptr;
    if (heap_.empty()) {
        return fifo_front;
    }
    if (fifo_front == nullptr || later(*fifo_front, heap_.front())) {
        return &heap_.front();
    }
    return fifo_front;
}

std::optional<delayed_frame> delay_line::pop_due(instant now) {
    const delayed_frame* e = earliest();
    if (e == nullptr || e->arrival > now) {
        return std::nullopt;
    }
    const delayed_frame f = *e;
    if (fifo_size_ != 0 && e == &fifo_[fifo_head_]) {
        fifo_head_ = fifo_head_ + 1 == capacity_ ? 0 : fifo_head_ + 1;
        --fifo_size_;
    } else {
        std::pop_heap(heap_.begin(), heap_.end(), later);
        heap_.pop_back();
    }
    return f;
}

std::optional<instant> delay_line::next_arrival() const {
    const delayed_frame* e = earliest();
    if (e == nullptr) {
        return std::nullopt;
    }
    return e->arrival;
}

void flip_bit(mut_bytes frame, std::uint32_t bit) {
    NETRIG_ASSERT(bit / 8 < frame.size());
    frame[bit / 8] ^= static_cast<std::uint8_t>(0x80U >> (bit % 8));
}

std::size_t impair_and_queue(impairment_engine& engine, delay_line& line, instant now, bytes src,
                             stats& counters) {
    NETRIG_ASSERT(!src.empty());
    const verdict v = engine.decide(now, src.size());
    if (v.dropped) {
        counters.drop(*v.dropped);
        return 0;
    }
    std::size_t queued = 0;
    for (std::size_t i = 0; i < v.count; ++i) {
        const std::optional<frame_slot> slot = line.pool().acquire();
        if (!slot) {
            counters.drop(drop_reason::pool_exhausted);
            continue;
        }
        NETRIG_ASSERT(src.size() <= line.pool().frame_bytes());
        const mut_bytes buf = line.pool().buffer(*slot).first(src.size());
        std::memcpy(buf.data(), src.data(), src.size());
        if (v.copies[i].flip_bit) {
            flip_bit(buf, *v.copies[i].flip_bit);
        }
        if (!line.push(v.copies[i].arrival, *slot, src.size())) {
            counters.drop(drop_reason::pool_exhausted);
            continue;
        }
        ++queued;
    }
    return queued;
}

std::size_t impair_and_queue(impairment_engine& engine, delay_line& line, instant now, bytes src,
                             stats& counters, frame_slot donor) {
    NETRIG_ASSERT(!src.empty());
    NETRIG_ASSERT(src.data() == line.pool().buffer(donor).data());
    frame_pool& pool = line.pool();
    const verdict v = engine.decide(now, src.size());
    if (v.dropped) {
        counters.drop(*v.dropped);
        pool.release(donor);
        return 0;
    }
    // The donor is the first copy's slot: the caller took it from the pool just before, where
    // the copy-based version above would acquire it now, so every later acquire sees the same
    // number of free slots and the counters and queued frames come out the same. Further copies
    // are taken from the donor before any bit of it is flipped, and all acquires come before
    // the pushes, so a failed push's released slot is never copied onto itself.
    std::array<std::optional<frame_slot>, 2> slots{donor, std::nullopt};
    for (std::size_t i = 1; i < v.count; ++i) {
        slots[i] = pool.acquire();
        if (slots[i]) {
            std::memcpy(pool.buffer(*slots[i]).data(), src.data(), src.size());
        }
    }
    std::size_t queued = 0;
    for (std::size_t i = 0; i < v.count; ++i) {
        if (!slots[i]) {
            counters.drop(drop_reason::pool_exhausted);
            continue;
        }
        if (v.copies[i].flip_bit) {
            flip_bit(pool.buffer(*slots[i]).first(src.size()), *v.copies[i].flip_bit);
        }
        if (!line.push(v.copies[i].arrival, *slots[i], src.size())) {
            counters.drop(drop_reason::pool_exhausted);
            continue;
        }
        ++queued;
    }
    return queued;
}

}  // namespace netrig::link
