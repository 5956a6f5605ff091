// SPDX-License-Identifier: Apache-2.0
// The MMIO instruction decoder on arbitrary encodings, raw (16 and 32 bits)
// and as htinst values: every decoded access is well formed, the upper half of
// a compressed instruction never changes its decoding, and the two decode
// paths agree: an instruction read from guest memory and the htinst value a
// hart would write for it (htinst_transform.hpp, the H extension's rules,
// with an arbitrary Addr. Offset) decode to the same access.

#include "../unit/htinst_transform.hpp"
#include "fuzz_support.hpp"
#include "mmio/instruction_decoder.hpp"

using namespace halyard;

namespace {

void check_access(const DecodeResult& r) {
    if (r.status == DecodeStatus::kNotLoadStore) return;
    const MmioAccess& a = r.access;
    FUZZ_CHECK(a.reg < 32);
    FUZZ_CHECK(a.insn_length == 2 || a.insn_length == 4);
    FUZZ_CHECK(!(a.is_store && a.sign_extend));
    if (r.status != DecodeStatus::kOk) return;
    FUZZ_CHECK(a.width == 1 || a.width == 2 || a.width == 4 || a.width == 8);
    FUZZ_CHECK(!(a.sign_extend && a.width == 8));
}

// Everything the exit path uses, the address offset included.
bool same(const DecodeResult& x, const DecodeResult& y) {
    return x.status == y.status && x.access.is_store == y.access.is_store &&
           x.access.width == y.access.width && x.access.sign_extend == y.access.sign_extend &&
           x.access.reg == y.access.reg && x.access.insn_length == y.access.insn_length &&
           x.addr_offset == y.addr_offset;
}

bool same(const AddressOperands& x, const AddressOperands& y) {
    return x.valid == y.valid && x.base == y.base && x.offset == y.offset;
}

// `raw` as read from guest memory, and as the transformed instruction of a
// fault `offset` bytes into its access: one decode.
void check_both_ways(uint32_t raw, unsigned offset) {
    const DecodeResult from_memory = decode_raw_instruction(raw);
    const AddressOperands operands = decode_address_operands(raw);
    FUZZ_CHECK(operands.valid == (from_memory.status != DecodeStatus::kNotLoadStore));
    const uint64_t htinst = testing::transformed_instruction(raw, offset);
    if (htinst == 0) {
        // No transformation is defined: not something the exit path emulates.
        FUZZ_CHECK(from_memory.status == DecodeStatus::kNotLoadStore);
        return;
    }
    DecodeResult from_htinst = decode_htinst(htinst);
    FUZZ_CHECK(from_htinst.addr_offset == offset);
    from_htinst.addr_offset = 0;
    FUZZ_CHECK(same(from_htinst, from_memory));
    // A compressed form computes its address as its expansion does.
    if ((raw & 3) != 3) {
        const uint32_t expanded = testing::expand_compressed(static_cast<uint16_t>(raw));
        FUZZ_CHECK(same(decode_address_operands(expanded), operands));
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    fuzz::Input in(data, size);
    while (!in.empty()) {
        const uint32_t raw = in.take<uint32_t>();
        const DecodeResult r = decode_raw_instruction(raw);
        check_access(r);
        const unsigned length = instruction_length(static_cast<uint16_t>(raw));
        FUZZ_CHECK(length == 2 || length == 4);
        if (r.status == DecodeStatus::kOk) FUZZ_CHECK(r.access.insn_length == length);
        if (length == 2) {
            const uint32_t other_upper = (raw & 0xFFFF) | (~raw & 0xFFFF0000);
            FUZZ_CHECK(same(r, decode_raw_instruction(other_upper)));
        }
        FUZZ_CHECK(same(r, decode_raw_instruction_out_of_line(raw)) ||
                   r.status == DecodeStatus::kOk);

        check_both_ways(raw, in.take<uint8_t>() & 31u);

        const uint64_t htinst = in.take_bool() ? in.take<uint64_t>() : raw;
        const DecodeResult h = decode_htinst(htinst);
        check_access(h);
        // The inline fast path and the full decoder agree on every value.
        FUZZ_CHECK(same(h, decode_htinst_out_of_line(htinst)));
        if (h.status != DecodeStatus::kNotLoadStore) {
            FUZZ_CHECK(is_htinst_transformed(htinst));
            FUZZ_CHECK(!is_htinst_pseudoinstruction(htinst));
            FUZZ_CHECK((htinst >> 32) == 0);
        }
    }
    return 0;
}
