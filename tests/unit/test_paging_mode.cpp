// SPDX-License-Identifier: Apache-2.0
// Unit tests for the paging modes a guest may be offered: their names in a
// devicetree's mmu-type and in tools/run's mmu=, their satp.MODE values, and
// what a host hart's mmu-type promises (the mode it names and every narrower
// one; Sv39 alone for anything else).

#include <gtest/gtest.h>

#include <string>

#include "platform/paging_mode.hpp"

namespace halyard {
namespace {

constexpr PagingMode kSv39 = PagingMode::kSv39, kSv48 = PagingMode::kSv48,
                     kSv57 = PagingMode::kSv57;

TEST(PagingMode, NamesAndSatpModes) {
    EXPECT_EQ(mmu_type_of(kSv39), "riscv,sv39");
    EXPECT_EQ(mmu_type_of(kSv48), "riscv,sv48");
    EXPECT_EQ(mmu_type_of(kSv57), "riscv,sv57");
    EXPECT_EQ(name_of(kSv39), "sv39");
    EXPECT_EQ(name_of(kSv57), "sv57");
    // Privileged spec, satp.MODE: 8 Sv39, 9 Sv48, 10 Sv57 (bits 63:60).
    EXPECT_EQ(satp_mode_bits(kSv39), 8ull << 60);
    EXPECT_EQ(satp_mode_bits(kSv48), 9ull << 60);
    EXPECT_EQ(satp_mode_bits(kSv57), 10ull << 60);
}

TEST(PagingMode, OnlyTheExactNamesAreModes) {
    for (PagingMode mode : kPagingModes) {
        PagingMode read = kSv39;
        ASSERT_TRUE(paging_mode_from_mmu_type(mmu_type_of(mode), read)) << mmu_type_of(mode);
        EXPECT_EQ(read, mode);
    }
    for (const char* text : {"", "riscv,sv32", "riscv,none", "sv48", "riscv,SV48", "riscv,sv4",
                             "riscv,sv480", " riscv,sv48", "riscv,sv64"}) {
        PagingMode read = kSv57;
        EXPECT_FALSE(paging_mode_from_mmu_type(text, read)) << text;
        EXPECT_EQ(read, kSv57) << "a refused name must not change the mode";
    }
    // A NUL inside is not the end of the name: the view's length counts.
    PagingMode read = kSv39;
    EXPECT_FALSE(paging_mode_from_mmu_type(std::string("riscv,sv48\0x", 12), read));
}

TEST(PagingModes, SetsUpToAMode) {
    const PagingModes only39 = PagingModes::up_to(kSv39);
    EXPECT_TRUE(only39.has(kSv39));
    EXPECT_FALSE(only39.has(kSv48));
    EXPECT_FALSE(only39.has(kSv57));
    EXPECT_EQ(only39.widest(), kSv39);
    const PagingModes to48 = PagingModes::up_to(kSv48);
    EXPECT_TRUE(to48.has(kSv39) && to48.has(kSv48) && !to48.has(kSv57));
    EXPECT_EQ(to48.widest(), kSv48);
    const PagingModes all = PagingModes::up_to(kSv57);
    EXPECT_TRUE(all.has(kSv39) && all.has(kSv48) && all.has(kSv57));
    EXPECT_EQ(all.widest(), kSv57);

    EXPECT_EQ(all & to48, to48);
    EXPECT_EQ(only39 & all, only39);
    PagingModes none;
    EXPECT_FALSE(none.has(kSv39));
    EXPECT_EQ(none.widest(), kSv39) << "nothing wider than Sv39 is ever claimed";
    PagingModes odd;  // a hart that kept Sv57 but not Sv48 in vsatp
    odd.add(kSv39);
    odd.add(kSv57);
    EXPECT_EQ(odd & to48, only39);
}

// A host mmu-type names the widest mode (devicetree bindings); the narrower
// ones come with it. Anything else promises Sv39, never more and never none.
TEST(PagingModes, WhatAHostMmuTypePromises) {
    EXPECT_EQ(paging_modes_of_mmu_type("riscv,sv39"), PagingModes::up_to(kSv39));
    EXPECT_EQ(paging_modes_of_mmu_type("riscv,sv48"), PagingModes::up_to(kSv48));  // QEMU 7.2
    EXPECT_EQ(paging_modes_of_mmu_type("riscv,sv57"), PagingModes::up_to(kSv57));  // QEMU 10
    for (const char* text : {"", "riscv,none", "riscv,sv32", "riscv,sv64", "garbage"})
        EXPECT_EQ(paging_modes_of_mmu_type(text), PagingModes::up_to(kSv39)) << text;
}

}  // namespace
}  // namespace halyard
