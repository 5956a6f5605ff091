#include "vm/vcpu_requests.hpp"

#include "arch/csr.hpp"
#include "arch/firmware.hpp"
#include "arch/hart.hpp"
#include "vm/vm.hpp"

namespace halyard {

bool handle_vcpu_requests(Vcpu& self) {
    const uint32_t requests = self.requests.exchange(0, std::memory_order_acq_rel);
    if (requests & kRequestSoftwareInterrupt) arch::csr_set<Csr::hvip>(irq::kVssip);
    if (requests & kRequestFenceI) arch::fence_i();
    if (requests & kRequestFlushGuestTlb) arch::hfence_vvma_all();
    return (requests & kRequestStop) == 0;
}

void post_vcpu_request(Vcpu& self, Vcpu& target, uint32_t request) {
    if (&target == &self) {
        target.requests.fetch_or(request, std::memory_order_acq_rel);
        handle_vcpu_requests(self);
        return;
    }
    const HsmState state = target.hsm_state.load(std::memory_order_acquire);
    if (state != HsmState::kStarted && state != HsmState::kSuspended) return;
    target.requests.fetch_or(request, std::memory_order_acq_rel);
    // sbi_send_ipi(hart_mask = bit 0, hart_mask_base = the hart).
    arch::firmware_call(sbi::kEidIpi, 0, 1, target.host_hart_id);
}

void wait_for_vcpu_requests(Vcpu& self, Vcpu& target) {
    if (&target == &self) return;
    while (target.requests.load(std::memory_order_acquire) != 0) {
        const HsmState state = target.hsm_state.load(std::memory_order_acquire);
        if (state != HsmState::kStarted && state != HsmState::kSuspended) return;
        if (self.requests.load(std::memory_order_acquire) != 0) handle_vcpu_requests(self);
    }
}

}  // namespace halyard
