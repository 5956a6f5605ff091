// SPDX-License-Identifier: Apache-2.0
// bench: the cost of the guest's basic exits, measured with `time`.
//
// Run under QEMU -icount shift=0, one instruction takes exactly 1 ns and the
// timebase is 10 MHz, so one tick of `time` is 100 instructions and the
// figures below are instructions per loop iteration (guest loop instructions
// included, 2 decimals). Without -icount they are wall-clock based and only
// comparable with each other.
//
// Output (parsed by tools/bench):
//   bench: first_instruction_ticks <ticks from machine start to _start>
//   bench: empty_loop <n.nn>
//   bench: sbi_base <n.nn>      SBI BASE get_spec_version round trip
//   bench: uart_read <n.nn>     lbu of UART LSR
//   bench: uart_write <n.nn>    sb to UART SCR

#include <stdint.h>

#include "guest/csr.hpp"
#include "guest/print.hpp"
#include "guest/runtime.hpp"
#include "guest/uart.hpp"

using namespace guest;

namespace {

constexpr uint64_t kIterations = 10000;
constexpr uint64_t kWarmUp = 100;
// Instructions per tick under -icount shift=0 with the 10 MHz timebase.
constexpr uint64_t kInstructionsPerTick = 1'000'000'000 / kTimebaseHz;

// Each loop is two instructions (addi, bnez) plus the measured one(s).
void empty_loop(uint64_t n) {
    asm volatile(
        "1: addi %0, %0, -1\n"
        "   bnez %0, 1b"
        : "+r"(n)
        :
        : "memory");
}

void sbi_base_loop(uint64_t n) {
    asm volatile(
        "1: li a7, 0x10\n"  // BASE
        "   li a6, 0\n"     // get_spec_version
        "   ecall\n"
        "   addi %0, %0, -1\n"
        "   bnez %0, 1b"
        : "+r"(n)
        :
        : "a0", "a1", "a6", "a7", "memory");
}

void uart_read_loop(uint64_t n) {
    uint64_t scratch;
    asm volatile(
        "1: lbu %1, 5(%2)\n"  // LSR
        "   addi %0, %0, -1\n"
        "   bnez %0, 1b"
        : "+r"(n), "=&r"(scratch)
        : "r"(uart::kBase)
        : "memory");
}

void uart_write_loop(uint64_t n) {
    asm volatile(
        "1: sb %0, 7(%1)\n"  // SCR
        "   addi %0, %0, -1\n"
        "   bnez %0, 1b"
        : "+r"(n)
        : "r"(uart::kBase)
        : "memory");
}

void measure(const char* name, void (*loop)(uint64_t)) {
    loop(kWarmUp);
    const uint64_t start = rdtime();
    loop(kIterations);
    const uint64_t ticks = rdtime() - start;
    print("bench: ");
    print(name);
    print(" ");
    print_fixed2(ticks * kInstructionsPerTick * 100 / kIterations);
    newline();
}

}  // namespace

void guest_main() {
    set_guest_name("bench");
    print("bench: first_instruction_ticks ");
    print_dec(boot_info().first_time);
    newline();
    print("bench: iterations ");
    print_dec(kIterations);
    newline();
    measure("empty_loop", empty_loop);
    measure("sbi_base", sbi_base_loop);
    measure("uart_read", uart_read_loop);
    measure("uart_write", uart_write_loop);
    print("bench: under_halyard ");
    print(under_halyard() ? "yes" : "no");
    newline();
}
