// SPDX-License-Identifier: Apache-2.0
// Unit tests for the MMIO instruction decoder. Every instruction form is
// decoded both ways the exit path can meet it: raw, as read from guest memory
// (decode_raw_instruction, the HLVX path), and transformed, as a hart that
// fills htinst writes it (decode_htinst of htinst_transform.hpp's value, built
// from the H extension's rules); both must give the expected access. The
// encoders below are checked against assembler output
// (EncodersMatchAssembler) and the transformer against what QEMU 10 wrote
// (TransformerMatchesQemu10), so no expectation comes from the decoder.

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <ostream>
#include <random>
#include <string>
#include <vector>

#include "htinst_transform.hpp"
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

// Zcb with an offset: C.LBU/C.SB take uimm[1:0] in bits 5 and 6, C.LHU/C.LH/
// C.SH uimm[1] in bit 5 (bit 6 tells C.LH from C.LHU).
constexpr uint16_t zcb_byte(uint32_t funct6, uint32_t rs1_p, uint32_t reg_p, uint32_t uimm) {
    return static_cast<uint16_t>(encode_zcb(funct6, bit(uimm, 0), rs1_p, reg_p) | bit(uimm, 1)
                                                                                      << 5);
}
constexpr uint16_t zcb_half(uint32_t funct6, uint32_t bit6, uint32_t rs1_p, uint32_t reg_p,
                            uint32_t uimm) {
    return static_cast<uint16_t>(encode_zcb(funct6, bit6, rs1_p, reg_p) | bit(uimm, 1) << 5);
}

// ---- expected decodes ----------------------------------------------------------

constexpr DecodeResult ok_load(unsigned width, bool sign_extend, unsigned rd, unsigned length) {
    return {DecodeStatus::kOk,
            {false, static_cast<uint8_t>(width), sign_extend, static_cast<uint8_t>(rd),
             static_cast<uint8_t>(length)},
            0};
}
constexpr DecodeResult ok_store(unsigned width, unsigned rs2, unsigned length) {
    return {DecodeStatus::kOk,
            {true, static_cast<uint8_t>(width), false, static_cast<uint8_t>(rs2),
             static_cast<uint8_t>(length)},
            0};
}
constexpr DecodeResult refused(DecodeStatus status, bool is_store, unsigned width, unsigned reg,
                               unsigned length) {
    return {status,
            {is_store, static_cast<uint8_t>(width), false, static_cast<uint8_t>(reg),
             static_cast<uint8_t>(length)},
            0};
}
constexpr DecodeResult not_load_store() {
    return {DecodeStatus::kNotLoadStore, {}, 0};
}
DecodeResult with_offset(DecodeResult r, unsigned offset) {
    r.addr_offset = static_cast<uint8_t>(offset);
    return r;
}

bool same(const DecodeResult& x, const DecodeResult& y) {
    return x.status == y.status && x.access.is_store == y.access.is_store &&
           x.access.width == y.access.width && x.access.sign_extend == y.access.sign_extend &&
           x.access.reg == y.access.reg && x.access.insn_length == y.access.insn_length &&
           x.addr_offset == y.addr_offset;
}

std::string describe(const DecodeResult& r) {
    static constexpr const char* kStatus[] = {"ok", "floating-point", "atomic", "not-load-store"};
    std::string s = kStatus[static_cast<unsigned>(r.status)];
    s += r.access.is_store ? " store" : " load";
    s += " width " + std::to_string(r.access.width);
    s += r.access.sign_extend ? " signed" : " unsigned";
    s += " x" + std::to_string(r.access.reg);
    s += " length " + std::to_string(r.access.insn_length);
    s += " offset " + std::to_string(r.addr_offset);
    return s;
}

::testing::AssertionResult decodes_to(const DecodeResult& got, const DecodeResult& expected) {
    if (same(got, expected)) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure()
           << "got {" << describe(got) << "}, expected {" << describe(expected) << "}";
}

