// SPDX-License-Identifier: Apache-2.0
#include "sbi/sbi_hsm.hpp"

#include "vm/lifecycle.hpp"
#include "vm/vm.hpp"

namespace halyard {
namespace {

enum HsmFid : uint64_t { kHartStart = 0, kHartStop = 1, kHartGetStatus = 2, kHartSuspend = 3 };

// suspend_type is 32 bits wide: the upper half of a0 is ignored.
constexpr uint32_t kSuspendRetentive = 0x00000000;
constexpr uint32_t kSuspendNonRetentive = 0x80000000;

SbiResult suspend(Vcpu& vcpu, const SbiCall& ecall) {
    const auto type = static_cast<uint32_t>(ecall.arg(0));
    if (type == kSuspendRetentive) {
        suspend_current_vcpu(vcpu, true, 0, 0);
        return SbiResult::success();
    }
    if (type == kSuspendNonRetentive) {
        const uint64_t resume_pc = ecall.arg(1);
        if (!vcpu.vm->ram.contains(resume_pc, 4))
            return SbiResult::error_code(sbi::kErrInvalidAddress);
        const uint64_t opaque = ecall.arg(2);
        suspend_current_vcpu(vcpu, false, resume_pc, opaque);
        // The vCPU resumes at resume_pc with a0 and a1 already set.
        return SbiResult::registers_as_set(vcpu);
    }
    // Reserved or platform-specific types: none are implemented.
    return SbiResult::error_code(sbi::kErrInvalidParam);
}

}  // namespace

SbiResult SbiHsm::call(Vcpu& vcpu, const SbiCall& ecall) {
    Vm& vm = *vcpu.vm;
    const uint64_t hart_id = ecall.arg(0);
    switch (ecall.fid) {
        case kHartStart: {
            if (hart_id >= vm.vcpu_count) return SbiResult::error_code(sbi::kErrInvalidParam);
            const uint64_t start_address = ecall.arg(1);
            if (!vm.ram.contains(start_address, 4))
                return SbiResult::error_code(sbi::kErrInvalidAddress);
            const int64_t error = start_vcpu(vm.vcpus[hart_id], start_address, ecall.arg(2));
            return error == sbi::kSuccess ? SbiResult::success() : SbiResult::error_code(error);
        }
        case kHartStop: stop_current_vcpu(vcpu);
        case kHartGetStatus:
            if (hart_id >= vm.vcpu_count) return SbiResult::error_code(sbi::kErrInvalidParam);
            return SbiResult::success(static_cast<uint64_t>(vm.vcpus[hart_id].hsm_state.load()));
        case kHartSuspend: return suspend(vcpu, ecall);
        default: return SbiResult::error_code(sbi::kErrNotSupported);
    }
}

}  // namespace halyard
