// SPDX-License-Identifier: Apache-2.0
#include "exit/inject_exception.hpp"

#include "arch/csr.hpp"

namespace halyard {

void inject_exception(Vcpu& vcpu, Exception cause, uint64_t tval) {
    // sstatus.SPP was set by the exit to the guest's privilege at the trap
    // (VS = 1, VU = 0): that becomes vsstatus.SPP, as in a real VS-mode trap.
    const bool from_vs = (arch::csr_read<Csr::sstatus>() & sstatus::kSpp) != 0;
    uint64_t vs = arch::csr_read<Csr::vsstatus>();
    const bool interrupts_were_on = (vs & sstatus::kSie) != 0;
    vs &= ~(sstatus::kSpp | sstatus::kSpie | sstatus::kSie);
    if (from_vs) vs |= sstatus::kSpp;
    if (interrupts_were_on) vs |= sstatus::kSpie;
    arch::csr_write<Csr::vsstatus>(vs);
    arch::csr_write<Csr::vsepc>(vcpu.regs.sepc);
    arch::csr_write<Csr::vscause>(cause_code(cause));
    arch::csr_write<Csr::vstval>(tval);
    // Exceptions always go to the vstvec base, even in vectored mode.
    vcpu.regs.sepc = arch::csr_read<Csr::vstvec>() & ~3ull;
    arch::csr_set<Csr::sstatus>(sstatus::kSpp);  // the handler runs in VS-mode
}

}  // namespace halyard