bool same(const AddressOperands& x, const AddressOperands& y) {
    return x.valid == y.valid && (!x.valid || (x.base == y.base && x.offset == y.offset));
}

// ---- the forms ---------------------------------------------------------------------

// One encoding of a form, what both decoders must make of it, and where it
// takes its address from.
struct Variant {
    uint32_t raw;
    DecodeResult expected;
    AddressOperands address;
};

AddressOperands from(unsigned base, int offset) {
    return {true, static_cast<uint8_t>(base), static_cast<int16_t>(offset)};
}
constexpr AddressOperands kNoAddress{};

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

constexpr std::array<int32_t, 5> kImmediates{-2048, -1, 0, 8, 2047};

// What a form decodes to, given its register.
using Expect = std::function<DecodeResult(unsigned reg)>;

// Every destination register, several immediates, a base register that
// differs from the destination (it must not leak into `reg`).
std::vector<Variant> loads_32(uint32_t opcode, uint32_t funct3, const Expect& expect) {
    std::vector<Variant> v;
    for (uint32_t rd = 0; rd < 32; ++rd)
        for (int32_t imm : kImmediates)
            v.push_back(
                {encode_i(opcode, funct3, rd, 31 - rd, imm), expect(rd), from(31 - rd, imm)});
    return v;
}
std::vector<Variant> stores_32(uint32_t opcode, uint32_t funct3, const Expect& expect) {
    std::vector<Variant> v;
    for (uint32_t rs2 = 0; rs2 < 32; ++rs2)
        for (int32_t imm : kImmediates)
            v.push_back(
                {encode_s(opcode, funct3, 31 - rs2, rs2, imm), expect(rs2), from(31 - rs2, imm)});
    return v;
}

template <unsigned kIndex>
std::vector<Variant> integer_load() {
    constexpr LoadCase c = kLoads[kIndex];
    return loads_32(kLoad, c.funct3,
                    [=](unsigned rd) { return ok_load(c.width, c.sign_extend, rd, 4); });
}
template <unsigned kIndex>
std::vector<Variant> integer_store() {
    constexpr StoreCase c = kStores[kIndex];
    return stores_32(kStore, c.funct3, [=](unsigned rs2) { return ok_store(c.width, rs2, 4); });
}
template <uint32_t kFunct3>
std::vector<Variant> fp_load() {
    return loads_32(kLoadFp, kFunct3, [](unsigned rd) {
        return refused(DecodeStatus::kFloatingPoint, false, 1u << kFunct3, rd, 4);
    });
}
template <uint32_t kFunct3>
std::vector<Variant> fp_store() {
    return stores_32(kStoreFp, kFunct3, [](unsigned rs2) {
        return refused(DecodeStatus::kFloatingPoint, true, 1u << kFunct3, rs2, 4);
    });
}

std::vector<Variant> reserved_loads_stores() {
    std::vector<Variant> v;
    for (uint32_t rd : {0u, 10u, 31u}) {
        v.push_back({encode_i(kLoad, 7, rd, 11, 0), not_load_store(), kNoAddress});  // LDU (RV128)
        for (uint32_t funct3 = 4; funct3 < 8; ++funct3)  // SQ (RV128) and unused
            v.push_back({encode_s(kStore, funct3, 10, rd, 0), not_load_store(), kNoAddress});
    }
    return v;
}

std::vector<Variant> vector_loads_stores() {
    std::vector<Variant> v;
    for (uint32_t funct3 : {0u, 5u, 6u, 7u}) {
        v.push_back({encode_i(kLoadFp, funct3, 1, 10, 0), not_load_store(), kNoAddress});
        v.push_back({encode_s(kStoreFp, funct3, 10, 1, 0), not_load_store(), kNoAddress});
    }
    return v;
}

