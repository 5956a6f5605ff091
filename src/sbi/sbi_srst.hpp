// SPDX-License-Identifier: Apache-2.0
#pragma once
// SBI System Reset extension (EID "SRST"): the guest's "system" is its VM, so
// shutdown stops the VM and reboots restart it.

#include "sbi/sbi_extension.hpp"

namespace halyard {

struct SbiSrst {
    static constexpr ExitReason kReason = ExitReason::kSbiSrst;
    static bool handles(uint64_t eid) { return eid == sbi::kEidSrst; }
    [[gnu::noinline]] static SbiResult call(Vcpu& vcpu, const SbiCall& ecall);
};

}  // namespace halyard
