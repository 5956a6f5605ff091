// SPDX-License-Identifier: Apache-2.0
#include "vm/vm.hpp"

#include "arch/hart.hpp"
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

// The APLIC's hart index i is vCPU i (the guest DT lists the IMSIC's
// interrupt files in vCPU order). An identity the file does not implement,
// the IMSIC ignores (specs/aia/src/IMSIC.adoc).
void aplic_sent_msi(void* vm, unsigned hart_index, unsigned eiid) {
    const Vm& self = *static_cast<const Vm*>(vm);
    if (hart_index >= self.vcpu_count) return;
    const uint64_t file = self.vcpus[hart_index].interrupt_file;
    if (file != 0) arch::send_msi(file, eiid);
}

void uart_irq_changed_at_aplic(void* vm, bool level) {
    static_cast<Vm*>(vm)->aplic.set_source_level(guest::kUartIrq, level);
}

}  // namespace

Vm::Vm()
    : uart(console),
      plic(Plic::kMaxSources, Plic::kMaxContexts, plic_output_changed, this),
      aplic(Aplic::kMaxSources, kMaxVcpus, aplic_sent_msi, this) {}

bool Vm::attach_devices() {
    if (!VmDevices::attach(*this)) return false;
    uart.connect_irq(irqchip == GuestIrqchip::kAia ? uart_irq_changed_at_aplic : uart_irq_changed,
                     this);
    return true;
}

}  // namespace halyard
