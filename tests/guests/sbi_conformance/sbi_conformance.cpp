// SPDX-License-Identifier: Apache-2.0
// sbi_conformance: SBI behaviour a guest can only see from the inside.
//  - TIME and legacy set_timer (ext-time.adoc, ext-legacy.adoc): a deadline
//    already past makes the supervisor timer interrupt pending at once (sip.STIP
//    right after the call), it stays pending inside the interrupt handler and
//    afterwards, and only a future deadline (or -1) clears it.
//  - BASE probe_extension takes a `long`: an EID with high bits set is not
//    the EID in its low half.
//  - FWFT (ext-firmware-features.adoc): reserved and platform-specific
//    features are DENIED, unknown flags INVALID_PARAM, and a locked feature
//    refuses changes with DENIED_LOCKED.
// Runs natively on OpenSBI too; what the firmware alone may lack is SKIPped.

#include <stdint.h>

#include "guest/check.hpp"
#include "guest/csr.hpp"
#include "guest/print.hpp"
#include "guest/runtime.hpp"
#include "guest/sbi.hpp"

using namespace guest;

namespace {

Checks checks("sbi_conformance");

constexpr uint64_t kStip = 1ull << 5;
constexpr uint64_t kSstatusSie = 1ull << 1;
constexpr uint64_t kCauseSupervisorTimer = (1ull << 63) | 5;

constexpr uint64_t kEidFwft = 0x46574654;  // "FWFT"
constexpr uint64_t kFwftSet = 0;
constexpr uint64_t kFwftGet = 1;
constexpr uint64_t kFwftLock = 1;
constexpr int64_t kErrDeniedLocked = -14;

enum FwftFeature : uint64_t {
    kMisalignedExcDeleg = 0,
    kLandingPad = 1,
    kShadowStack = 2,
    kDoubleTrap = 3,
    kPteAdHwUpdating = 4,
    kPointerMaskingPmlen = 5,
};

uint64_t read_sip() {
    uint64_t v;
    asm volatile("csrr %0, sip" : "=r"(v));
    return v;
}

// ------------------------------------------------------------ timer

// What the interrupt handler saw. Written behind the compiler's back.
volatile uint64_t g_irq_count;
volatile uint64_t g_irq_scause;
volatile uint64_t g_irq_sip;

// The timer tests' own handler. The first time it returns with the timer
// still enabled, so a still-pending interrupt is taken again at once; the
// second time it masks the timer (sie.STIE).
extern "C" [[gnu::interrupt("supervisor"), gnu::aligned(4)]] void timer_irq_handler() {
    uint64_t cause;
    asm volatile("csrr %0, scause" : "=r"(cause));
    g_irq_scause = cause;
    g_irq_sip = read_sip();
    g_irq_count = g_irq_count + 1;
    if (g_irq_count >= 2) asm volatile("csrc sie, %0" ::"r"(kStip));
}

using SetTimer = void (*)(uint64_t deadline);

void set_timer_time(uint64_t deadline) {
    sbi::call(sbi::kEidTime, 0, deadline);
}
void set_timer_legacy(uint64_t deadline) {
    sbi::legacy_call(sbi::kEidLegacySetTimer, deadline);
}

bool stip_pending() {
    return (read_sip() & kStip) != 0;
}

// Enables the timer interrupt for exactly one instruction slot: a pending
// interrupt is taken between the two csr instructions. Returns how many
// times the handler ran.
uint64_t open_interrupt_window() {
    uint64_t old_stvec;
    asm volatile("csrr %0, stvec" : "=r"(old_stvec));
    asm volatile("csrw stvec, %0" ::"r"(reinterpret_cast<uint64_t>(&timer_irq_handler)));
    g_irq_count = 0;
    g_irq_sip = 0;
    g_irq_scause = 0;
    asm volatile("csrs sie, %0" ::"r"(kStip));
    asm volatile(
        "csrs sstatus, %0\n"
        "csrc sstatus, %0" ::"r"(kSstatusSie)
        : "memory");
    asm volatile("csrc sie, %0" ::"r"(kStip));
    asm volatile("csrw stvec, %0" ::"r"(old_stvec));
    return g_irq_count;
}

// QEMU 7.2 shows only SSIP when VS-mode reads sip (its vsip read mask), so
// there a pending timer interrupt is visible only by being taken. Once the
// handler has seen STIP in sip, sip is trusted and checked.
bool g_sip_shows_stip = false;

void check_sip(bool expected, const char* what) {
    if (!g_sip_shows_stip) {
        checks.skip(what, "sip in VS-mode does not show STIP on this machine (QEMU 7.2)");
        return;
    }
    checks.check_value(stip_pending() == expected, read_sip(), what);
}

void check_timer(SetTimer set_timer, const char* flavour) {
    char what[128];
    auto name = [&](const char* text) {
        unsigned n = 0;
        for (const char* p = flavour; *p != '\0' && n < 40; ++p) what[n++] = *p;
        what[n++] = ' ';
        for (const char* p = text; *p != '\0' && n + 1 < sizeof(what); ++p) what[n++] = *p;
        what[n] = '\0';
        return what;
    };

    // Interrupts stay off (sstatus.SIE = 0, sie = 0) except in the windows.
    set_timer(~0ull);
    checks.check_eq(open_interrupt_window(), 0, name("set_timer(-1): no interrupt pending"));

    set_timer(0);
    const bool stip_now = stip_pending();
    const uint64_t taken = open_interrupt_window();
    if (g_irq_count > 0 && (g_irq_sip & kStip) != 0) g_sip_shows_stip = true;
    checks.check_value(taken >= 1, taken,
                       name("set_timer(0) (past): interrupt pending right after the call"));
    checks.check_eq(g_irq_scause, kCauseSupervisorTimer, name("handler: scause = S timer"));
    checks.check_value(taken == 2, taken,
                       name("still pending after the handler returns (taken again)"));
    if (g_sip_shows_stip)
        checks.check(stip_now, name("set_timer(0): sip.STIP right after the call"));
    else
        checks.skip(name("set_timer(0): sip.STIP right after the call"),
                    "sip in VS-mode does not show STIP on this machine (QEMU 7.2)");
    check_sip(true, name("handler left: sip.STIP still set"));

    set_timer(rdtime() - 1);
    checks.check_eq(open_interrupt_window(), 2, name("set_timer(now - 1): pending at once"));

    // A future deadline clears it; so does -1.
    set_timer(rdtime() + 60 * kTimebaseHz);
    check_sip(false, name("future deadline clears sip.STIP"));
    checks.check_eq(open_interrupt_window(), 0, name("future deadline: nothing pending"));
    set_timer(0);
    set_timer(~0ull);
    check_sip(false, name("set_timer(-1) after a past deadline clears sip.STIP"));
    checks.check_eq(open_interrupt_window(), 0, name("set_timer(-1) after a past deadline"));

    // A near deadline becomes pending on its own (wfi wakes on a pending,
    // enabled interrupt even with sstatus.SIE = 0).
    set_timer(rdtime() + kTimebaseHz / 100);
    asm volatile("csrs sie, %0" ::"r"(kStip));
    const uint64_t give_up = rdtime() + 5 * kTimebaseHz;
    while (rdtime() < give_up) {
        asm volatile("wfi");
        uint64_t sip = read_sip();
        if ((sip & kStip) != 0 || rdtime() > give_up - 4 * kTimebaseHz) break;
    }
    asm volatile("csrc sie, %0" ::"r"(kStip));
    checks.check_eq(open_interrupt_window(), 2, name("deadline 10 ms ahead: pending once reached"));
    set_timer(~0ull);
    checks.check_eq(open_interrupt_window(), 0, name("set_timer(-1) clears it again"));
}

// ------------------------------------------------------------ probe

void check_probe() {
    checks.check(sbi::has_extension(sbi::kEidTime), "probe TIME -> available");
    constexpr uint64_t kHighBits[] = {0xDEAD000000000000ull, 1ull << 32};
    for (uint64_t high : kHighBits) {
        const sbi::SbiRet r = sbi::probe_extension(high | sbi::kEidTime);
        checks.check(r.error == sbi::kSuccess && r.value == 0,
                     "probe TIME with high EID bits set -> 0 (not available)");
        const sbi::SbiRet c = sbi::call(high | sbi::kEidBase, sbi::kBaseGetSpecVersion);
        checks.check_error(c.error, sbi::kErrNotSupported,
                           "call BASE with high EID bits set -> NOT_SUPPORTED");
    }
}

// ------------------------------------------------------------ FWFT

sbi::SbiRet fwft_get(uint64_t feature) {
    return sbi::call(kEidFwft, kFwftGet, feature);
}
sbi::SbiRet fwft_set(uint64_t feature, uint64_t value, uint64_t flags = 0) {
    return sbi::call(kEidFwft, kFwftSet, feature, value, flags);
}

void check_fwft() {
    if (!sbi::has_extension(kEidFwft)) {
        if (under_halyard())
            checks.check(false, "probe FWFT -> available");
        else
            checks.skip("FWFT", "the firmware alone does not implement it");
        return;
    }
    checks.check(true, "probe FWFT -> available");

    // Reserved and platform-specific (unimplemented) features: DENIED.
    constexpr uint64_t kUnimplemented[] = {0x6,        0x3FFFFFFF, 0x40000000,
                                           0x80000000, 0xC0000000, 0xFFFFFFFF};
    for (uint64_t feature : kUnimplemented) {
        const sbi::SbiRet g = fwft_get(feature);
        const sbi::SbiRet s = fwft_set(feature, 0);
        checks.check(g.error == sbi::kErrDenied && g.value == 0 && s.error == sbi::kErrDenied,
                     "reserved / platform feature: get and set -> DENIED");
    }

    // Each defined feature: either NOT_SUPPORTED for both, or a readable
    // reset value that set accepts back and that reserved flags refuse.
    const char* kNames[] = {"MISALIGNED_EXC_DELEG", "LANDING_PAD",        "SHADOW_STACK",
                            "DOUBLE_TRAP",          "PTE_AD_HW_UPDATING", "POINTER_MASKING_PMLEN"};
    uint64_t lockable = ~0ull;
    for (uint64_t feature = 0; feature <= kPointerMaskingPmlen; ++feature) {
        const sbi::SbiRet g = fwft_get(feature);
        checks.prefix();
        print(kNames[feature]);
        if (g.error == sbi::kErrNotSupported) {
            print(": not supported");
            newline();
            const sbi::SbiRet s = fwft_set(feature, 0);
            checks.check(g.value == 0 && s.error == sbi::kErrNotSupported,
                         "unsupported feature: get value 0, set -> NOT_SUPPORTED");
            continue;
        }
        print(": value ");
        print_dec(g.value);
        newline();
        if (!checks.check_error(g.error, sbi::kSuccess, "supported feature: get succeeds"))
            continue;
        if (feature == kLandingPad || feature == kShadowStack || feature == kDoubleTrap ||
            feature == kPteAdHwUpdating || feature == kPointerMaskingPmlen)
            checks.check_eq(g.value, 0, "supported feature: reset value 0");
        checks.check_error(fwft_set(feature, g.value).error, sbi::kSuccess,
                           "supported feature: set to its current value succeeds");
        checks.check_error(fwft_set(feature, g.value, 2).error, sbi::kErrInvalidParam,
                           "supported feature: reserved flag bit -> INVALID_PARAM");
        if (feature != kPointerMaskingPmlen)
            checks.check_error(fwft_set(feature, 2).error, sbi::kErrInvalidParam,
                               "supported boolean feature: value 2 -> INVALID_PARAM");
        if (lockable == ~0ull && feature != kPointerMaskingPmlen) lockable = feature;
    }

    if (lockable == ~0ull) {
        checks.skip("FWFT lock", "no boolean feature supported on this machine");
        return;
    }
    const uint64_t value = fwft_get(lockable).value;
    checks.check_error(fwft_set(lockable, value ^ 1).error, sbi::kSuccess,
                       "unlocked feature: set to the other value");
    checks.check_eq(fwft_get(lockable).value, value ^ 1, "get returns the new value");
    checks.check_error(fwft_set(lockable, value, kFwftLock).error, sbi::kSuccess,
                       "set with LOCK succeeds");
    checks.check_error(fwft_set(lockable, value ^ 1).error, kErrDeniedLocked,
                       "locked feature: set -> DENIED_LOCKED");
    checks.check_eq(fwft_get(lockable).value, value, "locked feature keeps its value");
}

}  // namespace

void guest_main() {
    checks.info(under_halyard() ? "running under Halyard" : "running on the firmware alone");
    newline();
    check_timer(set_timer_time, "TIME");
    check_timer(set_timer_legacy, "legacy");
    check_probe();
    check_fwft();
    checks.finish();
}
