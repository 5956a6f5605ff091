// SPDX-License-Identifier: Apache-2.0
// sbi_probe: the SBI that a guest sees, function by function, against the SBI
// specification (/work/shared/specs/sbi). Runs natively on OpenSBI too: what
// only Halyard offers (SBI >= 2.0 with DBCN, the Halyard extension) is checked
// when it is present and reported as SKIP otherwise.

#include <stdint.h>

#include "guest/check.hpp"
#include "guest/print.hpp"
#include "guest/runtime.hpp"
#include "guest/sbi.hpp"

using namespace guest;

namespace {

Checks checks("sbi_probe");

// An EID nobody implements (in the experimental range 0x08000000-0x08FFFFFF,
// ext-experimental.adoc).
constexpr uint64_t kUnknownEid = 0x08A5A5A5;
// Below RAM (0x8000_0000) and no device there in a Halyard VM.
constexpr uint64_t kHoleBelowRam = 0x4000'0000;

void print_value_line(const char* what, uint64_t value) {
    checks.info(what);
    print_hex(value);
    newline();
}

void print_count_line(const char* what, uint64_t count) {
    checks.info(what);
    print_dec(count);
    newline();
}

bool g_spec_2_or_later = false;

void check_base() {
    const sbi::SbiRet v = sbi::spec_version();
    checks.check_error(v.error, sbi::kSuccess, "BASE get_spec_version succeeds");
    // Bit 31 reserved (0); on RV64 bits 63:32 reserved (0) as well.
    checks.check((v.value >> 31) == 0, "spec version encoding: bits 63:31 are zero");
    const uint64_t major = sbi::version_major(v.value);
    const uint64_t minor = sbi::version_minor(v.value);
    checks.prefix();
    print("spec version is ");
    print_dec(major);
    print(".");
    print_dec(minor);
    newline();
    // BASE itself exists since v0.2, so anything lower is nonsense.
    checks.check(major > 0 || minor >= 2, "spec version >= 0.2 (BASE exists)");
    g_spec_2_or_later = major >= 2;
    if (under_halyard()) {
        checks.check(g_spec_2_or_later, "spec version >= 2.0 (Halyard contract)");
    } else if (g_spec_2_or_later) {
        checks.check(true, "spec version >= 2.0");
    } else {
        checks.skip("spec version >= 2.0", "firmware alone implements an older SBI");
    }

    const sbi::SbiRet id = sbi::impl_id();
    checks.check_error(id.error, sbi::kSuccess, "BASE get_impl_id succeeds");
    checks.prefix();
    print("implementation id ");
    print_hex(id.value);
    const char* name = sbi::impl_name(id.value);
    if (name != nullptr) {
        print(" (");
        print(name);
        print(")");
    }
    newline();
    const sbi::SbiRet iv = sbi::impl_version();
    checks.check_error(iv.error, sbi::kSuccess, "BASE get_impl_version succeeds");
    print_value_line("implementation version ", iv.value);

    struct Machine {
        uint64_t fid;
        const char* what;
        const char* label;
    };
    constexpr Machine kMachineIds[] = {
        {sbi::kBaseGetMvendorid, "BASE get_mvendorid succeeds", "mvendorid "},
        {sbi::kBaseGetMarchid, "BASE get_marchid succeeds", "marchid "},
        {sbi::kBaseGetMimpid, "BASE get_mimpid succeeds", "mimpid "},
    };
    for (const Machine& m : kMachineIds) {
        const sbi::SbiRet r = sbi::call(sbi::kEidBase, m.fid);
        checks.check_error(r.error, sbi::kSuccess, m.what);
        print_value_line(m.label, r.value);
    }

    const sbi::SbiRet bad = sbi::call(sbi::kEidBase, 0x100);
    checks.check_error(bad.error, sbi::kErrNotSupported,
                       "BASE unknown function 0x100 -> NOT_SUPPORTED");
}

void check_probes() {
    struct Extension {
        uint64_t eid;
        const char* what;
    };
    constexpr Extension kAlways[] = {
        {sbi::kEidBase, "probe BASE -> available"},
        {sbi::kEidTime, "probe TIME -> available"},
        {sbi::kEidSrst, "probe SRST -> available"},
        {sbi::kEidLegacyPutchar, "probe legacy console putchar (0x01) -> available"},
        {sbi::kEidLegacyGetchar, "probe legacy console getchar (0x02) -> available"},
    };
    for (const Extension& e : kAlways) {
        const sbi::SbiRet r = sbi::probe_extension(e.eid);
        checks.check(r.error == sbi::kSuccess && r.value != 0, e.what);
    }
    const sbi::SbiRet dbcn = sbi::probe_extension(sbi::kEidDbcn);
    if (under_halyard() || g_spec_2_or_later) {
        checks.check(dbcn.error == sbi::kSuccess && dbcn.value != 0, "probe DBCN -> available");
    } else {
        checks.skip("probe DBCN -> available", "firmware alone predates SBI 2.0");
    }
    const sbi::SbiRet unknown = sbi::probe_extension(kUnknownEid);
    checks.check(unknown.error == sbi::kSuccess && unknown.value == 0,
                 "probe unknown EID 0x08a5a5a5 -> 0 (not available)");
    const sbi::SbiRet call = sbi::call(kUnknownEid, 0);
    checks.check_error(call.error, sbi::kErrNotSupported, "call to unknown EID -> NOT_SUPPORTED");

    // Informational: the rest of the brief's extension list.
    checks.prefix();
    print("also available:");
    if (sbi::has_extension(sbi::kEidIpi)) print(" IPI");
    if (sbi::has_extension(sbi::kEidRfence)) print(" RFENCE");
    if (sbi::has_extension(sbi::kEidHsm)) print(" HSM");
    newline();
}

void check_legacy_console() {
    checks.info("text via legacy putchar: [");
    const char* text = "legacy putchar";
    bool all_zero = true;
    for (const char* c = text; *c != '\0'; ++c) {
        if (sbi::legacy_call(sbi::kEidLegacyPutchar, static_cast<uint8_t>(*c)) != 0)
            all_zero = false;
    }
    print("]");
    newline();
    checks.check(all_zero, "legacy putchar returns 0 for every byte");
    const int64_t got = sbi::legacy_call(sbi::kEidLegacyGetchar);
    checks.check_signed(got, -1, "legacy getchar with no input waiting -> -1");
}

void check_dbcn() {
    const char* what[] = {
        "DBCN write of a string",
        "DBCN write_byte",
        "DBCN write with the buffer outside RAM -> INVALID_PARAM",
        "DBCN write with base_addr_hi != 0 -> INVALID_PARAM",
        "DBCN read with no input waiting -> 0 bytes",
    };
    if (!sbi::has_extension(sbi::kEidDbcn)) {
        for (const char* w : what) checks.skip(w, "DBCN not available");
        return;
    }

    // Console Write is non-blocking and may write part of the buffer:
    // continue from where it stopped, a bounded number of times.
    static const char kText[] = "DBCN write";
    constexpr uint64_t kLength = sizeof(kText) - 1;
    checks.info("text via DBCN write: [");
    uint64_t written = 0;
    int64_t error = sbi::kSuccess;
    for (int attempt = 0; attempt < 1000 && written < kLength && error == sbi::kSuccess;
         ++attempt) {
        const sbi::SbiRet r = sbi::call(sbi::kEidDbcn, sbi::kDbcnWrite, kLength - written,
                                        reinterpret_cast<uint64_t>(kText + written), 0);
        error = r.error;
        if (r.error == sbi::kSuccess) written += r.value;
    }
    print("]");
    newline();
    checks.check(error == sbi::kSuccess && written == kLength, what[0]);

    checks.info("text via DBCN write_byte: [");
    bool bytes_ok = true;
    for (const char* c = "DBCN write_byte"; *c != '\0'; ++c) {
        const sbi::SbiRet r =
            sbi::call(sbi::kEidDbcn, sbi::kDbcnWriteByte, static_cast<uint8_t>(*c));
        if (r.error != sbi::kSuccess) bytes_ok = false;
    }
    print("]");
    newline();
    checks.check(bytes_ok, what[1]);

    // ext-debug-console.adoc, "Debug Console Write Errors": memory that does
    // not satisfy the shared-memory requirements -> SBI_ERR_INVALID_PARAM.
    const sbi::SbiRet hole = sbi::call(sbi::kEidDbcn, sbi::kDbcnWrite, 4, kHoleBelowRam, 0);
    checks.check_error(hole.error, sbi::kErrInvalidParam, what[2]);
    const sbi::SbiRet high =
        sbi::call(sbi::kEidDbcn, sbi::kDbcnWrite, 4, reinterpret_cast<uint64_t>(kText), 1);
    checks.check_error(high.error, sbi::kErrInvalidParam, what[3]);

    static uint8_t buffer[8];
    for (uint8_t& b : buffer) b = 0xEE;
    const sbi::SbiRet read = sbi::call(sbi::kEidDbcn, sbi::kDbcnRead, sizeof(buffer),
                                       reinterpret_cast<uint64_t>(buffer), 0);
    bool untouched = true;
    for (uint8_t b : buffer) untouched = untouched && b == 0xEE;
    checks.check(read.error == sbi::kSuccess && read.value == 0 && untouched, what[4]);
}

void check_time_and_reset() {
    // Far future: accepted, and no timer interrupt will ever be pending.
    const sbi::SbiRet timer = sbi::call(sbi::kEidTime, 0, ~uint64_t{0});
    checks.check_error(timer.error, sbi::kSuccess, "TIME set_timer(far future) accepted");

    // 0x1234 is in the reserved reset-type range (ext-sys-reset.adoc): must
    // come back with INVALID_PARAM instead of resetting anything.
    const sbi::SbiRet reset = sbi::call(sbi::kEidSrst, sbi::kSrstReset, 0x1234, sbi::kReasonNone);
    checks.check_error(reset.error, sbi::kErrInvalidParam,
                       "SRST reserved reset type 0x1234 -> INVALID_PARAM");
}

// Sum of every exit counter, or false if a read failed.
bool read_all_stats(uint64_t reasons, uint64_t& sum, uint64_t& first) {
    sum = 0;
    for (uint64_t i = 0; i < reasons; ++i) {
        const sbi::SbiRet r = sbi::call(sbi::kEidHalyard, sbi::kStatsRead, i);
        if (r.error != sbi::kSuccess) return false;
        if (i == 0) first = r.value;
        sum += r.value;
    }
    return true;
}

void check_halyard_extension() {
    const char* what[] = {
        "Halyard STATS_NUM_REASONS",
        "Halyard STATS_STOP + STATS_RESET -> all counters read 0",
        "Halyard STATS_START, 10 BASE calls, STATS_STOP -> counted",
        "Halyard counters frozen while stopped",
        "Halyard STATS_READ past the last reason -> INVALID_PARAM",
        "Halyard STATS_READ of index ~0 -> INVALID_PARAM",
        "Halyard unknown function -> NOT_SUPPORTED",
        "Halyard STATS_START (counting on for the exit statistics)",
    };
    if (!under_halyard()) {
        const sbi::SbiRet r = sbi::call(sbi::kEidHalyard, sbi::kStatsNumReasons);
        checks.check_error(r.error, sbi::kErrNotSupported,
                           "Halyard extension absent: its EID answers NOT_SUPPORTED");
        for (const char* w : what) checks.skip(w, "not running under Halyard");
        return;
    }

    const sbi::SbiRet n = sbi::call(sbi::kEidHalyard, sbi::kStatsNumReasons);
    const uint64_t reasons = n.value;
    if (!checks.check(n.error == sbi::kSuccess && reasons >= 1 && reasons <= 256, what[0])) return;
    print_count_line("exit reasons: ", reasons);

    uint64_t sum = 0;
    uint64_t first = 0;
    const sbi::SbiRet stop = sbi::call(sbi::kEidHalyard, sbi::kStatsStop);
    const sbi::SbiRet reset = sbi::call(sbi::kEidHalyard, sbi::kStatsReset);
    bool ok = stop.error == sbi::kSuccess && reset.error == sbi::kSuccess &&
              read_all_stats(reasons, sum, first);
    checks.check(ok && sum == 0, what[1]);

    const sbi::SbiRet start = sbi::call(sbi::kEidHalyard, sbi::kStatsStart);
    for (int i = 0; i < 10; ++i) sbi::spec_version();
    const sbi::SbiRet stop2 = sbi::call(sbi::kEidHalyard, sbi::kStatsStop);
    ok = start.error == sbi::kSuccess && stop2.error == sbi::kSuccess &&
         read_all_stats(reasons, sum, first);
    // Reason 0 is sbi_base in Halyard's ExitReason order (part of the guest ABI).
    checks.check(ok && sum >= 10 && first >= 10, what[2]);
    print_count_line("exits counted: ", sum);
    print_count_line("of them reason 0 (sbi_base): ", first);

    uint64_t again = 0;
    ok = read_all_stats(reasons, again, first);
    checks.check(ok && again == sum, what[3]);

    const sbi::SbiRet past = sbi::call(sbi::kEidHalyard, sbi::kStatsRead, reasons);
    checks.check_error(past.error, sbi::kErrInvalidParam, what[4]);
    const sbi::SbiRet huge = sbi::call(sbi::kEidHalyard, sbi::kStatsRead, ~uint64_t{0});
    checks.check_error(huge.error, sbi::kErrInvalidParam, what[5]);
    const sbi::SbiRet unknown = sbi::call(sbi::kEidHalyard, 0xFFFF);
    checks.check_error(unknown.error, sbi::kErrNotSupported, what[6]);
    const sbi::SbiRet restart = sbi::call(sbi::kEidHalyard, sbi::kStatsStart);
    checks.check_error(restart.error, sbi::kSuccess, what[7]);
}

}  // namespace

void guest_main() {
    checks.info(under_halyard() ? "running under Halyard" : "running on the firmware alone");
    newline();
    check_base();
    check_probes();
    check_legacy_console();
    check_dbcn();
    check_time_and_reset();
    check_halyard_extension();
    checks.finish();
}
