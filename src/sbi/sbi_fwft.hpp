// SPDX-License-Identifier: Apache-2.0
#pragma once
// SBI Firmware Features extension (EID "FWFT", ext-firmware-features.adoc):
// per-vCPU switches for machine features. Halyard honours what the machine
// underneath lets it honour:
//   MISALIGNED_EXC_DELEG  when the firmware's own FWFT offers it (asked at boot);
//   PTE_AD_HW_UPDATING    when henvcfg.ADUE is writable (Svadu);
// and answers NOT_SUPPORTED for the other defined features (LANDING_PAD,
// SHADOW_STACK, DOUBLE_TRAP, POINTER_MASKING_PMLEN: nothing Halyard
// virtualises), DENIED for reserved and platform-specific ones.

#include "sbi/sbi_extension.hpp"

namespace halyard {

struct SbiFwft {
    static constexpr ExitReason kReason = ExitReason::kSbiFwft;
    static bool handles(uint64_t eid) { return eid == sbi::kEidFwft; }
    [[gnu::noinline]] static SbiResult call(Vcpu& vcpu, const SbiCall& ecall);
};

}  // namespace halyard
