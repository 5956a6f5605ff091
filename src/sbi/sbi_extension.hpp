// SPDX-License-Identifier: Apache-2.0
#pragma once
// The shape of an SBI extension offered to guests. An extension is a type
// with:
//   static constexpr ExitReason kReason;          // how its calls are counted
//   static bool handles(uint64_t eid);            // the EID(s) it implements
//   static SbiResult call(Vcpu&, const SbiCall&); // one call
// and one line in sbi_extensions.hpp. Nothing else changes to add one.

#include <cstdint>

#include "halyard/sbi.hpp"
#include "vm/vcpu.hpp"

namespace halyard {

// One SBI call as the guest made it: the extension and function IDs (a7, a6)
// and the six argument registers (a0-a5). The exit fast path builds it from
// the registers themselves (the guest's a0 and a1 are not in VmCpuRegisters
// then), the full exit from VmCpuRegisters.
struct SbiCall {
    uint64_t eid;
    uint64_t fid;
    uint64_t args[6];

    uint64_t arg(unsigned n) const { return args[n]; }
    static SbiCall from_registers(const VmCpuRegisters& regs) {
        return {regs.gpr[kA7],
                regs.gpr[kA6],
                {regs.gpr[kA0], regs.gpr[kA1], regs.gpr[kA2], regs.gpr[kA3], regs.gpr[kA4],
                 regs.gpr[kA5]}};
    }
};

// What an extension's call() returns: the a0/a1 pair of the SBI calling
// convention, nothing else. Two words, so it comes back in registers. A call
// that ends the vCPU's run (hart_stop, a shutdown or reboot) does not return:
// it hands the vCPU to the lifecycle (src/vm/lifecycle.hpp) itself.
struct SbiResult {
    int64_t error = sbi::kSuccess;
    uint64_t value = 0;

    static SbiResult success(uint64_t value = 0) { return {sbi::kSuccess, value}; }
    static SbiResult error_code(int64_t code) { return {code, 0}; }
    // Legacy (v0.1) calls return one value in a0 and leave a1 alone.
    static SbiResult legacy(const SbiCall& ecall, int64_t a0) { return {a0, ecall.arg(1)}; }
    // For a call after which the vCPU resumes elsewhere with a0 and a1 set by
    // the lifecycle (a non-retentive suspend): those, unchanged. Full exit
    // only: on the fast path VmCpuRegisters does not hold the guest's a0/a1.
    static SbiResult registers_as_set(const Vcpu& vcpu) {
        return {static_cast<int64_t>(vcpu.regs.gpr[kA0]), vcpu.regs.gpr[kA1]};
    }
};

}  // namespace halyard
