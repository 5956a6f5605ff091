// SPDX-License-Identifier: Apache-2.0
#include "sbi/sbi_ipi.hpp"

#include "sbi/hart_mask.hpp"
#include "vm/vcpu_requests.hpp"

namespace halyard {

SbiResult SbiIpi::call(Vcpu& vcpu, uint64_t, uint64_t fid) {
    if (fid != 0) return SbiResult::error_code(sbi::kErrNotSupported);
    const bool valid = for_each_vcpu_in_hart_mask(
        *vcpu.vm, sbi_arg(vcpu, 0), sbi_arg(vcpu, 1),
        [&](Vcpu& target) { post_vcpu_request(vcpu, target, kRequestSoftwareInterrupt); });
    return valid ? SbiResult::success() : SbiResult::error_code(sbi::kErrInvalidParam);
}

}  // namespace halyard
