// SPDX-License-Identifier: Apache-2.0
// wild_access: what a guest gets for touching guest-physical addresses with
// nothing behind them, for executing there, and for illegal instructions. A
// hypervisor must answer with the exception real hardware raises (and never
// panic): load access fault (5), store/AMO access fault (7), instruction
// access fault (1), illegal instruction (2), with the right stval and sepc.
// Then the guest shows it is still alive and shuts down.

#include <stdint.h>

#include "guest/check.hpp"
#include "guest/print.hpp"
#include "guest/runtime.hpp"
#include "guest/trap.hpp"
#include "guest/uart.hpp"

using namespace guest;

namespace {

Checks checks("wild_access");

constexpr uint64_t kSentinel = 0x5EA7'5EA7'5EA7'5EA7;

struct Wild {
    uint64_t addr;
    const char* label;
    bool native_device;  // natively, QEMU virt has something at this address
};

// None of these is RAM (0x8000_0000..) or the UART in a Halyard VM. Natively
// QEMU virt has its PCIe window at 0x4000_0000-0x7fff_ffff (loads read ones,
// stores vanish), so the first two only fault under Halyard.
constexpr Wild kWild[] = {
    {0x4000'0000, "0x40000000", true},
    {0x7000'0000, "0x70000000", true},
    {0x1'0000'0000, "0x100000000", false},
    {0x1000'0000'0000, "0x100000000000 (beyond the Sv39x4 guest-physical range)", false},
};

// Reports a trap check. Natively, an address with a QEMU device behind it is
// a SKIP whatever happened; under Halyard every check counts.
void report(const TrapRecord& t, bool ok, const char* what, const Wild& w) {
    checks.prefix();
    print(what);
    print(" at ");
    print(w.label);
    print(": ");
    if (t.taken) {
        print(cause_name(t.scause));
        print(" (scause ");
        print_dec(t.scause);
        print(", stval ");
        print_hex(t.stval);
        print(", sepc ");
        print_hex(t.sepc);
        print(")");
    } else {
        print("no trap");
    }
    newline();
    if (w.native_device && !under_halyard()) {
        checks.skip(what, "natively QEMU has its PCIe window at this address");
        return;
    }
    checks.check(ok, what);
}

void wild_load(const Wild& w) {
    uint64_t value = kSentinel;
    uint64_t pc = 0;
    expect_trap();
    asm volatile(
        ".option push\n.option norvc\n"
        "lla %1, 1f\n"
        "1: ld %0, 0(%2)\n"
        ".option pop"
        : "+r"(value), "=&r"(pc)
        : "r"(w.addr)
        : "memory");
    const TrapRecord t = take_trap();
    report(t,
           t.taken && t.scause == kCauseLoadAccessFault && t.stval == w.addr && t.sepc == pc &&
               value == kSentinel,
           "ld -> load access fault, stval = address, sepc = the ld, no write-back", w);
}

void wild_store(const Wild& w) {
    uint64_t pc = 0;
    expect_trap();
    asm volatile(
        ".option push\n.option norvc\n"
        "lla %0, 1f\n"
        "1: sd %1, 0(%2)\n"
        ".option pop"
        : "=&r"(pc)
        : "r"(kSentinel), "r"(w.addr)
        : "memory");
    const TrapRecord t = take_trap();
    report(t, t.taken && t.scause == kCauseStoreAccessFault && t.stval == w.addr && t.sepc == pc,
           "sd -> store/AMO access fault, stval = address, sepc = the sd", w);
}

// AMOs raise store/AMO faults (privileged spec). QEMU 7.2 on its own reports
// a load access fault for them, so natively cause 5 is tolerated.
void wild_amo(const Wild& w) {
    uint64_t old = kSentinel;
    expect_trap();
    asm volatile("amoadd.w %0, %1, (%2)" : "+r"(old) : "r"(1), "r"(w.addr) : "memory");
    const TrapRecord t = take_trap();
    const bool cause_ok = t.scause == kCauseStoreAccessFault ||
                          (!under_halyard() && t.scause == kCauseLoadAccessFault);
    report(t, t.taken && cause_ok && t.stval == w.addr && old == kSentinel,
           "amoadd.w -> store/AMO access fault, stval = address", w);
}

void wild_fetch(const Wild& w) {
    // Jump there; the fault's sepc is the target itself, so the handler
    // resumes at ra, right after the jalr.
    expect_trap(Resume::kReturnAddress);
    asm volatile("jalr ra, 0(%0)" : : "r"(w.addr) : "ra", "memory");
    const TrapRecord t = take_trap();
    report(t, t.taken && t.scause == kCauseInsnAccessFault && t.stval == w.addr && t.sepc == w.addr,
           "jalr -> instruction access fault, stval = sepc = target", w);
}

// An illegal instruction: stval is either 0 or the instruction's bits.
void illegal(const char* what, uint64_t pc, uint8_t length, const TrapRecord& t,
             bool halyard_only) {
    const uint64_t bits = length == 2 ? *reinterpret_cast<const volatile uint16_t*>(pc)
                                      : *reinterpret_cast<const volatile uint32_t*>(pc);
    checks.prefix();
    print(what);
    print(": ");
    if (t.taken) {
        print(cause_name(t.scause));
        print(" (scause ");
        print_dec(t.scause);
        print(", stval ");
        print_hex(t.stval);
        print(")");
    } else {
        print("no trap");
    }
    newline();
    if (!t.taken && halyard_only && !under_halyard()) {
        checks.skip(what, "legal in HS-mode, where it runs natively");
        return;
    }
    checks.check(t.taken && t.scause == kCauseIllegalInsn && t.sepc == pc &&
                     t.insn_length == length && (t.stval == 0 || t.stval == bits),
                 what);
}

void illegal_instructions() {
    uint64_t pc = 0;
    expect_trap();
    asm volatile("lla %0, 1f\n1: .half 0x0000" : "=&r"(pc) : : "memory");
    illegal("16-bit all-zero instruction -> illegal instruction", pc, 2, take_trap(), false);

    // 0x5c0 is in the custom S-mode read/write CSR range; nothing implements it.
    uint64_t value = kSentinel;
    expect_trap();
    asm volatile(
        ".option push\n.option norvc\n"
        "lla %1, 1f\n"
        "1: csrr %0, 0x5c0\n"
        ".option pop"
        : "+r"(value), "=&r"(pc)
        :
        : "memory");
    illegal("csrr of unimplemented CSR 0x5c0 -> illegal instruction", pc, 4, take_trap(), false);

    // H-extension instructions and CSRs from VS-mode raise a virtual
    // instruction exception that the hypervisor must turn into an illegal
    // instruction for the guest. Natively the guest runs in HS-mode, where
    // they are legal.
    expect_trap();
    asm volatile(
        ".option push\n.option arch, +h\n.option norvc\n"
        "lla %0, 1f\n"
        "1: hfence.gvma zero, zero\n"
        ".option pop"
        : "=&r"(pc)
        :
        : "memory");
    illegal("hfence.gvma from the guest -> illegal instruction", pc, 4, take_trap(), true);

    expect_trap();
    asm volatile(
        ".option push\n.option norvc\n"
        "lla %1, 1f\n"
        "1: csrr %0, 0x600\n"  // hstatus
        ".option pop"
        : "+r"(value), "=&r"(pc)
        :
        : "memory");
    illegal("csrr hstatus from the guest -> illegal instruction", pc, 4, take_trap(), true);
}

}  // namespace

void guest_main() {
    checks.info(under_halyard() ? "running under Halyard" : "running on the firmware alone");
    newline();
    for (const Wild& w : kWild) {
        wild_load(w);
        wild_store(w);
        wild_amo(w);
        wild_fetch(w);
    }
    illegal_instructions();

    // The faults left the guest intact: stack, RAM and the UART still work.
    volatile uint64_t ram[4] = {1, 2, 3, 4};
    uint64_t sum = 0;
    for (uint64_t v : ram) sum += v;
    checks.check_eq(sum, 10, "still alive: RAM and stack work after the faults");
    checks.info("still alive after the wild accesses");
    newline();
    checks.finish();
}
