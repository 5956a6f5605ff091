// SPDX-License-Identifier: Apache-2.0
#include "vm/vcpu_features.hpp"

#include "arch/csr.hpp"
#include "arch/firmware.hpp"
#include "halyard/csr_numbers.hpp"
#include "vm/vm.hpp"

namespace halyard {
namespace {
MachineFeatures g_machine;
}

void set_machine_features(const MachineFeatures& features) {
    g_machine = features;
}

const MachineFeatures& machine_features() {
    return g_machine;
}

uint64_t vcpu_henvcfg(const Vcpu& vcpu) {
    uint64_t value = g_machine.guest_envcfg;
    if (!vcpu.vm->guest_has_sstc) value &= ~henvcfg::kStce;
    if (vcpu.features.pte_ad_hw_updating && g_machine.svadu) value |= henvcfg::kAdue;
    return value;
}

bool apply_misaligned_exc_deleg(bool delegate) {
    // hedeleg always passes misaligned exceptions on to the guest: whether
    // they reach HS-mode at all is the firmware's choice, per hart.
    const sbi::SbiRet r = arch::firmware_call(sbi::kEidFwft, sbi::kFwftSet,
                                              sbi::kFwftMisalignedExcDeleg, delegate ? 1 : 0, 0);
    return r.error == sbi::kSuccess;
}

void load_vcpu_features(const Vcpu& vcpu) {
    arch::csr_write<Csr::henvcfg>(vcpu_henvcfg(vcpu));
    if (g_machine.misaligned_deleg_control)
        (void)apply_misaligned_exc_deleg(vcpu.features.misaligned_exc_deleg);
}

}  // namespace halyard
