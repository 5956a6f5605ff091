// SPDX-License-Identifier: Apache-2.0
#pragma once
// Compile-time list of SBI extensions: dispatch is a chain of inlined EID
// comparisons followed by a direct call, with no tables of function pointers.

#include <cstdint>

#include "lib/first_match.hpp"
#include "sbi/sbi_extension.hpp"

namespace halyard {

template <typename... Extensions>
struct SbiExtensionList {
    static bool implements(uint64_t eid) { return (Extensions::handles(eid) || ...); }

    // Runs the call if some extension implements its EID, counts it under
    // that extension's exit reason and puts its result in the guest's a0 and
    // a1; false if none does.
    template <typename Count>
    static bool dispatch(Vcpu& vcpu, const SbiCall& ecall, Count count) {
        return visit(
            ecall.eid,
            [&]<typename Extension>() {
                count(Extension::kReason);
                answer_out_of_line<Extension>(vcpu, ecall);
                return true;
            },
            [] { return false; });
    }

    // on_match.template operator()<E>() for the first extension E that
    // implements `eid`, or on_none() if none does: for a caller that wants
    // each extension's path on its own (the exit fast path makes them tail
    // calls).
    template <typename OnMatch, typename OnNone>
    static auto visit(uint64_t eid, OnMatch on_match, OnNone on_none) {
        auto handles = [eid]<typename Extension>() { return Extension::handles(eid); };
        return visit_first_match<Extensions...>(handles, on_match, on_none);
    }

  private:
    // Extension's call, its result in the guest's a0 and a1; out of line:
    // the exit fast path flattens the extensions it answers into itself
    // (src/exit/handle_sbi_call.cpp), so their call() is not noinline; inlined
    // into dispatch as well, every call would make the full exit path's frame
    // as large as the largest of them.
    template <typename Extension>
    [[gnu::noinline]] static void answer_out_of_line(Vcpu& vcpu, const SbiCall& ecall) {
        const SbiResult result = Extension::call(vcpu, ecall);
        vcpu.regs.gpr[kA0] = static_cast<uint64_t>(result.error);
        vcpu.regs.gpr[kA1] = result.value;
    }
};

}  // namespace halyard
