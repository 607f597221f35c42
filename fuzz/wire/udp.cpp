// SPDX-License-Identifier: MIT
// fuzz/wire: UDP parse -> emit -> parse must give the same repr.
#include <cstdint>
#include <vector>

#include "round_trip.hpp"
#include "wire/udp.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace netrig::wire;
    const ipv4_address src(10, 77, 0, 1);
    const ipv4_address dst(10, 77, 0, 2);
    auto v = udp::view::parse({data, size});
    if (!v) {
        return 0;
    }
    auto r = udp::repr::parse(*v, src, dst);
    if (!r) {
        return 0;
    }
    std::vector<std::uint8_t> out(r->buffer_len());
    r->emit(out, src, dst);
    auto v2 = udp::view::parse(out);
    NETRIG_FUZZ_CHECK(v2);
    auto r2 = udp::repr::parse(*v2, src, dst);
    NETRIG_FUZZ_CHECK(r2 && *r2 == *r);
    return 0;
}
