#include "sbi/sbi_hsm.hpp"

#include "arch/firmware.hpp"
#include "arch/hart.hpp"
#include "vm/vm.hpp"
#include "vm/vm_setup.hpp"

namespace halyard {
namespace {

enum HsmFid : uint64_t { kHartStart = 0, kHartStop = 1, kHartGetStatus = 2, kHartSuspend = 3 };

constexpr uint32_t kSuspendRetentive = 0x00000000;
constexpr uint32_t kSuspendNonRetentive = 0x80000000;

SbiResult suspend(uint64_t type_register) {
    const auto type = static_cast<uint32_t>(type_register);
    if (type == kSuspendRetentive) {
        // Like WFI: back on the next interrupt (pending for the guest or for
        // Halyard); the guest's own handler runs when it re-enables them.
        arch::wait_for_interrupt();
        return SbiResult::success();
    }
    if (type == kSuspendNonRetentive) return SbiResult::error_code(sbi::kErrNotSupported);
    // Reserved or platform-specific types: none are implemented.
    return SbiResult::error_code(sbi::kErrInvalidParam);
}

}  // namespace

int64_t start_vcpu(Vcpu& target, uint64_t start_address, uint64_t opaque) {
    HsmState expected = HsmState::kStopped;
    if (!target.hsm_state.compare_exchange_strong(expected, HsmState::kStartPending))
        return sbi::kErrAlreadyAvailable;
    reset_vcpu(target);
    target.regs.sepc = start_address;
    target.regs.gpr[kA1] = opaque;
    const sbi::SbiRet ret = arch::firmware_call(sbi::kEidHsm, kHartStart, target.host_hart_id,
                                                arch::secondary_entry_address(), target.hart_slot);
    if (ret.error != sbi::kSuccess) {
        target.hsm_state.store(HsmState::kStopped);
        return sbi::kErrFailed;
    }
    return sbi::kSuccess;
}

SbiResult SbiHsm::call(Vcpu& vcpu, uint64_t, uint64_t fid) {
    Vm& vm = *vcpu.vm;
    const uint64_t hart_id = sbi_arg(vcpu, 0);
    switch (fid) {
        case kHartStart: {
            if (hart_id >= vm.vcpu_count) return SbiResult::error_code(sbi::kErrInvalidParam);
            const uint64_t start_address = sbi_arg(vcpu, 1);
            if (!vm.ram.contains(start_address, 4))
                return SbiResult::error_code(sbi::kErrInvalidAddress);
            const int64_t error = start_vcpu(vm.vcpus[hart_id], start_address, sbi_arg(vcpu, 2));
            return error == sbi::kSuccess ? SbiResult::success() : SbiResult::error_code(error);
        }
        case kHartStop: return SbiResult::stop_vcpu();
        case kHartGetStatus:
            if (hart_id >= vm.vcpu_count) return SbiResult::error_code(sbi::kErrInvalidParam);
            return SbiResult::success(static_cast<uint64_t>(vm.vcpus[hart_id].hsm_state.load()));
        case kHartSuspend: return suspend(sbi_arg(vcpu, 0));
        default: return SbiResult::error_code(sbi::kErrNotSupported);
    }
}

}  // namespace halyard
