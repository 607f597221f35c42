// SPDX-License-Identifier: MIT
// fuzz/wire: Ethernet II parse -> emit -> parse must give the same repr and header bytes.
#include <algorithm>
#include <cstdint>
#include <vector>

#include "round_trip.hpp"
#include "wire/ethernet.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace netrig::wire;
    const netrig::bytes in{data, size};
    auto v = ethernet::view::parse(in);
    if (!v) {
        return 0;
    }
    auto r = ethernet::repr::parse(*v);
    if (!r) {
        return 0;
    }
    std::vector<std::uint8_t> out(r->buffer_len() + v->payload().size());
    r->emit(out);
    std::copy(v->payload().begin(), v->payload().end(), out.begin() + static_cast<std::ptrdiff_t>(r->buffer_len()));
    auto v2 = ethernet::view::parse(out);
    NETRIG_FUZZ_CHECK(v2);
    auto r2 = ethernet::repr::parse(*v2);
    NETRIG_FUZZ_CHECK(r2 && *r2 == *r);
    // Every header bit is a repr field (PCP, DEI and VID fill the tag), so even bytes match.
    NETRIG_FUZZ_CHECK(std::equal(out.begin(), out.end(), in.begin(), in.end()));
    return 0;
}