// LR reads, so it is refused with a load access fault; SC and the AMOs write.
constexpr uint32_t kFunct5Lr = 0b00010, kFunct5Sc = 0b00011;
constexpr std::array<uint32_t, 10> kAmoFunct5{0b00000, 0b00001, 0b00100, 0b01000, 0b01100,
                                              0b10000, 0b10100, 0b11000, 0b11100, 0b00101};

std::vector<Variant> atomics(uint32_t funct5, std::initializer_list<uint32_t> widths) {
    std::vector<Variant> v;
    const bool is_lr = funct5 == kFunct5Lr;
    for (uint32_t funct3 : widths)
        for (int ordering = 0; ordering < 4; ++ordering)
            for (uint32_t reg : {0u, 5u, 31u}) {
                const uint32_t rd = is_lr ? reg : 7;
                const uint32_t rs2 = is_lr ? 0 : reg;
                v.push_back({encode_amo(funct5, ordering & 1, ordering & 2, rs2, 12, funct3, rd),
                             refused(DecodeStatus::kAtomic, !is_lr, 1u << funct3, reg, 4),
                             from(12, 0)});
            }
    return v;
}
std::vector<Variant> load_reserved() {
    return atomics(kFunct5Lr, {2, 3});
}
std::vector<Variant> store_conditional() {
    return atomics(kFunct5Sc, {2, 3});
}
std::vector<Variant> amos() {
    std::vector<Variant> v;
    for (uint32_t funct5 : kAmoFunct5) {
        // Words and doublewords; Zabha bytes and halves; AMOCAS.Q.
        for (const Variant& x : atomics(funct5, {0, 1, 2, 3})) v.push_back(x);
        if (funct5 == 0b00101)
            for (const Variant& x : atomics(funct5, {4})) v.push_back(x);
    }
    return v;
}

// Compressed register-based forms: every rd'/rs2' with every rs1', offsets
// across the immediate's bits.
using CEncoder = uint16_t (*)(uint32_t reg_p, uint32_t rs1_p, uint32_t uimm);
std::vector<Variant> compressed_reg(CEncoder encode, std::initializer_list<uint32_t> offsets,
                                    const Expect& expect) {
    std::vector<Variant> v;
    for (uint32_t field = 0; field < 8; ++field)
        for (uint32_t rs1_p = 0; rs1_p < 8; ++rs1_p)
            for (uint32_t uimm : offsets)
                v.push_back({encode(field, rs1_p, uimm), expect(8 + field),
                             from(8 + rs1_p, static_cast<int>(uimm))});
    return v;
}
// Compressed sp-based forms: every register, offsets across the immediate.
using CSpEncoder = uint16_t (*)(uint32_t reg, uint32_t uimm);
std::vector<Variant> compressed_sp(CSpEncoder encode, std::initializer_list<uint32_t> offsets,
                                   uint32_t first_reg, const Expect& expect) {
    std::vector<Variant> v;
    for (uint32_t reg = first_reg; reg < 32; ++reg)
        for (uint32_t uimm : offsets)
            v.push_back({encode(reg, uimm), expect(reg), from(2, static_cast<int>(uimm))});
    return v;
}

constexpr auto kWordOffsets = {0u, 4u, 8u, 32u, 64u, 124u};
constexpr auto kDwordOffsets = {0u, 8u, 64u, 128u, 248u};
constexpr auto kWordSpOffsets = {0u, 4u, 32u, 128u, 252u};
constexpr auto kDwordSpOffsets = {0u, 8u, 32u, 256u, 504u};

