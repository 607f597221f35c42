// SPDX-License-Identifier: MIT
// fuzz/wire: ICMPv4 parse -> emit -> parse must give the same repr.
#include <cstdint>
#include <vector>

#include "round_trip.hpp"
#include "wire/icmpv4.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace netrig::wire;
    auto v = icmpv4::view::parse({data, size});
    if (!v) {
        return 0;
    }
    auto r = icmpv4::repr::parse(*v);
    if (!r) {
        return 0;
    }
    std::vector<std::uint8_t> out(r->buffer_len());
    r->emit(out);
    auto v2 = icmpv4::view::parse(out);
    NETRIG_FUZZ_CHECK(v2 && v2->checksum_ok());
    auto r2 = icmpv4::repr::parse(*v2);
    NETRIG_FUZZ_CHECK(r2 && *r2 == *r);
    return 0;
}
