// SPDX-License-Identifier: Apache-2.0
#pragma once
// Trap expectations: a test arms an expectation, runs the one instruction that
// should trap, then collects what the trap handler recorded.
//
//   guest::expect_trap();
//   asm volatile("lw %0, 0(%1)" : "+r"(v) : "r"(addr) : "memory");
//   guest::TrapRecord t = guest::take_trap();
//
// The handler skips the faulting instruction (2 or 4 bytes, from its encoding)
// unless the expectation says to resume at the return address (for an
// instruction fetch fault after a jump, where sepc is the unreachable target).
// A trap nobody expected is reported and ends the guest with a failure.

#include <stdint.h>

namespace guest {

// Layout shared with guest_trap_vector in start.S.
struct TrapFrame {
    uint64_t x[32];  // x[2] is the interrupted sp
    uint64_t sepc;
    uint64_t scause;
    uint64_t stval;
    uint64_t pad;
};
static_assert(sizeof(TrapFrame) == 36 * 8);

enum class Resume : uint8_t {
    kSkipInstruction,  // continue after the faulting instruction
    kReturnAddress,    // continue at ra (the caller of a jump into nowhere)
};

struct TrapRecord {
    bool taken;
    uint64_t scause;
    uint64_t stval;
    uint64_t sepc;
    uint8_t insn_length;  // bytes skipped (0 when resumed at ra)
};

// Exception codes (scause without the interrupt bit).
inline constexpr uint64_t kCauseInsnMisaligned = 0;
inline constexpr uint64_t kCauseInsnAccessFault = 1;
inline constexpr uint64_t kCauseIllegalInsn = 2;
inline constexpr uint64_t kCauseBreakpoint = 3;
inline constexpr uint64_t kCauseLoadMisaligned = 4;
inline constexpr uint64_t kCauseLoadAccessFault = 5;
inline constexpr uint64_t kCauseStoreMisaligned = 6;
inline constexpr uint64_t kCauseStoreAccessFault = 7;

// Arms a one-shot expectation. The compiler barrier keeps the test
// instruction after it.
void expect_trap(Resume resume = Resume::kSkipInstruction);
// Disarms and returns what happened since expect_trap().
TrapRecord take_trap();

const char* cause_name(uint64_t scause);

}  // namespace guest
