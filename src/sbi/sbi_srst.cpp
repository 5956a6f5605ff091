// SPDX-License-Identifier: Apache-2.0
#include "sbi/sbi_srst.hpp"

#include "vm/lifecycle.hpp"

namespace halyard {
namespace {

constexpr uint32_t kReasonNone = 0;
constexpr uint32_t kReasonSystemFailure = 1;

}  // namespace

SbiResult SbiSrst::call(Vcpu& vcpu, const SbiCall& ecall) {
    if (ecall.fid != sbi::kSrstSystemReset) return SbiResult::error_code(sbi::kErrNotSupported);
    // Both parameters are 32 bits wide; the upper register half is ignored.
    const uint32_t type = static_cast<uint32_t>(ecall.arg(0));
    const uint32_t reason = static_cast<uint32_t>(ecall.arg(1));
    // Reserved and vendor-specific reasons and types are not implemented:
    // the spec answers those with INVALID_PARAM.
    if (reason != kReasonNone && reason != kReasonSystemFailure)
        return SbiResult::error_code(sbi::kErrInvalidParam);
    switch (type) {
        case sbi::kResetShutdown: shutdown_vm_from(vcpu);
        case sbi::kResetColdReboot:
        case sbi::kResetWarmReboot: reboot_vm(vcpu);
        default: return SbiResult::error_code(sbi::kErrInvalidParam);
    }
}

}  // namespace halyard
