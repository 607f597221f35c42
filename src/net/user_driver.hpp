// SPDX-License-Identifier: MIT
// net (internal to the user stack): the driver that moves frames between a core::interface and
// a link device on the runtime, the wait list coroutines park on until a socket is ready, and
// the core -> net error mapping. Only user_*.cpp include it.
#pragma once

#include <coroutine>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <stop_token>
#include <system_error>
#include <vector>

#include "base/result.hpp"
#include "base/time.hpp"
#include "core/interface.hpp"
#include "link/any_device.hpp"
#include "net/heap_trim.hpp"
#include "runtime/poll.hpp"
#include "runtime/scheduler.hpp"
#include "runtime/task.hpp"

namespace netrig::net::user {

/// Maps an error of the core (core::errc) to the net::errc the kernel stack would report for
/// the same condition; other categories pass through. The one place this mapping lives.
[[nodiscard]] std::error_code from_core(std::error_code ec);

class wait_list;

/// One parked coroutine (the state of a socket_wait). Intrusive: no allocation per wait.
class wait_node {
public:
    wait_node() = default;
    wait_node(const wait_node&) = delete;
    wait_node& operator=(const wait_node&) = delete;
    /// Called after the node was unlinked; ec empty = "retry your operation".
    virtual void on_wake(std::error_code ec) = 0;
    virtual ~wait_node() = default;

private:
    friend class wait_list;
    wait_node* prev_ = nullptr;
    wait_node* next_ = nullptr;
    wait_list* list_ = nullptr;  // non-null while linked
};

/// Coroutines waiting for one socket direction.
class wait_list {
public:
    wait_list() = default;
    wait_list(const wait_list&) = delete;
    wait_list& operator=(const wait_list&) = delete;
    /// Wakes everyone with errc::closed.
    ~wait_list();

    /// Appends n. Preconditions: n is not linked.
    void push_back(wait_node& n) noexcept;
    /// Unlinks n if it is linked here.
    void remove(wait_node& n) noexcept;
    /// True if n is linked (in any list).
    [[nodiscard]] static bool linked(const wait_node& n) noexcept { return n.list_ != nullptr; }
    /// Unlinks every waiter present now and calls on_wake(ec) on each.
    void wake_all(std::error_code ec) noexcept;
    /// True if nobody waits.
    [[nodiscard]] bool empty() const noexcept { return head_ == nullptr; }
    /// Marks the list as the readers of a datagram socket with a bounded queue: their pending
    /// wake-ups pace the driver's receive batches (socket_wait::pending_wakes()). Stream
    /// readers and writers do not: TCP's window bounds what arrives.
    void set_paces_receive(bool on) noexcept { paces_receive_ = on; }
    /// See set_paces_receive.
    [[nodiscard]] bool paces_receive() const noexcept { return paces_receive_; }

private:
    wait_node* head_ = nullptr;
    wait_node* tail_ = nullptr;
    bool paces_receive_ = false;
};

/// Awaitable: parks the awaiting coroutine on a wait_list until the driver wakes it (the socket
/// may be ready: retry), the socket closes (errc::closed) or the task is cancelled
/// (operation_canceled). A null list means "already closed".
class [[nodiscard]] socket_wait final : private wait_node {
public:
    explicit socket_wait(wait_list* list) noexcept : list_(list) {}
    socket_wait(const socket_wait&) = delete;
    socket_wait& operator=(const socket_wait&) = delete;
    ~socket_wait();

    [[nodiscard]] bool await_ready() const noexcept { return false; }
    template <runtime::detail::netrig_promise Promise>
    bool await_suspend(std::coroutine_handle<Promise> h) {
        return suspend(h, h.promise().stop_token());
    }
    [[nodiscard]] result<void, std::error_code> await_resume() noexcept;

    /// Waits on this thread's receive-pacing lists (wait_list::set_paces_receive) that were
    /// woken (posted to the run queue) and have not resumed yet: datagram readers a driver turn
    /// made runnable that did not get to run. The driver stops receiving while this is
    /// non-zero, so a reader drains one batch before the next lands.
    [[nodiscard]] static std::size_t pending_wakes() noexcept;

private:
    struct cancel_fn {
        socket_wait* self;
        void operator()() const noexcept { self->on_cancel(); }
    };
    bool suspend(std::coroutine_handle<> h, const std::stop_token& token);
    void on_wake(std::error_code ec) override;
    void on_cancel() noexcept;

    wait_list* list_;
    runtime::scheduler* sched_ = nullptr;
    std::coroutine_handle<> h_;
    void post() noexcept;

