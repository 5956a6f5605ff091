// SPDX-License-Identifier: Apache-2.0
#pragma once
// Things only the boot path needs from the arch layer.

#include <cstdint>

#include "arch/stack.h"

extern "C" {
extern char halyard_hart_stacks[];
extern void (*__init_array_start[])();
extern void (*__init_array_end[])();
extern char halyard_guest_read_fault_site_low[];
extern char halyard_guest_read_fault_site_high[];
extern char halyard_guest_read_fixup[];
extern char halyard_seed_read_fault_site[];
extern char halyard_seed_read_fixup[];
// Hart id of each slot's hart, for harts the firmware sends to _start by
// mistake (see boot.S); all ones for an unused slot.
extern uint64_t halyard_slot_hart_ids[HALYARD_MAX_HARTS];
}

namespace halyard::arch {

inline constexpr unsigned kMaxHarts = HALYARD_MAX_HARTS;

inline uint64_t hart_stack_top(unsigned slot) {
    return reinterpret_cast<uint64_t>(halyard_hart_stacks) +
           (uint64_t{slot} + 1) * HALYARD_HART_STACK_SIZE;
}
// Records which hart runs `slot`, before that hart is started.
inline void set_slot_hart_id(unsigned slot, uint64_t hart_id) {
    halyard_slot_hart_ids[slot] = hart_id;
    asm volatile("fence rw, rw" ::: "memory");
}
inline void run_static_constructors() {
    for (auto* f = __init_array_start; f != __init_array_end; ++f) (*f)();
}
// Where an instruction that may trap resumes, if `pc` is one: a guest-memory
// read (HLVX) or a read of the Zkr seed CSR. 0 for any other pc.
inline uint64_t trap_fixup(uint64_t pc) {
    if (pc == reinterpret_cast<uint64_t>(halyard_guest_read_fault_site_low) ||
        pc == reinterpret_cast<uint64_t>(halyard_guest_read_fault_site_high))
        return reinterpret_cast<uint64_t>(halyard_guest_read_fixup);
    if (pc == reinterpret_cast<uint64_t>(halyard_seed_read_fault_site))
        return reinterpret_cast<uint64_t>(halyard_seed_read_fixup);
    return 0;
}

}  // namespace halyard::arch
