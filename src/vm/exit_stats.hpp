// SPDX-License-Identifier: Apache-2.0
#pragma once
// Counting exits: one counter per reason per vCPU, summed per VM when printed
// or read by the guest. Only the vCPU's hart adds to its counters, but
// another vCPU may reset them (STATS_RESET), so the addition is one atomic
// read-modify-write: a load and a store could write back a count the reset
// had cleared. (It is also the shorter: GCC 12 makes the relaxed store an AMO
// anyway.)

#include "halyard/exit_reason.hpp"
#include "vm/vm.hpp"

namespace halyard {

inline void add_exit_count(const Vcpu& vcpu, std::atomic<uint64_t>& counter) {
    counter.fetch_add(vcpu.exit_count_step.load(std::memory_order_relaxed),
                      std::memory_order_relaxed);
}

inline void count_exit(Vcpu& vcpu, ExitReason reason) {
    add_exit_count(vcpu, vcpu.exits[static_cast<unsigned>(reason)]);
}

inline void count_mmio_decode(Vcpu& vcpu, MmioDecodeSource source) {
    add_exit_count(vcpu, vcpu.mmio_decodes[static_cast<unsigned>(source)]);
}

// Both of a device access's counts, the step read once.
inline void count_device_exit(Vcpu& vcpu, ExitReason reason, MmioDecodeSource source) {
    const uint64_t step = vcpu.exit_count_step.load(std::memory_order_relaxed);
    vcpu.exits[static_cast<unsigned>(reason)].fetch_add(step, std::memory_order_relaxed);
    vcpu.mmio_decodes[static_cast<unsigned>(source)].fetch_add(step, std::memory_order_relaxed);
}

inline void count_full_exit(Vcpu& vcpu) {
    add_exit_count(vcpu, vcpu.full_exits);
}

uint64_t vm_exit_count(const Vm& vm, unsigned reason_index);
uint64_t vm_mmio_decode_count(const Vm& vm, MmioDecodeSource source);
// Of the exits counted, those that took the full path (vmexit_handler).
uint64_t vm_full_exit_count(const Vm& vm);
// Every counter of the VM (exits and decodes) to 0.
void vm_reset_exit_counts(Vm& vm);
// One log line per reason that occurred: "vm0: exits sbi_base 12", the total
// and how many of them took the full exit path; then, if
// any device access was decoded, where from: "vm0: mmio decoded from htinst
// 12" and "vm0: mmio decoded from guest memory 0".
void log_vm_exit_stats(const Vm& vm);

}  // namespace halyard
