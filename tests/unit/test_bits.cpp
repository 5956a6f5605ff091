// SPDX-License-Identifier: Apache-2.0
// lowest_set_bit (src/lib/bits.hpp) against std::countr_zero.

#include <gtest/gtest.h>

#include <bit>
#include <cstdint>
#include <random>

#include "lib/bits.hpp"

namespace halyard {
namespace {

static_assert(lowest_set_bit(1) == 0);
static_assert(lowest_set_bit(uint64_t{1} << 63) == 63);

TEST(Bits, LowestSetBitOfEverySingleBit) {
    for (unsigned n = 0; n < 64; ++n) EXPECT_EQ(lowest_set_bit(uint64_t{1} << n), n);
}

TEST(Bits, LowestSetBitIgnoresHigherBits) {
    for (unsigned n = 0; n < 64; ++n) EXPECT_EQ(lowest_set_bit(~uint64_t{0} << n), n);
    std::mt19937_64 random(2026);
    for (int i = 0; i < 100000; ++i) {
        const uint64_t x = random() | (uint64_t{1} << (random() % 64));
        ASSERT_EQ(lowest_set_bit(x), static_cast<unsigned>(std::countr_zero(x))) << std::hex << x;
    }
}

}  // namespace
}  // namespace halyard
