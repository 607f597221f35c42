// SPDX-License-Identifier: MIT
// link: a non-owning reference to a callable (two words, no allocation), used where a template
// callback must cross the virtual boundary of any_device.
#pragma once

#include <memory>
#include <type_traits>
#include <utility>

namespace netrig::link {

template <class Signature>
class function_ref;

/// Refers to a callable with signature R(Args...). It must outlive the function_ref; pass it
/// only down the stack, never store it.
template <class R, class... Args>
class function_ref<R(Args...)> {
public:
    /// Refers to f (not copied).
    template <class F>
    requires(!std::is_same_v<std::remove_cvref_t<F>, function_ref> &&
             std::is_invocable_r_v<R, F&, Args...>) function_ref(F&& f)
    noexcept  // NOLINT(google-explicit-constructor): used like a parameter
        : object_(const_cast<void*>(static_cast<const void*>(std::addressof(f)))),
          call_([](void* object, Args... args) -> R {
              return (*static_cast<std::remove_reference_t<F>*>(object))(
                  std::forward<Args>(args)...);
          }) {}

    /// Calls the referenced callable.
    R operator()(Args... args) const { return call_(object_, std::forward<Args>(args)...); }

private:
    void* object_;
    R (*call_)(void*, Args...);
};

}  // namespace netrig::link
