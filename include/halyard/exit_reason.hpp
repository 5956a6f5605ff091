// SPDX-License-Identifier: Apache-2.0
#pragma once
// Why a vCPU left the guest, as counted in the per-VM exit statistics and read
// by guests through the Halyard SBI extension (STATS_READ takes these indices,
// which are therefore part of the guest ABI: append, never reorder).

#include <cstdint>

namespace halyard {

enum class ExitReason : uint8_t {
    kSbiBase,
    kSbiTime,
    kSbiIpi,
    kSbiRfence,
    kSbiHsm,
    kSbiSrst,
    kSbiDbcn,
    kSbiLegacy,
    kSbiHalyard,
    kSbiUnsupported,
    kMmioUart,
    kMmioUnmapped,
    kInterruptTimer,
    kInterruptExternal,
    kInterruptSoftware,
    kIllegalInstruction,
    kVirtualInstruction,
    kGuestPageFaultOther,
    kOtherTrap,
    kMmioPlic,
    kSbiFwft,
    kSbiSusp,
    kMmioAplic,
    kCount,
};

inline constexpr unsigned kExitReasonCount = static_cast<unsigned>(ExitReason::kCount);

// Names printed in the statistics ("halyard: vm0: exits sbi_base 12").
inline constexpr const char* kExitReasonNames[kExitReasonCount] = {
    "sbi_base",
    "sbi_time",
    "sbi_ipi",
    "sbi_rfence",
    "sbi_hsm",
    "sbi_srst",
    "sbi_dbcn",
    "sbi_legacy",
    "sbi_halyard",
    "sbi_unsupported",
    "mmio_uart",
    "mmio_unmapped",
    "irq_timer",
    "irq_external",
    "irq_software",
    "illegal_instruction",
    "virtual_instruction",
    "guest_page_fault_other",
    "other_trap",
    "mmio_plic",
    "sbi_fwft",
    "sbi_susp",
    "mmio_aplic",
};

}  // namespace halyard
