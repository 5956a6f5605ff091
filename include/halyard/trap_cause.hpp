// SPDX-License-Identifier: Apache-2.0
#pragma once
// scause values (RISC-V privileged spec; guest page faults and the virtual
// instruction exception come from the H extension).

#include <cstdint>

namespace halyard {

inline constexpr uint64_t kInterruptBit = 1ull << 63;

enum class Exception : uint64_t {
    kInstructionMisaligned = 0,
    kInstructionAccessFault = 1,
    kIllegalInstruction = 2,
    kBreakpoint = 3,
    kLoadMisaligned = 4,
    kLoadAccessFault = 5,
    kStoreMisaligned = 6,
    kStoreAccessFault = 7,
    kEcallFromU = 8,
    kEcallFromHsOrS = 9,
    kEcallFromVs = 10,
    kEcallFromM = 11,
    kInstructionPageFault = 12,
    kLoadPageFault = 13,
    kStorePageFault = 15,
    kInstructionGuestPageFault = 20,
    kLoadGuestPageFault = 21,
    kVirtualInstruction = 22,
    kStoreGuestPageFault = 23,
};

// A guest-memory read with HLVX that faulted: the trap's scause (a page,
// access or guest-page fault, reported as a load's or as a fetch's) and the
// guest virtual address it faulted at.
struct GuestReadFault {
    uint64_t cause = 0;
    uint64_t address = 0;
};

enum class Interrupt : uint64_t {
    kSupervisorSoftware = 1,
    kVirtualSupervisorSoftware = 2,
    kSupervisorTimer = 5,
    kVirtualSupervisorTimer = 6,
    kSupervisorExternal = 9,
    kVirtualSupervisorExternal = 10,
    kSupervisorGuestExternal = 12,
};

constexpr uint64_t cause_code(Exception e) {
    return static_cast<uint64_t>(e);
}
constexpr uint64_t cause_code(Interrupt i) {
    return kInterruptBit | static_cast<uint64_t>(i);
}

}  // namespace halyard
