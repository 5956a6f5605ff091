#pragma once
// A virtual CPU: its register file (first, so that the pointer the trap
// vector hands over is also the vCPU's), the VM it belongs to, the physical
// hart it is pinned to, and its share of the exit statistics.

#include <array>
#include <cstddef>
#include <cstdint>

#include "halyard/exit_reason.hpp"
#include "halyard/vm_cpu_registers.hpp"

namespace halyard {

class Vm;

struct Vcpu {
    VmCpuRegisters regs{};
    Vm* vm = nullptr;
    unsigned id = 0;         // the hart id the guest sees
    unsigned hart_slot = 0;  // Halyard's index of the physical hart it runs on
    std::array<uint64_t, kExitReasonCount> exits{};
    // Added to a counter per exit: 1, or 0 while the guest has statistics
    // stopped (an addend instead of a flag keeps the exit path branch-free).
    uint64_t exit_count_step = 1;
    uint64_t timer_deadline = ~0ull;  // only used when the guest has no Sstc
    unsigned log_budget = 16;         // guest-triggered log lines left (stops log floods)

    static Vcpu& from_registers(VmCpuRegisters* regs) { return *reinterpret_cast<Vcpu*>(regs); }
    uint64_t& gpr(unsigned index) { return regs.gpr[index]; }
};

static_assert(offsetof(Vcpu, regs) == 0, "the trap vector's VmCpuRegisters* is the Vcpu*");

}  // namespace halyard
