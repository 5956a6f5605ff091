// SPDX-License-Identifier: Apache-2.0
// Exit reason: illegal instruction (scause 2) or virtual instruction (22).
// Halyard emulates no instruction today, so the guest gets the
// illegal-instruction exception it would get on a hart without the feature;
// stval carries the instruction bits as the hardware reported them.

#include "arch/csr.hpp"
#include "exit/exit_handlers.hpp"
#include "exit/guest_log.hpp"
#include "exit/inject_exception.hpp"
#include "vm/exit_stats.hpp"

namespace halyard {

ExitAction handle_illegal_instruction(Vcpu& vcpu) {
    TrapCsrs& trap = vcpu.regs.trap;
    trap.stval = arch::csr_read<Csr::stval>();
    const bool is_virtual = trap.scause == cause_code(Exception::kVirtualInstruction);
    count_exit(vcpu,
               is_virtual ? ExitReason::kVirtualInstruction : ExitReason::kIllegalInstruction);
    guest_log(vcpu, "%s instruction 0x%llx at pc 0x%llx: injecting illegal-instruction exception",
              is_virtual ? "virtual" : "illegal", static_cast<unsigned long long>(trap.stval),
              static_cast<unsigned long long>(vcpu.regs.sepc));
    inject_exception(vcpu, Exception::kIllegalInstruction, trap.stval);
    return ExitAction::kResume;
}

}  // namespace halyard
