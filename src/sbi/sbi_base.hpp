// SPDX-License-Identifier: Apache-2.0
#pragma once
// SBI BASE extension (EID 0x10): versions, probing, and the machine IDs of
// the real hart underneath.

#include "sbi/sbi_extension.hpp"

namespace halyard {

struct MachineIds {
    uint64_t mvendorid = 0;
    uint64_t marchid = 0;
    uint64_t mimpid = 0;
};

struct SbiBase {
    static constexpr ExitReason kReason = ExitReason::kSbiBase;
    static constexpr uint64_t kImplVersion = (0u << 16) | (1u << 8) | 0u;  // Halyard 0.1.0
    static bool handles(uint64_t eid) { return eid == sbi::kEidBase; }
    static SbiResult call(Vcpu& vcpu, const SbiCall& ecall);

    // The firmware's answers, read once at boot (they are M-mode CSRs).
    static void set_machine_ids(const MachineIds& ids);
};

}  // namespace halyard
