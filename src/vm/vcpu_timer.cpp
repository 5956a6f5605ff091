#include "vm/vcpu_timer.hpp"

#include "arch/csr.hpp"
#include "arch/firmware.hpp"
#include "vm/vm.hpp"

namespace halyard {

void vcpu_set_timer(Vcpu& vcpu, uint64_t deadline) {
    if (vcpu.vm->guest_has_sstc) {
        // htimedelta is 0, so guest time is host time.
        arch::csr_write<Csr::vstimecmp>(deadline);
        return;
    }
    vcpu.timer_deadline = deadline;
    // The spec: setting a future deadline clears the pending timer interrupt.
    arch::csr_clear<Csr::hvip>(irq::kVstip);
    arch::firmware_call(sbi::kEidTime, 0, deadline);
    arch::csr_set<Csr::sie>(irq::kStip);
}

void vcpu_timer_fired(Vcpu& vcpu) {
    if (arch::csr_read<Csr::time>() >= vcpu.timer_deadline) {
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
