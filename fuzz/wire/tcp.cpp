// SPDX-License-Identifier: MIT
// fuzz/wire: TCP (with options) parse -> emit -> parse must give the same repr, and re-emitting
// that gives the same bytes.
#include <cstdint>
#include <vector>

#include "round_trip.hpp"
#include "wire/tcp.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace netrig::wire;
    const ipv4_address src(10, 77, 0, 1);
    const ipv4_address dst(10, 77, 0, 2);
    auto v = tcp::view::parse({data, size});
    if (!v) {
        return 0;
    }
    auto r = tcp::repr::parse(*v, src, dst);
    if (!r) {
        return 0;
    }
    std::vector<std::uint8_t> out(r->buffer_len());
    r->emit(out, src, dst);
    auto v2 = tcp::view::parse(out);
    NETRIG_FUZZ_CHECK(v2);
    auto r2 = tcp::repr::parse(*v2, src, dst);
    NETRIG_FUZZ_CHECK(r2 && *r2 == *r);
    std::vector<std::uint8_t> again(r2->buffer_len());
    r2->emit(again, src, dst);
    NETRIG_FUZZ_CHECK(again == out);
    return 0;
}
