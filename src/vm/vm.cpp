// SPDX-License-Identifier: Apache-2.0
#include "vm/vm.hpp"

#include "halyard/guest_layout.hpp"
#include "vm/vcpu_requests.hpp"
#include "vm/vm_devices.hpp"

namespace halyard {

namespace {

// The PLIC's context `context` is vCPU `context`'s S-mode external interrupt.
void plic_output_changed(void* vm, unsigned context) {
    Vm& self = *static_cast<Vm*>(vm);
    if (context < self.vcpu_count) external_interrupt_changed(self.vcpus[context]);
}

void uart_irq_changed(void* vm, bool level) {
    static_cast<Vm*>(vm)->plic.set_source_level(guest::kUartIrq, level);
}

}  // namespace

Vm::Vm() : uart(console), plic(Plic::kMaxSources, Plic::kMaxContexts, plic_output_changed, this) {}

bool Vm::attach_devices() {
    if (!VmDevices::attach(*this)) return false;
    uart.connect_irq(uart_irq_changed, this);
    return true;
}

}  // namespace halyard
