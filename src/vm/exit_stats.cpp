// SPDX-License-Identifier: Apache-2.0
#include "vm/exit_stats.hpp"

#include "console/log.hpp"

namespace halyard {

namespace {

// One counter summed over the VM's vCPUs; `counter_of` picks it from a vCPU.
template <typename CounterOf>
uint64_t sum_over_vcpus(const Vm& vm, CounterOf counter_of) {
    uint64_t total = 0;
    for (unsigned i = 0; i < vm.vcpu_count; ++i)
        total += counter_of(vm.vcpus[i]).load(std::memory_order_relaxed);
    return total;
}

}  // namespace

uint64_t vm_exit_count(const Vm& vm, unsigned reason_index) {
    return sum_over_vcpus(
        vm, [&](const Vcpu& v) -> auto& { return v.exits[reason_index]; });
}

uint64_t vm_mmio_decode_count(const Vm& vm, MmioDecodeSource source) {
    return sum_over_vcpus(
        vm, [&](const Vcpu& v) -> auto& { return v.mmio_decodes[static_cast<unsigned>(source)]; });
}

uint64_t vm_full_exit_count(const Vm& vm) {
    return sum_over_vcpus(
        vm, [](const Vcpu& v) -> auto& { return v.full_exits; });
}

void vm_reset_exit_counts(Vm& vm) {
    for (unsigned i = 0; i < vm.vcpu_count; ++i) {
        for (auto& counter : vm.vcpus[i].exits) counter.store(0, std::memory_order_relaxed);
        for (auto& counter : vm.vcpus[i].mmio_decodes) counter.store(0, std::memory_order_relaxed);
        vm.vcpus[i].full_exits.store(0, std::memory_order_relaxed);
    }
}

void log_vm_exit_stats(const Vm& vm) {
    uint64_t total = 0;
    for (unsigned reason = 0; reason < kExitReasonCount; ++reason) {
        uint64_t count = vm_exit_count(vm, reason);
        if (count == 0) continue;
        total += count;
        log("%s: exits %s %llu", vm.name, kExitReasonNames[reason],
            static_cast<unsigned long long>(count));
    }
    log("%s: exits total %llu", vm.name, static_cast<unsigned long long>(total));
    log("%s: exits that took the full path %llu", vm.name,
        static_cast<unsigned long long>(vm_full_exit_count(vm)));
    const uint64_t from_htinst = vm_mmio_decode_count(vm, MmioDecodeSource::kHtinst);
    const uint64_t from_memory = vm_mmio_decode_count(vm, MmioDecodeSource::kGuestMemory);
    if (from_htinst + from_memory == 0) return;
    log("%s: mmio decoded from htinst %llu", vm.name, static_cast<unsigned long long>(from_htinst));
    log("%s: mmio decoded from guest memory %llu", vm.name,
        static_cast<unsigned long long>(from_memory));
}

}  // namespace halyard
