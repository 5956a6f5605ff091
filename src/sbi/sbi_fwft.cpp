// SPDX-License-Identifier: Apache-2.0
#include "sbi/sbi_fwft.hpp"

#include "vm/vcpu_features.hpp"

namespace halyard {
namespace {

enum class Support { kSupported, kNotSupported, kDenied };

// ext-firmware-features.adoc, FWFT Feature Types: 0-5 are defined; the rest
// of 0x00000000-0x3fffffff and 0x80000000-0xbfffffff are reserved, the other
// two quarters platform-specific. Reserved and unimplemented platform
// features answer DENIED; defined ones this machine cannot honour
// NOT_SUPPORTED.
Support support_of(uint32_t feature) {
    const MachineFeatures& machine = machine_features();
    switch (feature) {
        case sbi::kFwftMisalignedExcDeleg:
            return machine.misaligned_deleg_control ? Support::kSupported : Support::kNotSupported;
        case sbi::kFwftPteAdHwUpdating:
            return machine.svadu ? Support::kSupported : Support::kNotSupported;
        case sbi::kFwftLandingPad:
        case sbi::kFwftShadowStack:
        case sbi::kFwftDoubleTrap:
        case sbi::kFwftPointerMaskingPmlen: return Support::kNotSupported;
        default: return Support::kDenied;
    }
}

bool& value_of(VcpuFeatures& features, uint32_t feature) {
    return feature == sbi::kFwftMisalignedExcDeleg ? features.misaligned_exc_deleg
                                                   : features.pte_ad_hw_updating;
}

SbiResult get(Vcpu& vcpu, uint32_t feature) {
    switch (support_of(feature)) {
        case Support::kDenied: return SbiResult::error_code(sbi::kErrDenied);
        case Support::kNotSupported: return SbiResult::error_code(sbi::kErrNotSupported);
        case Support::kSupported: break;
    }
    return SbiResult::success(value_of(vcpu.features, feature) ? 1 : 0);
}

SbiResult set(Vcpu& vcpu, uint32_t feature, uint64_t value, uint64_t flags) {
    switch (support_of(feature)) {
        case Support::kDenied: return SbiResult::error_code(sbi::kErrDenied);
        case Support::kNotSupported: return SbiResult::error_code(sbi::kErrNotSupported);
        case Support::kSupported: break;
    }
    // Flags: bit 0 LOCK, the rest reserved and must be zero. Both supported
    // features are booleans.
    if ((flags & ~sbi::kFwftFlagLock) != 0 || value > 1)
        return SbiResult::error_code(sbi::kErrInvalidParam);
    // "Once set, the feature value can no longer be modified until hart
    // reset": any set of a locked feature is refused, as OpenSBI does.
    const uint32_t lock_bit = 1u << feature;
    if ((vcpu.features.locked & lock_bit) != 0) return SbiResult::error_code(sbi::kErrDeniedLocked);

    bool& current = value_of(vcpu.features, feature);
    const bool wanted = value == 1;
    if (wanted != current) {
        if (feature == sbi::kFwftMisalignedExcDeleg) {
            // "In case of failure, feature value is not modified."
            if (!apply_misaligned_exc_deleg(wanted)) return SbiResult::error_code(sbi::kErrFailed);
            current = wanted;
        } else {
            current = wanted;
            load_vcpu_features(vcpu);  // henvcfg.ADUE, live on this hart
        }
    }
    if ((flags & sbi::kFwftFlagLock) != 0) vcpu.features.locked |= lock_bit;
    return SbiResult::success();
}

}  // namespace

SbiResult SbiFwft::call(Vcpu& vcpu, const SbiCall& ecall) {
    // `feature` is a uint32_t argument: the upper half of a0 is not part of it.
    const auto feature = static_cast<uint32_t>(ecall.arg(0));
    switch (ecall.fid) {
        case sbi::kFwftSet: return set(vcpu, feature, ecall.arg(1), ecall.arg(2));
        case sbi::kFwftGet: return get(vcpu, feature);
        default: return SbiResult::error_code(sbi::kErrNotSupported);
    }
}

}  // namespace halyard