std::vector<Variant> c_lw_forms() {
    return compressed_reg(c_lw, kWordOffsets, [](unsigned r) { return ok_load(4, true, r, 2); });
}
std::vector<Variant> c_ld_forms() {
    return compressed_reg(c_ld, kDwordOffsets, [](unsigned r) { return ok_load(8, false, r, 2); });
}
std::vector<Variant> c_sw_forms() {
    return compressed_reg(c_sw, kWordOffsets, [](unsigned r) { return ok_store(4, r, 2); });
}
std::vector<Variant> c_sd_forms() {
    return compressed_reg(c_sd, kDwordOffsets, [](unsigned r) { return ok_store(8, r, 2); });
}
std::vector<Variant> c_fld_forms() {
    return compressed_reg(
        [](uint32_t r, uint32_t b, uint32_t u) { return encode_c_dword(1, b, r, u); },
        kDwordOffsets,
        [](unsigned r) { return refused(DecodeStatus::kFloatingPoint, false, 8, r, 2); });
}
std::vector<Variant> c_fsd_forms() {
    return compressed_reg(
        [](uint32_t r, uint32_t b, uint32_t u) { return encode_c_dword(5, b, r, u); },
        kDwordOffsets,
        [](unsigned r) { return refused(DecodeStatus::kFloatingPoint, true, 8, r, 2); });
}
std::vector<Variant> c_lwsp_forms() {
    return compressed_sp(c_lwsp, kWordSpOffsets, 1,
                         [](unsigned r) { return ok_load(4, true, r, 2); });
}
std::vector<Variant> c_ldsp_forms() {
    return compressed_sp(c_ldsp, kDwordSpOffsets, 1,
                         [](unsigned r) { return ok_load(8, false, r, 2); });
}
std::vector<Variant> c_swsp_forms() {
    return compressed_sp(c_swsp, kWordSpOffsets, 0, [](unsigned r) { return ok_store(4, r, 2); });
}
std::vector<Variant> c_sdsp_forms() {
    return compressed_sp(c_sdsp, kDwordSpOffsets, 0, [](unsigned r) { return ok_store(8, r, 2); });
}
std::vector<Variant> c_fldsp_forms() {  // f0 is a fine destination
    return compressed_sp(
        [](uint32_t r, uint32_t u) { return encode_c_ldsp(1, r, u); }, kDwordSpOffsets, 0,
        [](unsigned r) { return refused(DecodeStatus::kFloatingPoint, false, 8, r, 2); });
}
std::vector<Variant> c_fsdsp_forms() {
    return compressed_sp(
        [](uint32_t r, uint32_t u) { return encode_c_sdsp(5, r, u); }, kDwordSpOffsets, 0,
        [](unsigned r) { return refused(DecodeStatus::kFloatingPoint, true, 8, r, 2); });
}
std::vector<Variant> c_lbu_forms() {
    return compressed_reg(
        [](uint32_t r, uint32_t b, uint32_t u) { return zcb_byte(0x20, b, r, u); },
        {0u, 1u, 2u, 3u}, [](unsigned r) { return ok_load(1, false, r, 2); });
}
std::vector<Variant> c_lhu_forms() {
    return compressed_reg(
        [](uint32_t r, uint32_t b, uint32_t u) { return zcb_half(0x21, 0, b, r, u); }, {0u, 2u},
        [](unsigned r) { return ok_load(2, false, r, 2); });
}
std::vector<Variant> c_lh_forms() {
    return compressed_reg(
        [](uint32_t r, uint32_t b, uint32_t u) { return zcb_half(0x21, 1, b, r, u); }, {0u, 2u},
        [](unsigned r) { return ok_load(2, true, r, 2); });
}
std::vector<Variant> c_sb_forms() {
    return compressed_reg(
        [](uint32_t r, uint32_t b, uint32_t u) { return zcb_byte(0x22, b, r, u); },
        {0u, 1u, 2u, 3u}, [](unsigned r) { return ok_store(1, r, 2); });
}
std::vector<Variant> c_sh_forms() {
    return compressed_reg(
        [](uint32_t r, uint32_t b, uint32_t u) { return zcb_half(0x23, 0, b, r, u); }, {0u, 2u},
        [](unsigned r) { return ok_store(2, r, 2); });
}

