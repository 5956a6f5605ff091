// SPDX-License-Identifier: Apache-2.0
// Exit reasons: interrupts that reach HS-mode while a guest runs. VS-level
// interrupts are delegated (hideleg) and never come here.

#include "arch/csr.hpp"
#include "console/host_console.hpp"
#include "exit/exit_handlers.hpp"
#include "exit/guest_log.hpp"
#include "vm/console_mux.hpp"
#include "vm/exit_stats.hpp"
#include "vm/lifecycle.hpp"
#include "vm/vcpu_requests.hpp"
#include "vm/vcpu_timer.hpp"

namespace halyard {

// On the fast path: without Sstc a guest's timer costs this exit on every
// tick (and the set_timer call after it, also on the fast path).
FastExit handle_timer_interrupt(Vcpu& vcpu) {
    count_exit(vcpu, ExitReason::kInterruptTimer);
    vcpu_timer_fired(vcpu);
    return FastExit::kDone;
}

ExitAction handle_external_interrupt(Vcpu& vcpu) {
    // The only host interrupt Halyard enables is the console UART's receive
    // interrupt, on the hart of the VM that owns console input.
    count_exit(vcpu, ExitReason::kInterruptExternal);
    if (host_console_claim_input_interrupt()) console_mux_input_ready();
    return ExitAction::kResume;
}

// A host IPI: another hart posted requests for this vCPU. On the fast path
// unless the VM is stopping, which the full exit handles. A stop that comes
// in while the requests are handled sends it there too; handling the
// requests again is harmless (each sets or syncs state, and the bits are
// taken at most once).
FastExit try_fast_software_interrupt(Vcpu& vcpu) {
    if (vcpu_must_stop(vcpu)) return FastExit::kFullExit;
    arch::csr_clear<Csr::sip>(irq::kSsip);
    if (!handle_vcpu_requests(vcpu)) return FastExit::kFullExit;
    count_exit(vcpu, ExitReason::kInterruptSoftware);
    return FastExit::kDone;
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
