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

// QEMU virt's timebase (the `timebase-frequency` of its DT): 10 MHz.
inline constexpr uint64_t kTimebaseHz = 10'000'000;

}  // namespace guest
