// SPDX-License-Identifier: Apache-2.0
// Exit reason: environment call from VS-mode (scause 10) = an SBI call.

#include "arch/csr.hpp"
#include "exit/exit_handlers.hpp"
#include "exit/guest_log.hpp"
#include "sbi/sbi_extensions.hpp"
#include "vm/exit_stats.hpp"

namespace halyard {

namespace {

// Out of line, one per fast extension: try_fast_sbi_call then needs no frame
// of its own. Flattened: the extension's call and what it calls are inlined
// here, so that a call like BASE's is a leaf with no frame and its result goes
// straight to the trap vector in a0/a1 (the fast extensions' call() is
// therefore not noinline, unlike the others'). The guest's pc is read from the
// sepc CSR before the call, which a host trap inside it would overwrite.
template <typename Extension>
[[gnu::noinline, gnu::flatten]] SbiAnswer answer_fast(Vcpu& vcpu, uint64_t eid, uint64_t fid) {
    const uint64_t pc = arch::csr_read<Csr::sepc>();
    count_exit(vcpu, Extension::kReason);
    const auto [error, value] = Extension::call(vcpu, eid, fid);
    const SbiAnswer answer = sbi_answer(error, value);
    arch::csr_write<Csr::sepc>(pc + 4);  // ecall has no compressed form
    return answer;
}

}  // namespace

SbiAnswer try_fast_sbi_call(Vcpu& vcpu, uint64_t eid, uint64_t fid) {
    return SbiFastExtensions::visit(
        eid, [&]<typename Extension>() { return answer_fast<Extension>(vcpu, eid, fid); },
        sbi_answer(kSbiFullExit, 0));
}

ExitAction handle_sbi_call(Vcpu& vcpu) {
    VmCpuRegisters& regs = vcpu.regs;
    const uint64_t eid = regs.gpr[kA7];
    const uint64_t fid = regs.gpr[kA6];
    regs.sepc += 4;  // ecall has no compressed form

    if (!SbiExtensions::dispatch(vcpu, eid, fid,
                                 [&](ExitReason reason) { count_exit(vcpu, reason); })) {
        count_exit(vcpu, ExitReason::kSbiUnsupported);
        guest_log(vcpu, "SBI call to unknown extension 0x%llx (function %llu): not supported",
                  static_cast<unsigned long long>(eid), static_cast<unsigned long long>(fid));
        regs.gpr[kA0] = static_cast<uint64_t>(sbi::kErrNotSupported);
        regs.gpr[kA1] = 0;
    }
    return ExitAction::kResume;
}

}  // namespace halyard
