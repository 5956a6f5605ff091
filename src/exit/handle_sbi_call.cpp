// SPDX-License-Identifier: Apache-2.0
// Exit reason: environment call from VS-mode (scause 10) = an SBI call.

#include "exit/exit_handlers.hpp"
#include "exit/guest_log.hpp"
#include "sbi/sbi_extensions.hpp"
#include "vm/exit_stats.hpp"

namespace halyard {

ExitAction handle_sbi_call(Vcpu& vcpu) {
    VmCpuRegisters& regs = vcpu.regs;
    const uint64_t eid = regs.gpr[kA7];
    const uint64_t fid = regs.gpr[kA6];
    regs.sepc += 4;  // ecall has no compressed form

    SbiResult result;
    if (!SbiExtensions::dispatch(vcpu, eid, fid, result,
                                 [&](ExitReason reason) { count_exit(vcpu, reason); })) {
        count_exit(vcpu, ExitReason::kSbiUnsupported);
        guest_log(vcpu, "SBI call to unknown extension 0x%llx (function %llu): not supported",
                  static_cast<unsigned long long>(eid), static_cast<unsigned long long>(fid));
        result = SbiResult::error_code(sbi::kErrNotSupported);
    }
    regs.gpr[kA0] = static_cast<uint64_t>(result.error);
    regs.gpr[kA1] = result.value;
    return ExitAction::kResume;
}

}  // namespace halyard
