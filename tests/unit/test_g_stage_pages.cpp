// SPDX-License-Identifier: Apache-2.0
// Unit tests for the page sizes the G-stage maps guest RAM with, for the
// placements the allocator makes: 1 GiB pages where a 1 GiB-aligned GiB of
// the range maps to a 1 GiB-aligned host GiB, 2 MiB pages elsewhere, 4 KiB
// pages where nothing larger fits; and that the leaves cover exactly the
// range asked for, never a byte of host memory beyond it. Every leaf of the
// tables is found by walking them from hgatp, as the hardware would.
// (A binary of its own: the page pool of one test binary holds 64 pages.)

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "memory/g_stage.hpp"
#include "memory/page_pool.hpp"
#include "memory/physical_allocator.hpp"

namespace halyard {
namespace {

constexpr uint64_t kKiB = 1ull << 10;
constexpr uint64_t k2M = 2 * kMiB;
constexpr uint64_t kRamGpa = 0x8000'0000;
constexpr uint64_t kV = 1 << 0, kR = 1 << 1, kW = 1 << 2, kX = 1 << 3;

struct Leaf {
    uint64_t gpa;
    uint64_t hpa;
    uint64_t size;
};

// Every valid leaf below `table` (entries of `level`, whose index covers
// `base` upwards).
void collect(const uint64_t* table, int level, uint64_t base, std::vector<Leaf>& leaves) {
    const unsigned entries = level == 2 ? 2048 : 512;
    const uint64_t span = 1ull << (12 + 9 * level);
    for (unsigned i = 0; i < entries; ++i) {
        const uint64_t pte = table[i];
        if ((pte & kV) == 0) continue;
        const uint64_t target = ((pte >> 10) & ((1ull << 44) - 1)) << 12;
        const uint64_t gpa = base + i * span;
        if ((pte & (kR | kW | kX)) != 0) {
            leaves.push_back({gpa, target, span});
        } else {
            ASSERT_GT(level, 0) << "a non-leaf entry at the last level";
            collect(reinterpret_cast<const uint64_t*>(target), level - 1, gpa, leaves);
        }
    }
}

std::vector<Leaf> leaves_of(const GStagePageTable& table) {
    std::vector<Leaf> leaves;
    const uint64_t root = (table.hgatp(0) & ((1ull << 44) - 1)) << 12;
    collect(reinterpret_cast<const uint64_t*>(root), 2, 0, leaves);
    return leaves;
}

// One table per test, each case mapped into a region of its own (16 GiB
// apart, which keeps every alignment), so that the page pool holds them all.
// After every map, all leaves are checked against every range mapped so far:
// each lies inside one range on both sides at the same offset and is
// aligned to its size on both sides, and together they cover the ranges
// exactly once.
class GStagePages : public testing::Test {
  protected:
    static constexpr uint64_t kRegion = 16 * kGiB;

    void SetUp() override {
        ASSERT_TRUE(table_.init()) << "page pool: " << page_pool_used() << " bytes used";
    }

    // Maps the case [gpa, gpa + size) -> hpa in the next region; checks the
    // page sizes it took.
    void expect_counts(uint64_t gpa, uint64_t hpa, uint64_t size, uint64_t gigapages,
                       uint64_t megapages, uint64_t pages) {
        SCOPED_TRACE(testing::Message()
                     << std::hex << "gpa 0x" << gpa << " hpa 0x" << hpa << " size 0x" << size);
        gpa += kRegion * regions_;
        hpa += kRegion * regions_;
        ++regions_;
        const GStagePageTable::PageCounts before = table_.page_counts();
        ASSERT_TRUE(table_.map(gpa, hpa, size)) << "page pool: " << page_pool_used();
        mapped_.push_back({gpa, hpa, size});
        const GStagePageTable::PageCounts after = table_.page_counts();
        EXPECT_EQ(after.gigapages - before.gigapages, gigapages);
        EXPECT_EQ(after.megapages - before.megapages, megapages);
        EXPECT_EQ(after.pages - before.pages, pages);
        check_leaves();
    }

  private:
    void check_leaves() {
        uint64_t covered = 0, total = 0;
        GStagePageTable::PageCounts seen;
        for (const Leaf& leaf : leaves_of(table_)) {
            SCOPED_TRACE(testing::Message()
                         << std::hex << "leaf gpa 0x" << leaf.gpa << " size 0x" << leaf.size);
            const Leaf* range = nullptr;
            for (const Leaf& r : mapped_)
                if (leaf.gpa >= r.gpa && leaf.gpa < r.gpa + r.size) range = &r;
            ASSERT_NE(range, nullptr) << "a page outside every mapped range";
            EXPECT_LE(leaf.gpa + leaf.size, range->gpa + range->size)
                << "a page reaches past the VM's RAM";
            EXPECT_EQ(leaf.hpa - range->hpa, leaf.gpa - range->gpa)
                << "host and guest offsets differ";
            EXPECT_EQ(leaf.hpa % leaf.size, 0u);
            EXPECT_EQ(leaf.gpa % leaf.size, 0u);
            covered += leaf.size;
            ++(leaf.size == kGiB ? seen.gigapages : leaf.size == k2M ? seen.megapages : seen.pages);
        }
        for (const Leaf& r : mapped_) total += r.size;
        EXPECT_EQ(covered, total) << "the leaves cover the ranges exactly once";
        const GStagePageTable::PageCounts counted = table_.page_counts();
        EXPECT_EQ(counted.gigapages, seen.gigapages);
        EXPECT_EQ(counted.megapages, seen.megapages);
        EXPECT_EQ(counted.pages, seen.pages);
    }

