// SPDX-License-Identifier: Apache-2.0
#pragma once
// Compile-time list of SBI extensions: dispatch is a chain of inlined EID
// comparisons followed by a direct call, with no tables of function pointers.

#include <cstdint>

#include "sbi/sbi_extension.hpp"

namespace halyard {

template <typename... Extensions>
struct SbiExtensionList {
    static bool implements(uint64_t eid) { return (Extensions::handles(eid) || ...); }

    // Runs the call if some extension implements `eid`, counts it under that
    // extension's exit reason and puts its result in the guest's a0 and a1;
    // false if none does.
    template <typename Count>
    static bool dispatch(Vcpu& vcpu, uint64_t eid, uint64_t fid, Count count) {
        return dispatch_from<Count, Extensions...>(vcpu, eid, fid, count);
    }

  private:
    template <typename Count, typename First, typename... Rest>
    static bool dispatch_from(Vcpu& vcpu, uint64_t eid, uint64_t fid, Count count) {
        if (First::handles(eid)) {
            count(First::kReason);
            const SbiResult result = First::call(vcpu, eid, fid);
            vcpu.regs.gpr[kA0] = static_cast<uint64_t>(result.error);
            vcpu.regs.gpr[kA1] = result.value;
            return true;
        }
        if constexpr (sizeof...(Rest) > 0)
            return dispatch_from<Count, Rest...>(vcpu, eid, fid, count);
        else
            return false;
    }
};

}  // namespace halyard
