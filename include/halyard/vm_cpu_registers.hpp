// SPDX-License-Identifier: Apache-2.0
#pragma once
// The state of one virtual CPU as the exit path sees it. The trap vector
// (arch/riscv64/trap_vector.S) stores the guest's general-purpose registers,
// sepc and scause here on every exit and reloads them on entry, so the layout
// is a contract with assembly: every offset the assembly uses is asserted below.

#include <cstddef>
#include <cstdint>
#include <initializer_list>

#include "halyard/vm_cpu_registers_offsets.h"

namespace halyard {

// ABI names of the integer registers, as indices into VmCpuRegisters::gpr.
enum Gpr : unsigned {
    kZero = 0,
    kRa = 1,
    kSp = 2,
    kGp = 3,
    kTp = 4,
    kT0 = 5,
    kT1 = 6,
    kT2 = 7,
    kS0 = 8,
    kS1 = 9,
    kA0 = 10,
    kA1 = 11,
    kA2 = 12,
    kA3 = 13,
    kA4 = 14,
    kA5 = 15,
    kA6 = 16,
    kA7 = 17,
    kS2 = 18,
    kS3 = 19,
    kS4 = 20,
    kS5 = 21,
    kS6 = 22,
    kS7 = 23,
    kS8 = 24,
    kS9 = 25,
    kS10 = 26,
    kS11 = 27,
    kT3 = 28,
    kT4 = 29,
    kT5 = 30,
    kT6 = 31,
};

// Trap CSRs of the current exit. scause is saved by the trap vector on every
// exit; stval/htval/htinst are read only by the handlers that need them (guest
// page faults), before anything else can trap and overwrite them.
struct TrapCsrs {
    uint64_t scause;
    uint64_t stval;
    uint64_t htval;
    uint64_t htinst;
};

// Guest supervisor CSRs (the VS-level copies). They stay live in hardware
// while the vCPU owns its hart; they are saved here only when it leaves the
// hart, and loaded from here when it first runs or after a reset.
struct GuestCsrs {
    uint64_t vsstatus;
    uint64_t vsie;
    uint64_t vstvec;
    uint64_t vsscratch;
    uint64_t vsepc;
    uint64_t vscause;
    uint64_t vstval;
    uint64_t vsatp;
    uint64_t hvip;
    uint64_t vstimecmp;
    uint64_t reserved[2];
};

struct VmCpuRegisters {
    uint64_t gpr[32];  // x0 slot is never loaded and always reads as 0
    uint64_t sepc;     // guest pc: where the guest resumes (written back on entry)
    TrapCsrs trap;
    uint64_t hyp_stack_top;  // this hart's stack for vmexit_handler
    GuestCsrs guest;
};

static_assert(offsetof(VmCpuRegisters, gpr) == VCPU_REGS_GPR_BASE);
static_assert(offsetof(VmCpuRegisters, sepc) == VCPU_REGS_SEPC);
static_assert(offsetof(VmCpuRegisters, trap.scause) == VCPU_REGS_SCAUSE);
static_assert(offsetof(VmCpuRegisters, trap.stval) == VCPU_REGS_STVAL);
static_assert(offsetof(VmCpuRegisters, trap.htval) == VCPU_REGS_HTVAL);
static_assert(offsetof(VmCpuRegisters, trap.htinst) == VCPU_REGS_HTINST);
static_assert(offsetof(VmCpuRegisters, hyp_stack_top) == VCPU_REGS_HYP_STACK_TOP);
static_assert(sizeof(VmCpuRegisters) == VCPU_REGS_SIZE);

// The registers of an exit's fast path (arch/riscv64/trap_vector.S). It saves
// VCPU_EXIT_SAVED_GPRS and tp before calling C++; the other registers still
// hold the guest's values, which compiled code preserves (the callee-saved
// ones) or never touches (the reserved ones), and are in VmCpuRegisters only
// once the exit leaves the fast path. So the fast path may read or write
// gpr[n] only for n in kFastPathGprs (x0 reads as 0).
constexpr uint32_t gpr_mask(std::initializer_list<unsigned> registers) {
    uint32_t mask = 0;
    for (unsigned n : registers) mask |= 1u << n;
    return mask;
}
inline constexpr uint32_t kExitSavedGprs = gpr_mask({VCPU_EXIT_SAVED_GPRS});
// An SBI call's answer comes back from C++ in a0 and a1 (the calling
// convention's two return registers), which the SBI calling convention makes
// its a0 (error) and a1 (value); it preserves every other register.
static_assert(gpr_mask({VCPU_SBI_RESULT_GPRS}) == gpr_mask({kA0, kA1}));
static_assert((gpr_mask({VCPU_SBI_PRESERVED_GPRS}) & gpr_mask({kA0, kA1})) == 0);
inline constexpr uint32_t kReservedGprs = gpr_mask({VCPU_RESERVED_GPRS});
inline constexpr uint32_t kCalleeSavedGprs = gpr_mask({VCPU_CALLEE_SAVED_GPRS});
inline constexpr uint32_t kFastPathGprs = kExitSavedGprs | gpr_mask({kZero, kTp});
// Everything the C++ calling convention lets a callee change (RISC-V psABI,
// "Integer Register Convention") is saved before the call, or reserved: no
// compiled code changes it. Only temporaries can be reserved; the argument
// registers and ra are the calling convention's own.
inline constexpr uint32_t kCallerSavedGprs =
    gpr_mask({kRa, kT0, kT1, kT2, kT3, kT4, kT5, kT6, kA0, kA1, kA2, kA3, kA4, kA5, kA6, kA7});
static_assert((kCallerSavedGprs | gpr_mask({kSp})) == (kExitSavedGprs | kReservedGprs));
static_assert((kReservedGprs & ~gpr_mask({kT0, kT1, kT2, kT3, kT4, kT5, kT6})) == 0);
// The rest are the callee-saved registers and gp, and together with tp (saved
// through sscratch) the three lists name x1..x31 once each.
static_assert(kCalleeSavedGprs ==
              gpr_mask({kGp, kS0, kS1, kS2, kS3, kS4, kS5, kS6, kS7, kS8, kS9, kS10, kS11}));
static_assert((kExitSavedGprs & kReservedGprs) == 0 && (kExitSavedGprs & kCalleeSavedGprs) == 0 &&
              (kReservedGprs & kCalleeSavedGprs) == 0);
static_assert((kExitSavedGprs | kReservedGprs | kCalleeSavedGprs | gpr_mask({kTp})) == ~1u);

}  // namespace halyard
