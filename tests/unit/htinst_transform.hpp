// SPDX-License-Identifier: Apache-2.0
#pragma once
// What a hart that fills htinst writes there when a guest load, store or
// atomic takes a guest-page fault, built from the H extension's rules
// (hypervisor.adoc, "Transformed Instruction or Pseudoinstruction for mtinst
// or htinst") and the compressed expansions (c-st-ext.adoc, Zcb), written
// apart from Halyard's decoder so that a test can decode one instruction both
// ways, raw and transformed, and compare. Used by the unit tests and the
// decoder fuzzer.
//
//   - LB, LH, LW, LD, LBU, LHU, LWU, FLH, FLW, FLD, FLQ: rd, funct3 and opcode
//     kept, rs1 replaced by the Addr. Offset, the immediate zeroed;
//   - SB, SH, SW, SD, FSH, FSW, FSD, FSQ: rs2, funct3 and opcode kept, rs1
//     replaced by the Addr. Offset, both immediate fields zeroed;
//   - LR, SC, AMOs (the AMO major opcode): all kept but rs1, the Addr. Offset;
//   - a compressed load/store: expanded to its 32-bit equivalent, that
//     transformed, then bit 1 cleared (it tells the original was 16 bits);
//   - anything else, reserved encodings included: 0, as a hart writes for an
//     instruction without a defined transformation.

#include <cstdint>