std::vector<Variant> reserved_compressed() {
    std::vector<Variant> v;
    v.push_back({c_lwsp(0, 4), not_load_store(), kNoAddress});               // C.LWSP with rd = x0
    v.push_back({c_ldsp(0, 8), not_load_store(), kNoAddress});               // C.LDSP with rd = x0
    v.push_back({encode_zcb(0x23, 1, 0, 0), not_load_store(), kNoAddress});  // C.SH, bit 6 set
    for (uint32_t funct6 = 0x24; funct6 < 0x28; ++funct6)
        v.push_back({encode_zcb(funct6, 0, 0, 0), not_load_store(), kNoAddress});
    return v;
}

std::vector<Variant> non_memory_32() {
    std::vector<Variant> v;
    for (uint32_t insn : {
             0x00150513u,  // addi a0,a0,1
             0x00000013u,  // nop
             0x000002b7u,  // lui t0,0
             0x0000006fu,  // j .
             0x00000073u,  // ecall
             0x0ff0000fu,  // fence
             0x10500073u,  // wfi
             0x14102573u,  // csrr a0,sepc
             0x6415c573u,  // hlv.hu a0,(a1): a hypervisor load, never a guest's
             0xffffffffu,  // all ones: bits 6:0 = 0x7f (an 80-bit+ form)
             0x0000001fu,  // 48-bit prefix (bits 5:0 = 011111)
         })
        v.push_back({insn, not_load_store(), kNoAddress});
    return v;
}

std::vector<Variant> non_memory_16() {
    std::vector<Variant> v;
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
         })
        v.push_back({insn, not_load_store(), kNoAddress});
    return v;
}

struct Family {
    const char* name;
    std::vector<Variant> (*variants)();
};

const Family kFamilies[] = {
    {"LB", integer_load<0>},
    {"LH", integer_load<1>},
    {"LW", integer_load<2>},
    {"LD", integer_load<3>},
    {"LBU", integer_load<4>},
    {"LHU", integer_load<5>},
    {"LWU", integer_load<6>},
    {"SB", integer_store<0>},
    {"SH", integer_store<1>},
    {"SW", integer_store<2>},
    {"SD", integer_store<3>},
    {"ReservedLoadsAndStores", reserved_loads_stores},
    {"FLH", fp_load<1>},
    {"FLW", fp_load<2>},
    {"FLD", fp_load<3>},
    {"FLQ", fp_load<4>},
    {"FSH", fp_store<1>},
    {"FSW", fp_store<2>},
    {"FSD", fp_store<3>},
    {"FSQ", fp_store<4>},
    {"VectorLoadsAndStores", vector_loads_stores},
    {"LR", load_reserved},
    {"SC", store_conditional},
    {"AMO", amos},
    {"C_LW", c_lw_forms},
    {"C_LD", c_ld_forms},
    {"C_SW", c_sw_forms},
    {"C_SD", c_sd_forms},
    {"C_FLD", c_fld_forms},
    {"C_FSD", c_fsd_forms},
    {"C_LWSP", c_lwsp_forms},
    {"C_LDSP", c_ldsp_forms},
    {"C_SWSP", c_swsp_forms},
    {"C_SDSP", c_sdsp_forms},
    {"C_FLDSP", c_fldsp_forms},
    {"C_FSDSP", c_fsdsp_forms},
    {"C_LBU", c_lbu_forms},
    {"C_LHU", c_lhu_forms},
    {"C_LH", c_lh_forms},
    {"C_SB", c_sb_forms},
    {"C_SH", c_sh_forms},
    {"ReservedCompressed", reserved_compressed},
    {"NonMemory32", non_memory_32},
    {"NonMemory16", non_memory_16},
};

void PrintTo(const Family& family, std::ostream* out) {
    *out << family.name;
}

class DecoderForms : public ::testing::TestWithParam<Family> {};

