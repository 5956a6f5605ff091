// SPDX-License-Identifier: Apache-2.0
#pragma once
// One handler per exit reason, each in its own file (handle_*.cpp). The
// dispatch in vmexit_handler.cpp is the single place that names them.
// Only the SBI call is inlined into the exit path (with LTO); the others are
// kept out of line so that their register needs do not slow the hot path.

#include "exit/exit_action.hpp"
#include "vm/vcpu.hpp"

namespace halyard {

ExitAction handle_sbi_call(Vcpu& vcpu);
// The fast-path halves (see try_fast_exit in vmexit_handler.hpp).
// Out of line, so that each keeps its own (few) registers: the exit path
// saves no more than the one taken needs. try_fast_sbi_call may be inlined:
// it only compares, and ends in a tail call to one out-of-line answer per
// extension.
FastExit try_fast_sbi_call(Vcpu& vcpu);
[[gnu::noinline]] FastExit try_fast_device_access(Vcpu& vcpu, uint64_t sepc);
[[gnu::noinline]] FastExit handle_timer_interrupt(Vcpu& vcpu);  // always finishes
[[gnu::noinline]] FastExit try_fast_software_interrupt(Vcpu& vcpu);
[[gnu::noinline]] ExitAction handle_guest_page_fault(Vcpu& vcpu);  // load/store (21, 23)
[[gnu::noinline]] ExitAction handle_instruction_guest_page_fault(Vcpu& vcpu);    // fetch (20)
[[gnu::noinline, gnu::cold]] ExitAction handle_illegal_instruction(Vcpu& vcpu);  // 2 and 22
[[gnu::noinline, gnu::cold]] ExitAction handle_external_interrupt(Vcpu& vcpu);
[[gnu::noinline]] ExitAction handle_software_interrupt(Vcpu& vcpu);
[[gnu::noinline, gnu::cold]] ExitAction handle_unexpected_trap(Vcpu& vcpu);

}  // namespace halyard
