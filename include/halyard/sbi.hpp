// SPDX-License-Identifier: Apache-2.0
#pragma once
// SBI numbers (../shared/specs/sbi): extension IDs, function IDs and the
// standard error codes, as guests and the firmware below Halyard use them.

#include <cstdint>

namespace halyard::sbi {

struct SbiRet {
    int64_t error;
    uint64_t value;
};

enum Error : int64_t {
    kSuccess = 0,
    kErrFailed = -1,
    kErrNotSupported = -2,
    kErrInvalidParam = -3,
    kErrDenied = -4,
    kErrInvalidAddress = -5,
    kErrAlreadyAvailable = -6,
    kErrAlreadyStarted = -7,
    kErrAlreadyStopped = -8,
    kErrDeniedLocked = -14,
};

// Extension IDs.
inline constexpr uint64_t kEidLegacySetTimer = 0x00;
inline constexpr uint64_t kEidLegacyConsolePutchar = 0x01;
inline constexpr uint64_t kEidLegacyConsoleGetchar = 0x02;
inline constexpr uint64_t kEidLegacyShutdown = 0x08;
inline constexpr uint64_t kEidBase = 0x10;
inline constexpr uint64_t kEidTime = 0x54494D45;    // "TIME"
inline constexpr uint64_t kEidIpi = 0x735049;       // "sPI"
inline constexpr uint64_t kEidRfence = 0x52464E43;  // "RFNC"
inline constexpr uint64_t kEidHsm = 0x48534D;       // "HSM"
inline constexpr uint64_t kEidSrst = 0x53525354;    // "SRST"
inline constexpr uint64_t kEidPmu = 0x504D55;       // "PMU"
inline constexpr uint64_t kEidDbcn = 0x4442434E;    // "DBCN"
inline constexpr uint64_t kEidSusp = 0x53555350;    // "SUSP"
inline constexpr uint64_t kEidFwft = 0x46574654;    // "FWFT"

// Halyard's own extension, in the firmware-specific range 0x0A000000-0x0AFFFFFF:
// "\nHYL". See src/sbi/halyard_stats_extension.hpp and the README.
inline constexpr uint64_t kEidHalyard = 0x0A48594C;

// BASE functions.
enum BaseFid : uint64_t {
    kBaseGetSpecVersion = 0,
    kBaseGetImplId = 1,
    kBaseGetImplVersion = 2,
    kBaseProbeExtension = 3,
    kBaseGetMvendorid = 4,
    kBaseGetMarchid = 5,
    kBaseGetMimpid = 6,
};

// SBI v2.0: major in bits 30:24, minor in bits 23:0.
inline constexpr uint64_t kSpecVersion = (2ull << 24) | 0;
// Implementation ID: the SBI spec's registry stops at small numbers; Halyard
// uses an ID outside it so guests can tell it apart.
inline constexpr uint64_t kHalyardImplId = 0x48594C;  // "HYL"

// DBCN functions.
enum DbcnFid : uint64_t { kDbcnWrite = 0, kDbcnRead = 1, kDbcnWriteByte = 2 };

// SRST.
inline constexpr uint64_t kSrstSystemReset = 0;
enum ResetType : uint32_t { kResetShutdown = 0, kResetColdReboot = 1, kResetWarmReboot = 2 };

// FWFT (ext-firmware-features.adoc): functions, feature IDs, set flags.
enum FwftFid : uint64_t { kFwftSet = 0, kFwftGet = 1 };
enum FwftFeature : uint32_t {
    kFwftMisalignedExcDeleg = 0,
    kFwftLandingPad = 1,
    kFwftShadowStack = 2,
    kFwftDoubleTrap = 3,
    kFwftPteAdHwUpdating = 4,
    kFwftPointerMaskingPmlen = 5,
};
inline constexpr uint64_t kFwftFlagLock = 1;

// Halyard extension functions.
enum HalyardFid : uint64_t {
    kStatsStart = 0,
    kStatsStop = 1,
    kStatsReset = 2,
    kStatsRead = 3,
    kStatsNumReasons = 4,
    kStatsReadFullPath = 5,
};

}  // namespace halyard::sbi
