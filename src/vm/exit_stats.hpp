// SPDX-License-Identifier: Apache-2.0
#pragma once
// Counting exits: one counter per reason per vCPU (no sharing between harts,
// so a plain increment), summed per VM when printed or read by the guest.

#include "halyard/exit_reason.hpp"
#include "vm/vm.hpp"

namespace halyard {

inline void count_exit(Vcpu& vcpu, ExitReason reason) {
    std::atomic<uint64_t>& counter = vcpu.exits[static_cast<unsigned>(reason)];
    counter.store(counter.load(std::memory_order_relaxed) +
                      vcpu.exit_count_step.load(std::memory_order_relaxed),
                  std::memory_order_relaxed);
}

uint64_t vm_exit_count(const Vm& vm, unsigned reason_index);
void vm_reset_exit_counts(Vm& vm);
// One log line per reason that occurred: "vm0: exits sbi_base 12".
void log_vm_exit_stats(const Vm& vm);

}  // namespace halyard
