// SPDX-License-Identifier: Apache-2.0
// The word-wise copies and fill behind the image's memcpy, memmove and
// memset, on random sequences of (source offset, destination offset, length,
// overlap) cases in one arena, each cross-checked against a byte loop doing
// the same in a twin arena: after every operation the two arenas are equal
// byte for byte (so nothing outside the destination was written) and the
// function returned dst. Some copies read from a heap block of exactly the
// source's size, where AddressSanitizer catches a word load that strays past
// either end; UndefinedBehaviorSanitizer catches any misaligned word access.

#include <memory>
#include <vector>

#include "fuzz_support.hpp"
#include "lib/memory_copy.hpp"

using namespace halyard;

namespace {

constexpr size_t kArenaBytes = 1024;

// memmove and memset done the obvious way.
void reference_move(uint8_t* dst, const uint8_t* src, size_t n) {
    const std::vector<uint8_t> source(src, src + n);
    for (size_t i = 0; i < n; ++i) dst[i] = source[i];
}
void reference_fill(uint8_t* dst, uint8_t value, size_t n) {
    for (size_t i = 0; i < n; ++i) dst[i] = value;
}

// A length that fits in `room` bytes, usually short (where the byte loops,
// the alignment heads and the first merges meet).
size_t take_length(fuzz::Input& in, size_t room) {
    const size_t limit = in.take_bool() ? (room < 48 ? room : 48) : room;
    return static_cast<size_t>(in.below(limit + 1));
}

struct Arenas {
    alignas(8) uint8_t actual[kArenaBytes];
    alignas(8) uint8_t expected[kArenaBytes];
};

// A copy within the arena: disjoint or overlapping by a (usually small)
// distance either way, through the function that is right for the geometry
// or through copy_allowing_overlap, which is right for all of them.
void copy_in_arena(fuzz::Input& in, Arenas& arenas) {
    const bool overlap = in.take_bool();
    size_t src_at, dst_at, n;
    if (overlap) {
        const size_t distance =
            1 + static_cast<size_t>(in.take_bool() ? in.below(24) : in.below(kArenaBytes - 1));
        n = take_length(in, kArenaBytes - distance);
        const size_t low = static_cast<size_t>(in.below(kArenaBytes - distance - n + 1));
        const bool dst_above_src = in.take_bool();
        src_at = dst_above_src ? low : low + distance;
        dst_at = dst_above_src ? low + distance : low;
    } else {
        src_at = static_cast<size_t>(in.below(kArenaBytes));
        dst_at = static_cast<size_t>(in.below(kArenaBytes));
        n = take_length(in, kArenaBytes - (src_at > dst_at ? src_at : dst_at));
        // Keep them apart: the overlapping geometries are the branch above.
        if ((src_at < dst_at ? dst_at - src_at : src_at - dst_at) < n) n = 0;
    }
    uint8_t* dst = arenas.actual + dst_at;
    const uint8_t* src = arenas.actual + src_at;
    void* returned;
    switch (in.take<uint8_t>() % 3) {
        case 0:
            returned = dst <= src || src + n <= dst ? copy_forward(dst, src, n)
                                                    : copy_allowing_overlap(dst, src, n);
            break;
        case 1:
            returned = dst >= src || dst + n <= src ? copy_backward(dst, src, n)
                                                    : copy_allowing_overlap(dst, src, n);
            break;
        default: returned = copy_allowing_overlap(dst, src, n); break;
    }
    reference_move(arenas.expected + dst_at, arenas.expected + src_at, n);
    FUZZ_CHECK(returned == dst);
}

// A copy into the arena from a heap block holding exactly the source (and,
// when it starts misaligned, only the bytes before it in its first word).
void copy_from_exact_block(fuzz::Input& in, Arenas& arenas) {
    const size_t src_align = static_cast<size_t>(in.below(8));
    const size_t dst_at = static_cast<size_t>(in.below(kArenaBytes));
    const size_t n = take_length(in, kArenaBytes - dst_at);
    const auto block = std::make_unique<uint8_t[]>(src_align + n);
    uint8_t* src = block.get() + src_align;
    const uint8_t seed = in.take<uint8_t>();
    for (size_t i = 0; i < n; ++i) src[i] = static_cast<uint8_t>(seed + i * 151 + (i >> 8));
    uint8_t* dst = arenas.actual + dst_at;
    void* returned = in.take_bool() ? copy_forward(dst, src, n) : copy_backward(dst, src, n);
    reference_move(arenas.expected + dst_at, src, n);
    FUZZ_CHECK(returned == dst);
}

void fill_in_arena(fuzz::Input& in, Arenas& arenas) {
    const size_t dst_at = static_cast<size_t>(in.below(kArenaBytes));
    const size_t n = take_length(in, kArenaBytes - dst_at);
    const uint8_t value = in.take<uint8_t>();
    FUZZ_CHECK(fill(arenas.actual + dst_at, value, n) == arenas.actual + dst_at);
    reference_fill(arenas.expected + dst_at, value, n);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    fuzz::Input in(data, size);
    Arenas arenas;
    // Neighbouring bytes differ, so a merge with the wrong shift shows.
    const uint8_t seed = in.take<uint8_t>();
    for (size_t i = 0; i < kArenaBytes; ++i)
        arenas.actual[i] = arenas.expected[i] = static_cast<uint8_t>(seed + i * 151 + (i >> 8));
    while (!in.empty()) {
        switch (in.take<uint8_t>() % 4) {
            case 0:
            case 1: copy_in_arena(in, arenas); break;
            case 2: copy_from_exact_block(in, arenas); break;
            default: fill_in_arena(in, arenas); break;
        }
        FUZZ_CHECK(std::memcmp(arenas.actual, arenas.expected, kArenaBytes) == 0);
    }
    return 0;
}
