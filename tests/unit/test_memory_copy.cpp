// SPDX-License-Identifier: Apache-2.0
// Unit tests for the word-wise copies and fill behind the image's memcpy,
// memmove and memset. Each case runs the function under test in one arena of
// bytes and a plainly correct reference (a byte loop through a temporary) in
// an identical arena, and compares the whole arenas: the copied range, and
// the guard bytes around it that nothing may touch. The arena's bytes differ
// from their neighbours, so a word merged with the wrong shift, or a byte
// taken from the wrong place, shows.
//
// Under the host-asan preset, UndefinedBehaviorSanitizer reports any word
// load or store that is not 8-byte aligned (on the target it may trap), and
// the test with exactly sized heap buffers catches a read of a source byte
// outside the range (a word load past its end, or before its start for the
// backward copy).

#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "lib/memory_copy.hpp"

namespace halyard {
namespace {

using CopyFunction = void* (*)(void*, const void*, size_t);

struct NamedCopy {
    const char* name;
    CopyFunction copy;
};

constexpr NamedCopy kCopyForward{"copy_forward", copy_forward};
constexpr NamedCopy kCopyBackward{"copy_backward", copy_backward};
constexpr NamedCopy kCopyAllowingOverlap{"copy_allowing_overlap", copy_allowing_overlap};
constexpr NamedCopy kEveryCopy[] = {kCopyForward, kCopyBackward, kCopyAllowingOverlap};

// Bytes left untouched on each side of the ranges.
constexpr size_t kGuard = 24;
// Every length up to this one is tried; the word loops start at 16 bytes and
// unroll by four words, so this covers a few trips through each path.
constexpr size_t kMaxShortLength = 80;
constexpr size_t kLongLengths[] = {127, 128, 129, 255, 1000, 4096 + 13, 16384 + 5};

// No period of 8 (or any small one): 151 is odd, so 256 consecutive bytes
// all differ, and the high part of i shifts each further block of 256.
uint8_t pattern(size_t i) {
    return static_cast<uint8_t>(i * 151 + 17 + (i >> 8));
}

// Bytes whose first one is 8-byte aligned, so that an offset into it is an
// alignment.
class Arena {
  public:
    explicit Arena(size_t size) : words_((size + 7) / 8), size_(size) {
        for (size_t i = 0; i < size_; ++i) bytes()[i] = pattern(i);
    }
    uint8_t* bytes() { return reinterpret_cast<uint8_t*>(words_.data()); }
    size_t size() const { return size_; }

