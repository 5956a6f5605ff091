// SPDX-License-Identifier: Apache-2.0
#pragma once
// The SBI "hart mask" parameter (binary-encoding.adoc, "Hart list
// parameter"): the hart ids base + n for every bit n set in mask, or every
// hart when base is -1. Here the harts are the VM's vCPUs.

#include <cstdint>

#include "vm/vm.hpp"

namespace halyard {

// Calls visit(vcpu) for each vCPU the mask names. Returns false, visiting
// none, if it names a hart id that is not one of the VM's vCPUs.
template <typename Visit>
bool for_each_vcpu_in_hart_mask(Vm& vm, uint64_t mask, uint64_t base, Visit visit) {
    if (base == ~0ull) {
        for (unsigned i = 0; i < vm.vcpu_count; ++i) visit(vm.vcpus[i]);
        return true;
    }
    for (unsigned bit = 0; bit < 64; ++bit) {
        if (((mask >> bit) & 1) == 0) continue;
        const uint64_t hart_id = base + bit;
        if (hart_id < base || hart_id >= vm.vcpu_count) return false;
    }
    for (unsigned bit = 0; bit < 64; ++bit)
        if ((mask >> bit) & 1) visit(vm.vcpus[base + bit]);
    return true;
}

}  // namespace halyard
