// SPDX-License-Identifier: MIT
// link: any_device, the one type-erased device, for the place where a user picks --link at run
// time. It models link_device itself, so the same templated stack code runs on it. Everywhere
// else use the concrete device types (no virtual call per frame).
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <type_traits>
#include <utility>

#include "base/assert.hpp"
#include "base/bytes.hpp"
#include "base/time.hpp"
#include "link/device.hpp"
#include "link/function_ref.hpp"

namespace netrig::link {

/// A link device behind one virtual interface. At most one rx token and one tx token may be
/// alive at a time (the wrapped device's tokens are parked inside the model).
class any_device {
public:
    /// A received frame; returns the inner token to the device on destruction.
    class rx_token_type {
    public:
        rx_token_type(rx_token_type&& other) noexcept
            : dev_(std::exchange(other.dev_, nullptr)), frame_(other.frame_) {}
        rx_token_type& operator=(rx_token_type&& other) noexcept {
            if (this != &other) {
                reset();
                dev_ = std::exchange(other.dev_, nullptr);
                frame_ = other.frame_;
            }
            return *this;
        }
        rx_token_type(const rx_token_type&) = delete;
        rx_token_type& operator=(const rx_token_type&) = delete;
        ~rx_token_type() { reset(); }
        /// The received frame; valid while the token lives.
        [[nodiscard]] bytes frame() const { return frame_; }

    private:
        friend class any_device;
        rx_token_type(any_device* dev, bytes frame) : dev_(dev), frame_(frame) {}
        void reset() {
            if (dev_ != nullptr) {
                dev_->do_release_rx();
                dev_ = nullptr;
            }
        }
        any_device* dev_;
        bytes frame_;
    };

    /// Permission to send one frame.
    class tx_token_type {
    public:
        tx_token_type(tx_token_type&& other) noexcept : dev_(std::exchange(other.dev_, nullptr)) {}
        tx_token_type& operator=(tx_token_type&& other) noexcept {
            if (this != &other) {
                reset();
                dev_ = std::exchange(other.dev_, nullptr);
            }
            return *this;
        }
        tx_token_type(const tx_token_type&) = delete;
        tx_token_type& operator=(const tx_token_type&) = delete;
        ~tx_token_type() { reset(); }

        /// Passes an offload request to the inner token (ignored if it takes none).
        void set_offload(const tx_offload& offload) {
            NETRIG_ASSERT(dev_ != nullptr);
            dev_->do_set_offload(offload);
        }

        /// See tx_token: fn writes len bytes in place, then the frame is sent.
        template <class Fn>
        decltype(auto) consume(std::size_t len, Fn&& fn) {
            NETRIG_ASSERT(dev_ != nullptr);
            any_device* dev = std::exchange(dev_, nullptr);
            using out_type = std::invoke_result_t<Fn&, mut_bytes>;
            if constexpr (std::is_void_v<out_type>) {
                dev->do_consume(len, fn);
            } else if constexpr (std::is_default_constructible_v<out_type>) {
                // A plain value rather than an optional: g++ 12 warns (maybe-uninitialized)
                // through the virtual call when the result sits in an optional.
                out_type out{};
                dev->do_consume(len, [&](mut_bytes b) { out = fn(b); });
                return out;
            } else {
                std::optional<out_type> out;
                dev->do_consume(len, [&](mut_bytes b) { out.emplace(fn(b)); });
                NETRIG_ASSERT(out.has_value());  // do_consume calls fn exactly once
                return std::move(*out);
            }
        }

    private:
        friend class any_device;
        explicit tx_token_type(any_device* dev) : dev_(dev) {}
        void reset() {
            if (dev_ != nullptr) {
                dev_->do_drop_tx();
                dev_ = nullptr;
            }
        }
        any_device* dev_;
    };

    /// receive_batch() passes the inner device's rx_offload (all zero if it reports none).
    static constexpr bool reports_rx_offload = true;

    any_device() = default;
    any_device(const any_device&) = delete;
    any_device& operator=(const any_device&) = delete;
    virtual ~any_device() = default;

