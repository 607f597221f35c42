// SPDX-License-Identifier: MIT
// tools/iperf3: runs the libFuzzer entry point without libFuzzer (so it also runs under g++ and
// the ASan+UBSan build): every committed corpus file, then seeded random mutations of them.
#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

#include "base/rng.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

std::vector<std::vector<std::uint8_t>> corpus() {
    std::vector<std::vector<std::uint8_t>> out;
    const std::filesystem::path dir =
        std::filesystem::path{NETRIG_SOURCE_DIR} / "fuzz" / "corpus" / "iperf3_control";
    for (const auto& e : std::filesystem::directory_iterator(dir)) {
        std::ifstream f(e.path(), std::ios::binary);
        out.emplace_back(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
    }
    return out;
}

TEST(control_codec_fuzz_replay, corpus_and_seeded_mutations_do_not_crash) {
    const auto seeds = corpus();
    ASSERT_GE(seeds.size(), 5U);
    for (const auto& s : seeds) {
        EXPECT_EQ(LLVMFuzzerTestOneInput(s.data(), s.size()), 0);
    }
    netrig::rng random{20261123};
    for (int i = 0; i < 20000; ++i) {
        std::vector<std::uint8_t> m = seeds[random.below(seeds.size())];
        const auto edits = 1 + random.below(8);
        for (std::uint64_t k = 0; k < edits && !m.empty(); ++k) {
            const auto pos = random.below(m.size());
            switch (random.below(3)) {
                case 0: m[pos] = static_cast<std::uint8_t>(random()); break;
                case 1: m.erase(m.begin() + static_cast<std::ptrdiff_t>(pos)); break;
                default: m.insert(m.begin() + static_cast<std::ptrdiff_t>(pos),
                                  static_cast<std::uint8_t>(random()));
            }
        }
        EXPECT_EQ(LLVMFuzzerTestOneInput(m.data(), m.size()), 0);
    }
}

}  // namespace
