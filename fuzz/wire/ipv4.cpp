// SPDX-License-Identifier: MIT
// fuzz/wire: IPv4 parse -> emit -> parse must give the same repr (options included).
#include <algorithm>
#include <cstdint>
#include <vector>

#include "round_trip.hpp"
#include "wire/ipv4.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace netrig::wire;
    auto v = ipv4::view::parse({data, size});
    if (!v) {
        return 0;
    }
    auto r = ipv4::repr::parse(*v);
    if (!r) {
        return 0;
    }
    std::vector<std::uint8_t> out(r->buffer_len());
    std::copy(v->payload().begin(), v->payload().end(), out.begin() + static_cast<std::ptrdiff_t>(r->header_len()));
    r->emit(out);
    NETRIG_FUZZ_CHECK(netrig::wire::verify_checksum(netrig::bytes{out}.first(r->header_len())));
    auto v2 = ipv4::view::parse(out);
    NETRIG_FUZZ_CHECK(v2);
    auto r2 = ipv4::repr::parse(*v2);
    NETRIG_FUZZ_CHECK(r2 && *r2 == *r);
    NETRIG_FUZZ_CHECK(std::equal(v2->payload().begin(), v2->payload().end(),
                                 v->payload().begin(), v->payload().end()));
    return 0;
}