    std::error_code ec_;
    bool posted_ = false;  // counted in pending_wakes() until resumed or destroyed
    std::optional<std::stop_callback<cancel_fn>> stop_cb_;
};

/// What a driver tells its owner during a turn.
class driver_client {
public:
    driver_client() = default;
    driver_client(const driver_client&) = delete;
    driver_client& operator=(const driver_client&) = delete;
    /// A socket's readiness may have changed (from take_events).
    virtual void on_socket_event(const core::socket_event& ev) = 0;
    /// End of every turn (wake writers blocked on queues that raise no event, e.g. ARP).
    virtual void on_turn_end() = 0;
    virtual ~driver_client() = default;
};

class driver_group;

/// Drives one core::interface over one link device on the current executor (see
/// user_stack.hpp's file comment). Not copyable or movable (the registration points at it).
class driver final : public runtime::poll_handler {
public:
    /// Frames received per receive_batch call, and batches per turn (bounded work per turn;
    /// more is picked up by the next turn: fd readiness is level-triggered, a sim port's
    /// deadline is already due).
    ///
    /// Readers are woken after every batch, and a turn stops receiving before a batch while
    /// woken datagram readers have not resumed yet (socket_wait::pending_wakes()): one batch is at
    /// most rx_batch datagrams, which fits a socket queue of the default
    /// core::interface_limits::udp_rx_datagrams_max, so a reader that keeps up drains it
    /// before the next batch lands. Without this a turn took up to rx_batch *
    /// rx_batches_per_turn frames before any reader ran and the socket queue overflowed
    /// (issue 3: 85-90% of a flood dropped as udp_queue_full).
    static constexpr std::size_t rx_batch = 64;
    static constexpr std::size_t rx_batches_per_turn = 8;
    /// Consecutive turns that may skip receiving for woken waits; the next one receives a
    /// batch anyway, so a woken coroutine that does not run soon cannot starve the link. Two,
    /// because the real executor may run a deadline turn and an fd turn before its ready
    /// queue runs again.
    static constexpr std::uint32_t rx_yields_max = 2;
    /// poll() calls per turn (each emits up to limits.poll_frames_max frames).
    static constexpr std::size_t tx_polls_per_turn = 16;
    /// Retry delay when the device had no tx buffer (AF_XDP ring full).
    static constexpr duration tx_retry_delay = std::chrono::microseconds{20};

    driver(core::interface& iface, link::any_device& device, driver_client& client);
    driver(const driver&) = delete;
    driver& operator=(const driver&) = delete;
    /// Unregisters from the executor and from its group.
    ~driver() override;

    /// Registers with the current executor if there is one and it is not registered yet.
    void attach();
    /// On devices that tell without a syscall whether frames wait (link::peeks_rx): how long
    /// the executor keeps looking before it sleeps (poll_registration::set_probing). Takes
    /// effect at attach().
    void set_rx_spin(duration spin) noexcept { rx_spin_ = spin; }
    /// True once registered.
    [[nodiscard]] bool attached() const noexcept { return reg_ != nullptr; }
    /// One turn at runtime::now(): receive, poll + flush, events, re-arm; then re-arms the other
    /// members of the group (their sim ports may have received frames). Re-entrant calls (a
    /// client sending from on_socket_event) make the running turn loop once more instead.
    void turn();
    /// Arms the registration at the earliest of the interface's and the device's deadlines.
    void rearm();
    /// Joins group (nullptr: leaves it).
    void set_group(driver_group* group);
    /// Turns run so far (tests, stats).
    [[nodiscard]] std::uint64_t turns() const noexcept { return turns_; }
    /// Times a turn stopped receiving to let ready coroutines run first (tests, stats).
    [[nodiscard]] std::uint64_t rx_yields() const noexcept { return rx_yields_total_; }

    /// The registration's callback: runs a turn.
    void on_poll(runtime::poll_events events) override;
    /// Whether the device holds received frames, for devices that can tell without a syscall
    /// (AF_XDP; link::peeks_rx): the executor then runs a turn without asking epoll.
    [[nodiscard]] bool probe() override;

private:
    void transmit(instant now);
    /// Receives up to rx_batches_per_turn batches, waking readers after each one; returns true
    /// if it stopped early so that ready coroutines run first.
    bool receive(instant now);

    core::interface& iface_;
    link::any_device& device_;
    driver_client& client_;
    driver_group* group_ = nullptr;
    std::unique_ptr<runtime::poll_registration> reg_;
    instant last_now_{};
    std::uint64_t turns_ = 0;
    std::uint64_t rx_yields_total_ = 0;
    std::uint32_t rx_yields_ = 0;  // consecutive turns that skipped receiving
    bool in_turn_ = false;
    heap_trim_policy heap_trim_;  // pages of released TCP buffers back to the system
    bool again_ = false;
    bool tx_stalled_ = false;
    duration rx_spin_{};
};

/// Drivers whose devices share a sim network: a turn of one may deliver frames to another's
/// port, so each turn re-arms the others (and attaching one attaches all).
class driver_group {
public:
    /// Adds d. Preconditions: not a member.
    void add(driver& d) { members_.push_back(&d); }
    /// Removes d if it is a member.
    void remove(driver& d);
    /// Re-arms every member except `except`.
    void rearm_others(const driver* except);
    /// Attaches every member to the current executor.
    void attach_all();

private:
    std::vector<driver*> members_;
};

}  // namespace netrig::net::user
