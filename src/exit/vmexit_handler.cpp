// SPDX-License-Identifier: Apache-2.0
#include "exit/vmexit_handler.hpp"

#include "exit/exit_handlers.hpp"
#include "halyard/trap_cause.hpp"
#include "vm/exit_stats.hpp"

namespace halyard {

// Registration: the exit reasons with a fast path here (most frequent first;
// SBI calls have their own, try_fast_sbi_call), one case per exit reason in
// vmexit_handler.
FastExit try_fast_exit(Vcpu& vcpu, uint64_t scause, uint64_t sepc) {
    if (scause == cause_code(Exception::kLoadGuestPageFault) ||
        scause == cause_code(Exception::kStoreGuestPageFault))
        return try_fast_device_access(vcpu, sepc, scause);
    if (scause == cause_code(Interrupt::kSupervisorSoftware))
        return try_fast_software_interrupt(vcpu);
    if (scause == cause_code(Interrupt::kSupervisorTimer)) return handle_timer_interrupt(vcpu);
    return FastExit::kFullExit;
}

ExitAction vmexit_handler(Vcpu& vcpu) {
    count_full_exit(vcpu);
    switch (vcpu.regs.trap.scause) {
        case cause_code(Exception::kEcallFromVs): return handle_sbi_call(vcpu);
        case cause_code(Exception::kLoadGuestPageFault):
        case cause_code(Exception::kStoreGuestPageFault): return handle_guest_page_fault(vcpu);
        case cause_code(Exception::kInstructionGuestPageFault):
            return handle_instruction_guest_page_fault(vcpu);
        case cause_code(Exception::kIllegalInstruction):
        case cause_code(Exception::kVirtualInstruction): return handle_illegal_instruction(vcpu);
        case cause_code(Interrupt::kSupervisorExternal): return handle_external_interrupt(vcpu);
        case cause_code(Interrupt::kSupervisorSoftware): return handle_software_interrupt(vcpu);
        default: return handle_unexpected_trap(vcpu);
    }
}

}  // namespace halyard
