// SPDX-License-Identifier: Apache-2.0
// hsm_stop: the guest's only vCPU stops itself with SBI HSM hart_stop. Its VM
// can never run again, so the hypervisor must stop it (and, as the last VM,
// power the machine off) instead of leaving the machine running with nothing
// to run. Natively, OpenSBI stops the last hart and QEMU keeps running.

#include <stdint.h>

#include "guest/print.hpp"
#include "guest/sbi.hpp"

namespace {
constexpr uint64_t kEidHsm = 0x48534D;  // ext-hsm.adoc
constexpr uint64_t kHartStop = 1;
}  // namespace

void guest_main() {
    guest::print("hsm_stop: stopping the only vCPU\n");
    guest::sbi::call(kEidHsm, kHartStop);
    guest::print("hsm_stop: FAIL hart_stop returned\n");
}
