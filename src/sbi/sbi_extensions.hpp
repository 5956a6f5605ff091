// SPDX-License-Identifier: Apache-2.0
#pragma once
// The SBI extensions every VM sees, in the order calls are matched against
// them (most frequent first). Adding an extension: write its file, add its
// name here.

#include "sbi/sbi_base.hpp"
#include "sbi/sbi_dbcn.hpp"
#include "sbi/sbi_extension_list.hpp"
#include "sbi/sbi_fwft.hpp"
#include "sbi/sbi_halyard_stats.hpp"
#include "sbi/sbi_hsm.hpp"
#include "sbi/sbi_ipi.hpp"
#include "sbi/sbi_legacy.hpp"
#include "sbi/sbi_rfence.hpp"
#include "sbi/sbi_srst.hpp"
#include "sbi/sbi_susp.hpp"
#include "sbi/sbi_time.hpp"

namespace halyard {

using SbiExtensions = SbiExtensionList<SbiBase, SbiTime, SbiIpi, SbiRfence, SbiHsm, SbiDbcn,
                                       SbiLegacy, SbiSrst, SbiHalyardStats, SbiFwft, SbiSusp>;

// Those whose calls the exit fast path answers (src/exit/handle_sbi_call.cpp):
// the ones a running kernel makes all the time. Each call of theirs must
// return (never end the vCPU's run), answer no positive error (the trap vector
// takes one as "declined") and read the guest's registers only through its
// SbiCall: on the fast path VmCpuRegisters has neither the guest's a0 and a1
// nor its sepc and scause (the guest resumes past the ecall at the sepc CSR).
using SbiFastExtensions = SbiExtensionList<SbiBase, SbiTime, SbiIpi, SbiRfence>;

}  // namespace halyard
