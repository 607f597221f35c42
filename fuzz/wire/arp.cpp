// SPDX-License-Identifier: MIT
// fuzz/wire: ARP parse -> emit -> parse must give the same repr.
#include <cstdint>
#include <vector>

#include "round_trip.hpp"
#include "wire/arp.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace netrig::wire;
    auto v = arp::view::parse({data, size});
    if (!v) {
        return 0;
    }
    auto r = arp::repr::parse(*v);
    if (!r) {
        return 0;
    }
    std::vector<std::uint8_t> out(r->buffer_len());
    r->emit(out);
    auto v2 = arp::view::parse(out);
    NETRIG_FUZZ_CHECK(v2);
    auto r2 = arp::repr::parse(*v2);
    NETRIG_FUZZ_CHECK(r2 && *r2 == *r);
    return 0;
}
