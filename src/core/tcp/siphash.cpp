// SPDX-License-Identifier: MIT
// core/tcp: SipHash-2-4, following the reference implementation's structure.
#include "core/tcp/siphash.hpp"

namespace netrig::core::tcp {

namespace {

constexpr std::uint64_t rotl(std::uint64_t x, unsigned b) {
    return (x << b) | (x >> (64U - b));
}

struct sip_state {
    std::uint64_t v0;
    std::uint64_t v1;
    std::uint64_t v2;
    std::uint64_t v3;

    void round() {
        v0 += v1;
        v1 = rotl(v1, 13);
        v1 ^= v0;
        v0 = rotl(v0, 32);
        v2 += v3;
        v3 = rotl(v3, 16);
        v3 ^= v2;
        v0 += v3;
        v3 = rotl(v3, 21);
        v3 ^= v0;
        v2 += v1;
        v1 = rotl(v1, 17);
        v1 ^= v2;
        v2 = rotl(v2, 32);
    }
    void compress(std::uint64_t m) {
        v3 ^= m;
        round();
        round();
        v0 ^= m;
    }
};

std::uint64_t load_le64(bytes b, std::size_t off) {
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < 8; ++i) {
        v |= std::uint64_t{b[off + i]} << (8U * i);
    }
    return v;
}

}  // namespace

std::uint64_t siphash24(const siphash_key& key, bytes message) {
    // The constants are "somepseudorandomlygeneratedbytes" in ASCII (paper §2).
    sip_state s{0x736f6d6570736575ULL ^ key.k0, 0x646f72616e646f6dULL ^ key.k1,
                0x6c7967656e657261ULL ^ key.k0, 0x7465646279746573ULL ^ key.k1};
    const std::size_t full = message.size() - message.size() % 8;
    for (std::size_t off = 0; off < full; off += 8) {
        s.compress(load_le64(message, off));
    }
    // The last word holds the length mod 256 in its top byte and the 0..7 leftover bytes.
    std::uint64_t last = std::uint64_t{message.size() & 0xffU} << 56U;
    for (std::size_t i = 0; full + i < message.size(); ++i) {
        last |= std::uint64_t{message[full + i]} << (8U * i);
    }
    s.compress(last);
    s.v2 ^= 0xffU;
    for (int i = 0; i < 4; ++i) {
        s.round();
    }
    return s.v0 ^ s.v1 ^ s.v2 ^ s.v3;
}

}  // namespace netrig::core::tcp
