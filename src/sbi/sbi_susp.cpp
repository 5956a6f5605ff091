// SPDX-License-Identifier: Apache-2.0
#include "sbi/sbi_susp.hpp"

#include "vm/lifecycle.hpp"
#include "vm/vm.hpp"

namespace halyard {
namespace {

constexpr uint64_t kSystemSuspend = 0;
constexpr uint32_t kSuspendToRam = 0;

}  // namespace

SbiResult SbiSusp::call(Vcpu& vcpu, const SbiCall& ecall) {
    if (ecall.fid != kSystemSuspend) return SbiResult::error_code(sbi::kErrNotSupported);
    // sleep_type is 32 bits wide: the upper half of a0 is ignored.
    const auto sleep_type = static_cast<uint32_t>(ecall.arg(0));
    const uint64_t resume_pc = ecall.arg(1);
    // Reserved types and platform-specific ones (none are implemented).
    if (sleep_type != kSuspendToRam) return SbiResult::error_code(sbi::kErrInvalidParam);
    if (!vcpu.vm->ram.contains(resume_pc, 4)) return SbiResult::error_code(sbi::kErrInvalidAddress);
    if (!only_running_vcpu(vcpu)) return SbiResult::error_code(sbi::kErrDenied);
    suspend_current_vcpu(vcpu, false, resume_pc, ecall.arg(2));
    // Resumed at resume_pc with a0 and a1 already set.
    return SbiResult::registers_as_set(vcpu);
}

}  // namespace halyard
