// SPDX-License-Identifier: Apache-2.0
#pragma once
// One handler per exit reason, each in its own file (handle_*.cpp). The
// dispatch in vmexit_handler.cpp is the single place that names them.
// Only the SBI call is inlined into the exit path (with LTO); the others are
// kept out of line so that their register needs do not slow the hot path.

#include "exit/exit_action.hpp"
#include "halyard/sbi.hpp"
#include "vm/vcpu.hpp"

namespace halyard {

// An SBI call's answer as the trap vector takes it back from C++: the error
// in the low half (a0) and the value in the high half (a1). An integer
// rather than a struct of two words, which GCC 12 keeps in a stack slot
// across the inlined calls that produce it.
using SbiAnswer = unsigned __int128;
constexpr SbiAnswer sbi_answer(int64_t error, uint64_t value) {
    return SbiAnswer{value} << 64 | static_cast<uint64_t>(error);
}
constexpr int64_t sbi_answer_error(SbiAnswer answer) {
    return static_cast<int64_t>(static_cast<uint64_t>(answer));
}
constexpr uint64_t sbi_answer_value(SbiAnswer answer) {
    return static_cast<uint64_t>(answer >> 64);
}

// The error try_fast_sbi_call answers a call it leaves to the full exit with.
// No SBI call answers a positive error, so the trap vector tells it from an
// answer with one bgtz.
inline constexpr int64_t kSbiFullExit = 1;
static_assert(kSbiFullExit > sbi::kSuccess);

ExitAction handle_sbi_call(Vcpu& vcpu);
// The fast-path halves (see try_fast_exit in vmexit_handler.hpp).
// Out of line, so that each keeps its own (few) registers: the exit path
// saves no more than the one taken needs. try_fast_sbi_call may be inlined:
// it only compares, and ends in a tail call to one out-of-line answer per
// extension.
//
// An SBI call, with the guest's a0-a5, a6 (fid) and a7 (eid) as the trap
// vector left them and the vCPU's registers in tp, where the guest's a0 and a1
// are not saved. Returns the answer for the guest's a0/a1 with the sepc CSR
// past the ecall; or, for a call the full exit takes, kSbiFullExit as the
// error, with a0 and a1 stored in VmCpuRegisters and nothing else changed
// (halyard_vmexit_sbi in vmexit_entry.cpp).
SbiAnswer try_fast_sbi_call(uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
                            uint64_t a5, uint64_t fid, uint64_t eid);
// A load or store guest-page fault only (scause 21 or 23: try_fast_exit's
// dispatch). The arguments in the order halyard_vmexit_fast has them.
[[gnu::noinline]] FastExit try_fast_device_access(Vcpu& vcpu, uint64_t sepc, uint64_t scause);
[[gnu::noinline]] FastExit handle_timer_interrupt(Vcpu& vcpu);  // always finishes
[[gnu::noinline]] FastExit try_fast_software_interrupt(Vcpu& vcpu);
[[gnu::noinline]] ExitAction handle_guest_page_fault(Vcpu& vcpu);  // load/store (21, 23)
[[gnu::noinline]] ExitAction handle_instruction_guest_page_fault(Vcpu& vcpu);    // fetch (20)
[[gnu::noinline, gnu::cold]] ExitAction handle_illegal_instruction(Vcpu& vcpu);  // 2 and 22
[[gnu::noinline, gnu::cold]] ExitAction handle_external_interrupt(Vcpu& vcpu);
[[gnu::noinline]] ExitAction handle_software_interrupt(Vcpu& vcpu);
[[gnu::noinline, gnu::cold]] ExitAction handle_unexpected_trap(Vcpu& vcpu);

}  // namespace halyard
