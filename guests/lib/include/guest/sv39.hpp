// SPDX-License-Identifier: Apache-2.0
#pragma once
// VS-stage page tables for the test guests: Sv39 page-table entries and
// turning translation on and off (privileged spec, "Sv39: Page-Based
// 39-bit Virtual-Memory System").

#include <stdint.h>

namespace guest::sv39 {

inline constexpr uint64_t kPteV = 1u << 0, kPteR = 1u << 1, kPteW = 1u << 2, kPteX = 1u << 3,
                          kPteA = 1u << 6, kPteD = 1u << 7;
inline constexpr uint64_t kLeafRw = kPteV | kPteR | kPteW | kPteA | kPteD;

// An entry naming physical address `pa` (a leaf, or with V alone the next table).
constexpr uint64_t pte(uint64_t pa, uint64_t flags) {
    return (pa >> 12) << 10 | flags;
}

// Translation through `root` (a 4 KiB-aligned table of 512 entries), or none
// for null; every cached translation is dropped either way.
inline void use_root(const uint64_t* root) {
    const uint64_t satp =
        root != nullptr ? (uint64_t{8} << 60 | reinterpret_cast<uintptr_t>(root) >> 12) : 0;
    asm volatile("csrw satp, %0\n sfence.vma" ::"r"(satp) : "memory");
}

}  // namespace guest::sv39
