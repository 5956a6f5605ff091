// SPDX-License-Identifier: Apache-2.0
#pragma once
// SBI IPI extension (EID "sPI"): send_ipi raises a supervisor software
// interrupt (VSSIP) on the named vCPUs.

#include "sbi/sbi_extension.hpp"

namespace halyard {

struct SbiIpi {
    static constexpr ExitReason kReason = ExitReason::kSbiIpi;
    static bool handles(uint64_t eid) { return eid == sbi::kEidIpi; }
    static SbiResult call(Vcpu& vcpu, const SbiCall& ecall);
};

}  // namespace halyard