namespace halyard::testing {

namespace htinst_detail {

constexpr uint32_t field(uint32_t value, unsigned high, unsigned low) {
    return (value >> low) & ((1u << (high - low + 1)) - 1);
}

// 32-bit I-type and S-type forms with a given immediate.
constexpr uint32_t i_type(uint32_t opcode, uint32_t funct3, uint32_t rd, uint32_t rs1,
                          uint32_t imm) {
    return (imm & 0xFFF) << 20 | rs1 << 15 | funct3 << 12 | rd << 7 | opcode;
}
constexpr uint32_t s_type(uint32_t opcode, uint32_t funct3, uint32_t rs1, uint32_t rs2,
                          uint32_t imm) {
    return field(imm, 11, 5) << 25 | rs2 << 20 | rs1 << 15 | funct3 << 12 | field(imm, 4, 0) << 7 |
           opcode;
}

constexpr uint32_t kLoad = 0x03, kLoadFp = 0x07, kStore = 0x23, kStoreFp = 0x27, kAmo = 0x2F;
constexpr uint32_t kSp = 2;

}  // namespace htinst_detail

// The 32-bit instruction a compressed load/store stands for, or 0 when
// `half` is not one (or is reserved). RV64 meanings; Zcb included.
constexpr uint32_t expand_compressed(uint16_t half) {
    using namespace htinst_detail;
    const uint32_t c = half;
    const uint32_t rd_p = 8 + field(c, 4, 2);   // rd' / rs2'
    const uint32_t rs1_p = 8 + field(c, 9, 7);  // rs1'
    const uint32_t rd = field(c, 11, 7);        // rd / rs1 (sp forms: rd)
    const uint32_t rs2 = field(c, 6, 2);
    const uint32_t funct3 = field(c, 15, 13);
    // Offsets, as c-st-ext.adoc lays them out.
    const uint32_t lw_imm = field(c, 12, 10) << 3 | field(c, 6, 6) << 2 | field(c, 5, 5) << 6;
    const uint32_t ld_imm = field(c, 12, 10) << 3 | field(c, 6, 5) << 6;
    const uint32_t lwsp_imm = field(c, 12, 12) << 5 | field(c, 6, 4) << 2 | field(c, 3, 2) << 6;
    const uint32_t ldsp_imm = field(c, 12, 12) << 5 | field(c, 6, 5) << 3 | field(c, 4, 2) << 6;
    const uint32_t swsp_imm = field(c, 12, 9) << 2 | field(c, 8, 7) << 6;
    const uint32_t sdsp_imm = field(c, 12, 10) << 3 | field(c, 9, 7) << 6;
    switch (field(c, 1, 0)) {
        case 0b00:
            switch (funct3) {
                case 1: return i_type(kLoadFp, 3, rd_p, rs1_p, ld_imm);   // C.FLD
                case 2: return i_type(kLoad, 2, rd_p, rs1_p, lw_imm);     // C.LW
                case 3: return i_type(kLoad, 3, rd_p, rs1_p, ld_imm);     // C.LD
                case 5: return s_type(kStoreFp, 3, rs1_p, rd_p, ld_imm);  // C.FSD
                case 6: return s_type(kStore, 2, rs1_p, rd_p, lw_imm);    // C.SW
                case 7: return s_type(kStore, 3, rs1_p, rd_p, ld_imm);    // C.SD
                case 4: {
                    // Zcb: funct6 in 15:10; uimm[1] in 5, uimm[0] in 6 (bytes).
                    const uint32_t funct6 = field(c, 15, 10);
                    const uint32_t byte_imm = field(c, 5, 5) << 1 | field(c, 6, 6);
                    const uint32_t half_imm = field(c, 5, 5) << 1;
                    const bool bit6 = field(c, 6, 6) != 0;
                    if (funct6 == 0b100000) return i_type(kLoad, 4, rd_p, rs1_p, byte_imm);  // LBU
                    if (funct6 == 0b100001)
                        return i_type(kLoad, bit6 ? 1 : 5, rd_p, rs1_p, half_imm);  // LH / LHU
                    if (funct6 == 0b100010) return s_type(kStore, 0, rs1_p, rd_p, byte_imm);  // SB
                    if (funct6 == 0b100011 && !bit6)
                        return s_type(kStore, 1, rs1_p, rd_p, half_imm);  // SH
                    return 0;
                }
                default: return 0;  // C.ADDI4SPN
            }
        case 0b10:
            switch (funct3) {
                case 1: return i_type(kLoadFp, 3, rd, kSp, ldsp_imm);              // C.FLDSP
                case 2: return rd == 0 ? 0 : i_type(kLoad, 2, rd, kSp, lwsp_imm);  // C.LWSP
                case 3: return rd == 0 ? 0 : i_type(kLoad, 3, rd, kSp, ldsp_imm);  // C.LDSP
                case 5: return s_type(kStoreFp, 3, kSp, rs2, sdsp_imm);            // C.FSDSP
                case 6: return s_type(kStore, 2, kSp, rs2, swsp_imm);              // C.SWSP
                case 7: return s_type(kStore, 3, kSp, rs2, sdsp_imm);              // C.SDSP
                default: return 0;
            }
        default: return 0;  // quadrant 1 has no loads or stores
    }
}

// The htinst value for `raw` (a 32-bit instruction, or a 16-bit one in the
// low half) whose access faulted `addr_offset` bytes past its own address.
constexpr uint64_t transformed_instruction(uint32_t raw, uint32_t addr_offset = 0) {
    using namespace htinst_detail;
    if (field(raw, 1, 0) != 0b11) {
        const uint32_t expanded = expand_compressed(static_cast<uint16_t>(raw));
        if (expanded == 0) return 0;
        return transformed_instruction(expanded, addr_offset) & ~uint64_t{0b10};
    }
    const uint32_t opcode = field(raw, 6, 0);
    const uint32_t funct3 = field(raw, 14, 12);
    const uint32_t offset_field = (addr_offset & 31) << 15;
    const uint32_t keep_rd_funct3_opcode = raw & 0x0000'7FFF;
    const uint32_t keep_rs2_funct3_opcode = (raw & (31u << 20)) | (raw & 0x0000'707F);
    switch (opcode) {
        case kLoad:
            if (funct3 == 7) return 0;  // reserved (LDU is RV128)
            return keep_rd_funct3_opcode | offset_field;
        case kLoadFp:
            if (funct3 < 1 || funct3 > 4) return 0;  // vector loads: no transformation
            return keep_rd_funct3_opcode | offset_field;
        case kStore:
            if (funct3 > 3) return 0;  // SQ is RV128, the rest reserved
            return keep_rs2_funct3_opcode | offset_field;
        case kStoreFp:
            if (funct3 < 1 || funct3 > 4) return 0;
            return keep_rs2_funct3_opcode | offset_field;
        case kAmo: return (raw & ~(31u << 15)) | offset_field;
        default: return 0;
    }
}

}  // namespace halyard::testing
