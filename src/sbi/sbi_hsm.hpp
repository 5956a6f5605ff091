#pragma once
// SBI Hart State Management (EID "HSM") for a VM's vCPUs: hart_start,
// hart_stop, hart_get_status and hart_suspend (retentive suspend waits for
// an interrupt like WFI; non-retentive suspend is not offered). Each vCPU
// owns a physical hart, which Halyard starts and stops through the firmware's
// own HSM.

#include "sbi/sbi_extension.hpp"

namespace halyard {

struct SbiHsm {
    static constexpr ExitReason kReason = ExitReason::kSbiHsm;
    static bool handles(uint64_t eid) { return eid == sbi::kEidHsm; }
    [[gnu::noinline]] static SbiResult call(Vcpu& vcpu, uint64_t eid, uint64_t fid);
};

// Starts `target` (stopped) at `start_address` with a0 = its hart id and
// a1 = `opaque`, on its physical hart. Used by hart_start and at boot.
int64_t start_vcpu(Vcpu& target, uint64_t start_address, uint64_t opaque);

}  // namespace halyard
