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
//   bench: plic_context <n>     the PLIC context of this hart's S-mode (from the DT)
//   bench: uart_irq_round_trip <n.nn>  UART THR-empty interrupt: IER write ->
//                               handler -> PLIC claim -> IER = 0 -> PLIC complete
//   bench: aia_hart_index <n>   with AIA instead of a PLIC (the DT has an APLIC
//                               sending MSIs to an S-level IMSIC): this hart's index
//   bench: uart_irq_round_trip_aia <n.nn>  the same interrupt through the APLIC:
//                               IER write -> MSI -> handler -> stopei claim -> IER = 0
//   bench: timer_round_trip <n.nn>     SBI set_timer(0) -> handler -> set_timer(-1)
//   bench: self_ipi_round_trip <n.nn>  SBI send_ipi to itself -> handler -> clear SSIP
//
// The round trips are whole interrupt deliveries, each counted from the
// instruction that raises the interrupt until the handler (irq_handlers.S)
// has acknowledged it and returned, plus the loop's own instructions. The
// guest runs natively on OpenSBI (QEMU's own PLIC and UART; SBI calls go to
// the firmware) and under Halyard (its vPLIC and UART; SBI calls exit to
// Halyard) with the same code. A round trip whose handler did not run exactly
// once per raise prints "bench: FAIL <name>: ..." instead of a figure.

#include <stdint.h>

#include "aia_target.hpp"
#include "guest/csr.hpp"
#include "guest/mmio.hpp"
#include "guest/plic.hpp"
#include "guest/print.hpp"
#include "guest/runtime.hpp"
#include "guest/sbi.hpp"
#include "guest/uart.hpp"
#include "plic_context.hpp"

using namespace guest;

// Shared with irq_handlers.S.
extern "C" {
// Interrupts the handlers acknowledged (written by the handlers: volatile).
volatile uint64_t bench_irq_handled;
// Address of this hart's S-mode PLIC claim/complete register.
uintptr_t bench_plic_claim;
void bench_uart_irq_handler();
void bench_uart_aia_irq_handler();
void bench_timer_irq_handler();
void bench_ipi_irq_handler();
void guest_trap_vector();  // the runtime's (start.S)
}

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

// UART THR-empty interrupt: the IER write raises it (THR is always empty
// here), bench_uart_irq_handler claims, masks and completes it.
void uart_irq_loop(uint64_t n) {
    asm volatile(
        "1: sb %1, 1(%2)\n"  // IER = ETBEI
        "   addi %0, %0, -1\n"
        "   bnez %0, 1b"
        : "+r"(n)
        : "r"(uint64_t{0x02}), "r"(uart::kBase)
        : "memory");
}

// SBI set_timer with a deadline in the past (0): the timer interrupt is
// pending when the call returns; bench_timer_irq_handler sets no deadline.
void timer_irq_loop(uint64_t n) {
    asm volatile(
        "1: li a7, 0x54494D45\n"  // TIME
        "   li a6, 0\n"           // set_timer
        "   li a0, 0\n"           // stime_value: long past
        "   ecall\n"
        "   addi %0, %0, -1\n"
        "   bnez %0, 1b"
        : "+r"(n)
        :
        : "a0", "a1", "a6", "a7", "memory");
}

uint64_t g_hart;  // this hart's id, for the IPI loop's hart mask

