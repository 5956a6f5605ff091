// SPDX-License-Identifier: Apache-2.0
// Unit tests for PhysicalAllocator, which places guest RAM in host memory:
// first fit in request order, 2 MiB aligned, around reserved ranges.

#include <gtest/gtest.h>

#include <cstdint>

#include "memory/physical_allocator.hpp"

namespace halyard {
namespace {

constexpr uint64_t kRam = 0x8000'0000;
constexpr uint64_t kGiB = 1ull << 30;
constexpr uint64_t k2M = 2 * kMiB;

TEST(PhysicalAllocator, AlignHelpers) {
    EXPECT_EQ(align_up(0x8000'0001, k2M), 0x8020'0000u);
    EXPECT_EQ(align_up(0x8020'0000, k2M), 0x8020'0000u);
    EXPECT_EQ(align_down(0x803F'FFFF, k2M), 0x8020'0000u);
    EXPECT_EQ(align_down(0x8020'0000, k2M), 0x8020'0000u);
}

TEST(PhysicalAllocator, FirstFitInRequestOrder) {
    PhysicalAllocator a;
    ASSERT_TRUE(a.add_memory({kRam, kGiB}));
    EXPECT_EQ(a.allocate(256 * kMiB).value_or(0), kRam);
    EXPECT_EQ(a.allocate(128 * kMiB).value_or(0), kRam + 256 * kMiB);
    EXPECT_EQ(a.allocate(64 * kMiB).value_or(0), kRam + 384 * kMiB);
}

TEST(PhysicalAllocator, EveryBlockStartsTwoMibAligned) {
    PhysicalAllocator a;
    ASSERT_TRUE(a.add_memory({kRam, kGiB}));
    // Sizes that are not multiples of 2 MiB still start the next block on a
    // 2 MiB boundary.
    const uint64_t first = a.allocate(3 * kMiB).value_or(0);
    const uint64_t second = a.allocate(1 * kMiB).value_or(0);
    const uint64_t third = a.allocate(4096).value_or(0);
    EXPECT_EQ(first, kRam);
    EXPECT_EQ(second, kRam + 4 * kMiB);
    EXPECT_EQ(third, kRam + 6 * kMiB);
    for (uint64_t base : {first, second, third}) EXPECT_EQ(base % k2M, 0u);
}

TEST(PhysicalAllocator, UnalignedMemoryBaseIsRoundedUp) {
    PhysicalAllocator a;
    ASSERT_TRUE(a.add_memory({kRam + 0x1000, 64 * kMiB}));  // ends at kRam + 64 MiB + 4 KiB
    EXPECT_EQ(a.allocate(16 * kMiB).value_or(0), kRam + k2M);
    // What is left from kRam + 18 MiB: 46 MiB + 4 KiB, of which 46 MiB usable.
    EXPECT_EQ(a.allocate(46 * kMiB).value_or(0), kRam + 18 * kMiB);
    EXPECT_EQ(a.allocate(k2M).value_or(0), 0u);
}

TEST(PhysicalAllocator, ExplicitAlignment) {
    PhysicalAllocator a;
    ASSERT_TRUE(a.add_memory({kRam, 4 * kGiB}));
    EXPECT_EQ(a.allocate(4096, 4096).value_or(0), kRam);
    EXPECT_EQ(a.allocate(kGiB, kGiB).value_or(0), kRam + kGiB) << "next 1 GiB boundary";
    EXPECT_EQ(a.allocate(4096, 4096).value_or(0), kRam + 4096) << "first fit fills the gap";
}

TEST(PhysicalAllocator, SkipsAReservedRangeAtTheStart) {
    PhysicalAllocator a;
    ASSERT_TRUE(a.add_memory({kRam, kGiB}));
    ASSERT_TRUE(a.reserve({kRam, 0x40000}));  // OpenSBI's 256 KiB
    EXPECT_EQ(a.allocate(16 * kMiB).value_or(0), kRam + k2M);
}

TEST(PhysicalAllocator, SkipsOverlappingReservations) {
    PhysicalAllocator a;
    ASSERT_TRUE(a.add_memory({kRam, kGiB}));
    ASSERT_TRUE(a.reserve({kRam, 3 * kMiB}));
    ASSERT_TRUE(a.reserve({kRam + 1 * kMiB, 4 * kMiB}));  // overlaps the first, ends at +5 MiB
    EXPECT_EQ(a.allocate(k2M).value_or(0), kRam + 6 * kMiB);
}

TEST(PhysicalAllocator, SkipsOverlappingReservationsGivenInReverseOrder) {
    PhysicalAllocator a;
    ASSERT_TRUE(a.add_memory({kRam, kGiB}));
    ASSERT_TRUE(a.reserve({kRam + 1 * kMiB, 4 * kMiB}));
    ASSERT_TRUE(a.reserve({kRam, 3 * kMiB}));
    EXPECT_EQ(a.allocate(k2M).value_or(0), kRam + 6 * kMiB);
}

TEST(PhysicalAllocator, SkipsAdjacentReservations) {
    PhysicalAllocator a;
    ASSERT_TRUE(a.add_memory({kRam, kGiB}));
    ASSERT_TRUE(a.reserve({kRam, k2M}));
    ASSERT_TRUE(a.reserve({kRam + k2M, k2M}));
    ASSERT_TRUE(a.reserve({kRam + 2 * k2M, 0x1000}));
    EXPECT_EQ(a.allocate(k2M).value_or(0), kRam + 6 * kMiB);
}

TEST(PhysicalAllocator, BlockEndingExactlyAtAReservationIsAllowed) {
    PhysicalAllocator a;
    ASSERT_TRUE(a.add_memory({kRam, kGiB}));
    ASSERT_TRUE(a.reserve({kRam + 8 * kMiB, 4096}));
    EXPECT_EQ(a.allocate(8 * kMiB).value_or(0), kRam);
    // The next block cannot start at +8 MiB (reserved) and goes to +10 MiB.
    EXPECT_EQ(a.allocate(k2M).value_or(0), kRam + 10 * kMiB);
}

TEST(PhysicalAllocator, LargeBlockGoesPastAReservationInTheMiddle) {
    PhysicalAllocator a;
    ASSERT_TRUE(a.add_memory({kRam, kGiB}));
    ASSERT_TRUE(a.reserve({kRam + 100 * kMiB, 4096}));
    // 128 MiB does not fit below the reservation; the first fit is above it.
    EXPECT_EQ(a.allocate(128 * kMiB).value_or(0), kRam + 102 * kMiB);
    // A small block still uses the space below.
    EXPECT_EQ(a.allocate(64 * kMiB).value_or(0), kRam);
}

TEST(PhysicalAllocator, MultipleMemoryRangesInTheOrderGiven) {
    PhysicalAllocator a;
    ASSERT_TRUE(a.add_memory({kRam, 64 * kMiB}));
    ASSERT_TRUE(a.add_memory({0x1'0000'0000, 2 * kGiB}));
    EXPECT_EQ(a.allocate(32 * kMiB).value_or(0), kRam);
    EXPECT_EQ(a.allocate(64 * kMiB).value_or(0), 0x1'0000'0000u)
        << "does not fit in the first range";
    EXPECT_EQ(a.allocate(32 * kMiB).value_or(0), kRam + 32 * kMiB)
        << "first fit returns to the first range";
    EXPECT_EQ(a.allocate(k2M).value_or(0), 0x1'0000'0000u + 64 * kMiB);
}

TEST(PhysicalAllocator, BlockNeverSpansTwoAdjacentRanges) {
    PhysicalAllocator a;
    ASSERT_TRUE(a.add_memory({kRam, 64 * kMiB}));
    ASSERT_TRUE(a.add_memory({kRam + 64 * kMiB, 64 * kMiB}));
    // 96 MiB would need both ranges; each is a separate bank.
    EXPECT_EQ(a.allocate(96 * kMiB).value_or(0), 0u);
    EXPECT_EQ(a.allocate(64 * kMiB).value_or(0), kRam);
    EXPECT_EQ(a.allocate(64 * kMiB).value_or(0), kRam + 64 * kMiB);
}

TEST(PhysicalAllocator, ExhaustionReturnsZero) {
    PhysicalAllocator a;
    ASSERT_TRUE(a.add_memory({kRam, 64 * kMiB}));
    EXPECT_EQ(a.allocate(48 * kMiB).value_or(0), kRam);
    EXPECT_EQ(a.allocate(32 * kMiB).value_or(0), 0u);
    EXPECT_EQ(a.allocate(16 * kMiB).value_or(0), kRam + 48 * kMiB);
    EXPECT_EQ(a.allocate(k2M).value_or(0), 0u);
    EXPECT_EQ(a.allocate(4096).value_or(0), 0u);
}

TEST(PhysicalAllocator, NoMemoryReturnsZero) {
    PhysicalAllocator a;
    EXPECT_EQ(a.allocate(k2M).value_or(0), 0u);
    EXPECT_EQ(a.largest_free(), 0u);
}

TEST(PhysicalAllocator, MemoryEntirelyReservedReturnsZero) {
    PhysicalAllocator a;
    ASSERT_TRUE(a.add_memory({kRam, 64 * kMiB}));
    ASSERT_TRUE(a.reserve({kRam - k2M, 128 * kMiB}));
    EXPECT_EQ(a.allocate(k2M).value_or(0), 0u);
    EXPECT_EQ(a.largest_free(), 0u);
}

TEST(PhysicalAllocator, SizeZeroReturnsZero) {
    PhysicalAllocator a;
    ASSERT_TRUE(a.add_memory({kRam, kGiB}));
    EXPECT_EQ(a.allocate(0).value_or(0), 0u);
    EXPECT_EQ(a.allocate(k2M).value_or(0), kRam) << "a zero-size request must not consume memory";
}

TEST(PhysicalAllocator, AHugeSizeThatWrapsIsRefused) {
    // Regression (found by this test): allocate() tests `candidate + size <= memory_[m].end()` in
    // uint64_t. For size > 2^64 - candidate the sum wraps to a small number,
    // the test passes and allocate returns kRam for an impossible request
    // (memory-size comes from the VM bundle unchecked). Compare `size` with
    // `end - candidate` instead.
    PhysicalAllocator a;
    ASSERT_TRUE(a.add_memory({kRam, kGiB}));
    EXPECT_EQ(a.allocate(0xFFFF'FFFF'C000'0000ull).value_or(0), 0u);
    EXPECT_EQ(a.allocate(k2M).value_or(0), kRam) << "the failed request must not consume memory";
}

TEST(PhysicalAllocator, LargestFreeBeforeAndAfterAllocations) {
    PhysicalAllocator a;
    ASSERT_TRUE(a.add_memory({kRam, kGiB}));
    EXPECT_EQ(a.largest_free(), kGiB);
    ASSERT_EQ(a.allocate(256 * kMiB).value_or(0), kRam);
    EXPECT_EQ(a.largest_free(), 768 * kMiB);
    ASSERT_EQ(a.allocate(768 * kMiB).value_or(0), kRam + 256 * kMiB);
    EXPECT_EQ(a.largest_free(), 0u);
}

TEST(PhysicalAllocator, LargestFreeWithAReservationInTheMiddle) {
    PhysicalAllocator a;
    ASSERT_TRUE(a.add_memory({kRam, kGiB}));
    ASSERT_TRUE(a.reserve({kRam + 300 * kMiB, 4 * kMiB}));
    EXPECT_EQ(a.largest_free(), 720 * kMiB) << "the block above the reservation";

    PhysicalAllocator b;
    ASSERT_TRUE(b.add_memory({kRam, kGiB}));
    ASSERT_TRUE(b.reserve({kRam + 600 * kMiB, 4 * kMiB}));
    EXPECT_EQ(b.largest_free(), 600 * kMiB) << "the block below the reservation";
}

TEST(PhysicalAllocator, LargestFreeRoundsAroundUnalignedReservations) {
    PhysicalAllocator a;
    ASSERT_TRUE(a.add_memory({kRam, 64 * kMiB}));
    ASSERT_TRUE(a.reserve({kRam, 0x40000}));                 // 256 KiB at the start
    ASSERT_TRUE(a.reserve({kRam + 40 * kMiB + 0x1000, 1}));  // a stray page inside
    // Free blocks: [2 MiB, 40 MiB + 4 KiB) -> 38 MiB usable; [42 MiB, 64 MiB) -> 22 MiB.
    EXPECT_EQ(a.largest_free(), 38 * kMiB);
    EXPECT_EQ(a.allocate(38 * kMiB).value_or(0), kRam + k2M);
    EXPECT_EQ(a.largest_free(), 22 * kMiB);
}

TEST(PhysicalAllocator, LargestFreeAcrossRanges) {
    PhysicalAllocator a;
    ASSERT_TRUE(a.add_memory({kRam, 64 * kMiB}));
    ASSERT_TRUE(a.add_memory({0x1'0000'0000, 128 * kMiB}));
    EXPECT_EQ(a.largest_free(), 128 * kMiB);
    ASSERT_EQ(a.allocate(100 * kMiB).value_or(0), 0x1'0000'0000u);
    EXPECT_EQ(a.largest_free(), 64 * kMiB);
}

TEST(PhysicalAllocator, LargestFreeCanActuallyBeAllocated) {
    PhysicalAllocator a;
    ASSERT_TRUE(a.add_memory({kRam, kGiB}));
    ASSERT_TRUE(a.reserve({kRam, 0x40000}));
    ASSERT_TRUE(a.reserve({kRam + 333 * kMiB, 3 * kMiB}));
    ASSERT_TRUE(a.reserve({kRam + 700 * kMiB, 2 * kMiB}));
    const uint64_t largest = a.largest_free();
    ASSERT_NE(largest, 0u);
    PhysicalAllocator copy = a;
    EXPECT_EQ(copy.allocate(largest + k2M).value_or(0), 0u) << "largest_free underestimates";
    EXPECT_NE(a.allocate(largest).value_or(0), 0u) << "largest_free overestimates";
}

// Regression: reserve() dropped reservations beyond its table silently, so
// reserved memory could be handed out as guest RAM.
TEST(PhysicalAllocator, ReservationsBeyondTheCapacityAreRefused) {
    PhysicalAllocator a;
    ASSERT_TRUE(a.add_memory({kRam, 4 * kGiB}));
    for (unsigned i = 0; i < PhysicalAllocator::kMaxReservations; ++i)
        ASSERT_TRUE(a.reserve({kRam + i * k2M, 4096})) << i;
    const uint64_t past = kRam + PhysicalAllocator::kMaxReservations * k2M;
    EXPECT_FALSE(a.reserve({past, kGiB}));
    EXPECT_TRUE(a.reserve({past, 0})) << "an empty range takes no slot";
    EXPECT_EQ(a.allocate(k2M).value_or(0), 0u)
        << "no slot left to record the block: nothing is handed out";
}

TEST(PhysicalAllocator, AllocationNeverOverlapsAReservationWhenTheTableFills) {
    PhysicalAllocator a;
    ASSERT_TRUE(a.add_memory({kRam, 4 * kGiB}));
    for (unsigned i = 0; i + 1 < PhysicalAllocator::kMaxReservations; ++i)
        ASSERT_TRUE(a.reserve({kRam + i * k2M, 4096}));
    const uint64_t first = a.allocate(k2M).value_or(0);  // takes the last slot
    ASSERT_NE(first, 0u);
    EXPECT_EQ(a.allocate(k2M).value_or(0), 0u);
}

TEST(PhysicalAllocator, MemoryRangesBeyondTheCapacityAreRefused) {
    PhysicalAllocator a;
    for (unsigned i = 0; i < PhysicalAllocator::kMaxMemoryRanges; ++i)
        ASSERT_TRUE(a.add_memory({kRam + i * kGiB, 64 * kMiB}));
    EXPECT_FALSE(a.add_memory({0x10'0000'0000, kGiB}));
}

TEST(PhysicalAllocator, AReservationThatWrapsCoversTheRestOfTheAddressSpace) {
    PhysicalAllocator a;
    ASSERT_TRUE(a.add_memory({kRam, kGiB}));
    ASSERT_TRUE(a.reserve({kRam + 64 * kMiB, ~uint64_t{0}}));
    EXPECT_EQ(a.allocate(64 * kMiB).value_or(0), kRam);
    EXPECT_EQ(a.allocate(k2M).value_or(0), 0u) << "everything from kRam + 64 MiB is reserved";
}

}  // namespace
}  // namespace halyard