// The same instruction, read from guest memory and as htinst: the expected
// access both ways (an htinst value carries its Addr. Offset as well), and
// no transformation for what is not a load, store or atomic.
TEST_P(DecoderForms, DecodeTheSameFromMemoryAndFromHtinst) {
    for (const Variant& f : GetParam().variants()) {
        SCOPED_TRACE(::testing::Message() << GetParam().name << " 0x" << std::hex << f.raw);
        ASSERT_TRUE(decodes_to(decode_raw_instruction(f.raw), f.expected));
        const uint64_t htinst = testing::transformed_instruction(f.raw);
        if (f.expected.status == DecodeStatus::kNotLoadStore) {
            EXPECT_EQ(htinst, 0u) << "no transformation is defined for it";
            continue;
        }
        ASSERT_NE(htinst, 0u);
        ASSERT_TRUE(decodes_to(decode_htinst(htinst), f.expected)) << "htinst 0x" << htinst;
        for (unsigned offset = 1; offset < 8; ++offset) {
            const uint64_t split = testing::transformed_instruction(f.raw, offset);
            ASSERT_TRUE(decodes_to(decode_htinst(split), with_offset(f.expected, offset)))
                << "htinst 0x" << split;
        }
    }
}

// The upper half read after a compressed instruction belongs to the next
// instruction and changes nothing.
TEST_P(DecoderForms, CompressedFormsIgnoreTheNextHalfword) {
    for (const Variant& f : GetParam().variants()) {
        if ((f.raw & 3) == 3) continue;
        for (uint32_t upper : {0x0000u, 0xffffu, 0x0003u, 0x2783u}) {
            ASSERT_TRUE(decodes_to(decode_raw_instruction(upper << 16 | f.raw), f.expected))
                << std::hex << f.raw << " after " << upper;
        }
    }
}

TEST_P(DecoderForms, AddressOperands) {
    for (const Variant& f : GetParam().variants()) {
        const AddressOperands got = decode_address_operands(f.raw);
        EXPECT_TRUE(same(got, f.address))
            << GetParam().name << " 0x" << std::hex << f.raw << std::dec << ": got " << got.valid
            << " x" << unsigned{got.base} << " " << got.offset << ", expected " << f.address.valid
            << " x" << unsigned{f.address.base} << " " << f.address.offset;
        // A compressed form takes its address as its 32-bit equivalent does.
        const uint32_t expanded = testing::expand_compressed(static_cast<uint16_t>(f.raw));
        if ((f.raw & 3) != 3 && expanded != 0) {
            EXPECT_TRUE(same(decode_address_operands(expanded), f.address)) << std::hex << f.raw;
        }
    }
}

INSTANTIATE_TEST_SUITE_P(AllForms, DecoderForms, ::testing::ValuesIn(kFamilies),
                         [](const ::testing::TestParamInfo<Family>& info) {
                             return std::string(info.param.name);
                         });

// ---- the encoders and the transformer themselves -----------------------------------

TEST(InstructionDecoderTest, EncodersMatchAssembler) {
    // Reference values from riscv64-linux-gnu-as -march=rv64gc + objdump; the
    // Zcb ones from the Zcb encoding tables (this binutils predates Zcb).
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
    EXPECT_EQ(zcb_byte(0x20, 1, 2, 3), 0x80e8u);                          // c.lbu a0,3(s1)
    EXPECT_EQ(zcb_half(0x21, 1, 1, 2, 2), 0x84e8u);                       // c.lh a0,2(s1)
    EXPECT_EQ(zcb_byte(0x22, 1, 2, 1), 0x88c8u);                          // c.sb a0,1(s1)
}

