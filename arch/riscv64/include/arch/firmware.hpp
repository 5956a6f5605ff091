// SPDX-License-Identifier: Apache-2.0
#pragma once
// Calls down to the SBI firmware (OpenSBI) that runs below Halyard in M-mode.

#include <cstdint>

#include "halyard/sbi.hpp"

namespace halyard::arch {

inline sbi::SbiRet firmware_call(uint64_t eid, uint64_t fid, uint64_t arg0 = 0, uint64_t arg1 = 0,
                                 uint64_t arg2 = 0) {
    register uint64_t a0 asm("a0") = arg0;
    register uint64_t a1 asm("a1") = arg1;
    register uint64_t a2 asm("a2") = arg2;
    register uint64_t a6 asm("a6") = fid;
    register uint64_t a7 asm("a7") = eid;
    asm volatile("ecall" : "+r"(a0), "+r"(a1) : "r"(a2), "r"(a6), "r"(a7) : "memory");
    return {static_cast<int64_t>(a0), a1};
}

// The pre-v0.2 console putchar: every OpenSBI has it, so it is the log of last
// resort before the host UART is known.
inline void firmware_console_putchar(char c) {
    register uint64_t a0 asm("a0") = static_cast<unsigned char>(c);
    register uint64_t a7 asm("a7") = sbi::kEidLegacyConsolePutchar;
    asm volatile("ecall" : "+r"(a0) : "r"(a7) : "memory", "a1");
}

}  // namespace halyard::arch
