// SPDX-License-Identifier: Apache-2.0
#pragma once
// A virtual CPU: its register file (first, so that the pointer the trap
// vector hands over is also the vCPU's), the VM it belongs to, the physical
// hart it is pinned to, and its share of the exit statistics.

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>

#include "halyard/exit_reason.hpp"
#include "halyard/vm_cpu_registers.hpp"
#include "vm/vcpu_features.hpp"

namespace halyard {

class Vm;

// SBI HSM hart states (the values sbi_hart_get_status returns). Each is
// published only when it is true; src/vm/lifecycle.hpp owns the transitions.
enum class HsmState : uint32_t {
    kStarted = 0,
    kStopped = 1,
    kStartPending = 2,
    kStopPending = 3,
    kSuspended = 4,
    kSuspendPending = 5,
    kResumePending = 6,
};

// Work another hart asks this vCPU's hart to do (bits of Vcpu::requests),
// delivered with a host IPI: see src/vm/vcpu_requests.hpp.
enum VcpuRequest : uint32_t {
    kRequestSoftwareInterrupt = 1u << 0,      // raise VSSIP (SBI IPI)
    kRequestFenceI = 1u << 1,                 // fence.i (SBI RFENCE)
    kRequestFlushGuestTlb = 1u << 2,          // hfence.vvma for the VM (SBI RFENCE)
    kRequestSyncExternalInterrupt = 1u << 4,  // set VSEIP to its PLIC context's output
};

// Where the exit path found the instruction of a trapped device access
// (src/exit/handle_guest_page_fault.cpp): the transformed instruction the
// hart wrote to htinst, or the instruction read from guest memory at sepc.
enum class MmioDecodeSource : uint8_t { kGuestMemory, kHtinst, kCount };
inline constexpr unsigned kMmioDecodeSourceCount = static_cast<unsigned>(MmioDecodeSource::kCount);

struct Vcpu {
    VmCpuRegisters regs{};
    Vm* vm = nullptr;
    unsigned id = 0;  // the hart id the guest sees, its index in Vm::vcpus and its PLIC context
    unsigned hart_slot = 0;     // Halyard's index of the physical hart it runs on
    uint64_t host_hart_id = 0;  // that hart's id (for IPIs and HSM calls to the firmware)
    // In a VM with AIA (GuestIrqchip::kAia): the physical address of the
    // guest interrupt file of that hart it owns (HostHart::guest_interrupt_file);
    // 0 otherwise. Written before any vCPU runs, like the two above.
    uint64_t interrupt_file = 0;
    // Written only with the VM's lifecycle lock held; read without it.
    std::atomic<HsmState> hsm_state{HsmState::kStopped};
    // Where hart_start asked it to begin (guarded by the VM's lifecycle lock;
    // read by its hart once it sees kStartPending).
    uint64_t start_pc = 0;
    uint64_t start_opaque = 0;
    std::atomic<uint32_t> requests{0};  // VcpuRequest bits not yet handled
    // Written by the vCPU's hart only (relaxed load + store: a plain add, no
    // AMO); read and reset by any vCPU of the VM through the Halyard SBI
    // extension, which may miss an exit that is being counted at that moment.
    std::array<std::atomic<uint64_t>, kExitReasonCount> exits{};
    // Added to a counter per exit: 1, or 0 while the guest has statistics
    // stopped (an addend instead of a flag keeps the exit path branch-free).
    std::atomic<uint64_t> exit_count_step{1};
    // Decoded accesses by MmioDecodeSource, counted like `exits` (not part of
    // the guest's STATS_READ indices): they show which decoder a hart used.
    std::array<std::atomic<uint64_t>, kMmioDecodeSourceCount> mmio_decodes{};
    // Exits the fast path left to the full handler (counted like `exits`):
    // the rest of `exits` finished on the fast path.
    std::atomic<uint64_t> full_exits{0};
    uint64_t timer_deadline = ~0ull;  // only used when the guest has no Sstc
    static constexpr unsigned kLogBudget = 16;
    unsigned log_budget = kLogBudget;  // guest-triggered log lines left (stops log floods)
    VcpuFeatures features{};           // SBI FWFT state (reset with the vCPU)

    static Vcpu& from_registers(VmCpuRegisters* regs) { return *reinterpret_cast<Vcpu*>(regs); }
    uint64_t& gpr(unsigned index) { return regs.gpr[index]; }
};

static_assert(offsetof(Vcpu, regs) == 0, "the trap vector's VmCpuRegisters* is the Vcpu*");

}  // namespace halyard
