// SPDX-License-Identifier: Apache-2.0
#pragma once
// SBI Debug Console extension (EID "DBCN"): write, read, write_byte on the
// VM's console. Buffers are guest-physical and must lie inside the VM's RAM.

#include "sbi/sbi_extension.hpp"

namespace halyard {

struct SbiDbcn {
    static constexpr ExitReason kReason = ExitReason::kSbiDbcn;
    static bool handles(uint64_t eid) { return eid == sbi::kEidDbcn; }
    [[gnu::noinline]] static SbiResult call(Vcpu& vcpu, const SbiCall& ecall);
};

}  // namespace halyard
