// SPDX-License-Identifier: Apache-2.0
// shutdown_race: vCPU 0 calls SBI SRST while every other vCPU loops on SBI
// IPIs and remote fences aimed at all the others, vCPU 0 included, so that
// stop requests meet IPI and fence requests in flight.
//
// bootargs "mode=shutdown" (default): one SRST shutdown.
// bootargs "mode=reboot reboots=N": N cold reboots from vCPU 0 (a boot
// counter at the base of RAM, below the image, survives them: Halyard does
// not clear RAM on reboot), then the shutdown as above.
//
// The busy vCPUs print "shutdown_race: vCPU k alive" every 50 ms: once the
// VM is stopped no such line may come any more (the integration test checks
// that none follows the bystander VM's next line), so a vCPU left running
// guest code after the VM stopped shows.

#include <stdint.h>

#include "guest/bootargs.hpp"
#include "guest/check.hpp"
#include "guest/csr.hpp"
#include "guest/print.hpp"
#include "guest/runtime.hpp"
#include "guest/sbi.hpp"
#include "guest/smp.hpp"

using namespace guest;

namespace {

Checks checks("shutdown_race");

constexpr uint64_t kMagic = 0x5348'5554'5241'4345ull;
constexpr uint64_t kAliveTicks = kTimebaseHz / 20;

struct Persistent {
    uint64_t magic;
    uint64_t boot;
};
auto* const g_persistent = reinterpret_cast<volatile Persistent*>(0x8000'0000);

unsigned g_vcpus = 1;
volatile uint64_t g_busy = 0;

uint64_t all_but(unsigned self) {
    return ((1ull << g_vcpus) - 1) & ~(1ull << self);
}

void traffic(unsigned self) {
    const uint64_t others = all_but(self);
    sbi::call(sbi::kEidIpi, sbi::kIpiSendIpi, others, 0);
    sbi::call(sbi::kEidRfence, sbi::kRfenceFenceI, others, 0);
    sbi::call(sbi::kEidRfence, sbi::kRfenceSfenceVma, others, 0, 0, ~0ull);
    // A fence at oneself too: the request path of a vCPU to itself.
    sbi::call(sbi::kEidRfence, sbi::kRfenceSfenceVma, 1ull << self, 0, 0, ~0ull);
}

void busy(unsigned self) {
    char line[] = "shutdown_race: vCPU ? alive\n";
    line[20] = static_cast<char>('0' + self);
    smp::atomic_add(&g_busy, 1);
    uint64_t last = rdtime();
    for (;;) {
        traffic(self);
        if (rdtime() - last >= kAliveTicks) {
            last = rdtime();
            // One DBCN write per line: the line is whole however vCPUs interleave.
            sbi::call(sbi::kEidDbcn, sbi::kDbcnWrite, sizeof(line) - 1,
                      reinterpret_cast<uint64_t>(line), 0);
        }
    }
}

}  // namespace

void guest_main() {
    const bool reboot_mode = bootarg_is("mode", "reboot");
    const uint64_t reboots = reboot_mode ? bootarg_number("reboots", 8) : 0;
    if (g_persistent->magic != kMagic) {
        g_persistent->magic = kMagic;
        g_persistent->boot = 0;
    }
    const uint64_t boot = g_persistent->boot;
    while (g_vcpus < smp::kMaxHarts && smp::status(g_vcpus) >= 0) ++g_vcpus;

    checks.prefix();
    print("boot ");
    print_dec(boot);
    print(" on vCPU ");
    print_dec(boot_info().hart_id);
    print(", ");
    print_dec(g_vcpus);
    print(" vCPUs");
    newline();
    checks.check_eq(boot_info().hart_id, 0, "booted on vCPU 0");
    if (g_vcpus < 2) checks.check(false, "at least 2 vCPUs");
    if (checks.failures() != 0) checks.finish();

    for (unsigned hart = 1; hart < g_vcpus; ++hart) {
        const int64_t error = smp::start(hart, busy);
        if (error != sbi::kSuccess) checks.check_error(error, sbi::kSuccess, "hart_start");
    }
    const uint64_t begin = rdtime();
    while (smp::atomic_load(&g_busy) < g_vcpus - 1 && rdtime() - begin < kTimebaseHz) {
    }
    // Let the traffic run for a while, taking part in it.
    while (rdtime() - begin < kTimebaseHz / 5) traffic(0);

    sbi::SbiRet r;
    if (boot < reboots) {
        g_persistent->boot = boot + 1;
        r = sbi::call(sbi::kEidSrst, sbi::kSrstReset, sbi::kResetColdReboot, sbi::kReasonNone);
    } else {
        g_persistent->magic = 0;
        r = sbi::call(sbi::kEidSrst, sbi::kSrstReset, sbi::kResetShutdown, sbi::kReasonNone);
    }
    smp::PrintGuard guard;
    checks.check_error(r.error, sbi::kSuccess, "SRST returned");
    checks.finish();
}
