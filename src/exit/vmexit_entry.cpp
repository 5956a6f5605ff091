// SPDX-License-Identifier: Apache-2.0
// The C++ entry of the VM-exit path: the trap vector calls halyard_vmexit on
// this hart's stack with the exiting vCPU's registers. Resuming the guest is
// the common case and stays short; every other outcome goes to the lifecycle.

#include "exit/exit_handlers.hpp"
#include "exit/vmexit_handler.hpp"
#include "halyard/trap_cause.hpp"
#include "vm/lifecycle.hpp"

namespace halyard {
namespace {

[[gnu::noinline, noreturn]] void finish_exit(Vcpu& vcpu, ExitAction action) {
    if (action == ExitAction::kStopVm) stop_vm(*vcpu.vm, "guest error (see above)");
    stop_current_vcpu(vcpu);
}

}  // namespace
}  // namespace halyard

static_assert(VCPU_EXIT_CAUSE_SBI_CALL == halyard::cause_code(halyard::Exception::kEcallFromVs));

// An SBI call's fast path (trap_vector.S): a0-a7 still hold the guest's
// a0-a7, which arrive here as arguments, and tp the vCPU's registers. The
// answer goes back in a0/a1, which become the guest's; kSbiFullExit as the
// error sends the call to halyard_vmexit.
extern "C" halyard::SbiAnswer halyard_vmexit_sbi(uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
                                                 uint64_t a4, uint64_t a5, uint64_t fid,
                                                 uint64_t eid) {
    return halyard::try_fast_sbi_call(a0, a1, a2, a3, a4, a5, fid, eid);
}

// Every other exit's fast path (trap_vector.S): 0 when the exit is done and the guest resumes
// at the sepc CSR; otherwise regs->sepc and regs->trap.scause are filled in,
// the trap vector saves the remaining registers and calls halyard_vmexit.
// (sepc before scause: try_fast_device_access takes them in this order, so
// that they arrive in place.)
extern "C" uint64_t halyard_vmexit_fast(halyard::VmCpuRegisters* regs, uint64_t sepc,
                                        uint64_t scause) {
    using namespace halyard;
    // Stored first, so that the fast path's handlers can be tail calls.
    regs->sepc = sepc;
    regs->trap.scause = scause;
    return static_cast<uint64_t>(try_fast_exit(Vcpu::from_registers(regs), scause, sepc));
}

// Every exit the fast path did not finish. Returns the registers of the vCPU
// to resume.
extern "C" halyard::VmCpuRegisters* halyard_vmexit(halyard::VmCpuRegisters* regs) {
    using namespace halyard;
    Vcpu& vcpu = Vcpu::from_registers(regs);
    const ExitAction action = vmexit_handler(vcpu);
    if (action == ExitAction::kResume) [[likely]]
        return regs;
    finish_exit(vcpu, action);
}
