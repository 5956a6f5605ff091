// SPDX-License-Identifier: Apache-2.0
#pragma once
// The SBI "hart mask" parameter (binary-encoding.adoc, "Hart list
// parameter"): the hart ids base + n for every bit n set in mask, or every
// hart when base is -1. Here the harts are the VM's vCPUs.

#include <cstdint>

#include "lib/bits.hpp"
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
    // Set bits only: a walk over all 64 bits twice cost a self-IPI ~770
    // instructions.
    for (uint64_t rest = mask; rest != 0; rest &= rest - 1) {
        const uint64_t hart_id = base + lowest_set_bit(rest);
        if (hart_id < base || hart_id >= vm.vcpu_count) return false;
    }
    for (uint64_t rest = mask; rest != 0; rest &= rest - 1)
        visit(vm.vcpus[base + lowest_set_bit(rest)]);
    return true;
}

}  // namespace halyard
