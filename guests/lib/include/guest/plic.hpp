// SPDX-License-Identifier: Apache-2.0
#pragma once
// The PLIC at 0x0c00_0000 (QEMU virt layout; RISC-V PLIC specification,
// "Memory Map"). Under Halyard context i is vCPU i's S-mode; natively on
// QEMU context 2i+1 is hart i's S-mode, so these tests are Halyard-only.

#include <stdint.h>

#include "guest/mmio.hpp"

namespace guest::plic {

inline constexpr uintptr_t kBase = 0x0c00'0000;
inline constexpr unsigned kNumSources = 64;  // ids 1..63 under Halyard (0 is "none")
inline constexpr unsigned kUartSource = 10;

inline uintptr_t priority(unsigned source) {
    return kBase + 4u * source;
}
inline uintptr_t pending(unsigned word) {
    return kBase + 0x1000 + 4u * word;
}
inline uintptr_t enable(unsigned context, unsigned word) {
    return kBase + 0x2000 + 0x80u * context + 4u * word;
}
inline uintptr_t threshold(unsigned context) {
    return kBase + 0x20'0000 + 0x1000u * context;
}
inline uintptr_t claim(unsigned context) {
    return threshold(context) + 4;
}

inline uint32_t read(uintptr_t addr) {
    return mmio_read32(addr);
}
inline void write(uintptr_t addr, uint32_t value) {
    mmio_write32(addr, value);
}

}  // namespace guest::plic
