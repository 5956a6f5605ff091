// SPDX-License-Identifier: Apache-2.0
// Unit tests for the G-stage (Sv39x4) page tables. On the host the table
// pages come from the page pool (a static array), so their host pointers act
// as "host-physical" addresses; the mapped host addresses themselves are
// never dereferenced and can be any number. The pool holds 64 pages and is
// shared by every test in this binary: each test uses at most a handful.
//
// Besides translate(), the tests walk the tables themselves from hgatp (PPN
// field) and check the PTE bits against the privileged specification, so a
// table that translate() reads back consistently but hardware would not
// accept still fails.

#include <gtest/gtest.h>

#include <cstdint>

#include "memory/g_stage.hpp"
#include "memory/page_pool.hpp"

namespace halyard {
namespace {

constexpr uint64_t kKiB = 1ull << 10;
constexpr uint64_t kMiB = 1ull << 20;
constexpr uint64_t kGiB = 1ull << 30;
constexpr uint64_t kUnmapped = ~0ull;
constexpr uint64_t kRamGpa = 0x8000'0000;

// PTE bits (privileged spec, Sv39 page-table entry).
constexpr uint64_t kV = 1 << 0, kR = 1 << 1, kW = 1 << 2, kX = 1 << 3, kU = 1 << 4, kG = 1 << 5,
                   kA = 1 << 6, kD = 1 << 7;
constexpr uint64_t kLeafBits = kV | kR | kW | kX | kU | kA | kD;

const uint64_t* root_of(const GStagePageTable& table) {
    const uint64_t ppn = table.hgatp(0) & ((1ull << 44) - 1);
    return reinterpret_cast<const uint64_t*>(ppn << 12);
}

uint64_t pte_target(uint64_t pte) {
    return ((pte >> 10) & ((1ull << 44) - 1)) << 12;
}

// The PTE that maps `gpa` and the level it sits at (2 = 1 GiB leaf in the
// root, 1 = 2 MiB, 0 = 4 KiB), checking every non-leaf entry on the way.
struct Walk {
    uint64_t pte = 0;
    int level = -1;
};

Walk walk(const GStagePageTable& table, uint64_t gpa) {
    const uint64_t* t = root_of(table);
    for (int level = 2; level >= 0; --level) {
        const uint64_t index = level == 2 ? (gpa >> 30) & 0x7FF : (gpa >> (12 + 9 * level)) & 0x1FF;
        const uint64_t pte = t[index];
        if ((pte & kV) == 0) return {};
        if ((pte & (kR | kW | kX)) != 0) return {pte, level};
        // Non-leaf: U, A and D are reserved and must be zero; G is not used.
        EXPECT_EQ(pte & (kU | kA | kD | kG), 0u) << "non-leaf PTE with leaf-only bits";
        EXPECT_EQ(pte >> 54, 0u) << "reserved high bits set in a non-leaf PTE";
        t = reinterpret_cast<const uint64_t*>(pte_target(pte));
    }
    return {};
}

void expect_leaf(const GStagePageTable& table, uint64_t gpa, uint64_t hpa, int level) {
    Walk w = walk(table, gpa);
    ASSERT_EQ(w.level, level) << "gpa 0x" << std::hex << gpa;
    EXPECT_EQ(w.pte & 0x3FF, kLeafBits) << "leaf flags for gpa 0x" << std::hex << gpa;
    EXPECT_EQ(w.pte >> 54, 0u);
    const uint64_t page = 1ull << (12 + 9 * level);
    EXPECT_EQ(pte_target(w.pte), hpa & ~(page - 1)) << "gpa 0x" << std::hex << gpa;
}

void expect_maps(const GStagePageTable& table, uint64_t gpa, uint64_t hpa, uint64_t size) {
    for (uint64_t offset : {uint64_t{0}, uint64_t{1}, uint64_t{0xFFF}, uint64_t{0x1000}, size / 2,
                            size / 2 + 0x123, size - 0x1000, size - 1}) {
        if (offset >= size) continue;
        EXPECT_EQ(table.translate(gpa + offset), hpa + offset)
            << std::hex << "gpa 0x" << gpa << " + 0x" << offset;
    }
    if (gpa != 0) {
        EXPECT_EQ(table.translate(gpa - 1), kUnmapped) << "byte before the mapping";
    }
    EXPECT_EQ(table.translate(gpa + size), kUnmapped) << "byte after the mapping";
}

class GStageTest : public testing::Test {
  protected:
    void SetUp() override {
        ASSERT_TRUE(table.init()) << "page pool exhausted: " << page_pool_used() << " of "
                                  << page_pool_capacity() << " bytes used";
    }
    GStagePageTable table;
};

TEST_F(GStageTest, HgatpSelectsSv39x4TheVmidAndTheRoot) {
    const uint64_t h = table.hgatp(5);
    EXPECT_EQ(h >> 60, 8u) << "MODE must be 8 (Sv39x4)";
    EXPECT_EQ((h >> 58) & 0x3, 0u) << "bits 59:58 are reserved";
    EXPECT_EQ((h >> 44) & 0x3FFF, 5u) << "VMID in bits 57:44";
    const uint64_t root = (h & ((1ull << 44) - 1)) << 12;
    EXPECT_NE(root, 0u);
    EXPECT_EQ(root % (16 * kKiB), 0u) << "the Sv39x4 root must be 16 KiB aligned";
    EXPECT_EQ(h & 0x3, 0u) << "PPN[1:0] of a 16 KiB aligned root are zero";
    // The 16 KiB root (2048 entries) is zeroed: nothing is mapped yet.
    const uint64_t* entries = reinterpret_cast<const uint64_t*>(root);
    for (int i = 0; i < 2048; ++i) ASSERT_EQ(entries[i], 0u) << "root entry " << i;

    // VMID: 14 bits, never spilling into MODE; the root does not depend on it.
    EXPECT_EQ((table.hgatp(0) >> 44) & 0x3FFF, 0u);
    EXPECT_EQ((table.hgatp(0x3FFF) >> 44) & 0x3FFF, 0x3FFFu);
    EXPECT_EQ(table.hgatp(0xFFFF) >> 58, table.hgatp(0) >> 58) << "VMID overflowed into MODE";
    EXPECT_EQ(table.hgatp(1) & ((1ull << 44) - 1), table.hgatp(2) & ((1ull << 44) - 1));
}

TEST_F(GStageTest, OneGibAlignedRamUsesGigapages) {
    const uint64_t hpa = 0x1'4000'0000;
    ASSERT_TRUE(table.map(kRamGpa, hpa, 1 * kGiB));
    expect_maps(table, kRamGpa, hpa, 1 * kGiB);
    expect_leaf(table, kRamGpa, hpa, 2);
    expect_leaf(table, kRamGpa + kGiB - 1, hpa, 2);

    // A second, 2 GiB region in the same table (two gigapages).
    const uint64_t gpa2 = 0x1'0000'0000, hpa2 = 0x2'0000'0000;
    ASSERT_TRUE(table.map(gpa2, hpa2, 2 * kGiB));
    expect_maps(table, gpa2, hpa2, 2 * kGiB);
    expect_leaf(table, gpa2 + kGiB, hpa2 + kGiB, 2);
    EXPECT_EQ(table.translate(kRamGpa + 0x1234), hpa + 0x1234) << "first mapping disturbed";

    // An existing gigapage is not split by a later, smaller mapping inside it.
    EXPECT_FALSE(table.map(kRamGpa + 0x1000, 0x5000'0000, 0x1000));
    EXPECT_EQ(table.translate(kRamGpa + 0x1000), hpa + 0x1000);
    expect_leaf(table, kRamGpa, hpa, 2);
}

TEST_F(GStageTest, TwoMibAlignedRamUsesMegapages) {
    const uint64_t hpa = 0x9020'0000;  // 2 MiB aligned, not 1 GiB aligned
    ASSERT_TRUE(table.map(kRamGpa, hpa, 1 * kGiB));
    expect_maps(table, kRamGpa, hpa, 1 * kGiB);
    expect_leaf(table, kRamGpa, hpa, 1);
    expect_leaf(table, kRamGpa + 2 * kMiB, hpa + 2 * kMiB, 1);
    expect_leaf(table, kRamGpa + kGiB - 1, hpa + kGiB - 2 * kMiB, 1);
    for (uint64_t offset = 0; offset < kGiB; offset += 2 * kMiB) {
        ASSERT_EQ(table.translate(kRamGpa + offset + 0x1F'FFFF), hpa + offset + 0x1F'FFFF)
            << std::hex << "offset 0x" << offset;
    }
}

TEST_F(GStageTest, FourKibAlignedRamUsesSmallPages) {
    const uint64_t hpa = 0x8765'3000;  // only 4 KiB aligned
    const uint64_t size = 4 * kMiB;
    ASSERT_TRUE(table.map(kRamGpa, hpa, size));
    expect_maps(table, kRamGpa, hpa, size);
    expect_leaf(table, kRamGpa, hpa, 0);
    expect_leaf(table, kRamGpa + size - 1, hpa + size - 0x1000, 0);
    for (uint64_t offset = 0; offset < size; offset += 0x1000) {
        ASSERT_EQ(table.translate(kRamGpa + offset + 0xABC), hpa + offset + 0xABC)
            << std::hex << "page at offset 0x" << offset;
    }
}

TEST_F(GStageTest, MixedSizesUseTheLargestPageThatFits) {
    // 1 GiB + 2 MiB + 8 KiB, both addresses 1 GiB aligned: one gigapage, one
    // megapage, two small pages.
    const uint64_t hpa = 0x1'0000'0000;
    const uint64_t size = kGiB + 2 * kMiB + 8 * kKiB;
    ASSERT_TRUE(table.map(kRamGpa, hpa, size));
    expect_maps(table, kRamGpa, hpa, size);
    expect_leaf(table, kRamGpa, hpa, 2);
    expect_leaf(table, kRamGpa + kGiB, hpa + kGiB, 1);
    expect_leaf(table, kRamGpa + kGiB + 2 * kMiB, hpa + kGiB + 2 * kMiB, 0);
    expect_leaf(table, kRamGpa + kGiB + 2 * kMiB + 4 * kKiB, hpa + kGiB + 2 * kMiB + 4 * kKiB, 0);
    EXPECT_EQ(table.translate(kRamGpa + size), kUnmapped);
}

TEST_F(GStageTest, RefusesUnalignedArguments) {
    EXPECT_FALSE(table.map(kRamGpa + 0x800, 0x9000'0000, 0x1000)) << "gpa";
    EXPECT_FALSE(table.map(kRamGpa, 0x9000'0004, 0x1000)) << "hpa";
    EXPECT_FALSE(table.map(kRamGpa, 0x9000'0000, 0x1001)) << "size";
    EXPECT_FALSE(table.map(kRamGpa, 0x9000'0000, 0xFFF)) << "size";
    EXPECT_EQ(table.translate(kRamGpa), kUnmapped) << "a refused map left a mapping behind";
    EXPECT_EQ(table.translate(kRamGpa + 0x800), kUnmapped);
}

TEST_F(GStageTest, RefusesRangesBeyondSv39x4) {
    const uint64_t limit = 1ull << 41;
    EXPECT_FALSE(table.map(limit, 0x9000'0000, 0x1000)) << "gpa at 2^41";
    EXPECT_FALSE(table.map(limit + kGiB, 0x9000'0000, kGiB)) << "gpa above 2^41";
    EXPECT_FALSE(table.map(limit - 0x1000, 0x9000'0000, 0x2000)) << "range ending past 2^41";
    EXPECT_FALSE(table.map(kRamGpa, 0x9000'0000, ~0xFFFull)) << "size that wraps";
    EXPECT_FALSE(table.map(0, 0, limit + 0x1000)) << "size larger than the space";
    EXPECT_EQ(table.translate(0), kUnmapped);
    EXPECT_EQ(table.translate(kRamGpa), kUnmapped);
    EXPECT_EQ(table.translate(limit - 0x1000), kUnmapped);

    // The last page and the last gigapage below 2^41 are fine.
    ASSERT_TRUE(table.map(limit - 0x1000, 0x9000'0000, 0x1000));
    EXPECT_EQ(table.translate(limit - 1), 0x9000'0FFFull);
    ASSERT_TRUE(table.map(limit - 2 * kGiB, 0x40'0000'0000, kGiB));
    EXPECT_EQ(table.translate(limit - 2 * kGiB + 0x42), 0x40'0000'0042ull);
    expect_leaf(table, limit - 2 * kGiB, 0x40'0000'0000, 2);
    EXPECT_EQ(table.translate(limit), kUnmapped);
    EXPECT_EQ(table.translate(~0ull), kUnmapped);
}

TEST_F(GStageTest, EmptyTableTranslatesNothing) {
    for (uint64_t gpa : {uint64_t{0}, kRamGpa, uint64_t{0x1000'0000}, uint64_t{(1ull << 41) - 1}})
        EXPECT_EQ(table.translate(gpa), kUnmapped) << std::hex << gpa;
    EXPECT_TRUE(table.map(kRamGpa, 0x9000'0000, 0)) << "mapping nothing succeeds";
    EXPECT_EQ(table.translate(kRamGpa), kUnmapped);
}

TEST(GStage, UninitialisedTableRefusesToMap) {
    GStagePageTable table;
    EXPECT_FALSE(table.map(kRamGpa, 0x9000'0000, 0x1000));
    EXPECT_EQ(table.translate(kRamGpa), kUnmapped);
}

TEST(GStage, TablesAreIndependent) {
    GStagePageTable a, b;
    ASSERT_TRUE(a.init());
    ASSERT_TRUE(b.init());
    EXPECT_NE(a.hgatp(1) & ((1ull << 44) - 1), b.hgatp(1) & ((1ull << 44) - 1));
    ASSERT_TRUE(a.map(kRamGpa, 0x1'0000'0000, kGiB));
    ASSERT_TRUE(b.map(kRamGpa, 0x2'0000'0000, kGiB));
    EXPECT_EQ(a.translate(kRamGpa + 0x10), 0x1'0000'0010ull);
    EXPECT_EQ(b.translate(kRamGpa + 0x10), 0x2'0000'0010ull);
}

}  // namespace
}  // namespace halyard
