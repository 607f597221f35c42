// SPDX-License-Identifier: MIT
// tests/sim: the user-stack configuration the net sim tests build their stacks from.
#pragma once

#include <cstdint>
#include <string_view>

#include "net/user_stack.hpp"
#include "wire/ipv4.hpp"

namespace netrig::net::sim_test {

/// Parses "A.B.C.D/P"; the tests give only valid literals.
inline wire::ipv4_cidr cidr(std::string_view text) {
    return wire::ipv4_cidr::parse(text).value();
}

/// A user stack on the sim link at `address` with `seed`.
inline user_stack_config sim_config(std::string_view address, std::uint64_t seed = 1) {
    user_stack_config c;
    c.link = link_type::sim;
    c.address = cidr(address);
    c.seed = seed;
    return c;
}

}  // namespace netrig::net::sim_test