    GStagePageTable table_;
    std::vector<Leaf> mapped_;
    uint64_t regions_ = 0;
};

// What allocate_guest_ram gives a VM of 1 GiB or more with room: its RAM on
// a host GiB boundary, one 1 GiB page per whole GiB.
TEST_F(GStagePages, OnAGibBoundaryEachWholeGibIsOnePage) {
    expect_counts(kRamGpa, 0xC000'0000, kGiB, 1, 0, 0);                   // mem=1G
    expect_counts(kRamGpa, 0x1'0000'0000, 2 * kGiB, 2, 0, 0);             // mem=2G
    expect_counts(kRamGpa, 0xC000'0000, kGiB + 512 * kMiB, 1, 256, 0);    // mem=1536M
    expect_counts(kRamGpa, 0xC000'0000, kGiB + k2M + 8 * kKiB, 1, 1, 2);  // a ragged end
}

// Without room on a GiB boundary (or below 1 GiB): 2 MiB pages only, never a
// gigapage, even where the host address happens to be GiB aligned.
TEST_F(GStagePages, TwoMibAlignedRamGetsTwoMibPages) {
    expect_counts(kRamGpa, 0x8040'0000, kGiB, 0, 512, 0);             // the fallback
    expect_counts(kRamGpa, 0x8840'0000, 512 * kMiB, 0, 256, 0);       // the Linux default VM
    expect_counts(kRamGpa, 0xC000'0000, kGiB - k2M, 0, 511, 0);       // one page short of a GiB
    expect_counts(kRamGpa + k2M, 0xC020'0000, kGiB, 0, 512, 0);       // congruent, no whole GiB
    expect_counts(kRamGpa, 0xC000'0000 + k2M, 2 * kGiB, 0, 1024, 0);  // whole GiBs, incongruent
}

// Guest RAM not starting on a GiB boundary but congruent with the host:
// 2 MiB pages up to the first boundary, a gigapage per whole GiB after it,
// 2 MiB pages again at the end.
TEST_F(GStagePages, AGigapageInTheMiddle) {
    expect_counts(kRamGpa + 0x1000'0000, 0xD000'0000, 2 * kGiB, 1, 512, 0);
}

// Only 4 KiB aligned on one side: 4 KiB pages throughout.
TEST_F(GStagePages, FourKibWhereNothingLargerFits) {
    expect_counts(kRamGpa, 0x8765'3000, 4 * kMiB, 0, 0, 1024);
    expect_counts(kRamGpa + 0x1000, 0x8000'1000, k2M, 0, 0, 512);
    // 2 MiB alignment reached part way: 4 KiB pages up to it, then 2 MiB.
    expect_counts(kRamGpa + k2M - 8 * kKiB, 0x8020'0000 - 8 * kKiB, 8 * kKiB + k2M, 0, 1, 2);
}

// The placements the allocator really makes, mapped as create_vm maps them.
TEST_F(GStagePages, WhatTheAllocatorPlacesIsMappedWithItsLargestPages) {
    PhysicalAllocator host;  // below the regions expect_counts moves the cases to
    ASSERT_TRUE(host.add_memory({0x8000'0000, 7 * kGiB / 2}));  // 2 GiB to 5.5 GiB
    ASSERT_TRUE(host.reserve({0x8000'0000, 4 * kMiB}));
    const uint64_t big =
        host.allocate_guest_ram(kRamGpa, kGiB + 512 * kMiB, RamPlacement::kPreferGigapages)
            .value_or(0);
    ASSERT_NE(big, 0u);
    expect_counts(kRamGpa, big, kGiB + 512 * kMiB, 1, 256, 0);
    const uint64_t small =
        host.allocate_guest_ram(kRamGpa, 512 * kMiB, RamPlacement::kPreferGigapages).value_or(0);
    ASSERT_NE(small, 0u);
    expect_counts(kRamGpa, small, 512 * kMiB, 0, 256, 0);
    const uint64_t fallback =
        host.allocate_guest_ram(kRamGpa, kGiB, RamPlacement::kPreferGigapages).value_or(0);
    ASSERT_NE(fallback, 0u) << "room at 4.5 GiB, and no whole GiB above a GiB boundary";
    EXPECT_NE(fallback % kGiB, 0u);
    expect_counts(kRamGpa, fallback, kGiB, 0, 512, 0);
}

}  // namespace
}  // namespace halyard
