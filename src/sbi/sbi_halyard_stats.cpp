// SPDX-License-Identifier: Apache-2.0
#include "sbi/sbi_halyard_stats.hpp"

#include "vm/exit_stats.hpp"

namespace halyard {

SbiResult SbiHalyardStats::call(Vcpu& vcpu, const SbiCall& ecall) {
    Vm& vm = *vcpu.vm;
    switch (ecall.fid) {
        case sbi::kStatsStart: vm.set_exit_counting(true); return SbiResult::success();
        case sbi::kStatsStop: vm.set_exit_counting(false); return SbiResult::success();
        case sbi::kStatsReset: vm_reset_exit_counts(vm); return SbiResult::success();
        case sbi::kStatsRead: {
            uint64_t index = ecall.arg(0);
            if (index >= kExitReasonCount) return SbiResult::error_code(sbi::kErrInvalidParam);
            return SbiResult::success(vm_exit_count(vm, static_cast<unsigned>(index)));
        }
        case sbi::kStatsNumReasons: return SbiResult::success(kExitReasonCount);
        case sbi::kStatsReadFullPath: return SbiResult::success(vm_full_exit_count(vm));
        default: return SbiResult::error_code(sbi::kErrNotSupported);
    }
}

}  // namespace halyard
