// SPDX-License-Identifier: Apache-2.0
// hsm_restart: every vCPU, vCPU 0 included, is stopped with SBI HSM hart_stop
// and started again with hart_start by another vCPU, `rounds=N` times each
// (bootargs, default 50). The SBI specification (ext-hsm.adoc): hart_start of
// a hart that hart_get_status reports STOPPED succeeds, so the starter asks
// for the state and calls hart_start the moment it reads STOPPED: every
// failure is counted, and there must be none. A run of a started vCPU is
// counted too: each start must run the function it was given, once.
//
// The baton: vCPU 0 (boot) starts vCPU 1 and stops itself; vCPU 1 restarts
// vCPU 0 N times, then vCPU 2 (if any) N times, then hands over to vCPU 0 and
// stops itself; vCPU 0 restarts vCPU 1 N times and reports. Only the vCPU
// holding the baton prints.

#include <stdint.h>

#include "guest/bootargs.hpp"
#include "guest/check.hpp"
#include "guest/csr.hpp"
#include "guest/print.hpp"
#include "guest/sbi.hpp"
#include "guest/smp.hpp"

using namespace guest;

namespace {

Checks checks("hsm_restart");

constexpr uint64_t kStateTimeout = 2 * kTimebaseHz;

uint64_t g_rounds = 0;
unsigned g_vcpus = 1;
volatile uint64_t g_runs[smp::kMaxHarts];  // times each vCPU ran a started function

struct Tally {
    uint64_t start_failures = 0;  // hart_start on a STOPPED vCPU that failed
    uint64_t never_stopped = 0;   // the vCPU did not reach STOPPED in time
    uint64_t never_ran = 0;       // a successful start that did not run
    int64_t first_error = 0;
};

// Counts one run, then returns (and the vCPU stops itself: smp.cpp).
void run_once(unsigned hart) {
    smp::atomic_add(&g_runs[hart], 1);
}

// Stops and restarts `target` `g_rounds` times; `target` stops itself after
// each run.
void cycle(unsigned target, Tally& tally) {
    for (uint64_t round = 0; round < g_rounds; ++round) {
        const uint64_t runs = smp::atomic_load(&g_runs[target]);
        if (!smp::wait_for_status(target, sbi::kHsmStopped, kStateTimeout)) {
            ++tally.never_stopped;
            continue;
        }
        const int64_t error = smp::start(target, run_once);
        if (error != sbi::kSuccess) {
            if (tally.start_failures++ == 0) tally.first_error = error;
            continue;
        }
        const uint64_t begin = rdtime();
        while (smp::atomic_load(&g_runs[target]) == runs && rdtime() - begin < kStateTimeout) {
        }
        if (smp::atomic_load(&g_runs[target]) != runs + 1) ++tally.never_ran;
    }
}

void report(unsigned target, const Tally& tally) {
    checks.prefix();
    print("vCPU ");
    print_dec(target);
    print(": ");
    print_dec(smp::atomic_load(&g_runs[target]));
    print(" runs after ");
    print_dec(g_rounds);
    print(" restarts");
    newline();
    checks.check_eq(tally.never_stopped, 0, "the vCPU reached STOPPED after hart_stop every time");
    checks.check_eq(tally.start_failures, 0, "hart_start on a STOPPED vCPU failed (times)");
    if (tally.start_failures != 0)
        checks.check_error(tally.first_error, sbi::kSuccess, "first failing hart_start");
    checks.check_eq(tally.never_ran, 0, "a started vCPU did not run its function (times)");
    checks.check_eq(smp::atomic_load(&g_runs[target]), g_rounds, "runs of the restarted vCPU");
}

// vCPU 0, restarted for the last time: restarts vCPU 1 and reports.
void final_phase(unsigned) {
    Tally tally;
    cycle(1, tally);
    report(1, tally);
    checks.finish();
}

// vCPU 1: restarts vCPU 0, then the others, then hands the baton back.
void middle_phase(unsigned) {
    checks.info("vCPU 1 restarts vCPU 0");
    newline();
    Tally tally;
    cycle(0, tally);
    report(0, tally);
    for (unsigned target = 2; target < g_vcpus; ++target) {
        Tally other;
        cycle(target, other);
        report(target, other);
    }
    if (!smp::wait_for_status(0, sbi::kHsmStopped, kStateTimeout)) {
        checks.check(false, "vCPU 0 stopped before the hand-over");
        checks.finish();
    }
    const int64_t error = smp::start(0, final_phase);
    if (error != sbi::kSuccess) {
        checks.check_error(error, sbi::kSuccess, "hart_start of vCPU 0 for the last phase");
        checks.finish();
    }
    // Returning stops vCPU 1, which vCPU 0 then restarts.
}

}  // namespace

void guest_main() {
    g_rounds = bootarg_number("rounds", 50);
    while (g_vcpus < smp::kMaxHarts && smp::status(g_vcpus) >= 0) ++g_vcpus;
    if (g_vcpus < 2) {
        checks.check(false, "at least 2 vCPUs");
        checks.finish();
    }
    const int64_t error = smp::start(1, middle_phase);
    if (error != sbi::kSuccess) {
        checks.check_error(error, sbi::kSuccess, "hart_start of vCPU 1");
        checks.finish();
    }
    smp::stop_self();
}
