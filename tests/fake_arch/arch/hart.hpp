#pragma once
// Host fake of arch/hart.hpp. Entering a guest is impossible on the host;
// unit tests call vmexit_handler() directly instead.

#include <cstdint>
#include <cstdlib>

#include "arch/fake_hart_state.hpp"
#include "halyard/vm_cpu_registers.hpp"

namespace halyard::arch {

[[noreturn]] inline void enter_guest(VmCpuRegisters&) { std::abort(); }

inline bool read_guest_instruction_half(uint64_t guest_va, uint16_t& out) {
    auto it = fake::hart.guest_instruction_memory.find(guest_va);
    if (it == fake::hart.guest_instruction_memory.end()) return false;
    out = it->second;
    return true;
}

inline void install_trap_vector() {}
inline void wait_for_interrupt() {}
inline void fence_i() {}
inline void hfence_gvma_vmid(uint64_t) { ++fake::hart.hfence_gvma_count; }
inline void hfence_vvma_all() { ++fake::hart.hfence_vvma_count; }

}  // namespace halyard::arch
