// SPDX-License-Identifier: Apache-2.0
#include "vm/vcpu_timer.hpp"

#include "arch/csr.hpp"
#include "arch/firmware.hpp"
#include "vm/vm.hpp"

namespace halyard {

void vcpu_set_timer(Vcpu& vcpu, uint64_t deadline) {
    if (vcpu.vm->guest_has_sstc) {
        // htimedelta is 0, so guest time is host time. Writing a deadline
        // that is already due sets hip.VSTIP at once and a later one clears
        // it (hypervisor.adoc, hip.VSTIP): the hardware does what SBI
        // set_timer promises.
        arch::csr_write<Csr::vstimecmp>(deadline);
        return;
    }
    // The SBI spec (ext-time.adoc): set_timer clears the pending timer
    // interrupt; a deadline already due makes it pending again at once.
    // That is decided here rather than by arming the host timer for the
    // past, so the guest's very next instruction sees STIP in sip,
    // whenever the firmware's timer interrupt would arrive.
    if (deadline <= arch::csr_read<Csr::time>()) {
        arch::csr_set<Csr::hvip>(irq::kVstip);
        if (vcpu.timer_deadline != ~0ull) {
            vcpu.timer_deadline = ~0ull;
            arch::firmware_call(sbi::kEidTime, 0, ~0ull);
        }
        return;
    }
    vcpu.timer_deadline = deadline;
    arch::csr_clear<Csr::hvip>(irq::kVstip);
    arch::firmware_call(sbi::kEidTime, 0, deadline);
    arch::csr_set<Csr::sie>(irq::kStip);
}

void vcpu_timer_fired(Vcpu& vcpu) {
    if (arch::csr_read<Csr::time>() >= vcpu.timer_deadline) {
        // Stays pending until the guest sets another deadline.
        arch::csr_set<Csr::hvip>(irq::kVstip);
        vcpu.timer_deadline = ~0ull;
    }
    // Re-arm for the (possibly unchanged) deadline; ~0 also clears STIP.
    arch::firmware_call(sbi::kEidTime, 0, vcpu.timer_deadline);
}

void vcpu_timer_cancel(Vcpu& vcpu) {
    vcpu.timer_deadline = ~0ull;
    if (vcpu.vm->guest_has_sstc) {
        arch::csr_write<Csr::vstimecmp>(~0ull);
        return;
    }
    arch::csr_clear<Csr::sie>(irq::kStip);
    arch::firmware_call(sbi::kEidTime, 0, ~0ull);
}

}  // namespace halyard
