// SPDX-License-Identifier: Apache-2.0
#pragma once
// CSR access for the portable code. Each accessor is one instruction; the CSR
// number is a template argument so that it becomes the instruction's immediate.
// The host build replaces this header (tests/fake_arch/arch/csr.hpp).

#include <cstdint>

#include "halyard/csr_numbers.hpp"

namespace halyard::arch {

template <Csr kCsr>
inline uint64_t csr_read() {
    uint64_t value;
    asm volatile("csrr %0, %1" : "=r"(value) : "i"(static_cast<unsigned>(kCsr)));
    return value;
}

template <Csr kCsr>
inline void csr_write(uint64_t value) {
    asm volatile("csrw %0, %1" ::"i"(static_cast<unsigned>(kCsr)), "r"(value) : "memory");
}

template <Csr kCsr>
inline void csr_set(uint64_t bits) {
    asm volatile("csrs %0, %1" ::"i"(static_cast<unsigned>(kCsr)), "r"(bits) : "memory");
}

template <Csr kCsr>
inline void csr_clear(uint64_t bits) {
    asm volatile("csrc %0, %1" ::"i"(static_cast<unsigned>(kCsr)), "r"(bits) : "memory");
}

// Writes all ones and reads back what sticks: how WARL fields (VMID width,
// hgatp modes) tell what the hart implements.
template <Csr kCsr>
inline uint64_t csr_swap(uint64_t value) {
    uint64_t old;
    asm volatile("csrrw %0, %1, %2"
                 : "=r"(old)
                 : "i"(static_cast<unsigned>(kCsr)), "r"(value)
                 : "memory");
    return old;
}

}  // namespace halyard::arch
