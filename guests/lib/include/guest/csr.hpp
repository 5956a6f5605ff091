// SPDX-License-Identifier: Apache-2.0
#pragma once
// The few CSR reads a guest needs.

#include <stdint.h>

namespace guest {

// The `time` CSR (rdtime). Under Halyard it needs hcounteren.TM (or emulation).
inline uint64_t rdtime() {
    uint64_t t;
    asm volatile("rdtime %0" : "=r"(t));
    return t;
}

// Pending supervisor interrupts (`sip`; in VS-mode the guest's own view).
// Readable with sstatus.SIE = 0 and sie = 0: pending is not the same as taken.
inline uint64_t read_sip() {
    uint64_t v;
    asm volatile("csrr %0, sip" : "=r"(v));
    return v;
}
inline constexpr uint64_t kSipSsip = 1u << 1;  // software (IPI)
inline constexpr uint64_t kSipStip = 1u << 5;  // timer
inline constexpr uint64_t kSipSeip = 1u << 9;  // external (PLIC)

// Busy-waits `ticks` of the timebase.
inline void delay_ticks(uint64_t ticks) {
    const uint64_t start = rdtime();
    while (rdtime() - start < ticks) {
    }
}

// QEMU virt's timebase (the `timebase-frequency` of its DT): 10 MHz.
inline constexpr uint64_t kTimebaseHz = 10'000'000;

}  // namespace guest
