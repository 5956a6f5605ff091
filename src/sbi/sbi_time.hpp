// SPDX-License-Identifier: Apache-2.0
#pragma once
// SBI TIME extension (EID "TIME"): set_timer.

#include "sbi/sbi_extension.hpp"

namespace halyard {

struct SbiTime {
    static constexpr ExitReason kReason = ExitReason::kSbiTime;
    static bool handles(uint64_t eid) { return eid == sbi::kEidTime; }
    static SbiResult call(Vcpu& vcpu, const SbiCall& ecall);
};

}  // namespace halyard
