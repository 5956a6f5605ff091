// SPDX-License-Identifier: Apache-2.0
#include "sbi/sbi_ipi.hpp"

#include "sbi/hart_mask.hpp"
#include "vm/vcpu_requests.hpp"

namespace halyard {

SbiResult SbiIpi::call(Vcpu& vcpu, const SbiCall& ecall) {
    if (ecall.fid != 0) return SbiResult::error_code(sbi::kErrNotSupported);
    const bool valid = for_each_vcpu_in_hart_mask(
        *vcpu.vm, ecall.arg(0), ecall.arg(1),
        [&](Vcpu& target) { post_vcpu_request(vcpu, target, kRequestSoftwareInterrupt); });
    return valid ? SbiResult::success() : SbiResult::error_code(sbi::kErrInvalidParam);
}

}  // namespace halyard
