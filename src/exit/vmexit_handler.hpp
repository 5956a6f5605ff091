// SPDX-License-Identifier: Apache-2.0
#pragma once
// The C++ side of every VM exit: the trap vector has saved the guest's
// registers, sepc and scause into vcpu.regs; this decides what happens.

#include "exit/exit_action.hpp"
#include "vm/vcpu.hpp"

namespace halyard {

ExitAction vmexit_handler(Vcpu& vcpu);

}  // namespace halyard
