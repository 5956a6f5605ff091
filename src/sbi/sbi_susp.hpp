// SPDX-License-Identifier: Apache-2.0
#pragma once
// SBI System Suspend extension (EID "SUSP", ext-sys-suspend.adoc) for a VM:
// SUSPEND_TO_RAM, entered when every other vCPU of the VM is stopped. The
// calling vCPU waits, suspended, until an interrupt it enabled is pending,
// then resumes at resume_addr as after a non-retentive HSM suspend (a0 = hart
// id, a1 = opaque, satp = 0, sstatus.SIE = 0). The VM's RAM and devices keep
// their state: that is what suspend to RAM means.

#include "sbi/sbi_extension.hpp"

namespace halyard {

struct SbiSusp {
    static constexpr ExitReason kReason = ExitReason::kSbiSusp;
    static bool handles(uint64_t eid) { return eid == sbi::kEidSusp; }
    [[gnu::noinline]] static SbiResult call(Vcpu& vcpu, const SbiCall& ecall);
};

}  // namespace halyard
