// SPDX-License-Identifier: Apache-2.0
#pragma once
// SBI Hart State Management (EID "HSM") for a VM's vCPUs: hart_start,
// hart_stop, hart_get_status and hart_suspend (retentive and non-retentive
// default suspend). The state machine itself lives in src/vm/lifecycle.hpp.

#include "sbi/sbi_extension.hpp"

namespace halyard {

struct SbiHsm {
    static constexpr ExitReason kReason = ExitReason::kSbiHsm;
    static bool handles(uint64_t eid) { return eid == sbi::kEidHsm; }
    [[gnu::noinline]] static SbiResult call(Vcpu& vcpu, const SbiCall& ecall);
};

}  // namespace halyard