// SBI send_ipi to this hart alone (hart_mask 1, hart_mask_base = its id);
// bench_ipi_irq_handler clears SSIP.
void self_ipi_loop(uint64_t n) {
    asm volatile(
        "1: li a7, 0x735049\n"  // IPI
        "   li a6, 0\n"         // send_ipi
        "   li a0, 1\n"         // hart_mask
        "   mv a1, %1\n"        // hart_mask_base
        "   ecall\n"
        "   addi %0, %0, -1\n"
        "   bnez %0, 1b"
        : "+r"(n)
        : "r"(g_hart)
        : "a0", "a1", "a6", "a7", "memory");
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

void fail(const char* name, const char* why) {
    print("bench: FAIL ");
    print(name);
    print(": ");
    print(why);
    newline();
}

constexpr uint64_t kSstatusSie = 1u << 1;

// Runs `loop` with `handler` in stvec and the one interrupt `sie_bit` enabled
// (sstatus.SIE on), then puts the runtime's trap vector back with interrupts
// off. Prints the figure only when every raise was handled exactly once.
void measure_round_trip(const char* name, void (*handler)(), uint64_t sie_bit,
                        void (*loop)(uint64_t)) {
    bench_irq_handled = 0;
    asm volatile("csrw stvec, %0" ::"r"(reinterpret_cast<uintptr_t>(handler)) : "memory");
    asm volatile("csrs sie, %0" ::"r"(sie_bit) : "memory");
    asm volatile("csrs sstatus, %0" ::"r"(kSstatusSie) : "memory");
    loop(kWarmUp);
    const uint64_t start = rdtime();
    loop(kIterations);
    const uint64_t ticks = rdtime() - start;
    asm volatile("csrc sstatus, %0" ::"r"(kSstatusSie) : "memory");
    asm volatile("csrc sie, %0" ::"r"(sie_bit) : "memory");
    asm volatile("csrw stvec, %0" ::"r"(reinterpret_cast<uintptr_t>(&guest_trap_vector))
                 : "memory");
    const uint64_t handled = bench_irq_handled;
    if (handled != kWarmUp + kIterations) {
        print("bench: FAIL ");
        print(name);
        print(": the handler acknowledged ");
        print_dec(handled);
        print(" interrupts for ");
        print_dec(kWarmUp + kIterations);
        print(" raised");
        newline();
        return;
    }
    print("bench: ");
    print(name);
    print(" ");
    print_fixed2(ticks * kInstructionsPerTick * 100 / kIterations);
    newline();
}

void measure_uart_irq() {
    constexpr const char* kName = "uart_irq_round_trip";
    const bench::PlicContext found =
        bench::plic_supervisor_context(boot_info().dtb, boot_info().hart_id);
    if (!found.found) {
        fail(kName, "no PLIC context for this hart's S-mode in the device tree");
        return;
    }
    print("bench: plic_context ");
    print_dec(found.context);
    newline();
    mmio_write8(uart::kBase + uart::kIer, 0);
    plic::write(plic::priority(plic::kUartSource), 1);
    plic::write(plic::threshold(found.context), 0);
    plic::write(plic::enable(found.context, plic::kUartSource / 32),
                1u << (plic::kUartSource % 32));
    bench_plic_claim = plic::claim(found.context);
    measure_round_trip(kName, bench_uart_irq_handler, kSipSeip, uart_irq_loop);
    plic::write(plic::enable(found.context, plic::kUartSource / 32), 0);
    plic::write(plic::priority(plic::kUartSource), 0);
}

// AIA: the APLIC turns the UART's line into an MSI to this hart's IMSIC
// interrupt file, whose registers the guest reaches through siselect/sireg
// and claims from with stopei (specs/aia/src/IMSIC.adoc, AdvPLIC.adoc).
namespace aia {
constexpr uint32_t kEiid = 10;  // the identity the UART's MSIs carry (irq_handlers.S)
constexpr uint64_t kEidelivery = 0x70, kEithreshold = 0x72, kEie0 = 0xC0;
constexpr uintptr_t kDomaincfg = 0x0000, kSetienum = 0x1EDC, kClrienum = 0x1FDC;
constexpr uint32_t kDomaincfgIe = 1u << 8, kDomaincfgDm = 1u << 2;
constexpr uint32_t kSourceLevelHigh = 6;
constexpr uintptr_t sourcecfg(unsigned source) {
    return 4 * source;
}
constexpr uintptr_t target(unsigned source) {
    return 0x3000 + 4 * source;
}

void write_file_register(uint64_t reg, uint64_t value) {
    asm volatile(
        "csrw 0x150, %0\n"  // siselect
        "csrw 0x151, %1"    // sireg
        :
        : "r"(reg), "r"(value)
        : "memory");
}
}  // namespace aia

void measure_uart_irq_aia(const bench::AiaTarget& target) {
    print("bench: aia_hart_index ");
    print_dec(target.hart_index);
    newline();
    mmio_write8(uart::kBase + uart::kIer, 0);
    aia::write_file_register(aia::kEidelivery, 1);
    aia::write_file_register(aia::kEithreshold, 0);
    aia::write_file_register(aia::kEie0, uint64_t{1} << aia::kEiid);
    const uintptr_t aplic = target.aplic_base;
    mmio_write32(aplic + aia::sourcecfg(plic::kUartSource), aia::kSourceLevelHigh);
    mmio_write32(aplic + aia::target(plic::kUartSource), target.hart_index << 18 | aia::kEiid);
    mmio_write32(aplic + aia::kSetienum, plic::kUartSource);
    mmio_write32(aplic + aia::kDomaincfg, aia::kDomaincfgIe | aia::kDomaincfgDm);
    measure_round_trip("uart_irq_round_trip_aia", bench_uart_aia_irq_handler, kSipSeip,
                       uart_irq_loop);
    mmio_write32(aplic + aia::kClrienum, plic::kUartSource);
    mmio_write32(aplic + aia::sourcecfg(plic::kUartSource), 0);
    mmio_write32(aplic + aia::kDomaincfg, aia::kDomaincfgDm);
    aia::write_file_register(aia::kEie0, 0);
    aia::write_file_register(aia::kEidelivery, 0);
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
    g_hart = boot_info().hart_id;
    // The UART's interrupt through whichever controller the DT describes.
    const bench::AiaTarget aia_target =
        bench::aia_supervisor_target(boot_info().dtb, boot_info().hart_id);
    if (aia_target.found) {
        measure_uart_irq_aia(aia_target);
    } else {
        measure_uart_irq();
    }
    // No deadline before the timer interrupt is enabled.
    sbi::call(sbi::kEidTime, sbi::kTimeSetTimer, ~0ull);
    measure_round_trip("timer_round_trip", bench_timer_irq_handler, kSipStip, timer_irq_loop);
    measure_round_trip("self_ipi_round_trip", bench_ipi_irq_handler, kSipSsip, self_ipi_loop);
    print("bench: under_halyard ");
    print(under_halyard() ? "yes" : "no");
    newline();
}
