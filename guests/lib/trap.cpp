// SPDX-License-Identifier: Apache-2.0
#include "guest/trap.hpp"

#include "guest/print.hpp"
#include "guest/runtime.hpp"
#include "guest/sbi.hpp"

// The image's bounds (start.S, guest.ld): where a faulting instruction can be read.
extern "C" char _start[];
extern "C" char __image_end[];

namespace guest {
namespace {

struct Expectation {
    bool armed;
    Resume resume;
    TrapRecord record;
};

// Written by the trap handler behind the compiler's back: volatile.
volatile Expectation g_expect;
volatile unsigned g_depth;

bool is_fetch_fault(uint64_t cause) {
    return cause == kCauseInsnMisaligned || cause == kCauseInsnAccessFault || cause == 12 ||
           cause == 20;
}

// Length of the instruction at pc from its first 16-bit parcel: the two low
// bits are 11 for every 32-bit instruction, anything else is compressed.
uint8_t instruction_length(uint64_t pc) {
    uint16_t parcel = *reinterpret_cast<volatile const uint16_t*>(pc);
    return (parcel & 3) == 3 ? 4 : 2;
}

bool in_image(uint64_t pc) {
    return pc >= reinterpret_cast<uint64_t>(_start) &&
           pc + 4 <= reinterpret_cast<uint64_t>(__image_end);
}

[[noreturn]] void unexpected(const TrapFrame& f) {
    print(guest_name());
    print(": FAIL unexpected trap: ");
    print(cause_name(f.scause));
    print(" (scause ");
    print_hex(f.scause);
    print(") sepc ");
    print_hex(f.sepc);
    print(" stval ");
    print_hex(f.stval);
    newline();
    halt("ABORTED", true);
}

}  // namespace

void expect_trap(Resume resume) {
    g_expect.record.taken = false;
    g_expect.record.scause = 0;
    g_expect.record.stval = 0;
    g_expect.record.sepc = 0;
    g_expect.record.insn_length = 0;
    g_expect.resume = resume;
    g_expect.armed = true;
    asm volatile("" ::: "memory");
}

TrapRecord take_trap() {
    asm volatile("" ::: "memory");
    g_expect.armed = false;
    TrapRecord r;
    r.taken = g_expect.record.taken;
    r.scause = g_expect.record.scause;
    r.stval = g_expect.record.stval;
    r.sepc = g_expect.record.sepc;
    r.insn_length = g_expect.record.insn_length;
    return r;
}

const char* cause_name(uint64_t scause) {
    if ((scause >> 63) != 0) return "interrupt";
    switch (scause) {
        case 0: return "instruction address misaligned";
        case 1: return "instruction access fault";
        case 2: return "illegal instruction";
        case 3: return "breakpoint";
        case 4: return "load address misaligned";
        case 5: return "load access fault";
        case 6: return "store/AMO address misaligned";
        case 7: return "store/AMO access fault";
        case 8: return "environment call from U-mode";
        case 9: return "environment call from S-mode";
        case 12: return "instruction page fault";
        case 13: return "load page fault";
        case 15: return "store/AMO page fault";
        default: return "other exception";
    }
}

// Called by guest_trap_vector with the saved frame; whatever it leaves in the
// frame is what the interrupted code continues with.
extern "C" void guest_trap_dispatch(TrapFrame* frame) {
    g_depth = g_depth + 1;
    if (g_depth > 1) {
        // The handler itself trapped (a bug, or a UART that traps wrongly):
        // touch nothing that could trap again, just power off with a failure.
        sbi::shutdown(sbi::kReasonSystemFailure);
        for (;;) asm volatile("wfi");
    }
    if (!g_expect.armed) unexpected(*frame);

    g_expect.armed = false;
    g_expect.record.taken = true;
    g_expect.record.scause = frame->scause;
    g_expect.record.stval = frame->stval;
    g_expect.record.sepc = frame->sepc;

    if (g_expect.resume == Resume::kReturnAddress || is_fetch_fault(frame->scause)) {
        g_expect.record.insn_length = 0;
        frame->sepc = frame->x[1];
    } else {
        if (!in_image(frame->sepc)) unexpected(*frame);
        uint8_t length = instruction_length(frame->sepc);
        g_expect.record.insn_length = length;
        frame->sepc += length;
    }
    g_depth = g_depth - 1;
}

}  // namespace guest
