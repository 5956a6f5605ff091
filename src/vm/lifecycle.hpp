// SPDX-License-Identifier: Apache-2.0
#pragma once
// The one owner of the life of VMs and vCPUs: the VM state machine
// (running, rebooting, stopped) and the SBI HSM state machine of every vCPU.
//
// A vCPU is pinned to a physical hart (Vcpu::host_hart_id). That hart enters
// Halyard once, at boot, and from then on either runs the vCPU or waits for it
// to be started, parked in run_vcpu_hart(); it never goes back to the
// firmware, so restarting any vCPU, vm0's first one included, never re-runs
// the boot path. Nothing here assumes that vCPU i owns hart i forever: a hart
// parks on a vCPU, and whoever starts the vCPU kicks the hart it is pinned to.
//
// States and who may change them (all transitions with Vm::lifecycle_lock):
//   VM:   kRunning -> kRebooting (reboot_vm, by one vCPU) -> kRunning
//         kRunning -> kStopped (stop_vm: shutdown, guest error, all vCPUs off)
//   vCPU: kStopped -> kStartPending (start_vcpu, any hart)
//         kStartPending -> kStarted (its own hart, if the VM is running)
//         kStartPending -> kStopped (its own hart, if the VM is not)
//         kStarted -> kSuspended -> kStarted (its own hart, HSM suspend)
//         kStarted/kSuspended -> kStopPending -> kStopped (its own hart)
// A state is published only once it is true: kStopped means the hart will not
// touch the vCPU's registers again until it sees kStartPending, so hart_start
// on a vCPU that reads kStopped always succeeds.
//
// Stop requests cannot be lost: "this vCPU must stop" is the VM's state, not
// a bit that can be consumed. stop_vm and reboot_vm change the state under the
// lock, then send every vCPU that is not stopped a host IPI; a vCPU checks the
// state at each such IPI (vcpu_must_stop) and before entering the guest.

#include <cstdint>

#include "vm/vm.hpp"

namespace halyard {

struct HostPlatform;

struct LifecycleHooks {
    // Called when the last VM has stopped (powers the machine off).
    void (*all_vms_stopped)() = nullptr;
    // Work a hart does while it waits with nothing to run: taking console
    // input on the console hart. May be null.
    void (*idle_work)() = nullptr;
};

// Boot: the VMs, the platform their images are reloaded from, the hooks.
void lifecycle_init(Vm* vms, unsigned vm_count, const HostPlatform* platform, LifecycleHooks hooks);

// This hart's life from boot on: waits until `vcpu` is started, enters it;
// parks again whenever it stops. Never returns.
[[noreturn]] void run_vcpu_hart(Vcpu& vcpu);

// HSM hart_start: `target` starts at `pc` with a0 = its hart id, a1 = `opaque`.
// SBI_SUCCESS, SBI_ERR_ALREADY_AVAILABLE if it is not stopped, SBI_ERR_FAILED
// if its VM is not running (stopping or rebooting).
int64_t start_vcpu(Vcpu& target, uint64_t pc, uint64_t opaque);

// The calling vCPU stops (HSM hart_stop, or its VM is stopping): its hart
// parks. Stopping the last started vCPU of a running VM stops the VM.
[[noreturn]] void stop_current_vcpu(Vcpu& self);

// Stops `vm` for good (shutdown or a guest error) and logs why; every vCPU
// leaves the guest at its next exit. No-op if the VM is not running. When it
// was the last VM, calls the all_vms_stopped hook.
void stop_vm(Vm& vm, const char* why);

// SBI SRST shutdown (or the legacy call) from `self`: stops its VM, then
// `self`.
[[noreturn]] void shutdown_vm_from(Vcpu& self);

// SBI SRST reboot from `self`: every vCPU stops, every device model and vCPU
// is reset, the images are reloaded and vCPU 0 starts as at boot. If the VM
// is already stopping or rebooting (two vCPUs asked at once), `self` just
// stops.
[[noreturn]] void reboot_vm(Vcpu& self);

// Whether `vcpu` must leave the guest because its VM is stopping or rebooting.
inline bool vcpu_must_stop(const Vcpu& vcpu) {
    return vcpu.vm->state.load(std::memory_order_acquire) != VmState::kRunning;
}

// Whether every vCPU of `self`'s VM but `self` is stopped (SBI system suspend's
// entry condition). Only `self` could start another, so the answer holds until
// it does.
bool only_running_vcpu(const Vcpu& self);

// HSM hart_suspend on the calling vCPU: waits, published as kSuspended, until
// an interrupt the guest enabled in its sie is pending or the VM stops.
// Non-retentive: then resumes at `resume_pc` with a0 = hart id, a1 = `opaque`,
// satp = 0 and sstatus.SIE = 0; retentive: returns to the guest after the call.
void suspend_current_vcpu(Vcpu& self, bool retentive, uint64_t resume_pc, uint64_t opaque);

}  // namespace halyard
