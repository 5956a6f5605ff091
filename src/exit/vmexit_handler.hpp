// SPDX-License-Identifier: Apache-2.0
#pragma once
// The C++ side of every VM exit (arch/riscv64/trap_vector.S), in two steps.

#include "exit/exit_action.hpp"
#include "vm/vcpu.hpp"

namespace halyard {

// The fast path: the exits a running guest makes most apart from SBI calls
// (which take try_fast_sbi_call, exit_handlers.hpp): device register
// accesses, host timer interrupts and IPIs. Only the registers in kFastPathGprs are in vcpu.regs;
// sepc is the guest's pc, and the sepc CSR the resume address. Returns kDone when the exit is done
// (the sepc CSR then points past an instruction it emulated). Returns kFullExit for every exit it
// does not finish, which then goes to vmexit_handler, having changed none of the guest's registers
// and, with one exception, nothing else the guest or its devices can see: a host IPI whose VM
// starts stopping while its requests are handled is declined after that work, which the full exit
// may repeat harmlessly before it stops the vCPU (try_fast_software_interrupt). It keeps the
// fault's CSRs in regs.trap.
FastExit try_fast_exit(Vcpu& vcpu, uint64_t scause, uint64_t sepc);

// Every exit: the trap vector has saved all the guest's registers, and
// regs.sepc and regs.trap.scause are set (by try_fast_exit, or for an SBI
// call by the trap vector), and for load and store guest-page faults
// regs.trap's stval, htval and htinst.
ExitAction vmexit_handler(Vcpu& vcpu);

}  // namespace halyard
