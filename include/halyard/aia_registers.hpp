// SPDX-License-Identifier: Apache-2.0
#pragma once
// The registers of RISC-V AIA devices as the specification lays them out
// (../shared/specs/aia/src): an APLIC domain's memory-mapped control region,
// and an IMSIC interrupt file's registers, reached indirectly through
// *iselect/*ireg. Shared by the APLIC model that guests see, Halyard's own use
// of the host's APLIC and interrupt files, and the guest interrupt files it
// clears.

#include <cstdint>

namespace halyard {

// An APLIC domain's control region (AdvPLIC.adoc, "Memory-mapped control
// region for an interrupt domain"); every register is 32 bits wide.
namespace aplic {
inline constexpr uint64_t kDomaincfg = 0x0000;
inline constexpr uint64_t kSourcecfgBase = 0x0004;  // sourcecfg[1] .. sourcecfg[1023]
inline constexpr uint64_t kSourcecfgEnd = 0x1000;
inline constexpr uint64_t kMsiAddressBase = 0x1bc0;  // mmsiaddrcfg, mmsiaddrcfgh, smsiaddrcfg, ...h
inline constexpr uint64_t kMsiAddressEnd = 0x1bd0;
inline constexpr uint64_t kSetipBase = 0x1c00;  // setip[0] .. setip[31]
inline constexpr uint64_t kSetipnum = 0x1cdc;
inline constexpr uint64_t kInClripBase = 0x1d00;
inline constexpr uint64_t kClripnum = 0x1ddc;
inline constexpr uint64_t kSetieBase = 0x1e00;
inline constexpr uint64_t kSetienum = 0x1edc;
inline constexpr uint64_t kClrieBase = 0x1f00;
inline constexpr uint64_t kClrienum = 0x1fdc;
inline constexpr uint64_t kSetipnumLe = 0x2000;
inline constexpr uint64_t kSetipnumBe = 0x2004;
inline constexpr uint64_t kGenmsi = 0x3000;
inline constexpr uint64_t kTargetBase = 0x3004;  // target[1] .. target[1023]
// sourcecfg[source] and target[source], for a source from 1 to 1023.
constexpr uint64_t sourcecfg(uint64_t source) {
    return kSourcecfgBase + 4 * (source - 1);
}
constexpr uint64_t target(uint64_t source) {
    return kTargetBase + 4 * (source - 1);
}

// domaincfg (§4.5.1): IE is bit 8, DM (MSI delivery mode) bit 2.
inline constexpr uint32_t kDomaincfgIe = 1u << 8;
inline constexpr uint32_t kDomaincfgDm = 1u << 2;
// sourcecfg's source modes (§4.5.2, SM in bits 2:0).
inline constexpr uint32_t kInactive = 0;
inline constexpr uint32_t kEdge1 = 4;   // rising edge
inline constexpr uint32_t kEdge0 = 5;   // falling edge
inline constexpr uint32_t kLevel1 = 6;  // high level
inline constexpr uint32_t kLevel0 = 7;  // low level
// target in MSI delivery mode (§4.5.16) and genmsi (§4.5.15): Hart Index in
// 31:18, EIID in 10:0.
inline constexpr unsigned kHartIndexShift = 18;
}  // namespace aplic

// An IMSIC interrupt file's registers, as *iselect values (IMSIC.adoc,
// "Interrupt file registers"). On RV64 only the even-numbered eipN and eieN
// exist, eipN holding the bits of identities 32N to 32N + 63.
namespace imsic {
inline constexpr uint64_t kEidelivery = 0x70;
inline constexpr uint64_t kEithreshold = 0x72;
inline constexpr uint64_t kEip0 = 0x80;
inline constexpr uint64_t kEie0 = 0xc0;
inline constexpr uint64_t kArrayRegisters = 64;  // eip0..eip63, eie0..eie63
// *topei: the identity of the top interrupt in bits 26:16.
inline constexpr unsigned kTopeiIdentityShift = 16;
}  // namespace imsic

}  // namespace halyard