// Guest instructions and the htinst values QEMU 10.0.2 wrote for their
// guest-page faults on the emulated UART and PLIC (tests/guests/mmio_forms,
// logged from handle_guest_page_fault; docs/htinst.md): the transformer
// follows the same rules as that hart.
struct Observed {
    const char* instruction;
    uint32_t raw;
    uint32_t addr_offset;
    uint64_t htinst;
};
constexpr Observed kQemu10[] = {
    {"lb t3,-16(t0)", 0xff028e03, 0, 0x00000e03},
    {"lbu a5,2047(a4)", 0x7ff74783, 0, 0x00004783},
    {"lh t4,-8(a3)", 0xff869e83, 0, 0x00001e83},
    {"lhu t5,4(a2)", 0x00465f03, 0, 0x00005f03},
    {"lw a6,0(a0)", 0x00052803, 0, 0x00002803},
    {"lwu a7,12(t0)", 0x00c2e883, 0, 0x00006883},
    {"ld t6,-1024(t0)", 0xc002bf83, 0, 0x00003f83},
    {"sb t3,5(t0)", 0x01c282a3, 0, 0x01c00023},
    {"sh t4,-64(t0)", 0xfdd29023, 0, 0x01d01023},
    {"sw a6,100(a3)", 0x0706a223, 0, 0x01002023},
    {"sd t6,-2040(a4)", 0x81f73423, 0, 0x01f03023},
    {"c.lw a2,4(a3)", 0x42d0, 0, 0x00002601},
    {"c.ld a4,8(a5)", 0x6798, 0, 0x00003701},
    {"c.sw a1,124(a3)", 0xdeec, 0, 0x00b02021},
    {"c.sd a1,248(a3)", 0xfeec, 0, 0x00b03021},
    {"c.lwsp t6,8(sp)", 0x4fa2, 0, 0x00002f81},
    {"c.ldsp t5,16(sp)", 0x6f42, 0, 0x00003f01},
    {"c.swsp a1,12(sp)", 0xc62e, 0, 0x00b02021},
    {"c.sdsp a1,24(sp)", 0xec2e, 0, 0x00b03021},
    {"flw fa0,0(a0)", 0x00052507, 0, 0x00002507},
    {"fld ft3,16(t0)", 0x0102b187, 0, 0x00003187},
    {"fsw fa1,0(a0)", 0x00b52027, 0, 0x00b02027},
    {"fsd fs1,-8(t0)", 0xfe92bc27, 0, 0x00903027},
    {"c.fld fa2,8(a3)", 0x2690, 0, 0x00003605},
    {"c.fsd fa3,0(a0)", 0xa114, 0, 0x00d03025},
    {"c.fldsp ft0,32(sp)", 0x3002, 0, 0x00003005},
    {"c.fsdsp ft1,0(sp)", 0xa006, 0, 0x00103025},
    {"lr.w t3,(a0)", 0x10052e2f, 0, 0x10002e2f},
    {"lr.d.aq t3,(a0)", 0x14053e2f, 0, 0x14003e2f},
    {"amoor.w t3,zero,(a0)", 0x40052e2f, 0, 0x40002e2f},
    {"amoadd.d.aqrl t3,zero,(a0)", 0x06053e2f, 0, 0x06003e2f},
    {"amoswap.w a4,a1,(a0)", 0x08b5272f, 0, 0x08b0272f},
    // Misaligned, from a RAM page into the PLIC's: the fault is on the part
    // in the second page, the given number of bytes into the access.
    {"ld t6,-1024(t0), split", 0xc002bf83, 4, 0x00023f83},
    {"lw a6,0(a0), split", 0x00052803, 2, 0x00012803},
    {"lh t4,-8(a3), split", 0xff869e83, 1, 0x00009e83},
    {"c.lw a2,4(a3), split", 0x42d0, 2, 0x00012601},
    {"sw a6,100(a3), split", 0x0706a223, 2, 0x01012023},
    {"c.sd a1,248(a3), split", 0xfeec, 6, 0x00b33021},
};

TEST(InstructionDecoderTest, TransformerMatchesQemu10) {
    for (const Observed& o : kQemu10) {
        SCOPED_TRACE(o.instruction);
        EXPECT_EQ(testing::transformed_instruction(o.raw, o.addr_offset), o.htinst);
        EXPECT_TRUE(decodes_to(decode_htinst(o.htinst),
                               with_offset(decode_raw_instruction(o.raw), o.addr_offset)));
    }
}

