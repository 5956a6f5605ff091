// SPDX-License-Identifier: Apache-2.0
#pragma once
// Decodes the guest load/store that caused a guest page fault into an
// MmioAccess, from either of the two places the exit path can get it: the
// transformed instruction the hardware wrote to htinst, or the raw instruction
// read from guest memory at sepc (16 or 32 bits, compressed forms included).
// RV64 meanings throughout (e.g. compressed funct3 011 is C.LD, not C.FLW).

#include <cstdint>

#include "halyard/mmio_access.hpp"

namespace halyard {

// Every form other than the common 32-bit integer loads and stores (which
// decode_raw_instruction handles inline, on the MMIO exit path).
DecodeResult decode_raw_instruction_out_of_line(uint32_t raw);

// `raw` holds 32 bits read from guest memory. When bits[1:0] != 0b11 it is a
// 16-bit compressed instruction in the low half and the upper half is ignored
// (it belongs to the next instruction, or was never read).
inline DecodeResult decode_raw_instruction(uint32_t raw) {
    constexpr uint32_t kOpLoad = 0x03, kOpStore = 0x23;
    const uint32_t opcode = raw & 0x7F;
    const uint32_t funct3 = (raw >> 12) & 7;
    // LB/LH/LW/LD/LBU/LHU/LWU (funct3 7 is reserved) and SB/SH/SW/SD.
    if (opcode == kOpLoad && funct3 != 7) {
        const auto width = static_cast<uint8_t>(1u << (funct3 & 3));
        const bool sign_extend = funct3 < 3;  // LB, LH, LW; LD is full width
        return {DecodeStatus::kOk,
                {false, width, sign_extend, static_cast<uint8_t>((raw >> 7) & 31), 4}};
    }
    if (opcode == kOpStore && funct3 < 4) {
        return {DecodeStatus::kOk,
                {true, static_cast<uint8_t>(1u << funct3), false,
                 static_cast<uint8_t>((raw >> 20) & 31), 4}};
    }
    return decode_raw_instruction_out_of_line(raw);
}

// Decodes a transformed load/store from htinst: the 32-bit equivalent of the
// trapping instruction with bit 0 set, bit 1 telling the original size (1 =
// 32-bit, 0 = compressed), the address offset in rs1 and the immediate zeroed.
// Anything else (zero, a pseudoinstruction, a non-memory instruction) gives
// kNotLoadStore; the caller then reads the instruction from guest memory.
DecodeResult decode_htinst(uint64_t htinst);

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