    /// See link_device.
    [[nodiscard]] std::optional<rx_token_type> receive(instant now) {
        std::optional<bytes> f = do_receive(now);
        if (!f) {
            return std::nullopt;
        }
        return rx_token_type{this, *f};
    }
    /// See link_device.
    template <class Fn>
    std::size_t receive_batch(instant now, std::size_t max, Fn&& fn) {
        return do_receive_batch(now, max,
                                [&](bytes f, const rx_offload& o) { call_rx(fn, f, o); });
    }
    /// See link_device.
    [[nodiscard]] std::optional<tx_token_type> transmit(instant now) {
        if (!do_transmit(now)) {
            return std::nullopt;
        }
        return tx_token_type{this};
    }
    /// See link_device.
    virtual void flush(instant now) = 0;
    /// See link_device.
    [[nodiscard]] virtual link::capabilities capabilities() const = 0;
    /// See link_device.
    [[nodiscard]] virtual const link::stats& stats() const = 0;
    /// See link_device.
    [[nodiscard]] virtual int fd() const = 0;
    /// See link_device.
    [[nodiscard]] virtual std::optional<instant> next_deadline() const = 0;
    /// See peeks_rx: the held device's answer, nullopt if it has none.
    [[nodiscard]] virtual std::optional<bool> rx_ready() const = 0;

protected:
    /// Takes the next inner rx token and parks it; returns its frame.
    virtual std::optional<bytes> do_receive(instant now) = 0;
    /// Destroys the parked rx token.
    virtual void do_release_rx() = 0;
    /// Forwards to the inner receive_batch.
    virtual std::size_t do_receive_batch(instant now, std::size_t max,
                                         function_ref<void(bytes, const rx_offload&)> fn) = 0;
    /// Takes an inner tx token and parks it; false when the inner device has none.
    virtual bool do_transmit(instant now) = 0;
    /// Consumes the parked tx token.
    virtual void do_consume(std::size_t len, function_ref<void(mut_bytes)> fn) = 0;
    /// Drops the parked tx token unconsumed.
    virtual void do_drop_tx() = 0;
    /// Passes an offload request to the parked tx token.
    virtual void do_set_offload(const tx_offload& offload) = 0;
};

/// any_device over a D, stored by value (Holder = D) or by reference (Holder = D&).
template <class Holder>
class device_model final : public any_device {
    using device = std::remove_reference_t<Holder>;
    static_assert(link_device<device>);

public:
    /// Constructs the held device from args (or binds the reference).
    template <class... Args>
    explicit device_model(std::in_place_t /*tag*/, Args&&... args)
        : dev_(std::forward<Args>(args)...) {}

    /// The wrapped device.
    [[nodiscard]] device& inner() { return dev_; }

    void flush(instant now) override { dev_.flush(now); }
    [[nodiscard]] link::capabilities capabilities() const override { return dev_.capabilities(); }
    [[nodiscard]] const link::stats& stats() const override { return dev_.stats(); }
    [[nodiscard]] int fd() const override { return dev_.fd(); }
    [[nodiscard]] std::optional<instant> next_deadline() const override {
        return dev_.next_deadline();
    }
    [[nodiscard]] std::optional<bool> rx_ready() const override { return rx_ready_of(dev_); }

private:
    std::optional<bytes> do_receive(instant now) override {
        NETRIG_ASSERT(!rx_);  // one outstanding rx token
        rx_ = dev_.receive(now);
        if (!rx_) {
            return std::nullopt;
        }
        return rx_->frame();
    }
    void do_release_rx() override { rx_.reset(); }
    std::size_t do_receive_batch(instant now, std::size_t max,
                                 function_ref<void(bytes, const rx_offload&)> fn) override {
        return receive_batch_offload(dev_, now, max, fn);
    }
    bool do_transmit(instant now) override {
        NETRIG_ASSERT(!tx_);  // one outstanding tx token
        tx_ = dev_.transmit(now);
        return tx_.has_value();
    }
    void do_consume(std::size_t len, function_ref<void(mut_bytes)> fn) override {
        NETRIG_ASSERT(tx_);
        tx_->consume(len, fn);
        tx_.reset();
    }
    void do_drop_tx() override { tx_.reset(); }
    void do_set_offload(const tx_offload& offload) override {
        NETRIG_ASSERT(tx_);
        set_tx_offload(*tx_, offload);
    }

    Holder dev_;
    std::optional<typename device::rx_token_type> rx_;
    std::optional<typename device::tx_token_type> tx_;
};

/// Builds a D in place behind any_device.
template <class D, class... Args>
[[nodiscard]] std::unique_ptr<any_device> make_any_device(Args&&... args) {
    return std::make_unique<device_model<D>>(std::in_place, std::forward<Args>(args)...);
}

/// Wraps a device owned elsewhere (e.g. a sim_port owned by its sim_network). It must outlive
/// the returned object.
template <class D>
[[nodiscard]] std::unique_ptr<any_device> make_any_device_ref(D& dev) {
    return std::make_unique<device_model<D&>>(std::in_place, dev);
}

static_assert(link_device<any_device>);
static_assert(peeks_rx<any_device>);

}  // namespace netrig::link
