// SPDX-License-Identifier: Apache-2.0
#pragma once
// Decodes the guest load/store that caused a guest page fault into an
// MmioAccess, from either of the two places the exit path can get it: the
// transformed instruction the hardware wrote to htinst, or the raw instruction
// read from guest memory at sepc (16 or 32 bits, compressed forms included).
// Both give the same DecodeResult for the same guest instruction (the unit
// tests and the decoder fuzzer check it form by form), so the exit path acts
// alike whichever the hart offers. RV64 meanings throughout (e.g. compressed
// funct3 011 is C.LD, not C.FLW). docs/htinst.md has what QEMU writes.

#include <cstdint>

#include "halyard/mmio_access.hpp"

namespace halyard {

// Major opcodes (bits 6:0) of the 32-bit integer loads and stores.
inline constexpr uint32_t kOpcodeLoad = 0x03, kOpcodeStore = 0x23;

// The 32-bit integer loads and stores: LOAD with funct3 0-6 (LB, LH, LW, LD,
// LBU, LHU, LWU; 7 is reserved on RV64) and STORE with funct3 0-3 (SB to SD).
// `insn` has bits 1:0 = 11. The forms decoded inline here, and those the
// exit fast path takes as they stand. This form takes one direction only (a
// STORE if `store`, else a LOAD): the exit fast path knows it from the trap.
constexpr bool is_integer_load_store(uint32_t insn, bool store) {
    const uint32_t funct3 = (insn >> 12) & 7;
    return (insn & 0x7F) == (store ? kOpcodeStore : kOpcodeLoad) && funct3 < (store ? 4u : 7u);
}
constexpr bool is_integer_load_store(uint32_t insn) {
    return is_integer_load_store(insn, false) || is_integer_load_store(insn, true);
}

// The access an integer load or store (is_integer_load_store) makes.
constexpr DecodeResult decode_integer_load_store(uint32_t insn, uint8_t length,
                                                 uint8_t addr_offset) {
    const uint32_t funct3 = (insn >> 12) & 7;
    if ((insn & 0x7F) == kOpcodeLoad) {
        const auto width = static_cast<uint8_t>(1u << (funct3 & 3));
        const bool sign_extend = funct3 < 3;  // LB, LH, LW; LD is full width
        return {DecodeStatus::kOk,
                {false, width, sign_extend, static_cast<uint8_t>((insn >> 7) & 31), length},
                addr_offset};
    }
    return {DecodeStatus::kOk,
            {true, static_cast<uint8_t>(1u << funct3), false,
             static_cast<uint8_t>((insn >> 20) & 31), length},
            addr_offset};
}

// Every form other than the common 32-bit integer loads and stores (which
// decode_raw_instruction handles inline, on the MMIO exit path).
DecodeResult decode_raw_instruction_out_of_line(uint32_t raw);

// `raw` holds 32 bits read from guest memory. When bits[1:0] != 0b11 it is a
// 16-bit compressed instruction in the low half and the upper half is ignored
// (it belongs to the next instruction, or was never read).
inline DecodeResult decode_raw_instruction(uint32_t raw) {
    if (is_integer_load_store(raw)) return decode_integer_load_store(raw, 4, 0);
    return decode_raw_instruction_out_of_line(raw);
}

// Every htinst value other than a transformed 32-bit integer load or store
// (which decode_htinst handles inline).
DecodeResult decode_htinst_out_of_line(uint64_t htinst);

// Decodes a transformed load/store from htinst: the 32-bit equivalent of the
// trapping instruction with bit 0 set, bit 1 telling the original size (1 =
// 32-bit, 0 = compressed: insn_length is then 2, the length of the
// instruction sepc points at, not of the 32-bit form), the address offset in
// rs1 (returned as addr_offset) and the immediate zeroed. Bits 63:32 must be
// zero (hypervisor.adoc: software "must fully verify" the value). Anything
// else (zero, a pseudoinstruction, a non-memory or custom instruction) gives
// kNotLoadStore: an unrecognised value is to be treated as zero, so the
// caller then reads the instruction from guest memory.
inline DecodeResult decode_htinst(uint64_t htinst) {
    // Bit 0 says the value is a transformed instruction; bit 1 (the
    // original's size) stands where a 32-bit opcode has 1, so it is set
    // before the opcode is compared.
    const auto insn = static_cast<uint32_t>(htinst);
    if ((htinst >> 32) == 0 && (htinst & 1) != 0 && is_integer_load_store(insn | 3))
        return decode_integer_load_store(insn | 3, (insn & 2) != 0 ? 4 : 2,
                                         static_cast<uint8_t>((insn >> 15) & 31));  // Addr. Offset
    return decode_htinst_out_of_line(htinst);
}

// Where a raw load/store takes its address from: register `base` plus
// `offset` (the sign-extended immediate, or the scaled unsigned one of a
// compressed form). `valid` is false for whatever decode_raw_instruction
// calls kNotLoadStore. The exit path uses it to find the address offset that
// htinst would have given, for the rare access that may be a split
// misaligned one.
struct AddressOperands {
    bool valid;
    uint8_t base;
    int16_t offset;
};
AddressOperands decode_address_operands(uint32_t raw);

// True for the values written for implicit VS-stage page-table accesses
// (0x2000/0x3000 read, 0x2020/0x3020 write): there is no guest instruction to
// emulate, the guest's page tables themselves live in an unmapped region.
bool is_htinst_pseudoinstruction(uint64_t htinst);

// True when htinst holds a transformed instruction (bit 0 set).
bool is_htinst_transformed(uint64_t htinst);

// Length in bytes (2 or 4) of the instruction whose first halfword is
// `low_half`, so the caller reads a second halfword only for 32-bit forms
// (which may straddle a page the guest has not mapped).
unsigned instruction_length(uint16_t low_half);

}  // namespace halyard
