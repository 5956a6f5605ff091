// SPDX-License-Identifier: Apache-2.0
#pragma once
// SBI RFENCE extension (EID "RFNC"): remote fence.i and sfence.vma on the
// named vCPUs, done when the call returns. The sfence.vma ranges and ASIDs
// are widened to a full flush of the VM's guest TLB (hfence.vvma). The
// hfence.* functions, for guests that are hypervisors, are not offered.

#include "sbi/sbi_extension.hpp"

namespace halyard {

struct SbiRfence {
    static constexpr ExitReason kReason = ExitReason::kSbiRfence;
    static bool handles(uint64_t eid) { return eid == sbi::kEidRfence; }
    static SbiResult call(Vcpu& vcpu, const SbiCall& ecall);
};

}  // namespace halyard