  private:
    std::vector<uint64_t> words_;
    size_t size_;
};

// memmove done the obvious way.
void reference_move(uint8_t* dst, const uint8_t* src, size_t n) {
    const std::vector<uint8_t> source(src, src + n);
    for (size_t i = 0; i < n; ++i) dst[i] = source[i];
}

::testing::AssertionResult arenas_match(Arena& actual, Arena& expected, size_t dst_at, size_t n) {
    for (size_t i = 0; i < actual.size(); ++i) {
        if (actual.bytes()[i] == expected.bytes()[i]) continue;
        const bool inside = i >= dst_at && i - dst_at < n;
        return ::testing::AssertionFailure()
               << "byte " << i << " of the arena (" << (inside ? "inside" : "outside")
               << " the destination, which starts at " << dst_at << ") is "
               << int{actual.bytes()[i]} << ", expected " << int{expected.bytes()[i]};
    }
    return ::testing::AssertionSuccess();
}

// Copies n bytes from arena offset src_at to dst_at with `function` and
// checks the arena against the reference doing the same.
::testing::AssertionResult copy_matches_reference(NamedCopy function, size_t arena_size,
                                                  size_t dst_at, size_t src_at, size_t n) {
    Arena actual(arena_size), expected(arena_size);
    reference_move(expected.bytes() + dst_at, expected.bytes() + src_at, n);
    void* returned = function.copy(actual.bytes() + dst_at, actual.bytes() + src_at, n);
    ::testing::AssertionResult result = arenas_match(actual, expected, dst_at, n);
    if (result && returned != actual.bytes() + dst_at)
        result = ::testing::AssertionFailure() << "did not return dst";
    return result << " [" << function.name << ": dst at " << dst_at << ", src at " << src_at << ", "
                  << n << " bytes]";
}

// A disjoint source and destination with the given alignments, the source
// below the destination or above it.
::testing::AssertionResult disjoint_copy_matches_reference(NamedCopy function, size_t src_align,
                                                           size_t dst_align, size_t n,
                                                           bool dst_above_src) {
    const size_t low = kGuard, high = kGuard + n + kGuard + 8;
    const size_t src_at = (dst_above_src ? low : high) + src_align;
    const size_t dst_at = (dst_above_src ? high : low) + dst_align;
    return copy_matches_reference(function, high + 8 + n + kGuard, dst_at, src_at, n);
}

TEST(MemoryCopy, EveryAlignmentPairAndShortLength) {
    for (const NamedCopy function : kEveryCopy)
        for (size_t src_align = 0; src_align < 8; ++src_align)
            for (size_t dst_align = 0; dst_align < 8; ++dst_align)
                for (size_t n = 0; n <= kMaxShortLength; ++n)
                    for (const bool dst_above_src : {false, true})
                        ASSERT_TRUE(disjoint_copy_matches_reference(function, src_align, dst_align,
                                                                    n, dst_above_src));
}

TEST(MemoryCopy, EveryAlignmentPairAndLongLength) {
    for (const NamedCopy function : kEveryCopy)
        for (size_t src_align = 0; src_align < 8; ++src_align)
            for (size_t dst_align = 0; dst_align < 8; ++dst_align)
                for (const size_t n : kLongLengths)
                    ASSERT_TRUE(
                        disjoint_copy_matches_reference(function, src_align, dst_align, n, true));
}

// Lengths for the overlap tests: every short one and a few long ones.
std::vector<size_t> overlap_lengths() {
    std::vector<size_t> lengths;
    for (size_t n = 0; n <= kMaxShortLength; ++n) lengths.push_back(n);
    for (const size_t n : {size_t{127}, size_t{256}, size_t{1000}, size_t{4096 + 5}})
        lengths.push_back(n);
    return lengths;
}

// Source and destination `distance` bytes apart (every distance below 16 and
// the first multiples of 8 after it), every source alignment.
constexpr size_t kMaxDistance = 40;

TEST(MemoryCopy, OverlapWithDestinationAboveSource) {
    for (const NamedCopy function : {kCopyBackward, kCopyAllowingOverlap})
        for (size_t distance = 1; distance <= kMaxDistance; ++distance)
            for (size_t src_align = 0; src_align < 8; ++src_align)
                for (const size_t n : overlap_lengths()) {
                    const size_t src_at = kGuard + src_align;
                    ASSERT_TRUE(copy_matches_reference(function, src_at + distance + n + kGuard,
                                                       src_at + distance, src_at, n));
                }
}

TEST(MemoryCopy, OverlapWithDestinationBelowSource) {
    for (const NamedCopy function : {kCopyForward, kCopyAllowingOverlap})
        for (size_t distance = 1; distance <= kMaxDistance; ++distance)
            for (size_t dst_align = 0; dst_align < 8; ++dst_align)
                for (const size_t n : overlap_lengths()) {
                    const size_t dst_at = kGuard + dst_align;
                    ASSERT_TRUE(copy_matches_reference(function, dst_at + distance + n + kGuard,
                                                       dst_at, dst_at + distance, n));
                }
}

TEST(MemoryCopy, DestinationIsSource) {
    for (const NamedCopy function : kEveryCopy)
        for (size_t align = 0; align < 8; ++align)
            for (const size_t n :
                 {size_t{0}, size_t{1}, size_t{15}, size_t{16}, size_t{77}, size_t{1000}})
                ASSERT_TRUE(copy_matches_reference(function, kGuard + 8 + n + kGuard,
                                                   kGuard + align, kGuard + align, n));
}

TEST(MemoryCopy, NothingToCopy) {
    for (const NamedCopy function : kEveryCopy) {
        ASSERT_TRUE(disjoint_copy_matches_reference(function, 3, 5, 0, true));
        // C callers pass null with a zero length (an empty buffer's data()).
        EXPECT_EQ(function.copy(nullptr, nullptr, 0), nullptr) << function.name;
    }
}

// The source in a heap block of exactly its size, or ending exactly where it
// ends: a word load that strays past either end is a heap overflow for
// AddressSanitizer. (Its granules are 8 bytes, so past the start only the
// aligned start is checked; the backward copy's first merges are at the
// end, whose alignment varies with n.)
TEST(MemoryCopy, SourceReadsStayInsideTheRange) {
    for (const NamedCopy function : kEveryCopy)
        for (size_t src_align = 0; src_align < 8; ++src_align)
            for (size_t dst_align = 0; dst_align < 8; ++dst_align)
                for (size_t n = 0; n <= kMaxShortLength + 24; ++n) {
                    const auto ending_at_the_end = std::make_unique<uint8_t[]>(src_align + n);
                    const auto starting_at_the_start = std::make_unique<uint8_t[]>(n);
                    const auto dst = std::make_unique<uint8_t[]>(dst_align + n);
                    for (uint8_t* src :
                         {ending_at_the_end.get() + src_align, starting_at_the_start.get()}) {
                        for (size_t i = 0; i < n; ++i) src[i] = pattern(i);
                        function.copy(dst.get() + dst_align, src, n);
                        for (size_t i = 0; i < n; ++i)
                            ASSERT_EQ(dst[dst_align + i], pattern(i))
                                << function.name << ": byte " << i << " of " << n << ", src align "
                                << src_align << ", dst align " << dst_align;
                    }
                }
}

// Fills n bytes at arena offset dst_at and checks the arena against a byte
// loop doing the same.
::testing::AssertionResult fill_matches_reference(size_t dst_at, uint8_t value, size_t n) {
    const size_t arena_size = dst_at + n + kGuard;
    Arena actual(arena_size), expected(arena_size);
    for (size_t i = 0; i < n; ++i) expected.bytes()[dst_at + i] = value;
    void* returned = fill(actual.bytes() + dst_at, value, n);
    ::testing::AssertionResult result = arenas_match(actual, expected, dst_at, n);
    if (result && returned != actual.bytes() + dst_at)
        result = ::testing::AssertionFailure() << "did not return dst";
    return result << " [fill: dst at " << dst_at << ", value " << int{value} << ", " << n
                  << " bytes]";
}

TEST(MemoryFill, EveryAlignmentAndLength) {
    for (const uint8_t value : {uint8_t{0x00}, uint8_t{0xA5}, uint8_t{0xFF}, uint8_t{0x01}})
        for (size_t align = 0; align < 8; ++align) {
            for (size_t n = 0; n <= kMaxShortLength; ++n)
                ASSERT_TRUE(fill_matches_reference(kGuard + align, value, n));
            for (const size_t n : kLongLengths)
                ASSERT_TRUE(fill_matches_reference(kGuard + align, value, n));
        }
}

TEST(MemoryFill, NothingToFill) {
    ASSERT_TRUE(fill_matches_reference(kGuard + 3, 0xA5, 0));
    EXPECT_EQ(fill(nullptr, 0, 0), nullptr);
}

}  // namespace
}  // namespace halyard
