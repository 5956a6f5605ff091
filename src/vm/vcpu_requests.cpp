// SPDX-License-Identifier: Apache-2.0
#include "vm/vcpu_requests.hpp"

#include "arch/csr.hpp"
#include "arch/firmware.hpp"
#include "arch/hart.hpp"
#include "vm/lifecycle.hpp"
#include "vm/vm.hpp"

namespace halyard {

namespace {

// VSEIP to the vCPU's PLIC output level, on its own hart.
void sync_external_interrupt(const Vcpu& self) {
    if (external_interrupt_level(self))
        arch::csr_set<Csr::hvip>(irq::kVseip);
    else
        arch::csr_clear<Csr::hvip>(irq::kVseip);
}

}  // namespace

bool handle_vcpu_requests(Vcpu& self) {
    const uint32_t requests = self.requests.exchange(0, std::memory_order_acq_rel);
    if (requests & kRequestSoftwareInterrupt) arch::csr_set<Csr::hvip>(irq::kVssip);
    if (requests & kRequestFenceI) arch::fence_i();
    if (requests & kRequestFlushGuestTlb) arch::hfence_vvma_all();
    if (requests & kRequestSyncExternalInterrupt) sync_external_interrupt(self);
    return !vcpu_must_stop(self);
}

bool vcpu_is_running(const Vcpu& vcpu) {
    // Sequentially consistent, paired with the PLIC's store of a changed
    // output before it notifies (Plic::update_outputs) and the starting
    // hart's store of kStarted before it reads the level: one side always sees
    // the other, so a level change is never dropped for a vCPU that is just
    // being entered.
    const HsmState state = vcpu.hsm_state.load();
    return state == HsmState::kStarted || state == HsmState::kSuspended;
}

void send_host_ipi(const Vcpu& target) {
    // Whatever the caller published must be visible to the target hart once
    // the IPI arrives (the firmware's path to it is not a barrier we own).
    std::atomic_thread_fence(std::memory_order_seq_cst);
    // sbi_send_ipi(hart_mask = bit 0, hart_mask_base = the hart).
    arch::firmware_call(sbi::kEidIpi, 0, 1, target.host_hart_id);
}

void signal_vcpu(Vcpu& target, uint32_t request) {
    if (!vcpu_is_running(target)) return;
    target.requests.fetch_or(request, std::memory_order_acq_rel);
    send_host_ipi(target);
}

void post_vcpu_request(Vcpu& self, Vcpu& target, uint32_t request) {
    if (&target == &self) {
        target.requests.fetch_or(request, std::memory_order_acq_rel);
        handle_vcpu_requests(self);
        return;
    }
    signal_vcpu(target, request);
}

bool external_interrupt_level(const Vcpu& vcpu) {
    return vcpu.vm->plic.context_output(vcpu.id);
}

void external_interrupt_changed(Vcpu& target) {
    VmCpuRegisters* current = arch::current_vcpu_registers();
    if (current == &target.regs) {
        // Its own hart: straight to VSEIP. A sync request another hart
        // posted earlier reads the level again when it is taken, so it agrees.
        sync_external_interrupt(target);
        return;
    }
    // From another vCPU's hart, or from Halyard outside any exit: a request.
    // A vCPU that is not running picks the level up when it enters.
    signal_vcpu(target, kRequestSyncExternalInterrupt);
}

void wait_for_vcpu_requests(Vcpu& self, Vcpu& target) {
    if (&target == &self) return;
    while (target.requests.load(std::memory_order_acquire) != 0) {
        if (!vcpu_is_running(target) || vcpu_must_stop(self)) return;
        if (self.requests.load(std::memory_order_acquire) != 0) handle_vcpu_requests(self);
        spin_wait_hint();
    }
}

}  // namespace halyard
