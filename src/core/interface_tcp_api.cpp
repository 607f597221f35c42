// SPDX-License-Identifier: MIT
// core: the TCP socket API of the interface (listen, accept, connect, send, receive, close).
#include "core/interface.hpp"

namespace netrig::core {

namespace {
std::error_code err(errc e) { return make_error_code(e); }
}  // namespace

void interface::tcp_init() {
    tcp_free_.reserve(tcp_.size());
    for (std::size_t i = tcp_.size(); i > 0; --i) {
        tcp_free_.push_back(static_cast<std::uint16_t>(i - 1));
    }
    tcp_run_.resize(tcp_.size());
    tcp_timers_.reserve(4 * tcp_.size() + 16);
}

result<tcp_listen_handle, std::error_code> interface::tcp_listen(instant, udp_endpoint,
                                                                 const tcp_listen_config&) {
    return unexpected(err(errc::table_full));
}
result<tcp_handle, std::error_code> interface::tcp_accept(tcp_listen_handle) {
    return unexpected(err(errc::invalid_handle));
}
readiness interface::tcp_listen_readiness(tcp_listen_handle) const { return {}; }
result<udp_endpoint, std::error_code> interface::tcp_listen_local(tcp_listen_handle) const {
    return unexpected(err(errc::invalid_handle));
}
result<tcp::listener_counters, std::error_code> interface::tcp_listen_stats(
    tcp_listen_handle) const {
    return unexpected(err(errc::invalid_handle));
}
void interface::tcp_listen_close(tcp_listen_handle) {}
result<tcp_handle, std::error_code> interface::tcp_connect(instant, udp_endpoint,
                                                           std::optional<udp_endpoint>,
                                                           const tcp::conn_config&) {
    return unexpected(err(errc::table_full));
}
result<std::size_t, std::error_code> interface::tcp_send(instant, tcp_handle, bytes) {
    return unexpected(err(errc::invalid_handle));
}
result<std::size_t, std::error_code> interface::tcp_recv(instant, tcp_handle, mut_bytes) {
    return unexpected(err(errc::invalid_handle));
}
void interface::tcp_shutdown(instant, tcp_handle) {}
void interface::tcp_close(instant, tcp_handle) {}
void interface::tcp_abort(instant, tcp_handle) {}
readiness interface::tcp_readiness(tcp_handle) const { return {}; }
std::optional<std::error_code> interface::tcp_error(tcp_handle) const { return std::nullopt; }
std::optional<icmp_error_report> interface::tcp_take_soft_error(tcp_handle) {
    return std::nullopt;
}
result<tcp::tcp_stats, std::error_code> interface::tcp_info(tcp_handle) const {
    return unexpected(err(errc::invalid_handle));
}
result<tcp_endpoint_pair, std::error_code> interface::tcp_endpoints(tcp_handle) const {
    return unexpected(err(errc::invalid_handle));
}
result<void, std::error_code> interface::tcp_set_nodelay(tcp_handle, bool) {
    return unexpected(err(errc::invalid_handle));
}
result<void, std::error_code> interface::tcp_set_congestion(tcp_handle, tcp::cc_algorithm) {
    return unexpected(err(errc::invalid_handle));
}
std::size_t interface::tcp_connection_count() const { return tcp_count_; }
std::size_t interface::tcp_time_wait_count() const { return tcp_table_.time_wait().size(); }

}  // namespace netrig::core
