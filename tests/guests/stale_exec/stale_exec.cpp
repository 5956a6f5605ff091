// SPDX-License-Identifier: Apache-2.0
// stale_exec: a device access by an instruction whose page the guest
// unmapped in its own page table after the hart cached the translation. No SFENCE.VMA follows the
// change, so the hart may go on fetching through the old translation (privileged spec: a PTE change
// is only sure to be seen after SFENCE.VMA), and QEMU does: the load runs and faults on the device
// (a G-stage fault). Halyard then needs the instruction:
//   - from htinst (QEMU 10 writes it for a 32-bit load): the access is
//     emulated; the return after it, fetched afresh after the exit, takes an
//     instruction page fault, which this guest catches and reports;
//   - from guest memory (QEMU 7.2 leaves htinst 0): Halyard reads it with
//     HLVX, which walks the tables afresh (this address was never read with
//     HLVX before), finds the page unmapped and faults in HS-mode. Halyard
//     must recover from its own trap and answer as a hart that fetched
//     through the new translation would have: an instruction page fault at
//     the load, which has not happened.
// Natively the load and the return both run through the old translation.
// With `zcb=1` in its bootargs the load is Zcb's compressed c.lbu, which QEMU
// 10 does not describe in htinst either (run with --cpu rv64,h=true,zcb=true):
// there too Halyard reads it with HLVX, on a hart that clears hstatus.SPV on
// a trap from HS-mode as the H extension says.

#include <stdint.h>

#include "guest/bootargs.hpp"
#include "guest/check.hpp"
#include "guest/print.hpp"
#include "guest/runtime.hpp"
#include "guest/sv39.hpp"
#include "guest/trap.hpp"
#include "guest/uart.hpp"

using namespace guest;
using namespace guest::sv39;

namespace {

Checks checks("stale_exec");

constexpr uint64_t kCauseInsnPageFault = 12;
constexpr uintptr_t kCodeVa = 0xC000'0000;     // root[3]: the code page below
constexpr uint32_t kBeqzA0Ret = 0x00050463;    // beqz a0, 8 (to the ret)
constexpr uint32_t kLbuA0A0Lsr = 0x00554503;   // lbu a0, 5(a0)
constexpr uint32_t kCLbuA0A0Nop = 0x00018148;  // c.lbu a0, 1(a0); c.nop
constexpr uint32_t kRet = 0x00008067;          // jalr zero, 0(ra)
constexpr uint64_t kLsrIdle = 0x60;            // THRE | TEMT

alignas(4096) uint64_t g_root[512];
alignas(4096) uint64_t g_level1[512];
alignas(4096) uint64_t g_level0[512];
alignas(4096) uint32_t g_code[1024];

// LSR of the UART at `uart_base` (at `uart_base` + 4 for the Zcb form), or 0
// for 0 (no access at all).
using ReadLsr = uint64_t (*)(uintptr_t uart_base);

void build_page_tables() {
    g_root[0] = pte(0, kLeafRw);                    // devices where they are (printing)
    g_root[2] = pte(0x8000'0000, kLeafRw | kPteX);  // RAM where it is
    g_root[3] = pte(reinterpret_cast<uintptr_t>(g_level1), kPteV);
    g_level1[0] = pte(reinterpret_cast<uintptr_t>(g_level0), kPteV);
    g_level0[0] = pte(reinterpret_cast<uintptr_t>(g_code), kPteV | kPteR | kPteX | kPteA);
}

}  // namespace

void guest_main() {
    const bool zcb = bootarg_number("zcb", 0) != 0;
    // The argument for the page's load: its offset is 5 (LSR), or 1 past it.
    const uintptr_t lsr_base = zcb ? uart::kBase + 4 : uart::kBase;
    g_code[0] = kBeqzA0Ret;
    g_code[1] = zcb ? kCLbuA0A0Nop : kLbuA0A0Lsr;
    g_code[2] = kRet;
    asm volatile("fence.i" ::: "memory");
    build_page_tables();
    use_root(g_root);
    const auto read_lsr = reinterpret_cast<ReadLsr>(kCodeVa);
    checks.prefix();
    print("running the page, then calling it again through its stale translation");
    newline();

    // From the end of that line's last exit to the load, nothing may exit
    // (QEMU drops the guest's cached translations on each switch into
    // Halyard). The first call runs the page without touching the UART, so
    // the hart caches the translation and Halyard never reads the page.
    // Then execute permission goes, no SFENCE.VMA follows, and the page is
    // called again to read LSR.
    const uint64_t warm = read_lsr(0);
    expect_trap(Resume::kReturnAddress);
    g_level0[0] = 0;
    asm volatile("" ::: "memory");
    const uint64_t stale = read_lsr(lsr_base);
    const TrapRecord trap = take_trap();
    use_root(nullptr);
    checks.check_eq(warm, 0, "the first call, which reads nothing");
    checks.prefix();
    if (!trap.taken) {
        print("no trap: the old translation served the load and the return");
    } else if (trap.sepc == kCodeVa + 4) {
        print("the load's own fetch took ");
        print(cause_name(trap.scause));
        print(" at ");
        print_hex(trap.stval);
    } else {
        print("the load was done; then ");
        print(cause_name(trap.scause));
        print(" at ");
        print_hex(trap.sepc);
    }
    newline();
    if (trap.taken && trap.sepc == kCodeVa + 4) {
        // The fetch of the load faulted: it did nothing, and a0 is still
        // the argument. A page fault, as the page is unmapped; but QEMU 7.2
        // reports Halyard's HLVX read of it as a load access fault (it looks
        // at HS-mode's satp, which is bare, not at vsatp), and Halyard
        // passes on what the hart reported: an instruction access fault.
        checks.check(trap.scause == kCauseInsnPageFault || trap.scause == kCauseInsnAccessFault,
                     "the load's fetch faults");
        checks.check_eq(trap.stval, kCodeVa + 4, "at the load");
        checks.check_eq(stale, lsr_base, "the load did not happen");
    } else {
        checks.check_eq(stale & kLsrIdle, kLsrIdle, "LSR read through the stale translation");
        if (trap.taken) {
            checks.check_eq(trap.scause, kCauseInsnPageFault, "the return's fetch faults");
            checks.check_eq(trap.sepc, kCodeVa + 8, "at the return");
        }
    }
    checks.finish();
}
