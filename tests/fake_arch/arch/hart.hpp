// SPDX-License-Identifier: Apache-2.0
#pragma once
// Host fake of arch/hart.hpp. Entering a guest is impossible on the host:
// unit tests call vmexit_handler() directly, or play the guest in the hart's
// enter_guest_hook (tests/unit/test_lifecycle_threads.cpp).

#include <cstdint>
#include <cstdlib>
#include <thread>

#include "arch/fake_hart_state.hpp"
#include "halyard/trap_cause.hpp"
#include "halyard/vm_cpu_registers.hpp"

namespace halyard::arch {

[[noreturn]] inline void enter_guest(VmCpuRegisters& regs) {
    if (fake::hart.enter_guest_hook != nullptr) fake::hart.enter_guest_hook(regs);
    std::abort();
}

// A faulting HLVX takes a trap in HS-mode (arch/riscv64/hypervisor_insns.S):
// it overwrites the trap CSRs, and the host trap path's sret leaves sepc at
// the fixup; only sstatus and hstatus are restored by the fixup.
inline bool guest_read_faulted(uint64_t guest_va, GuestReadFault* fault) {
    fake::hart[Csr::sepc] = 0x8020'0000'dead'0000ull;  // Halyard's fixup, not a guest pc
    fake::hart[Csr::scause] = fake::hart.guest_read_fault_cause;
    fake::hart[Csr::stval] = guest_va;
    fake::hart[Csr::htval] = 0x0bad'0bad;
    fake::hart[Csr::htinst] = 0x3000;
    if (fault != nullptr) *fault = GuestReadFault{fake::hart.guest_read_fault_cause, guest_va};
    return false;
}

inline bool read_guest_instruction(uint64_t guest_va, uint64_t& out,
                                   GuestReadFault* fault = nullptr) {
    ++fake::hart.guest_instruction_reads;
    auto& memory = fake::hart.guest_instruction_memory;
    out = ~0ull;  // what the fixup returns
    auto low = memory.find(guest_va);
    if (low == memory.end()) return guest_read_faulted(guest_va, fault);
    out = low->second;
    if ((out & 3) != 3) return true;
    auto high = memory.find(guest_va + 2);
    if (high == memory.end()) {
        out = ~0ull;
        return guest_read_faulted(guest_va + 2, fault);
    }
    out |= uint64_t{high->second} << 16;
    return true;
}

// The seed CSR of the fake hart's CSR file, or false when the test says
// HS-mode may not read it.
inline bool read_seed_csr(uint64_t& out) {
    ++fake::hart.seed_reads;
    if (fake::hart.seed_csr_traps) return false;
    out = fake::hart[Csr::seed];
    return true;
}

inline VmCpuRegisters* current_vcpu_registers() {
    return fake::hart.current_registers;
}
inline void install_trap_vector() {}
inline void wait_for_interrupt() {
    fake::take_ipi();
    std::this_thread::yield();
}
inline void fence_i() {
    ++fake::hart.fence_i_count;
}
inline void send_msi(uint64_t interrupt_file, uint32_t identity) {
    std::lock_guard<std::mutex> guard(fake::msis_lock);
    fake::msis.push_back({interrupt_file, identity});
}
inline uint64_t secondary_entry_address() {
    return 0x80200100;
}
inline void hfence_gvma_vmid(uint64_t) {
    ++fake::hart.hfence_gvma_count;
}
inline void hfence_vvma_all() {
    ++fake::hart.hfence_vvma_count;
}

}  // namespace halyard::arch
