// SPDX-License-Identifier: Apache-2.0
#pragma once
// Halyard's own SBI extension (EID 0x0A48594C, firmware-specific range): lets
// a guest start, stop, reset and read its VM's exit statistics, so that a
// benchmark inside the guest can count exits around the code it measures.
//   fid 0 STATS_START        counting on (the default)
//   fid 1 STATS_STOP         counting off; counters keep their values
//   fid 2 STATS_RESET        all counters of the VM to zero
//   fid 3 STATS_READ(index)  a1 = count for exit reason `index`
//                            (include/halyard/exit_reason.hpp); INVALID_PARAM past the end
//   fid 4 STATS_NUM_REASONS  a1 = number of exit reasons
//   fid 5 STATS_READ_FULL_PATH
//                            a1 = how many of the counted exits took the full
//                            path (were not finished by the exit fast path);
//                            while counting is on, this call is one of them
// Every count is the whole VM's, all its vCPUs' exits together.

#include "sbi/sbi_extension.hpp"

namespace halyard {

struct SbiHalyardStats {
    static constexpr ExitReason kReason = ExitReason::kSbiHalyard;
    static bool handles(uint64_t eid) { return eid == sbi::kEidHalyard; }
    [[gnu::noinline]] static SbiResult call(Vcpu& vcpu, const SbiCall& ecall);
};

}  // namespace halyard
