// SPDX-License-Identifier: Apache-2.0
// Exit reason: instruction guest-page fault (scause 20): the guest jumped to
// a guest-physical address without RAM. Real hardware raises an instruction
// access fault there, so the guest gets one.

#include "arch/csr.hpp"
#include "exit/exit_handlers.hpp"
#include "exit/guest_log.hpp"
#include "exit/inject_exception.hpp"
#include "vm/exit_stats.hpp"

namespace halyard {

ExitAction handle_instruction_guest_page_fault(Vcpu& vcpu) {
    TrapCsrs& trap = vcpu.regs.trap;
    trap.stval = arch::csr_read<Csr::stval>();
    trap.htval = arch::csr_read<Csr::htval>();
    trap.htinst = 0;
    count_exit(vcpu, ExitReason::kMmioUnmapped);
    const uint64_t gpa = (trap.htval << 2) | (trap.stval & 3);
    guest_log(vcpu,
              "instruction fetch from guest-physical 0x%llx: nothing executable there; "
              "injecting instruction access fault",
              static_cast<unsigned long long>(gpa));
    inject_exception(vcpu, Exception::kInstructionAccessFault, trap.stval);
    return ExitAction::kResume;
}

}  // namespace halyard
