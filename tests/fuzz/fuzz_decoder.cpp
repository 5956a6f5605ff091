// SPDX-License-Identifier: Apache-2.0
// The MMIO instruction decoder on arbitrary encodings, raw (16 and 32 bits)
// and as htinst values: every decoded access is well formed, and the upper
// half of a compressed instruction never changes its decoding.

#include "fuzz_support.hpp"
#include "mmio/instruction_decoder.hpp"

using namespace halyard;

namespace {

void check_access(const DecodeResult& r) {
    if (r.status != DecodeStatus::kOk) return;
    const MmioAccess& a = r.access;
    FUZZ_CHECK(a.width == 1 || a.width == 2 || a.width == 4 || a.width == 8);
    FUZZ_CHECK(a.reg < 32);
    FUZZ_CHECK(a.insn_length == 2 || a.insn_length == 4);
    FUZZ_CHECK(!(a.is_store && a.sign_extend));
    FUZZ_CHECK(!(a.sign_extend && a.width == 8));
}

bool same(const DecodeResult& x, const DecodeResult& y) {
    if (x.status != y.status) return false;
    if (x.status != DecodeStatus::kOk) return true;
    return x.access.is_store == y.access.is_store && x.access.width == y.access.width &&
           x.access.sign_extend == y.access.sign_extend && x.access.reg == y.access.reg &&
           x.access.insn_length == y.access.insn_length;
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

        const uint64_t htinst = in.take_bool() ? in.take<uint64_t>() : raw;
        const DecodeResult h = decode_htinst(htinst);
        check_access(h);
        if (h.status == DecodeStatus::kOk) {
            FUZZ_CHECK(is_htinst_transformed(htinst));
            FUZZ_CHECK(!is_htinst_pseudoinstruction(htinst));
        }
    }
    return 0;
}