// ---- exhaustive cross-checks ----------------------------------------------------------

TEST(InstructionDecoderTest, EveryHalfwordDecodesTheSameBothWays) {
    for (uint32_t half = 0; half <= 0xffff; ++half) {
        if ((half & 3) == 3) continue;
        const DecodeResult raw = decode_raw_instruction(half);
        const uint64_t htinst = testing::transformed_instruction(half);
        if (htinst == 0) {
            ASSERT_EQ(raw.status, DecodeStatus::kNotLoadStore) << std::hex << half;
        } else {
            ASSERT_TRUE(decodes_to(decode_htinst(htinst), raw)) << std::hex << half;
        }
    }
}

// Every memory major opcode with every funct3 (and every AMO funct5), the
// other fields at random: the same decode both ways.
TEST(InstructionDecoderTest, MemoryOpcodesDecodeTheSameBothWays) {
    std::mt19937 random(20261130);
    for (uint32_t opcode : {kLoad, kLoadFp, kStore, kStoreFp, kAmo}) {
        for (uint32_t funct3 = 0; funct3 < 8; ++funct3) {
            for (int i = 0; i < 4000; ++i) {
                const uint32_t raw =
                    (static_cast<uint32_t>(random()) & ~0x707Fu) | funct3 << 12 | opcode;
                const DecodeResult decoded = decode_raw_instruction(raw);
                const uint64_t htinst = testing::transformed_instruction(raw);
                if (htinst == 0) {
                    ASSERT_EQ(decoded.status, DecodeStatus::kNotLoadStore) << std::hex << raw;
                    continue;
                }
                ASSERT_TRUE(decodes_to(decode_htinst(htinst), decoded)) << std::hex << raw;
            }
        }
    }
}

// ---- htinst values that are not transformed loads/stores -----------------------------

TEST(InstructionDecoderTest, HtinstValuesThatAreNotTransformedLoadsStores) {
    // Each of these makes the exit path read the instruction from guest memory.
    for (uint64_t value : {
             uint64_t{0},       // no information
             uint64_t{0x2000},  // pseudoinstructions
             uint64_t{0x3000},
             uint64_t{0x2020},
             uint64_t{0x3020},
             uint64_t{0x00002782},            // bit 0 clear
             uint64_t{0x00002780},            // bits 1:0 = 00 but not a pseudoinstruction
             uint64_t{0x00150513},            // a transformed-looking addi
             uint64_t{0x00007003},            // reserved LOAD funct3
             uint64_t{0x00004023},            // reserved STORE funct3
             uint64_t{0x00000007},            // vector load (LOAD-FP funct3 0)
             uint64_t{0x6400c573},            // a transformed HLV.HU: not a guest's
             uint64_t{0x0000000b},            // custom-0: a custom value
             uint64_t{1} << 32 | 0x00002783,  // not a 32-bit value
             uint64_t{1} << 63 | 0x00002023,
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

// A transformed compressed instruction is a 32-bit one with bit 1 clear: sepc
// must move by the 2 bytes of the instruction at sepc, not by 4.
TEST(InstructionDecoderTest, HtinstOfACompressedInstructionKeepsItsLength) {
    EXPECT_EQ(decode_htinst(0x00002781).access.insn_length, 2u);  // c.lw a5 as lw a5
    EXPECT_EQ(decode_htinst(0x00002783).access.insn_length, 4u);  // lw a5
    EXPECT_EQ(decode_htinst(0x00b03021).access.insn_length, 2u);  // c.sd/c.sdsp a1 as sd a1
    EXPECT_EQ(decode_htinst(0x00003605).access.insn_length, 2u);  // c.fld as fld
    EXPECT_EQ(decode_htinst(0x00003605).status, DecodeStatus::kFloatingPoint);
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
