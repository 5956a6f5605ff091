#pragma once
// One handler per exit reason, each in its own file (handle_*.cpp). The
// dispatch in vmexit_handler.cpp is the single place that names them.

#include "exit/exit_action.hpp"
#include "vm/vcpu.hpp"

namespace halyard {

ExitAction handle_sbi_call(Vcpu& vcpu);
ExitAction handle_guest_page_fault(Vcpu& vcpu);              // load/store (scause 21, 23)
ExitAction handle_instruction_guest_page_fault(Vcpu& vcpu);  // fetch (scause 20)
ExitAction handle_illegal_instruction(Vcpu& vcpu);           // scause 2 and 22
ExitAction handle_timer_interrupt(Vcpu& vcpu);
ExitAction handle_external_interrupt(Vcpu& vcpu);
ExitAction handle_software_interrupt(Vcpu& vcpu);
ExitAction handle_unexpected_trap(Vcpu& vcpu);

}  // namespace halyard
