// SPDX-License-Identifier: Apache-2.0
#pragma once
// Hart-level primitives: entering a guest, waiting, fences, and reading guest
// memory with the hypervisor load instructions.

#include <cstdint>

#include "arch/csr_bits.h"
#include "halyard/csr_numbers.hpp"
#include "halyard/trap_cause.hpp"
#include "halyard/vm_cpu_registers.hpp"

static_assert(HALYARD_HSTATUS_SPV == halyard::hstatus::kSpv &&
                  HALYARD_HSTATUS_SPVP == halyard::hstatus::kSpvp &&
                  HALYARD_SSTATUS_SPP == halyard::sstatus::kSpp,
              "arch/csr_bits.h, which the assembly uses, agrees with csr_numbers.hpp");

extern "C" {
[[noreturn]] void halyard_enter_guest(halyard::VmCpuRegisters* regs);
void halyard_trap_vector();
// halyard_read_guest_instruction (hypervisor_insns.S) is not declared: it is
// linked through t0, and only arch::read_guest_instruction calls it.
// The Zkr seed CSR, or ~0 when HS-mode may not read it (the trap resumes at a
// fixup).
uint64_t halyard_read_seed_csr();
void halyard_hfence_gvma_vmid(uint64_t vmid);
void halyard_hfence_vvma_all();
void halyard_secondary_entry();
extern char __halyard_image_start[];
extern char __halyard_image_end[];
extern char __halyard_file_end[];
}

namespace halyard::arch {

// Loads the vCPU's registers and sret's into it; a trap brings control to
// vmexit_handler on this hart's stack, so this never returns.
[[noreturn]] inline void enter_guest(VmCpuRegisters& regs) {
    halyard_enter_guest(&regs);
}

// Reads the 16- or 32-bit instruction at `guest_va` as the guest sees it,
// zero-extended; false if the guest's mappings do not allow it, with `out`
// then ~0 (no load or store: the exit fast path relies on that) and what the
// read met in `*fault` if given. Only while a guest's exit is handled.
// A call GCC does not see as one: it changes only the registers named, so a
// caller need not save ra. ("memory" because the read may trap into
// halyard_host_trap, and so that a caller reloads what it keeps in memory
// rather than hold it in a register across the read.)
inline bool read_guest_instruction(uint64_t guest_va, uint64_t& out,
                                   GuestReadFault* fault = nullptr) {
    register uint64_t a1 asm("a1") = guest_va;
    register uint64_t a0 asm("a0");
    register uint64_t t1 asm("t1");
    asm volatile("jal t0, halyard_read_guest_instruction"
                 : "+r"(a1), "=r"(a0), "=r"(t1)
                 :
                 : "t0", "memory");
    out = a1;
    if (out != ~0ull) return true;
    if (fault != nullptr) *fault = GuestReadFault{a0, t1};
    return false;
}

// Polls the Zkr entropy source once (seed CSR, read with a write as Zkr
// requires): false if HS-mode may not access it (M-mode did not set
// mseccfg.SSEED). Only for a hart whose DT names zkr.
inline bool read_seed_csr(uint64_t& out) {
    out = halyard_read_seed_csr();
    return out != ~0ull;
}

inline void install_trap_vector() {
    asm volatile("csrw stvec, %0" ::"r"(&halyard_trap_vector) : "memory");
    asm volatile("csrw sscratch, zero" ::: "memory");
}

// tp, as a global register variable: the trap vector leaves the exiting
// vCPU's VmCpuRegisters there, and the psABI never gives tp to compiled code
// for anything else. Declared so, tp is used in place, with no copy.
register VmCpuRegisters* tp_vcpu_registers asm("tp");

// The vCPU whose exit this hart is handling (nullptr before the first one).
inline VmCpuRegisters* current_vcpu_registers() {
    return tp_vcpu_registers;
}

inline void wait_for_interrupt() {
    asm volatile("wfi" ::: "memory");
}
inline void fence_i() {
    asm volatile("fence.i" ::: "memory");
}
inline void hfence_gvma_vmid(uint64_t vmid) {
    halyard_hfence_gvma_vmid(vmid);
}
inline void hfence_vvma_all() {
    halyard_hfence_vvma_all();
}

// Sends an MSI with identity `identity` to the interrupt file at physical
// address `interrupt_file` (AIA IMSIC): a 32-bit store to its seteipnum_le.
inline void send_msi(uint64_t interrupt_file, uint32_t identity) {
    *reinterpret_cast<volatile uint32_t*>(interrupt_file) = identity;
}

// Where a hart started through the firmware's HSM enters Halyard (with the
// hart's slot number as the opaque argument).
inline uint64_t secondary_entry_address() {
    return reinterpret_cast<uint64_t>(&halyard_secondary_entry);
}

inline uint64_t image_start() {
    return reinterpret_cast<uint64_t>(__halyard_image_start);
}
inline uint64_t image_end() {
    return reinterpret_cast<uint64_t>(__halyard_image_end);
}
inline uint64_t image_file_end() {
    return reinterpret_cast<uint64_t>(__halyard_file_end);
}

}  // namespace halyard::arch
