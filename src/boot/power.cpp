// SPDX-License-Identifier: Apache-2.0
#include "boot/power.hpp"

#include <cstdarg>
#include <cstdint>

#include "arch/firmware.hpp"
#include "arch/hart.hpp"
#include "console/log.hpp"

namespace halyard {
namespace {
unsigned long g_test_finisher = 0;
constexpr uint32_t kFinisherFail = 0x3333;
}  // namespace

void power_set_test_finisher(unsigned long base) {
    g_test_finisher = base;
}

[[noreturn]] void power_off(bool failure) {
    if (failure && g_test_finisher != 0) {
        // QEMU's test device: FAIL with exit code 1 (code << 16 | 0x3333).
        *reinterpret_cast<volatile uint32_t*>(g_test_finisher) = (1u << 16) | kFinisherFail;
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
