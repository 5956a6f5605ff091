// SPDX-License-Identifier: Apache-2.0
#include "boot/power.hpp"

#include <cstdarg>
#include <cstdint>

#include "arch/csr.hpp"
#include "arch/firmware.hpp"
#include "arch/hart.hpp"
#include "console/log.hpp"
#include "halyard/csr_numbers.hpp"

namespace halyard {
namespace {
unsigned long g_test_finisher = 0;
constexpr uint32_t kFinisherFail = 0x3333;
// About a second at QEMU virt's 10 MHz timebase.
constexpr uint64_t kFinisherGraceTicks = 10'000'000;

// Waits `ticks` of the time CSR without spinning: the firmware's timer
// wakes WFI (sie.STIE set, sstatus.SIE clear, so no trap is taken).
void wait_ticks(uint64_t ticks) {
    const uint64_t deadline = arch::csr_read<Csr::time>() + ticks;
    arch::csr_set<Csr::sie>(irq::kStip);
    (void)arch::firmware_call(sbi::kEidTime, 0, deadline);  // set_timer
    while (arch::csr_read<Csr::time>() < deadline) arch::wait_for_interrupt();
}

}  // namespace

void power_set_test_finisher(unsigned long base) {
    g_test_finisher = base;
}

[[noreturn]] void power_off(bool failure) {
    if (failure && g_test_finisher != 0) {
        // QEMU's test device: FAIL with exit code 1 (code << 16 | 0x3333).
        *reinterpret_cast<volatile uint32_t*>(g_test_finisher) = (1u << 16) | kFinisherFail;
        // QEMU ends the machine a little later, and a shutdown requested in
        // between sets the exit code again: OpenSBI 1.5 powers off through
        // the same device with PASS, so QEMU 10 exited 0 about half the time.
        // Give the FAIL time to win; a board whose test device does not end
        // it is powered off below all the same.
        wait_ticks(kFinisherGraceTicks);
    }
    arch::firmware_call(sbi::kEidSrst, sbi::kSrstSystemReset, sbi::kResetShutdown, failure ? 1 : 0);
    for (;;) arch::wait_for_interrupt();
}

[[noreturn]] void panic(const char* format, ...) {
    va_list args;
    va_start(args, format);
    log("panic: a bug in Halyard:");
    vlog(format, args);
    va_end(args);
    power_off(true);
}

}  // namespace halyard
