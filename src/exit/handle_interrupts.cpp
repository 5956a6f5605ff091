// Exit reasons: interrupts that reach HS-mode while a guest runs. VS-level
// interrupts are delegated (hideleg) and never come here.

#include "arch/csr.hpp"
#include "exit/exit_handlers.hpp"
#include "exit/exit_stats.hpp"
#include "exit/guest_log.hpp"
#include "vm/vcpu_requests.hpp"
#include "vm/vcpu_timer.hpp"

namespace halyard {

ExitAction handle_timer_interrupt(Vcpu& vcpu) {
    count_exit(vcpu, ExitReason::kInterruptTimer);
    vcpu_timer_fired(vcpu);
    return ExitAction::kResume;
}

ExitAction handle_external_interrupt(Vcpu& vcpu) {
    // No host device interrupts are enabled yet (sie.SEIE stays 0); if one
    // arrives anyway, mask it rather than loop on it.
    count_exit(vcpu, ExitReason::kInterruptExternal);
    arch::csr_clear<Csr::sie>(irq::kSeip);
    return ExitAction::kResume;
}

ExitAction handle_software_interrupt(Vcpu& vcpu) {
    // A host IPI: another hart posted requests for this vCPU.
    count_exit(vcpu, ExitReason::kInterruptSoftware);
    arch::csr_clear<Csr::sip>(irq::kSsip);
    return handle_vcpu_requests(vcpu) ? ExitAction::kResume : ExitAction::kVmStopping;
}

ExitAction handle_unexpected_trap(Vcpu& vcpu) {
    count_exit(vcpu, ExitReason::kOtherTrap);
    guest_log(vcpu, "unexpected trap scause 0x%llx at pc 0x%llx; stopping the VM",
              static_cast<unsigned long long>(vcpu.regs.trap.scause),
              static_cast<unsigned long long>(vcpu.regs.sepc));
    return ExitAction::kStopVm;
}

}  // namespace halyard
