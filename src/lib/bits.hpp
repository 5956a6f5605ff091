// SPDX-License-Identifier: Apache-2.0
#pragma once
// Bit scans that compile to a few plain instructions on every target: without
// Zbb, std::countr_zero becomes a call to libgcc's __ctzdi2, and Halyard
// links no libgcc.

#include <array>
#include <cstdint>

namespace halyard {
namespace bits_detail {

// A de Bruijn sequence B(2, 6): each of its 64 six-bit windows is distinct,
// so multiplying it by 2^n puts a unique pattern in the top six bits for
// each n.
inline constexpr uint64_t kDeBruijn64 = 0x022fdd63cc95386dull;

constexpr std::array<uint8_t, 64> make_index() {
    std::array<uint8_t, 64> index{};
    for (unsigned n = 0; n < 64; ++n)
        index[((uint64_t{1} << n) * kDeBruijn64) >> 58] = static_cast<uint8_t>(n);
    return index;
}
inline constexpr std::array<uint8_t, 64> kIndex = make_index();

}  // namespace bits_detail

// The index of the lowest set bit of `x`, which must not be 0.
constexpr unsigned lowest_set_bit(uint64_t x) {
    const uint64_t lowest = x & (~x + 1);
    return bits_detail::kIndex[(lowest * bits_detail::kDeBruijn64) >> 58];
}

}  // namespace halyard
