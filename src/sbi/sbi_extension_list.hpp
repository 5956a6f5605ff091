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

    // Runs the call if some extension implements `eid` and counts it under
    // that extension's exit reason; false if none does.
    template <typename Count>
    static bool dispatch(Vcpu& vcpu, uint64_t eid, uint64_t fid, SbiResult& result, Count count) {
        return ((Extensions::handles(eid) &&
                 (count(Extensions::kReason), result = Extensions::call(vcpu, eid, fid), true)) ||
                ...);
    }
};

}  // namespace halyard
