// SPDX-License-Identifier: Apache-2.0
#include "mmio/instruction_decoder.hpp"

#include <array>

namespace halyard {
namespace {

// Major opcodes (bits 6:0) of the 32-bit instructions that access memory.
constexpr uint32_t kOpLoadFp = 0x07;
constexpr uint32_t kOpStoreFp = 0x27;
constexpr uint32_t kOpAmo = 0x2f;

constexpr uint32_t kHtinstBitTransformed = 1u << 0;
constexpr uint32_t kHtinstBit32BitOriginal = 1u << 1;

// Width and extension of LOAD by funct3. Width 0 marks funct3 111, which would
// be LDU on RV128 and is reserved on RV64.
struct LoadForm {
    uint8_t width;
    bool sign_extend;
};
constexpr std::array<LoadForm, 8> kLoadForms{{
    {1, true},   // LB
    {2, true},   // LH
    {4, true},   // LW
    {8, false},  // LD: already full width, nothing to extend
    {1, false},  // LBU
    {2, false},  // LHU
    {4, false},  // LWU
    {0, false},  // reserved
}};

constexpr DecodeResult refuse(DecodeStatus status) {
    return {status, {}, 0};
}

constexpr DecodeResult load(uint8_t width, bool sign_extend, uint32_t rd, uint8_t length) {
    return {DecodeStatus::kOk, {false, width, sign_extend, static_cast<uint8_t>(rd), length}, 0};
}

constexpr DecodeResult store(uint8_t width, uint32_t rs2, uint8_t length) {
    return {DecodeStatus::kOk, {true, width, false, static_cast<uint8_t>(rs2), length}, 0};
}

// A memory access a device cannot perform; the direction decides which
// access fault refuses it.
constexpr DecodeResult refused(DecodeStatus status, bool is_store, uint32_t width, uint32_t reg,
                               uint8_t length) {
    return {status,
            {is_store, static_cast<uint8_t>(width), false, static_cast<uint8_t>(reg), length},
            0};
}

constexpr uint32_t bits(uint32_t value, unsigned low, unsigned count) {
    return (value >> low) & ((1u << count) - 1u);
}

// AMO funct5 of LR (the A extension's "Load-Reserved/Store-Conditional").
constexpr uint32_t kFunct5Lr = 0b00010;

// `length` is that of the original instruction: 4 for a raw 32-bit form, 2 when
// an htinst value stands for a compressed one.
DecodeResult decode_32bit(uint32_t insn, uint8_t length) {
    const uint32_t funct3 = bits(insn, 12, 3);
    const uint32_t rd = bits(insn, 7, 5);
    const uint32_t rs2 = bits(insn, 20, 5);
    switch (bits(insn, 0, 7)) {
        case kOpcodeLoad: {
            const LoadForm form = kLoadForms[funct3];
            if (form.width == 0) return refuse(DecodeStatus::kNotLoadStore);
            return load(form.width, form.sign_extend, rd, length);
        }
        case kOpcodeStore:
            // funct3 0..3 = SB/SH/SW/SD; 4 would be SQ (RV128), the rest are unused.
            if (funct3 > 3) return refuse(DecodeStatus::kNotLoadStore);
            return store(static_cast<uint8_t>(1u << funct3), rs2, length);
        case kOpLoadFp:
        case kOpStoreFp: {
            // funct3 1..4 are FLH/FLW/FLD/FLQ (FSx alike). The other values are
            // vector loads/stores, which we do not emulate on device memory.
            if (funct3 < 1 || funct3 > 4) return refuse(DecodeStatus::kNotLoadStore);
            const bool is_store = bits(insn, 0, 7) == kOpStoreFp;
            return refused(DecodeStatus::kFloatingPoint, is_store, 1u << funct3,
                           is_store ? rs2 : rd, length);
        }
        case kOpAmo: {
            // LR/SC and every AMO width: a device register cannot be updated
            // atomically. An LR only reads (both QEMUs report its guest-page
            // fault as a load's), an SC or AMO writes: store/AMO.
            const bool is_lr = bits(insn, 27, 5) == kFunct5Lr;
            return refused(DecodeStatus::kAtomic, !is_lr, 1u << funct3, is_lr ? rd : rs2, length);
        }
        default: return refuse(DecodeStatus::kNotLoadStore);
    }
}

// Compressed register fields of 3 bits name x8..x15.
constexpr uint32_t compressed_reg(uint32_t field3) {
    return 8 + field3;
}

// Quadrant 0 (bits 1:0 = 00): register-based loads/stores with rs1' and rd'/rs2'.
DecodeResult decode_quadrant0(uint32_t insn) {
    const uint32_t reg = compressed_reg(bits(insn, 2, 3));  // rd' for loads, rs2' for stores
    switch (bits(insn, 13, 3)) {
        case 1: return refused(DecodeStatus::kFloatingPoint, false, 8, reg, 2);  // C.FLD
        case 5: return refused(DecodeStatus::kFloatingPoint, true, 8, reg, 2);   // C.FSD
        case 2: return load(4, true, reg, 2);                                    // C.LW
        case 3: return load(8, false, reg, 2);                                   // C.LD (RV64)
        case 6: return store(4, reg, 2);                                         // C.SW
        case 7: return store(8, reg, 2);                                         // C.SD (RV64)
        case 4:
            // Zcb byte/halfword forms. If the hart lacked Zcb this encoding would
            // have raised an illegal-instruction trap, never a guest page fault,
            // and htinst would report it as LBU/LHU/LH/SB/SH anyway.
            switch (bits(insn, 10, 3)) {
                case 0: return load(1, false, reg, 2);                  // C.LBU
                case 1: return load(2, bits(insn, 6, 1) != 0, reg, 2);  // C.LHU / C.LH
                case 2: return store(1, reg, 2);                        // C.SB
                case 3:
                    if (bits(insn, 6, 1) != 0) break;  // reserved
                    return store(2, reg, 2);           // C.SH
                default: break;
            }
            return refuse(DecodeStatus::kNotLoadStore);
        default:  // 0: C.ADDI4SPN, including the all-zero illegal instruction
            return refuse(DecodeStatus::kNotLoadStore);
    }
}

// Quadrant 2 (bits 1:0 = 10): sp-relative loads/stores with full register fields.
DecodeResult decode_quadrant2(uint32_t insn) {
    const uint32_t rd = bits(insn, 7, 5);
    const uint32_t rs2 = bits(insn, 2, 5);
    switch (bits(insn, 13, 3)) {
        case 1: return refused(DecodeStatus::kFloatingPoint, false, 8, rd, 2);  // C.FLDSP
        case 5: return refused(DecodeStatus::kFloatingPoint, true, 8, rs2, 2);  // C.FSDSP
        case 2:  // C.LWSP; rd = x0 is reserved
            if (rd == 0) return refuse(DecodeStatus::kNotLoadStore);
            return load(4, true, rd, 2);
        case 3:  // C.LDSP; rd = x0 is reserved
            if (rd == 0) return refuse(DecodeStatus::kNotLoadStore);
            return load(8, false, rd, 2);
        case 6: return store(4, rs2, 2);  // C.SWSP
        case 7: return store(8, rs2, 2);  // C.SDSP
        default: return refuse(DecodeStatus::kNotLoadStore);
    }
}

DecodeResult decode_16bit(uint32_t insn) {
    switch (bits(insn, 0, 2)) {
        case 0: return decode_quadrant0(insn);
        case 2: return decode_quadrant2(insn);
        default: return refuse(DecodeStatus::kNotLoadStore);  // quadrant 1 never accesses memory
    }
}

// ---- address operands (unprivileged ISA: "Load and Store Instructions" and
// the compressed "Load and Store Instructions" immediate layouts) ------------

constexpr AddressOperands operands(uint32_t base, int32_t offset) {
    return {true, static_cast<uint8_t>(base), static_cast<int16_t>(offset)};
}

constexpr int32_t sign_extend_12(uint32_t imm12) {
    return static_cast<int32_t>(imm12 ^ 0x800u) - 0x800;
}

// Places bits(insn, low, count) at bit `at` of an immediate.
constexpr uint32_t field(uint32_t insn, unsigned low, unsigned count, unsigned at) {
    return bits(insn, low, count) << at;
}

AddressOperands operands_32bit(uint32_t insn) {
    const uint32_t rs1 = bits(insn, 15, 5);
    switch (bits(insn, 0, 7)) {
        case kOpcodeLoad:
        case kOpLoadFp: return operands(rs1, sign_extend_12(bits(insn, 20, 12)));
        case kOpcodeStore:
        case kOpStoreFp:
            return operands(rs1, sign_extend_12(field(insn, 25, 7, 5) | bits(insn, 7, 5)));
        case kOpAmo: return operands(rs1, 0);
        default: return {};
    }
}

AddressOperands operands_16bit(uint32_t insn) {
    const uint32_t rs1_prime = compressed_reg(bits(insn, 7, 3));
    constexpr uint32_t kSp = 2;
    // uimm[5:3] in 12:10 with uimm[2] in 6 and uimm[6] in 5 (word forms), or
    // uimm[7:6] in 6:5 (doubleword forms).
    const uint32_t word = field(insn, 10, 3, 3) | field(insn, 6, 1, 2) | field(insn, 5, 1, 6);
    const uint32_t dword = field(insn, 10, 3, 3) | field(insn, 5, 2, 6);
    switch (bits(insn, 0, 2) << 3 | bits(insn, 13, 3)) {
        case 0 << 3 | 2:  // C.LW
        case 0 << 3 | 6:  // C.SW
            return operands(rs1_prime, static_cast<int32_t>(word));
        case 0 << 3 | 1:  // C.FLD
        case 0 << 3 | 3:  // C.LD
        case 0 << 3 | 5:  // C.FSD
        case 0 << 3 | 7:  // C.SD
            return operands(rs1_prime, static_cast<int32_t>(dword));
        case 0 << 3 | 4:  // Zcb: uimm[1] in 5, and uimm[0] in 6 for the byte forms
            return operands(rs1_prime, static_cast<int32_t>(
                                           field(insn, 5, 1, 1) |
                                           (bits(insn, 10, 1) == 0 ? field(insn, 6, 1, 0) : 0)));
        case 2 << 3 | 2:  // C.LWSP: uimm[5] in 12, uimm[4:2] in 6:4, uimm[7:6] in 3:2
            return operands(kSp, static_cast<int32_t>(field(insn, 12, 1, 5) | field(insn, 4, 3, 2) |
                                                      field(insn, 2, 2, 6)));
        case 2 << 3 | 1:  // C.FLDSP
        case 2 << 3 | 3:  // C.LDSP: uimm[5] in 12, uimm[4:3] in 6:5, uimm[8:6] in 4:2
            return operands(kSp, static_cast<int32_t>(field(insn, 12, 1, 5) | field(insn, 5, 2, 3) |
                                                      field(insn, 2, 3, 6)));
        case 2 << 3 | 6:  // C.SWSP: uimm[5:2] in 12:9, uimm[7:6] in 8:7
            return operands(kSp, static_cast<int32_t>(field(insn, 9, 4, 2) | field(insn, 7, 2, 6)));
        case 2 << 3 | 5:  // C.FSDSP
        case 2 << 3 | 7:  // C.SDSP: uimm[5:3] in 12:10, uimm[8:6] in 9:7
            return operands(kSp,
                            static_cast<int32_t>(field(insn, 10, 3, 3) | field(insn, 7, 3, 6)));
        default: return {};
    }
}

}  // namespace

DecodeResult decode_raw_instruction_out_of_line(uint32_t raw) {
    if (bits(raw, 0, 2) != 0b11) return decode_16bit(bits(raw, 0, 16));
    // Encodings longer than 32 bits (bits 4:2 = 111) match no opcode above.
    return decode_32bit(raw, 4);
}

DecodeResult decode_htinst_out_of_line(uint64_t htinst) {
    // A transformed instruction is a 32-bit value; upper bits set mean something else.
    if (!is_htinst_transformed(htinst) || (htinst >> 32) != 0) {
        return refuse(DecodeStatus::kNotLoadStore);
    }
    const auto insn = static_cast<uint32_t>(htinst);
    const uint8_t length = (insn & kHtinstBit32BitOriginal) != 0 ? 4 : 2;
    // Restore the 32-bit opcode (bits 1:0 = 11) that bit 1 was borrowed from.
    DecodeResult result = decode_32bit(insn | 0b11, length);
    // Bits 19:15, where the instruction had rs1, hold the Addr. Offset.
    if (result.status != DecodeStatus::kNotLoadStore)
        result.addr_offset = static_cast<uint8_t>(bits(insn, 15, 5));
    return result;
}

AddressOperands decode_address_operands(uint32_t raw) {
    if (decode_raw_instruction(raw).status == DecodeStatus::kNotLoadStore) return {};
    return bits(raw, 0, 2) == 0b11 ? operands_32bit(raw) : operands_16bit(bits(raw, 0, 16));
}

bool is_htinst_pseudoinstruction(uint64_t htinst) {
    return htinst == 0x2000 || htinst == 0x3000 || htinst == 0x2020 || htinst == 0x3020;
}

bool is_htinst_transformed(uint64_t htinst) {
    return (htinst & kHtinstBitTransformed) != 0;
}

unsigned instruction_length(uint16_t low_half) {
    // Longer encodings (48-bit and up) also have bits 1:0 = 11; reading 4 bytes
    // is enough to see that they are not loads/stores.
    return (low_half & 0b11) == 0b11 ? 4 : 2;
}

}  // namespace halyard
