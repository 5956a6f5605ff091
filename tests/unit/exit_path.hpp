// SPDX-License-Identifier: Apache-2.0
#pragma once
// What arch/riscv64/trap_vector.S does with a VM exit, for host tests: the
// fast path first (halyard_vmexit_sbi for an SBI call, halyard_vmexit_fast
// for any other exit), then, if it declines, the full handler. It checks the fast path's contract
// on the way: the registers the trap vector has not saved when it calls the fast path (gp, s0-s11
// and the reserved t2-t6) hold junk in VmCpuRegisters then, so the fast path must neither read nor
// write them; when it declines, it must have left the guest's registers as they were.

#include <array>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "arch/fake_hart_state.hpp"
#include "exit/exit_handlers.hpp"
#include "exit/vmexit_handler.hpp"
#include "halyard/csr_numbers.hpp"
#include "halyard/trap_cause.hpp"
#include "vm/vcpu.hpp"

extern "C" uint64_t halyard_vmexit_fast(halyard::VmCpuRegisters* regs, uint64_t sepc,
                                        uint64_t scause);
extern "C" halyard::SbiAnswer halyard_vmexit_sbi(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t,
                                                 uint64_t, uint64_t fid, uint64_t eid);

namespace halyard::testing {

// Written where the trap vector has not saved anything yet.
inline constexpr uint64_t kUnsavedRegisterJunk = 0xdead'5afe'0bad'f00dull;

// The fast path alone, as the trap vector calls it for the exit vcpu.regs
// describes (gpr, sepc, trap.scause); the caller sets the trap CSRs a
// handler reads (stval, htval, htinst) in the fake hart. On kDone, regs.sepc
// is where the guest resumes. Aborts if the fast path breaks its contract.
inline FastExit run_fast_path(Vcpu& vcpu) {
    VmCpuRegisters& regs = vcpu.regs;
    std::array<uint64_t, 32> guest = std::to_array(regs.gpr);
    for (unsigned n = 1; n < 32; ++n)
        if ((kFastPathGprs >> n & 1) == 0) regs.gpr[n] = kUnsavedRegisterJunk;
    fake::hart[Csr::sepc] = regs.sepc;
    const uint64_t sepc = regs.sepc;
    const uint64_t scause = regs.trap.scause;
    uint64_t result = 0;
    if (scause == cause_code(Exception::kEcallFromVs)) {
        // Only tp names the vCPU; regs.sepc and regs.trap are stale, and the
        // guest's a0 and a1 are in registers alone.
        fake::hart.current_registers = &regs;
        regs.sepc = kUnsavedRegisterJunk;
        regs.trap.scause = kUnsavedRegisterJunk;
        regs.gpr[kA0] = kUnsavedRegisterJunk;
        regs.gpr[kA1] = kUnsavedRegisterJunk;
        const SbiAnswer answer =
            halyard_vmexit_sbi(guest[kA0], guest[kA1], regs.gpr[kA2], regs.gpr[kA3], regs.gpr[kA4],
                               regs.gpr[kA5], regs.gpr[kA6], regs.gpr[kA7]);
        if (sbi_answer_error(answer) == kSbiFullExit) {
            // It must have saved the guest's a0 and a1 (the full exit reads
            // them from regs): the declined exit's check below.
            result = 1;
            regs.sepc = fake::hart[Csr::sepc];  // as the trap vector fills them in
            regs.trap.scause = scause;
        } else {
            // The answer goes to a0/a1 from registers: a write to their
            // slots would be lost.
            if (regs.gpr[kA0] != kUnsavedRegisterJunk || regs.gpr[kA1] != kUnsavedRegisterJunk)
                std::abort();
            if (sbi_answer_error(answer) > 0) std::abort();  // would be taken as declined
            regs.gpr[kA0] = static_cast<uint64_t>(sbi_answer_error(answer));
            regs.gpr[kA1] = sbi_answer_value(answer);
            guest[kA0] = regs.gpr[kA0];
            guest[kA1] = regs.gpr[kA1];
        }
    } else {
        result = halyard_vmexit_fast(&regs, sepc, scause);
    }
    for (unsigned n = 1; n < 32; ++n) {
        if ((kFastPathGprs >> n & 1) != 0) continue;
        if (regs.gpr[n] != kUnsavedRegisterJunk) std::abort();  // written by the fast path
        regs.gpr[n] = guest[n];  // the trap vector saves them now, or they never left
    }
    if (result == static_cast<uint64_t>(FastExit::kDone)) {
        // An answered SBI call resumes with every register the trap vector
        // reloads from VmCpuRegisters (ra, sp, t0, t1, a2-a7, tp) as the guest
        // left it: the SBI calling convention changes a0 and a1 only.
        if (scause == cause_code(Exception::kEcallFromVs) &&
            std::memcmp(regs.gpr, guest.data(), sizeof regs.gpr) != 0)
            std::abort();
        regs.sepc = fake::hart[Csr::sepc];
        return FastExit::kDone;
    }
    if (std::memcmp(regs.gpr, guest.data(), sizeof regs.gpr) != 0 || regs.sepc != sepc)
        std::abort();  // a declined exit must not have changed the guest's registers
    return FastExit::kFullExit;
}

// Takes the exit as the trap vector does: the fast path, then if it declines
// the full handler.
inline ExitAction take_exit(Vcpu& vcpu) {
    if (run_fast_path(vcpu) == FastExit::kDone) return ExitAction::kResume;
    return vmexit_handler(vcpu);
}

}  // namespace halyard::testing
