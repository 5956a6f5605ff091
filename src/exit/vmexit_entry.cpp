// SPDX-License-Identifier: Apache-2.0
// The C++ entry of the VM-exit path: the trap vector calls halyard_vmexit on
// this hart's stack with the exiting vCPU's registers. Resuming the guest is
// the common case and stays short; every other outcome goes to the lifecycle.

#include "exit/vmexit_handler.hpp"
#include "vm/lifecycle.hpp"

namespace halyard {
namespace {

[[gnu::noinline, noreturn]] void finish_exit(Vcpu& vcpu, ExitAction action) {
    if (action == ExitAction::kStopVm) stop_vm(*vcpu.vm, "guest error (see above)");
    stop_current_vcpu(vcpu);
}

}  // namespace
}  // namespace halyard

// Returns the registers of the vCPU to resume.
extern "C" halyard::VmCpuRegisters* halyard_vmexit(halyard::VmCpuRegisters* regs) {
    using namespace halyard;
    Vcpu& vcpu = Vcpu::from_registers(regs);
    const ExitAction action = vmexit_handler(vcpu);
    if (action == ExitAction::kResume) [[likely]]
        return regs;
    finish_exit(vcpu, action);
}
