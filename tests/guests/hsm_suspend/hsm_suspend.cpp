// SPDX-License-Identifier: Apache-2.0
// hsm_suspend: a retentive HSM hart_suspend must leave the hart's state as it
// was (ext-hsm.adoc: "the hart resumes ... with all its registers
// preserved"), sie included. With hideleg delegating the VS-level
// interrupts, the guest's sie bits *are* hie.VS*IE (hypervisor.adoc, vsie:
// "aliases of hie.VS*IE"), so a hypervisor that writes hie while the vCPU is
// suspended writes the guest's sie.
//
// The guest enables SSIE and STIE (with sstatus.SIE = 0: nothing is taken),
// makes its own software interrupt pending with an IPI to itself, so the
// suspend ends at once, and reads sie after the call. Then again with a
// timer as the wake-up source.

#include <stdint.h>

#include "guest/check.hpp"
#include "guest/csr.hpp"
#include "guest/sbi.hpp"

using namespace guest;

namespace {

Checks checks("hsm_suspend");

constexpr uint64_t kSieSsie = 1u << 1;
constexpr uint64_t kSieStie = 1u << 5;
constexpr uint64_t kHsmHartSuspend = 3;
constexpr uint64_t kSuspendRetentive = 0;

uint64_t read_sie() {
    uint64_t v;
    asm volatile("csrr %0, sie" : "=r"(v));
    return v;
}
void set_sie(uint64_t bits) {
    asm volatile("csrs sie, %0" ::"r"(bits));
}
void clear_sip(uint64_t bits) {
    asm volatile("csrc sip, %0" ::"r"(bits));
}

}  // namespace

void guest_main() {
    asm volatile("csrc sstatus, %0" ::"r"(uint64_t{1} << 1));  // SIE = 0: nothing is taken
    set_sie(kSieSsie | kSieStie);
    checks.check_eq(read_sie() & (kSieSsie | kSieStie), kSieSsie | kSieStie,
                    "sie holds SSIE and STIE before the suspend");

    // Wake-up source 1: a pending software interrupt (IPI to itself).
    sbi::SbiRet r = sbi::call(sbi::kEidIpi, sbi::kIpiSendIpi, 1, 0);
    checks.check_error(r.error, sbi::kSuccess, "send_ipi to itself");
    r = sbi::call(sbi::kEidHsm, kHsmHartSuspend, kSuspendRetentive, 0, 0);
    checks.check_error(r.error, sbi::kSuccess, "retentive suspend with SSIP pending returns");
    checks.check_eq(read_sie() & (kSieSsie | kSieStie), kSieSsie | kSieStie,
                    "sie after a retentive suspend woken by an IPI (SSIE|STIE kept)");
    clear_sip(kSipSsip);

    // Wake-up source 2: the timer, 1 ms ahead.
    set_sie(kSieSsie | kSieStie);
    r = sbi::call(sbi::kEidTime, sbi::kTimeSetTimer, rdtime() + kTimebaseHz / 1000);
    checks.check_error(r.error, sbi::kSuccess, "set_timer 1 ms ahead");
    r = sbi::call(sbi::kEidHsm, kHsmHartSuspend, kSuspendRetentive, 0, 0);
    checks.check_error(r.error, sbi::kSuccess, "retentive suspend woken by the timer returns");
    checks.check_eq(read_sie() & (kSieSsie | kSieStie), kSieSsie | kSieStie,
                    "sie after a retentive suspend woken by the timer (SSIE|STIE kept)");
    (void)sbi::call(sbi::kEidTime, sbi::kTimeSetTimer, ~uint64_t{0});
    checks.finish();
}
