// SPDX-License-Identifier: Apache-2.0
#pragma once
// CSR numbers (RISC-V privileged spec, H extension chapter) and the bits of
// them that Halyard uses. Shared by the arch layer and its host fake.

#include <cstdint>

namespace halyard {

enum class Csr : uint16_t {
    seed = 0x015,  // Zkr entropy source
    sstatus = 0x100,
    sie = 0x104,
    stvec = 0x105,
    scounteren = 0x106,
    senvcfg = 0x10A,
    sscratch = 0x140,
    sepc = 0x141,
    scause = 0x142,
    stval = 0x143,
    sip = 0x144,
    siselect = 0x150,  // AIA: selects a register of the S-level interrupt file (sireg)
    sireg = 0x151,
    stopei = 0x15C,  // AIA: the S-level file's top interrupt; a write claims it
    stimecmp = 0x14D,
    satp = 0x180,
    vsstatus = 0x200,
    vsie = 0x204,
    vstvec = 0x205,
    vsscratch = 0x240,
    vsepc = 0x241,
    vscause = 0x242,
    vstval = 0x243,
    vsip = 0x244,
    vstimecmp = 0x24D,
    vsiselect = 0x250,  // AIA: selects a register of the guest interrupt file (vsireg)
    vsireg = 0x251,
    vsatp = 0x280,
    hstatus = 0x600,
    hedeleg = 0x602,
    hideleg = 0x603,
    hie = 0x604,
    htimedelta = 0x605,
    hcounteren = 0x606,
    hgeie = 0x607,
    henvcfg = 0x60A,
    hstateen0 = 0x60C,  // Smstateen: what VS-mode may reach of the state it guards
    htval = 0x643,
    hip = 0x644,
    hvip = 0x645,
    htinst = 0x64A,
    hgatp = 0x680,
    time = 0xC01,
};

// The Zkr seed CSR: OPST in bits 31:30, 16 bits of entropy in 15:0 when
// OPST is ES16.
namespace seed {
inline constexpr uint64_t kOpstMask = 3ull << 30;
inline constexpr uint64_t kOpstBist = 0ull << 30;  // self-test running: retry
inline constexpr uint64_t kOpstWait = 1ull << 30;  // no entropy yet: retry
inline constexpr uint64_t kOpstEs16 = 2ull << 30;  // bits 15:0 hold entropy
inline constexpr uint64_t kOpstDead = 3ull << 30;  // failed for good
inline constexpr uint64_t kEntropyMask = 0xFFFF;
}  // namespace seed

namespace sstatus {
inline constexpr uint64_t kSie = 1ull << 1;
inline constexpr uint64_t kSpie = 1ull << 5;
inline constexpr uint64_t kSpp = 1ull << 8;
inline constexpr uint64_t kVsInitial = 1ull << 9;   // VS field = Initial
inline constexpr uint64_t kFsInitial = 1ull << 13;  // FS field = Initial
inline constexpr uint64_t kFsMask = 3ull << 13;
inline constexpr uint64_t kSum = 1ull << 18;
}  // namespace sstatus

namespace hstatus {
inline constexpr uint64_t kGva = 1ull << 6;
inline constexpr uint64_t kSpv = 1ull << 7;
inline constexpr uint64_t kSpvp = 1ull << 8;
inline constexpr uint64_t kHu = 1ull << 9;
// AIA: the guest interrupt file VS-level external interrupts come from (0: none).
inline constexpr uint64_t kVgeinShift = 12;
inline constexpr uint64_t kVgeinMask = 0x3Full << kVgeinShift;
inline constexpr uint64_t kVtvm = 1ull << 20;
inline constexpr uint64_t kVtw = 1ull << 21;
inline constexpr uint64_t kVtsr = 1ull << 22;
inline constexpr uint64_t kVsxlShift = 32;
inline constexpr uint64_t kVsxlMask = 3ull << kVsxlShift;
inline constexpr uint64_t kVsxl64 = 2ull << kVsxlShift;
}  // namespace hstatus

// hstateen0 (Smstateen) bits: AIA state (specs/aia/src/CSRs.adoc, "Access
// control by the state-enable CSRs": siselect/sireg, the other AIA CSRs,
// stopi among them, and the IMSIC's, stopei) and senvcfg.
namespace hstateen0 {
inline constexpr uint64_t kImsic = 1ull << 58;
inline constexpr uint64_t kAia = 1ull << 59;
inline constexpr uint64_t kCsrind = 1ull << 60;
inline constexpr uint64_t kEnvcfg = 1ull << 62;
}  // namespace hstateen0

// Interrupt bits in sip/sie/hvip/hideleg.
namespace irq {
inline constexpr uint64_t kSsip = 1ull << 1;
inline constexpr uint64_t kVssip = 1ull << 2;
inline constexpr uint64_t kStip = 1ull << 5;
inline constexpr uint64_t kVstip = 1ull << 6;
inline constexpr uint64_t kSeip = 1ull << 9;
inline constexpr uint64_t kVseip = 1ull << 10;
inline constexpr uint64_t kSgeip = 1ull << 12;
}  // namespace irq

namespace henvcfg {
inline constexpr uint64_t kFiom = 1ull << 0;
inline constexpr uint64_t kCbieFlush = 1ull << 4;  // CBIE = 01: cbo.inval performs a flush
inline constexpr uint64_t kCbieMask = 3ull << 4;
inline constexpr uint64_t kCbcfe = 1ull << 6;
inline constexpr uint64_t kCbze = 1ull << 7;
inline constexpr uint64_t kAdue = 1ull << 61;
inline constexpr uint64_t kPbmte = 1ull << 62;
inline constexpr uint64_t kStce = 1ull << 63;
}  // namespace henvcfg

namespace satp {
inline constexpr uint64_t kModeSv39 = 8ull << 60;  // satp and vsatp
inline constexpr unsigned kModeShift = 60;
}  // namespace satp

namespace hgatp {
inline constexpr uint64_t kModeSv39x4 = 8ull << 60;
inline constexpr unsigned kVmidShift = 44;
inline constexpr uint64_t kVmidMask = 0x3FFFull;
}  // namespace hgatp

}  // namespace halyard
