// SPDX-License-Identifier: Apache-2.0
// Exit reason: environment call from VS-mode (scause 10) = an SBI call.

#include "arch/csr.hpp"
#include "arch/hart.hpp"
#include "exit/exit_handlers.hpp"
#include "exit/guest_log.hpp"
#include "sbi/sbi_extensions.hpp"
#include "vm/exit_stats.hpp"

namespace halyard {

namespace {

// Out of line, one per fast extension, with the arguments of
// try_fast_sbi_call: that is then a chain of compares ending in a tail call
// with no registers to move. Flattened: the extension's call and what it
// calls are inlined here, so that a call like BASE's is a leaf with no frame,
// its arguments stay in registers and its result goes straight to the trap
// vector in a0/a1 (the fast extensions' call() is therefore not noinline,
// unlike the others'). The guest's pc is read from the sepc CSR before the
// call, which a host trap inside it would overwrite.
template <typename Extension>
[[gnu::noinline, gnu::flatten]] SbiAnswer answer_fast(uint64_t a0, uint64_t a1, uint64_t a2,
                                                      uint64_t a3, uint64_t a4, uint64_t a5,
                                                      uint64_t fid, uint64_t eid) {
    Vcpu& vcpu = Vcpu::from_registers(arch::current_vcpu_registers());
    const uint64_t pc = arch::csr_read<Csr::sepc>();
    count_exit(vcpu, Extension::kReason);
    const auto [error, value] = Extension::call(vcpu, SbiCall{eid, fid, {a0, a1, a2, a3, a4, a5}});
    const SbiAnswer answer = sbi_answer(error, value);
    arch::csr_write<Csr::sepc>(pc + 4);  // ecall has no compressed form
    return answer;
}

// The trap vector saved every argument register but a0 and a1. Out of line,
// so that the extension compares need no register but a temporary.
[[gnu::noinline, gnu::cold]] SbiAnswer leave_to_full_exit(uint64_t a0, uint64_t a1) {
    VmCpuRegisters& regs = *arch::current_vcpu_registers();
    regs.gpr[kA0] = a0;
    regs.gpr[kA1] = a1;
    return sbi_answer(kSbiFullExit, 0);
}

}  // namespace

SbiAnswer try_fast_sbi_call(uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
                            uint64_t a5, uint64_t fid, uint64_t eid) {
    return SbiFastExtensions::visit(
        eid,
        [&]<typename Extension>() {
            return answer_fast<Extension>(a0, a1, a2, a3, a4, a5, fid, eid);
        },
        [&] { return leave_to_full_exit(a0, a1); });
}

ExitAction handle_sbi_call(Vcpu& vcpu) {
    VmCpuRegisters& regs = vcpu.regs;
    const SbiCall ecall = SbiCall::from_registers(regs);
    regs.sepc += 4;  // ecall has no compressed form

    if (!SbiExtensions::dispatch(vcpu, ecall,
                                 [&](ExitReason reason) { count_exit(vcpu, reason); })) {
        count_exit(vcpu, ExitReason::kSbiUnsupported);
        guest_log(vcpu, "SBI call to unknown extension 0x%llx (function %llu): not supported",
                  static_cast<unsigned long long>(ecall.eid),
                  static_cast<unsigned long long>(ecall.fid));
        regs.gpr[kA0] = static_cast<uint64_t>(sbi::kErrNotSupported);
        regs.gpr[kA1] = 0;
    }
    return ExitAction::kResume;
}

}  // namespace halyard
