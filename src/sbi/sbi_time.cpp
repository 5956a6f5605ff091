// SPDX-License-Identifier: Apache-2.0
#include "sbi/sbi_time.hpp"

#include "vm/vcpu_timer.hpp"

namespace halyard {

SbiResult SbiTime::call(Vcpu& vcpu, const SbiCall& ecall) {
    if (ecall.fid != 0) return SbiResult::error_code(sbi::kErrNotSupported);
    vcpu_set_timer(vcpu, ecall.arg(0));
    return SbiResult::success();
}

}  // namespace halyard
