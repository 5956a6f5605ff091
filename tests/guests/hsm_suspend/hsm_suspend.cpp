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
//
// Then the suspends that resume elsewhere, each woken by the timer: a
// non-retentive HSM suspend and a SUSP system suspend (SUSPEND_TO_RAM, this
// being the VM's only started vCPU) must resume at resume_addr with a0 = hart
// id, a1 = opaque, satp = 0 and sstatus.SIE = 0 (ext-hsm.adoc,
// ext-sys-suspend.adoc). resume_entry gives the resumed code a stack of its
// own, since the spec leaves every other register undefined.

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

constexpr uint64_t kSuspendNonRetentive = 0x80000000;
constexpr uint64_t kEidSusp = 0x53555350;  // "SUSP"
constexpr uint64_t kSuspendToRam = 0;
constexpr uint64_t kOpaqueHsm = 0x0dd5eed0;
constexpr uint64_t kOpaqueSusp = 0x5e5e5e5e;

}  // namespace

extern "C" void resume_entry();
extern "C" [[noreturn]] void resumed(uint64_t hart_id, uint64_t opaque);
// Used only from the assembly below: kept through link-time optimisation.
extern "C" {
[[gnu::used]] alignas(16) uint8_t g_resume_stack[4096];
}

// a0 and a1 as the resumed hart found them; a fresh stack.
asm(R"(
    .text
    .balign 4
    .globl resume_entry
resume_entry:
    la      sp, g_resume_stack + 4096
    tail    resumed
)");

namespace {

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
    clear_sip(kSipSsip);

    // Non-retentive: resumes at resume_entry (in resumed(), below).
    set_sie(kSieStie);
    sbi::call(sbi::kEidTime, sbi::kTimeSetTimer, rdtime() + kTimebaseHz / 1000);
    r = sbi::call(sbi::kEidHsm, kHsmHartSuspend, kSuspendNonRetentive,
                  reinterpret_cast<uint64_t>(&resume_entry), kOpaqueHsm);
    checks.check(false, "a non-retentive suspend does not return");
    checks.finish();
}

namespace {
unsigned g_resumes = 0;
uint64_t read_satp() {
    uint64_t v;
    asm volatile("csrr %0, satp" : "=r"(v));
    return v;
}
uint64_t read_sstatus() {
    uint64_t v;
    asm volatile("csrr %0, sstatus" : "=r"(v));
    return v;
}
}  // namespace

extern "C" [[gnu::used]] void resumed(uint64_t hart_id, uint64_t opaque) {
    ++g_resumes;
    const bool from_hsm = g_resumes == 1;
    checks.check_eq(hart_id, 0,
                    from_hsm ? "HSM resume: a0 = hart id" : "SUSP resume: a0 = hart id");
    checks.check_eq(opaque, from_hsm ? kOpaqueHsm : kOpaqueSusp,
                    from_hsm ? "HSM resume: a1 = opaque" : "SUSP resume: a1 = opaque");
    checks.check_eq(read_satp(), 0, from_hsm ? "HSM resume: satp = 0" : "SUSP resume: satp = 0");
    checks.check_eq(read_sstatus() & (uint64_t{1} << 1), 0,
                    from_hsm ? "HSM resume: sstatus.SIE = 0" : "SUSP resume: sstatus.SIE = 0");
    (void)sbi::call(sbi::kEidTime, sbi::kTimeSetTimer, ~uint64_t{0});
    if (!from_hsm) checks.finish();

    // System suspend to RAM, woken by the timer. A bad address and a reserved
    // type are refused first.
    sbi::SbiRet r = sbi::call(kEidSusp, 0, 1, reinterpret_cast<uint64_t>(&resume_entry), 0);
    checks.check_error(r.error, sbi::kErrInvalidParam, "system suspend: reserved sleep type");
    r = sbi::call(kEidSusp, 0, kSuspendToRam, 0x1000, 0);
    checks.check_error(r.error, sbi::kErrInvalidAddress, "system suspend: resume_addr not in RAM");
    set_sie(kSieStie);
    sbi::call(sbi::kEidTime, sbi::kTimeSetTimer, rdtime() + kTimebaseHz / 1000);
    r = sbi::call(kEidSusp, 0, kSuspendToRam, reinterpret_cast<uint64_t>(&resume_entry),
                  kOpaqueSusp);
    checks.check(false, "a system suspend to RAM does not return");
    checks.finish();
}
