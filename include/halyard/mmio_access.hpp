// SPDX-License-Identifier: Apache-2.0
#pragma once
// What a decoded guest load or store does, independent of where the
// instruction came from (htinst or guest memory).

#include <cstdint>

namespace halyard {

struct MmioAccess {
    bool is_store;
    uint8_t width;        // bytes: 1, 2, 4 or 8
    bool sign_extend;     // loads only: LB/LH/LW (and C.LW, C.LWSP); LBU/LHU/LWU/LD do not
    uint8_t reg;          // rd for loads, rs2 for stores (0..31)
    uint8_t insn_length;  // 2 for a compressed original, 4 otherwise: how far sepc moves
};

// Why an instruction could not be emulated as an MMIO access, so the exit
// path can inject the exception that real hardware would raise.
enum class DecodeStatus : uint8_t {
    kOk,
    kFloatingPoint,  // FLW/FLD/FSW/FSD and compressed FP forms: device refuses -> access fault
    kAtomic,         // LR/SC/AMO: device regions do not support atomics -> access fault
    kNotLoadStore,   // anything else (or a malformed/reserved encoding) -> illegal instruction
};

struct DecodeResult {
    DecodeStatus status;
    // Filled for every status but kNotLoadStore. For kFloatingPoint and
    // kAtomic it still says which way the instruction accesses memory (an LR
    // reads, an SC or AMO writes), hence which access fault refuses it.
    MmioAccess access;
    // From htinst only: how far the faulting address (stval) lies past the
    // access's own address. Nonzero only for a misaligned access that the
    // hart split and whose later part faulted (hypervisor.adoc, "Transformed
    // Instruction or Pseudoinstruction for mtinst or htinst", Addr. Offset).
    // A raw instruction does not tell it; the exit path works it out.
    uint8_t addr_offset;
};

}  // namespace halyard
