// SPDX-License-Identifier: Apache-2.0
// Unit tests for the MMIO instruction decoder. Encodings are built by the small
// encoders below (checked against assembler output in EncodersMatchAssembler),
// so the expected fields never come from the decoder itself.

#include <gtest/gtest.h>

#include <array>
#include <cstdint>

#include "mmio/instruction_decoder.hpp"

namespace halyard {
namespace {

// ---- 32-bit encoders -------------------------------------------------------

constexpr uint32_t kLoad = 0x03, kLoadFp = 0x07, kStore = 0x23, kStoreFp = 0x27, kAmo = 0x2f;

constexpr uint32_t encode_i(uint32_t opcode, uint32_t funct3, uint32_t rd, uint32_t rs1,
                            int32_t imm) {
    return (static_cast<uint32_t>(imm) & 0xfffu) << 20 | rs1 << 15 | funct3 << 12 | rd << 7 |
           opcode;
}

constexpr uint32_t encode_s(uint32_t opcode, uint32_t funct3, uint32_t rs1, uint32_t rs2,
                            int32_t imm) {
    const uint32_t u = static_cast<uint32_t>(imm) & 0xfffu;
    return (u >> 5) << 25 | rs2 << 20 | rs1 << 15 | funct3 << 12 | (u & 0x1fu) << 7 | opcode;
}

constexpr uint32_t encode_amo(uint32_t funct5, bool aq, bool rl, uint32_t rs2, uint32_t rs1,
                              uint32_t funct3, uint32_t rd) {
    return funct5 << 27 | uint32_t{aq} << 26 | uint32_t{rl} << 25 | rs2 << 20 | rs1 << 15 |
           funct3 << 12 | rd << 7 | kAmo;
}

// Transformed htinst values (H extension): immediate zeroed, rs1 = address
// offset, bit 1 cleared when the original instruction was compressed.
constexpr uint64_t transformed_load(uint32_t opcode, uint32_t funct3, uint32_t rd, bool compressed,
                                    uint32_t addr_offset = 0) {
    return encode_i(opcode, funct3, rd, addr_offset, 0) & ~(compressed ? 2u : 0u);
}

constexpr uint64_t transformed_store(uint32_t opcode, uint32_t funct3, uint32_t rs2,
                                     bool compressed, uint32_t addr_offset = 0) {
    return encode_s(opcode, funct3, addr_offset, rs2, 0) & ~(compressed ? 2u : 0u);
}

// ---- 16-bit encoders (RV64C) -------------------------------------------------
// `rd_p`/`rs1_p`/`rs2_p` are the 3-bit fields (register x8 + field).

constexpr uint32_t bit(uint32_t value, unsigned n) {
    return (value >> n) & 1u;
}

// C.LW / C.SW: uimm[5:3] -> 12:10, uimm[2] -> 6, uimm[6] -> 5.
constexpr uint16_t encode_c_word(uint32_t funct3, uint32_t rs1_p, uint32_t reg_p, uint32_t uimm) {
    return static_cast<uint16_t>(funct3 << 13 | ((uimm >> 3) & 7u) << 10 | rs1_p << 7 |
                                 bit(uimm, 2) << 6 | bit(uimm, 6) << 5 | reg_p << 2);
}

// C.LD / C.SD / C.FLD / C.FSD: uimm[5:3] -> 12:10, uimm[7:6] -> 6:5.
constexpr uint16_t encode_c_dword(uint32_t funct3, uint32_t rs1_p, uint32_t reg_p, uint32_t uimm) {
    return static_cast<uint16_t>(funct3 << 13 | ((uimm >> 3) & 7u) << 10 | rs1_p << 7 |
                                 ((uimm >> 6) & 3u) << 5 | reg_p << 2);
}

constexpr uint16_t c_lw(uint32_t rd_p, uint32_t rs1_p, uint32_t uimm) {
    return encode_c_word(2, rs1_p, rd_p, uimm);
}
constexpr uint16_t c_sw(uint32_t rs2_p, uint32_t rs1_p, uint32_t uimm) {
    return encode_c_word(6, rs1_p, rs2_p, uimm);
}
constexpr uint16_t c_ld(uint32_t rd_p, uint32_t rs1_p, uint32_t uimm) {
    return encode_c_dword(3, rs1_p, rd_p, uimm);
}
constexpr uint16_t c_sd(uint32_t rs2_p, uint32_t rs1_p, uint32_t uimm) {
    return encode_c_dword(7, rs1_p, rs2_p, uimm);
}

// C.LWSP: uimm[5] -> 12, uimm[4:2] -> 6:4, uimm[7:6] -> 3:2.
constexpr uint16_t c_lwsp(uint32_t rd, uint32_t uimm) {
    return static_cast<uint16_t>(2u << 13 | bit(uimm, 5) << 12 | rd << 7 | ((uimm >> 2) & 7u) << 4 |
                                 ((uimm >> 6) & 3u) << 2 | 2u);
}
// C.LDSP / C.FLDSP: uimm[5] -> 12, uimm[4:3] -> 6:5, uimm[8:6] -> 4:2.
constexpr uint16_t encode_c_ldsp(uint32_t funct3, uint32_t rd, uint32_t uimm) {
    return static_cast<uint16_t>(funct3 << 13 | bit(uimm, 5) << 12 | rd << 7 |
                                 ((uimm >> 3) & 3u) << 5 | ((uimm >> 6) & 7u) << 2 | 2u);
}
constexpr uint16_t c_ldsp(uint32_t rd, uint32_t uimm) {
    return encode_c_ldsp(3, rd, uimm);
}
// C.SWSP: uimm[5:2] -> 12:9, uimm[7:6] -> 8:7.
constexpr uint16_t c_swsp(uint32_t rs2, uint32_t uimm) {
    return static_cast<uint16_t>(6u << 13 | ((uimm >> 2) & 15u) << 9 | ((uimm >> 6) & 3u) << 7 |
                                 rs2 << 2 | 2u);
}
// C.SDSP / C.FSDSP: uimm[5:3] -> 12:10, uimm[8:6] -> 9:7.
constexpr uint16_t encode_c_sdsp(uint32_t funct3, uint32_t rs2, uint32_t uimm) {
    return static_cast<uint16_t>(funct3 << 13 | ((uimm >> 3) & 7u) << 10 | ((uimm >> 6) & 7u) << 7 |
                                 rs2 << 2 | 2u);
}
constexpr uint16_t c_sdsp(uint32_t rs2, uint32_t uimm) {
    return encode_c_sdsp(7, rs2, uimm);
}

// Zcb: funct6 in 15:10, bit 6 selects C.LH over C.LHU, uimm bits in 6:5.
constexpr uint16_t encode_zcb(uint32_t funct6, uint32_t bit6, uint32_t rs1_p, uint32_t reg_p) {
    return static_cast<uint16_t>(funct6 << 10 | rs1_p << 7 | bit6 << 6 | reg_p << 2);
}

// ---- expectations --------------------------------------------------------------

void expect_access(const DecodeResult& r, bool is_store, unsigned width, bool sign_extend,
                   unsigned reg, unsigned length) {
    ASSERT_EQ(r.status, DecodeStatus::kOk);
    EXPECT_EQ(r.access.is_store, is_store);
    EXPECT_EQ(r.access.width, width);
    EXPECT_EQ(r.access.sign_extend, sign_extend);
    EXPECT_EQ(r.access.reg, reg);
    EXPECT_EQ(r.access.insn_length, length);
}

struct LoadCase {
    const char* name;
    uint32_t funct3;
    unsigned width;
    bool sign_extend;
};
constexpr std::array<LoadCase, 7> kLoads{{
    {"LB", 0, 1, true},
    {"LH", 1, 2, true},
    {"LW", 2, 4, true},
    {"LD", 3, 8, false},
    {"LBU", 4, 1, false},
    {"LHU", 5, 2, false},
    {"LWU", 6, 4, false},
}};

struct StoreCase {
    const char* name;
    uint32_t funct3;
    unsigned width;
};
constexpr std::array<StoreCase, 4> kStores{
    {{"SB", 0, 1}, {"SH", 1, 2}, {"SW", 2, 4}, {"SD", 3, 8}}};

// ---- the encoders themselves -----------------------------------------------------

TEST(InstructionDecoderTest, EncodersMatchAssembler) {
    // Reference values from riscv64-linux-gnu-as -march=rv64gc + objdump.
    EXPECT_EQ(encode_i(kLoad, 2, 15, 10, 0), 0x00052783u);                // lw a5,0(a0)
    EXPECT_EQ(encode_s(kStore, 3, 2, 11, 8), 0x00b13423u);                // sd a1,8(sp)
    EXPECT_EQ(encode_i(kLoad, 0, 31, 5, -1), 0xfff28f83u);                // lb t6,-1(t0)
    EXPECT_EQ(encode_i(kLoad, 4, 10, 11, 2047), 0x7ff5c503u);             // lbu a0,2047(a1)
    EXPECT_EQ(encode_i(kLoad, 1, 0, 8, -2048), 0x80041003u);              // lh zero,-2048(s0)
    EXPECT_EQ(encode_s(kStore, 1, 2, 31, -2), 0xfff11f23u);               // sh t6,-2(sp)
    EXPECT_EQ(encode_amo(0x02, false, false, 0, 11, 3, 5), 0x1005b2afu);  // lr.d t0,(a1)
    EXPECT_EQ(encode_amo(0x03, true, true, 14, 15, 2, 13), 0x1ee7a6afu);  // sc.w.aqrl a3,a4,(a5)
    EXPECT_EQ(c_lw(7, 2, 0), 0x411cu);                                    // c.lw a5,0(a0)
    EXPECT_EQ(c_sdsp(1, 8), 0xe406u);                                     // c.sdsp ra,8(sp)
    EXPECT_EQ(c_ld(0, 7, 8), 0x6780u);                                    // c.ld s0,8(a5)
    EXPECT_EQ(c_sw(2, 1, 4), 0xc0c8u);                                    // c.sw a0,4(s1)
    EXPECT_EQ(c_sd(1, 7, 248), 0xffe4u);                                  // c.sd s1,248(a5)
    EXPECT_EQ(c_lwsp(31, 252), 0x5ffeu);                                  // c.lwsp t6,252(sp)
    EXPECT_EQ(c_ldsp(1, 504), 0x70feu);                                   // c.ldsp ra,504(sp)
    EXPECT_EQ(c_swsp(0, 0), 0xc002u);                                     // c.swsp zero,0(sp)
    EXPECT_EQ(encode_c_dword(1, 2, 2, 8), 0x2508u);                       // c.fld fa0,8(a0)
    EXPECT_EQ(encode_c_sdsp(5, 8, 16), 0xa822u);                          // c.fsdsp fs0,16(sp)
}

// ---- raw 32-bit forms -------------------------------------------------------------

TEST(InstructionDecoderTest, RawLoadsEveryRegisterAndWidth) {
    for (const LoadCase& c : kLoads) {
        for (uint32_t rd = 0; rd < 32; ++rd) {
            for (int32_t imm : {-2048, -1, 0, 2047}) {
                SCOPED_TRACE(testing::Message() << c.name << " rd=x" << rd << " imm=" << imm);
                const uint32_t rs1 = 31 - rd;  // rs1 must not leak into reg
                expect_access(decode_raw_instruction(encode_i(kLoad, c.funct3, rd, rs1, imm)),
                              false, c.width, c.sign_extend, rd, 4);
            }
        }
    }
}

TEST(InstructionDecoderTest, RawStoresEveryRegisterAndWidth) {
    for (const StoreCase& c : kStores) {
        for (uint32_t rs2 = 0; rs2 < 32; ++rs2) {
            for (int32_t imm : {-2048, -1, 0, 2047}) {
                SCOPED_TRACE(testing::Message() << c.name << " rs2=x" << rs2 << " imm=" << imm);
                const uint32_t rs1 = 31 - rs2;
                expect_access(decode_raw_instruction(encode_s(kStore, c.funct3, rs1, rs2, imm)),
                              true, c.width, false, rs2, 4);
            }
        }
    }
}

TEST(InstructionDecoderTest, RawFixedEncodings) {
    expect_access(decode_raw_instruction(0x00052783), false, 4, true, 15, 4);   // lw a5,0(a0)
    expect_access(decode_raw_instruction(0x00b13423), true, 8, false, 11, 4);   // sd a1,8(sp)
    expect_access(decode_raw_instruction(0xfff28f83), false, 1, true, 31, 4);   // lb t6,-1(t0)
    expect_access(decode_raw_instruction(0x7ff5c503), false, 1, false, 10, 4);  // lbu a0,2047(a1)
    expect_access(decode_raw_instruction(0x80041003), false, 2, true, 0, 4);    // lh zero,-2048(s0)
    expect_access(decode_raw_instruction(0x00665483), false, 2, false, 9, 4);   // lhu s1,6(a2)
    expect_access(decode_raw_instruction(0x00c6ee03), false, 4, false, 28, 4);  // lwu t3,12(a3)
    expect_access(decode_raw_instruction(0x0100bd83), false, 8, false, 27, 4);  // ld s11,16(ra)
    expect_access(decode_raw_instruction(0x00050023), true, 1, false, 0, 4);    // sb zero,0(a0)
    expect_access(decode_raw_instruction(0xfff11f23), true, 2, false, 31, 4);   // sh t6,-2(sp)
    expect_access(decode_raw_instruction(0x00f52223), true, 4, false, 15, 4);   // sw a5,4(a0)
}

TEST(InstructionDecoderTest, RawReservedLoadStoreEncodingsAreRejected) {
    // LOAD funct3 111 would be LDU on RV128; reserved on RV64.
    EXPECT_EQ(decode_raw_instruction(encode_i(kLoad, 7, 10, 11, 0)).status,
              DecodeStatus::kNotLoadStore);
    // STORE funct3 4 (SQ on RV128) and above.
    for (uint32_t funct3 = 4; funct3 < 8; ++funct3) {
        EXPECT_EQ(decode_raw_instruction(encode_s(kStore, funct3, 10, 11, 0)).status,
                  DecodeStatus::kNotLoadStore)
            << "funct3=" << funct3;
    }
}

TEST(InstructionDecoderTest, RawFloatingPointLoadsStores) {
    // FLH/FLW/FLD/FLQ and their stores.
    for (uint32_t funct3 = 1; funct3 <= 4; ++funct3) {
        EXPECT_EQ(decode_raw_instruction(encode_i(kLoadFp, funct3, 10, 11, 8)).status,
                  DecodeStatus::kFloatingPoint);
        EXPECT_EQ(decode_raw_instruction(encode_s(kStoreFp, funct3, 11, 10, 8)).status,
                  DecodeStatus::kFloatingPoint);
    }
    EXPECT_EQ(decode_raw_instruction(0x00052507).status, DecodeStatus::kFloatingPoint);  // flw
    EXPECT_EQ(decode_raw_instruction(0x00813427).status, DecodeStatus::kFloatingPoint);  // fsd
    EXPECT_EQ(decode_raw_instruction(0x00251587).status, DecodeStatus::kFloatingPoint);  // flh
    // The remaining LOAD-FP/STORE-FP widths are vector accesses: not emulated.
    for (uint32_t funct3 : {0u, 5u, 6u, 7u}) {
        EXPECT_EQ(decode_raw_instruction(encode_i(kLoadFp, funct3, 1, 10, 0)).status,
                  DecodeStatus::kNotLoadStore);
        EXPECT_EQ(decode_raw_instruction(encode_s(kStoreFp, funct3, 10, 1, 0)).status,
                  DecodeStatus::kNotLoadStore);
    }
}

TEST(InstructionDecoderTest, RawAtomics) {
    EXPECT_EQ(decode_raw_instruction(0x08b6252f).status, DecodeStatus::kAtomic);  // amoswap.w
    EXPECT_EQ(decode_raw_instruction(0x1005b2af).status, DecodeStatus::kAtomic);  // lr.d
    EXPECT_EQ(decode_raw_instruction(0x1ee7a6af).status, DecodeStatus::kAtomic);  // sc.w.aqrl
    // Every AMO funct5 at every width (incl. Zabha bytes/halves and Zacas quads).
    for (uint32_t funct5 = 0; funct5 < 32; ++funct5) {
        for (uint32_t funct3 = 0; funct3 < 5; ++funct3) {
            EXPECT_EQ(
                decode_raw_instruction(encode_amo(funct5, true, false, 3, 4, funct3, 5)).status,
                DecodeStatus::kAtomic);
        }
    }
}

TEST(InstructionDecoderTest, RawNonMemoryInstructionsAreRejected) {
    for (uint32_t insn : {
             0x00150513u,  // addi a0,a0,1
             0x00000013u,  // nop
             0x000002b7u,  // lui t0,0
             0x0000006fu,  // j .
             0x00000073u,  // ecall
             0x0ff0000fu,  // fence
             0x10500073u,  // wfi
             0x14102573u,  // csrr a0,sepc
             0xffffffffu,  // all ones: bits 6:0 = 0x7f (an 80-bit+ form)
             0x0000001fu,  // 48-bit prefix (bits 5:0 = 011111)
         }) {
        EXPECT_EQ(decode_raw_instruction(insn).status, DecodeStatus::kNotLoadStore)
            << std::hex << insn;
    }
}

// ---- raw compressed forms -----------------------------------------------------------

TEST(InstructionDecoderTest, CompressedRegisterFormsMapToX8ThroughX15) {
    for (uint32_t field = 0; field < 8; ++field) {
        const uint32_t rs1 = 7 - field;
        const unsigned reg = 8 + field;
        SCOPED_TRACE(testing::Message() << "field=" << field);
        expect_access(decode_raw_instruction(c_lw(field, rs1, 124)), false, 4, true, reg, 2);
        expect_access(decode_raw_instruction(c_ld(field, rs1, 248)), false, 8, false, reg, 2);
        expect_access(decode_raw_instruction(c_sw(field, rs1, 4)), true, 4, false, reg, 2);
        expect_access(decode_raw_instruction(c_sd(field, rs1, 8)), true, 8, false, reg, 2);
    }
}

TEST(InstructionDecoderTest, CompressedStackPointerFormsEveryRegister) {
    for (uint32_t r = 0; r < 32; ++r) {
        SCOPED_TRACE(testing::Message() << "x" << r);
        if (r != 0) {
            expect_access(decode_raw_instruction(c_lwsp(r, 252)), false, 4, true, r, 2);
            expect_access(decode_raw_instruction(c_ldsp(r, 504)), false, 8, false, r, 2);
        }
        expect_access(decode_raw_instruction(c_swsp(r, 252)), true, 4, false, r, 2);
        expect_access(decode_raw_instruction(c_sdsp(r, 504)), true, 8, false, r, 2);
    }
}

TEST(InstructionDecoderTest, CompressedLoadSpWithX0IsReserved) {
    EXPECT_EQ(decode_raw_instruction(c_lwsp(0, 4)).status, DecodeStatus::kNotLoadStore);
    EXPECT_EQ(decode_raw_instruction(c_ldsp(0, 8)).status, DecodeStatus::kNotLoadStore);
}

TEST(InstructionDecoderTest, CompressedFixedEncodings) {
    expect_access(decode_raw_instruction(0x411c), false, 4, true, 15, 2);  // c.lw a5,0(a0)
    expect_access(decode_raw_instruction(0xe406), true, 8, false, 1, 2);   // c.sdsp ra,8(sp)
    expect_access(decode_raw_instruction(0x6780), false, 8, false, 8, 2);  // c.ld s0,8(a5)
    expect_access(decode_raw_instruction(0xc0c8), true, 4, false, 10, 2);  // c.sw a0,4(s1)
    expect_access(decode_raw_instruction(0xffe4), true, 8, false, 9, 2);   // c.sd s1,248(a5)
    expect_access(decode_raw_instruction(0x5ffe), false, 4, true, 31, 2);  // c.lwsp t6,252(sp)
    expect_access(decode_raw_instruction(0x70fe), false, 8, false, 1, 2);  // c.ldsp ra,504(sp)
    expect_access(decode_raw_instruction(0xc002), true, 4, false, 0, 2);   // c.swsp zero,0(sp)
}

TEST(InstructionDecoderTest, CompressedUpperHalfIsIgnored) {
    // The halfword after a compressed instruction belongs to the next one.
    for (uint32_t upper : {0x0000u, 0xffffu, 0x0003u, 0x2783u}) {
        expect_access(decode_raw_instruction(upper << 16 | 0x411c), false, 4, true, 15, 2);
        EXPECT_EQ(decode_raw_instruction(upper << 16 | 0x0001).status, DecodeStatus::kNotLoadStore);
    }
}

TEST(InstructionDecoderTest, CompressedFloatingPoint) {
    EXPECT_EQ(decode_raw_instruction(0x2508).status, DecodeStatus::kFloatingPoint);  // c.fld
    EXPECT_EQ(decode_raw_instruction(0xa39c).status, DecodeStatus::kFloatingPoint);  // c.fsd
    EXPECT_EQ(decode_raw_instruction(0x2002).status, DecodeStatus::kFloatingPoint);  // c.fldsp
    EXPECT_EQ(decode_raw_instruction(0xa822).status, DecodeStatus::kFloatingPoint);  // c.fsdsp
    EXPECT_EQ(decode_raw_instruction(encode_c_ldsp(1, 0, 8)).status,  // c.fldsp f0: rd=0 is fine
              DecodeStatus::kFloatingPoint);
}

TEST(InstructionDecoderTest, CompressedNonMemoryAndIllegalAreRejected) {
    for (uint32_t insn : {
             0x0000u,  // the defined illegal instruction
             0x0808u,  // c.addi4spn a0,sp,16
             0x0001u,  // c.nop
             0x852eu,  // c.mv a0,a1
             0x9002u,  // c.ebreak
             0x8082u,  // c.jr ra (ret)
             0x050au,  // c.slli a0,2
             0x4505u,  // c.li a0,1
             0x6105u,  // c.addi16sp sp,32
             0xa001u,  // c.j .
             0x8d09u,  // c.sub a0,a0
         }) {
        EXPECT_EQ(decode_raw_instruction(insn).status, DecodeStatus::kNotLoadStore)
            << std::hex << insn;
    }
}

TEST(InstructionDecoderTest, CompressedZcbByteAndHalfwordForms) {
    for (uint32_t field = 0; field < 8; ++field) {
        const unsigned reg = 8 + field;
        expect_access(decode_raw_instruction(encode_zcb(0x20, 1, 7 - field, field)), false, 1,
                      false, reg, 2);  // c.lbu
        expect_access(decode_raw_instruction(encode_zcb(0x21, 0, 7 - field, field)), false, 2,
                      false, reg, 2);  // c.lhu
        expect_access(decode_raw_instruction(encode_zcb(0x21, 1, 7 - field, field)), false, 2, true,
                      reg, 2);  // c.lh
        expect_access(decode_raw_instruction(encode_zcb(0x22, 1, 7 - field, field)), true, 1, false,
                      reg, 2);  // c.sb
        expect_access(decode_raw_instruction(encode_zcb(0x23, 0, 7 - field, field)), true, 2, false,
                      reg, 2);  // c.sh
    }
    // c.sh with bit 6 set, and funct6 100100..100111 (other Zcb ops / reserved).
    EXPECT_EQ(decode_raw_instruction(encode_zcb(0x23, 1, 0, 0)).status,
              DecodeStatus::kNotLoadStore);
    for (uint32_t funct6 = 0x24; funct6 < 0x28; ++funct6) {
        EXPECT_EQ(decode_raw_instruction(encode_zcb(funct6, 0, 0, 0)).status,
                  DecodeStatus::kNotLoadStore);
    }
}

// ---- htinst -------------------------------------------------------------------------

TEST(InstructionDecoderTest, HtinstLoadsEveryRegisterWidthAndSize) {
    for (const LoadCase& c : kLoads) {
        for (uint32_t rd = 0; rd < 32; ++rd) {
            for (bool compressed : {false, true}) {
                SCOPED_TRACE(testing::Message() << c.name << " rd=x" << rd << " c=" << compressed);
                expect_access(decode_htinst(transformed_load(kLoad, c.funct3, rd, compressed)),
                              false, c.width, c.sign_extend, rd, compressed ? 2 : 4);
            }
        }
    }
}

TEST(InstructionDecoderTest, HtinstStoresEveryRegisterWidthAndSize) {
    for (const StoreCase& c : kStores) {
        for (uint32_t rs2 = 0; rs2 < 32; ++rs2) {
            for (bool compressed : {false, true}) {
                SCOPED_TRACE(testing::Message()
                             << c.name << " rs2=x" << rs2 << " c=" << compressed);
                expect_access(decode_htinst(transformed_store(kStore, c.funct3, rs2, compressed)),
                              true, c.width, false, rs2, compressed ? 2 : 4);
            }
        }
    }
}

TEST(InstructionDecoderTest, HtinstAddressOffsetDoesNotAffectDecode) {
    // rs1 carries the offset of the faulting address within a misaligned access.
    for (uint32_t offset = 0; offset < 8; ++offset) {
        expect_access(decode_htinst(transformed_load(kLoad, 3, 10, false, offset)), false, 8, false,
                      10, 4);
        expect_access(decode_htinst(transformed_store(kStore, 2, 11, true, offset)), true, 4, false,
                      11, 2);
    }
}

TEST(InstructionDecoderTest, HtinstFixedValues) {
    // lw a5,0(a0) transformed: imm and rs1 zeroed -> 0x00002783.
    expect_access(decode_htinst(0x00002783), false, 4, true, 15, 4);
    // c.lw a5,0(a0) (0x411c): same, with bit 1 cleared.
    expect_access(decode_htinst(0x00002781), false, 4, true, 15, 2);
    // sd a1,8(sp) transformed -> 0x00b03023.
    expect_access(decode_htinst(0x00b03023), true, 8, false, 11, 4);
    // c.sdsp ra,8(sp) (0xe406) expands to sd ra,8(sp) -> 0x00103023, bit 1 cleared.
    expect_access(decode_htinst(0x00103021), true, 8, false, 1, 2);
    // c.ldsp ra,504(sp) expands to ld ra,504(sp) -> 0x00003083, bit 1 cleared.
    expect_access(decode_htinst(0x00003081), false, 8, false, 1, 2);
}

TEST(InstructionDecoderTest, HtinstFloatingPointAndAtomic) {
    for (bool compressed : {false, true}) {
        EXPECT_EQ(decode_htinst(transformed_load(kLoadFp, 3, 10, compressed)).status,
                  DecodeStatus::kFloatingPoint);
        EXPECT_EQ(decode_htinst(transformed_store(kStoreFp, 3, 10, compressed)).status,
                  DecodeStatus::kFloatingPoint);
    }
    EXPECT_EQ(decode_htinst(transformed_load(kLoadFp, 2, 1, false)).status,
              DecodeStatus::kFloatingPoint);
    EXPECT_EQ(decode_htinst(transformed_store(kStoreFp, 2, 1, false)).status,
              DecodeStatus::kFloatingPoint);
    // AMOs: rs1 replaced by the address offset (0).
    EXPECT_EQ(decode_htinst(encode_amo(0x01, false, false, 11, 0, 2, 10)).status,
              DecodeStatus::kAtomic);  // amoswap.w
    EXPECT_EQ(decode_htinst(encode_amo(0x02, true, true, 0, 0, 3, 5)).status,
              DecodeStatus::kAtomic);  // lr.d.aqrl
}

TEST(InstructionDecoderTest, HtinstValuesThatAreNotTransformedLoadsStores) {
    for (uint64_t value : {
             uint64_t{0},       // no information: caller reads guest memory
             uint64_t{0x2000},  // pseudoinstructions
             uint64_t{0x3000}, uint64_t{0x2020}, uint64_t{0x3020},
             uint64_t{0x00002782},            // bit 0 clear
             uint64_t{0x00150513},            // a transformed-looking addi
             uint64_t{0x00007003},            // reserved LOAD funct3
             uint64_t{0x00004023},            // reserved STORE funct3
             uint64_t{0x00000007},            // vector load (LOAD-FP funct3 0)
             uint64_t{1} << 32 | 0x00002783,  // not a 32-bit value
         }) {
        EXPECT_EQ(decode_htinst(value).status, DecodeStatus::kNotLoadStore) << std::hex << value;
    }
}

TEST(InstructionDecoderTest, HtinstClassification) {
    for (uint64_t value : {0x2000u, 0x3000u, 0x2020u, 0x3020u}) {
        EXPECT_TRUE(is_htinst_pseudoinstruction(value)) << std::hex << value;
        EXPECT_FALSE(is_htinst_transformed(value)) << std::hex << value;
    }
    for (uint64_t value : {0x0u, 0x1000u, 0x2001u, 0x2002u, 0x3021u, 0x2030u, 0x102000u}) {
        EXPECT_FALSE(is_htinst_pseudoinstruction(value)) << std::hex << value;
    }
    EXPECT_TRUE(is_htinst_transformed(0x00002783));
    EXPECT_TRUE(is_htinst_transformed(0x00002781));
    EXPECT_FALSE(is_htinst_transformed(0));
    EXPECT_FALSE(is_htinst_transformed(0x00002782));
}

// ---- instruction_length -----------------------------------------------------------------

TEST(InstructionDecoderTest, InstructionLengthFromFirstHalfword) {
    EXPECT_EQ(instruction_length(0x411c), 2u);  // c.lw
    EXPECT_EQ(instruction_length(0x0000), 2u);  // illegal, still 16-bit
    EXPECT_EQ(instruction_length(0x2783), 4u);  // low half of lw a5,0(a0)
    EXPECT_EQ(instruction_length(0x3423), 4u);  // low half of sd a1,8(sp)
    for (uint32_t half = 0; half <= 0xffff; ++half) {
        const unsigned expected = (half & 3u) == 3u ? 4u : 2u;
        ASSERT_EQ(instruction_length(static_cast<uint16_t>(half)), expected) << std::hex << half;
    }
}

TEST(InstructionDecoderTest, RawLengthAgreesWithInstructionLength) {
    // Whatever a halfword decodes to, a successful decode reports the same length
    // the caller used to fetch it.
    for (uint32_t half = 0; half <= 0xffff; ++half) {
        const DecodeResult r = decode_raw_instruction(0x00050000u | half);
        if (r.status == DecodeStatus::kOk) {
            ASSERT_EQ(r.access.insn_length, instruction_length(static_cast<uint16_t>(half)))
                << std::hex << half;
        }
    }
}

}  // namespace
}  // namespace halyard
