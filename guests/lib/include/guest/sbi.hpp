// SPDX-License-Identifier: Apache-2.0
#pragma once
// SBI calls from the guest (numbers from the SBI specification, deliberately
// not shared with the hypervisor's headers: the guests check the contract
// independently).

#include <stdint.h>

namespace guest::sbi {

struct SbiRet {
    int64_t error;
    uint64_t value;
};

// Standard error codes (binary-encoding.adoc, "Standard SBI Errors").
inline constexpr int64_t kSuccess = 0;
inline constexpr int64_t kErrFailed = -1;
inline constexpr int64_t kErrNotSupported = -2;
inline constexpr int64_t kErrInvalidParam = -3;
inline constexpr int64_t kErrDenied = -4;
inline constexpr int64_t kErrInvalidAddress = -5;
inline constexpr int64_t kErrAlreadyAvailable = -6;

// Extension IDs.
inline constexpr uint64_t kEidLegacySetTimer = 0x00;
inline constexpr uint64_t kEidLegacyPutchar = 0x01;
inline constexpr uint64_t kEidLegacyGetchar = 0x02;
inline constexpr uint64_t kEidBase = 0x10;
inline constexpr uint64_t kEidTime = 0x54494D45;    // "TIME"
inline constexpr uint64_t kEidIpi = 0x735049;       // "sPI"
inline constexpr uint64_t kEidRfence = 0x52464E43;  // "RFNC"
inline constexpr uint64_t kEidHsm = 0x48534D;       // "HSM"
inline constexpr uint64_t kEidSrst = 0x53525354;    // "SRST"
inline constexpr uint64_t kEidDbcn = 0x4442434E;    // "DBCN"
// Halyard's exit-statistics extension (firmware-specific EID range).
inline constexpr uint64_t kEidHalyard = 0x0A48594C;

// BASE functions (ext-base.adoc).
inline constexpr uint64_t kBaseGetSpecVersion = 0;
inline constexpr uint64_t kBaseGetImplId = 1;
inline constexpr uint64_t kBaseGetImplVersion = 2;
inline constexpr uint64_t kBaseProbeExtension = 3;
inline constexpr uint64_t kBaseGetMvendorid = 4;
inline constexpr uint64_t kBaseGetMarchid = 5;
inline constexpr uint64_t kBaseGetMimpid = 6;

// DBCN functions (ext-debug-console.adoc).
inline constexpr uint64_t kDbcnWrite = 0;
inline constexpr uint64_t kDbcnRead = 1;
inline constexpr uint64_t kDbcnWriteByte = 2;

// SRST (ext-sys-reset.adoc).
inline constexpr uint64_t kSrstReset = 0;
inline constexpr uint32_t kResetShutdown = 0;
inline constexpr uint32_t kReasonNone = 0;
inline constexpr uint32_t kReasonSystemFailure = 1;

// SRST reboot types (the shutdown type is above).
inline constexpr uint32_t kResetColdReboot = 1;
inline constexpr uint32_t kResetWarmReboot = 2;

// TIME, IPI and RFENCE functions (ext-time.adoc, ext-ipi.adoc, ext-rfence.adoc).
inline constexpr uint64_t kTimeSetTimer = 0;
inline constexpr uint64_t kIpiSendIpi = 0;
inline constexpr uint64_t kRfenceFenceI = 0;
inline constexpr uint64_t kRfenceSfenceVma = 1;
inline constexpr uint64_t kRfenceSfenceVmaAsid = 2;

// HSM functions and hart states (ext-hsm.adoc).
inline constexpr uint64_t kHsmHartStart = 0;
inline constexpr uint64_t kHsmHartStop = 1;
inline constexpr uint64_t kHsmHartGetStatus = 2;
inline constexpr int64_t kHsmStarted = 0;
inline constexpr int64_t kHsmStopped = 1;
inline constexpr int64_t kHsmStartPending = 2;
inline constexpr int64_t kHsmStopPending = 3;

// Halyard extension functions.
inline constexpr uint64_t kStatsStart = 0;
inline constexpr uint64_t kStatsStop = 1;
inline constexpr uint64_t kStatsReset = 2;
inline constexpr uint64_t kStatsRead = 3;
inline constexpr uint64_t kStatsNumReasons = 4;
inline constexpr uint64_t kStatsReadFullPath = 5;

// Implementation IDs worth naming (ext-base.adoc table; Halyard's own is
// outside that registry).
inline constexpr uint64_t kImplOpenSbi = 1;
inline constexpr uint64_t kImplKvm = 3;
inline constexpr uint64_t kImplHalyard = 0x48594C;  // "HYL"

// One ECALL: a7 = EID, a6 = FID, a0..a5 = arguments; a0/a1 come back.
inline SbiRet call(uint64_t eid, uint64_t fid, uint64_t arg0 = 0, uint64_t arg1 = 0,
                   uint64_t arg2 = 0, uint64_t arg3 = 0, uint64_t arg4 = 0, uint64_t arg5 = 0) {
    register uint64_t a0 asm("a0") = arg0;
    register uint64_t a1 asm("a1") = arg1;
    register uint64_t a2 asm("a2") = arg2;
    register uint64_t a3 asm("a3") = arg3;
    register uint64_t a4 asm("a4") = arg4;
    register uint64_t a5 asm("a5") = arg5;
    register uint64_t a6 asm("a6") = fid;
    register uint64_t a7 asm("a7") = eid;
    asm volatile("ecall"
                 : "+r"(a0), "+r"(a1)
                 : "r"(a2), "r"(a3), "r"(a4), "r"(a5), "r"(a6), "r"(a7)
                 : "memory");
    return SbiRet{static_cast<int64_t>(a0), a1};
}

// Legacy extensions (ext-legacy.adoc): a6 ignored, result only in a0.
inline int64_t legacy_call(uint64_t eid, uint64_t arg0 = 0) {
    register uint64_t a0 asm("a0") = arg0;
    register uint64_t a7 asm("a7") = eid;
    asm volatile("ecall" : "+r"(a0) : "r"(a7) : "a1", "memory");
    return static_cast<int64_t>(a0);
}

inline SbiRet spec_version() {
    return call(kEidBase, kBaseGetSpecVersion);
}
inline SbiRet impl_id() {
    return call(kEidBase, kBaseGetImplId);
}
inline SbiRet impl_version() {
    return call(kEidBase, kBaseGetImplVersion);
}
inline SbiRet probe_extension(uint64_t eid) {
    return call(kEidBase, kBaseProbeExtension, eid);
}
inline bool has_extension(uint64_t eid) {
    SbiRet r = probe_extension(eid);
    return r.error == kSuccess && r.value != 0;
}

// Spec version fields: minor in bits 23:0, major in bits 30:24.
inline constexpr uint64_t version_major(uint64_t v) {
    return (v >> 24) & 0x7F;
}
inline constexpr uint64_t version_minor(uint64_t v) {
    return v & 0xFF'FFFF;
}

// A human name for the implementation ID, or nullptr.
const char* impl_name(uint64_t id);

// SRST shutdown; returns only if the call failed.
SbiRet shutdown(uint32_t reason = kReasonNone);

}  // namespace guest::sbi
