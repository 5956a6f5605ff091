// SPDX-License-Identifier: Apache-2.0
#include "vm/lifecycle.hpp"

#include "arch/csr.hpp"
#include "arch/firmware.hpp"
#include "arch/hart.hpp"
#include "console/log.hpp"
#include "halyard/aia_registers.hpp"
#include "halyard/guest_layout.hpp"
#include "vm/console_mux.hpp"
#include "vm/exit_stats.hpp"
#include "vm/vcpu_features.hpp"
#include "vm/vcpu_requests.hpp"
#include "vm/vcpu_timer.hpp"
#include "vm/vm_setup.hpp"

namespace halyard {
namespace {

// Written once at boot, before any hart but the boot hart runs.
Vm* g_vms = nullptr;
unsigned g_vm_count = 0;
const HostPlatform* g_platform = nullptr;
LifecycleHooks g_hooks;

// The VS-level interrupts (hip bits) a guest can have pending.
constexpr uint64_t kGuestInterrupts = irq::kVssip | irq::kVstip | irq::kVseip;

// Loads the vCPU's guest CSR image into this hart's VS-level CSRs.
void load_guest_csrs(const Vcpu& vcpu) {
    const GuestCsrs& g = vcpu.regs.guest;
    arch::csr_write<Csr::vsstatus>(g.vsstatus);
    arch::csr_write<Csr::vsie>(g.vsie);
    arch::csr_write<Csr::vstvec>(g.vstvec);
    arch::csr_write<Csr::vsscratch>(g.vsscratch);
    arch::csr_write<Csr::vsepc>(g.vsepc);
    arch::csr_write<Csr::vscause>(g.vscause);
    arch::csr_write<Csr::vstval>(g.vstval);
    arch::csr_write<Csr::vsatp>(g.vsatp);
    // No VS copies of these: a guest in VS-mode writes the hart's own, so a
    // restarted vCPU must not find what it (or its previous boot) left there.
    arch::csr_write<Csr::senvcfg>(0);
    arch::csr_write<Csr::scounteren>(0);
    arch::csr_write<Csr::hvip>(g.hvip | (external_interrupt_level(vcpu) ? irq::kVseip : 0));
    if (vcpu.vm->guest_has_sstc) arch::csr_write<Csr::vstimecmp>(g.vstimecmp);
}

// The vCPU's guest interrupt file (a VM with AIA) as at reset: selected by
// hstatus.VGEIN (1: Halyard gives each hart's first file to the vCPU it
// runs), and its registers cleared through vsiselect/vsireg (specs/aia/src/
// IMSIC.adoc, "Interrupt file registers"): delivery off, threshold 0, no
// interrupt pending or enabled, whatever the guest's last boot left. Without
// a file, VGEIN is 0 and the guest's stopei and sireg accesses to IMSIC
// registers are virtual-instruction exceptions.
void reset_interrupt_file(const Vcpu& vcpu) {
    arch::csr_clear<Csr::hstatus>(hstatus::kVgeinMask);
    if (vcpu.interrupt_file == 0) return;
    arch::csr_set<Csr::hstatus>(uint64_t{1} << hstatus::kVgeinShift);
    auto clear_file_register = [](uint64_t select) {
        arch::csr_write<Csr::vsiselect>(select);
        arch::csr_write<Csr::vsireg>(0);
    };
    clear_file_register(imsic::kEidelivery);
    clear_file_register(imsic::kEithreshold);
    // Only the eipN and eieN with an implemented identity (1 to
    // interrupt_file_ids) may be accessed (QEMU raises an illegal instruction
    // for the others).
    const uint64_t ids = vcpu.vm->interrupt_file_ids;
    for (uint64_t i = 0; i < imsic::kArrayRegisters && i * 32 <= ids; i += 2) {
        clear_file_register(imsic::kEip0 + i);
        clear_file_register(imsic::kEie0 + i);
    }
    arch::csr_write<Csr::vsiselect>(0);
}

// Enters `vcpu` from its reset image (registers set by the caller).
[[noreturn]] void enter(Vcpu& vcpu) {
    Vm& vm = *vcpu.vm;
    arch::csr_write<Csr::hgatp>(vm.gstage.hgatp(vm.vmid));
    arch::hfence_gvma_vmid(vm.vmid);
    arch::hfence_vvma_all();
    load_vcpu_features(vcpu);  // henvcfg (Sstc, Svadu per FWFT, ...) and FWFT state
    if (vm.hstateen0 != 0) arch::csr_write<Csr::hstateen0>(vm.hstateen0);
    reset_interrupt_file(vcpu);
    load_guest_csrs(vcpu);
    // First entry: sret to VS-mode (SPV = 1, SPP = 1); HLV/HLVX act as VS too.
    arch::csr_set<Csr::hstatus>(hstatus::kSpv | hstatus::kSpvp);
    arch::csr_set<Csr::sstatus>(sstatus::kSpp);
    arch::fence_i();
    arch::enter_guest(vcpu.regs);
}

// A hart that stops running a vCPU must not wake up for it again: no host
// timer for its deadline, no virtual interrupt left pending in hvip.
void quiesce_hart(Vcpu& vcpu) {
    vcpu_timer_cancel(vcpu);
    arch::csr_write<Csr::hvip>(0);
    arch::csr_write<Csr::hie>(0);  // the guest's sie: reloaded from the reset image
}

bool any_vm_running() {
    for (unsigned i = 0; i < g_vm_count; ++i) {
        const VmState state = g_vms[i].state.load();
        if (state == VmState::kRunning || state == VmState::kRebooting) return true;
    }
    return false;
}

void idle_work() {
    if (g_hooks.idle_work != nullptr) g_hooks.idle_work();
}

// Waits, with the lock not held, until `vcpu`'s hart has parked it. Bounded:
// the caller made the VM's state say "stop" and sent the hart an IPI, which
// ends the guest's run at once, and nothing in Halyard's exit path waits for
// the caller.
void wait_until_stopped(const Vcpu& vcpu) {
    while (vcpu.hsm_state.load(std::memory_order_acquire) != HsmState::kStopped) {
        idle_work();
        spin_wait_hint();
    }
}

// Tells every vCPU of `vm` but `self` that is not stopped to look at the VM's
// state (which the caller has just changed): an IPI is all it takes, since
// every IPI exit and every entry checks the state.
void kick_vcpus(Vm& vm, const Vcpu* self) REQUIRES(vm.lifecycle_lock) {
    for (unsigned i = 0; i < vm.vcpu_count; ++i) {
        const Vcpu& vcpu = vm.vcpus[i];
        if (&vcpu != self && vcpu.hsm_state.load() != HsmState::kStopped) send_host_ipi(vcpu);
    }
}

// Whether every vCPU of `vm` but `self` is stopped.
bool others_stopped(const Vm& vm, const Vcpu& self) REQUIRES(vm.lifecycle_lock) {
    for (unsigned i = 0; i < vm.vcpu_count; ++i) {
        const Vcpu& vcpu = vm.vcpus[i];
        if (&vcpu != &self && vcpu.hsm_state.load() != HsmState::kStopped) return false;
    }
    return true;
}

// The parking loop: this hart waits for `vcpu` to be started. Leaves only by
// entering the guest.
[[noreturn]] void park(Vcpu& vcpu) {
    Vm& vm = *vcpu.vm;
    for (;;) {
        // Clear the IPI before looking, so one that arrives after the look
        // ends the wait for interrupt instead of being lost.
        arch::csr_clear<Csr::sip>(irq::kSsip);
        if (vcpu.hsm_state.load(std::memory_order_acquire) == HsmState::kStartPending) {
            bool start = false;
            {
                SpinLockGuard guard(vm.lifecycle_lock);
                if (vcpu.hsm_state.load() == HsmState::kStartPending) {
                    if (vm.state.load() == VmState::kRunning) {
                        reset_vcpu(vcpu);
                        vcpu.regs.sepc = vcpu.start_pc;
                        vcpu.regs.gpr[kA1] = vcpu.start_opaque;
                        vcpu.hsm_state.store(HsmState::kStarted);
                        start = true;
                    } else {
                        vcpu.hsm_state.store(HsmState::kStopped);
                    }
                }
            }
            if (start) enter(vcpu);
            continue;
        }
        idle_work();
        arch::wait_for_interrupt();
    }
}

}  // namespace

void lifecycle_init(Vm* vms, unsigned vm_count, const HostPlatform* platform,
                    LifecycleHooks hooks) {
    g_vms = vms;
    g_vm_count = vm_count;
    g_platform = platform;
    g_hooks = hooks;
}

[[noreturn]] void run_vcpu_hart(Vcpu& vcpu) {
    park(vcpu);
}

int64_t start_vcpu(Vcpu& target, uint64_t pc, uint64_t opaque) {
    Vm& vm = *target.vm;
    {
        SpinLockGuard guard(vm.lifecycle_lock);
        if (vm.state.load() != VmState::kRunning) return sbi::kErrFailed;
        if (target.hsm_state.load() != HsmState::kStopped) return sbi::kErrAlreadyAvailable;
        target.start_pc = pc;
        target.start_opaque = opaque;
        target.hsm_state.store(HsmState::kStartPending, std::memory_order_release);
    }
    send_host_ipi(target);
    return sbi::kSuccess;
}

[[noreturn]] void stop_current_vcpu(Vcpu& self) {
    Vm& vm = *self.vm;
    quiesce_hart(self);
    bool last = false;
    {
        SpinLockGuard guard(vm.lifecycle_lock);
        self.hsm_state.store(HsmState::kStopped, std::memory_order_release);
        last = vm.state.load() == VmState::kRunning && others_stopped(vm, self);
    }
    // A VM whose guest stopped every vCPU can never run again.
    if (last) stop_vm(vm, "the guest stopped all its vCPUs");
    park(self);
}

void stop_vm(Vm& vm, const char* why) {
    {
        SpinLockGuard guard(vm.lifecycle_lock);
        if (vm.state.load() != VmState::kRunning) return;
        vm.state.store(VmState::kStopped);
        kick_vcpus(vm, nullptr);
    }
    console_mux_flush(vm);
    log("%s: stopped: %s", vm.name, why);
    log_vm_exit_stats(vm);
    if (!any_vm_running()) {
        log("all VMs have stopped; powering off");
        if (g_hooks.all_vms_stopped != nullptr) g_hooks.all_vms_stopped();
    }
}

[[noreturn]] void shutdown_vm_from(Vcpu& self) {
    stop_vm(*self.vm, "the guest asked to shut down");
    stop_current_vcpu(self);
}

[[noreturn]] void reboot_vm(Vcpu& self) {
    Vm& vm = *self.vm;
    quiesce_hart(self);
    bool first = false;
    {
        SpinLockGuard guard(vm.lifecycle_lock);
        if (vm.state.load() == VmState::kRunning) {
            first = true;
            vm.state.store(VmState::kRebooting);
            self.hsm_state.store(HsmState::kStopPending);
            kick_vcpus(vm, &self);
        }
    }
    // Another vCPU is already rebooting or stopping the VM: it waits for us.
    if (!first) stop_current_vcpu(self);

    log("%s: the guest asked to reboot; reloading it", vm.name);
    for (unsigned i = 0; i < vm.vcpu_count; ++i)
        if (&vm.vcpus[i] != &self) wait_until_stopped(vm.vcpus[i]);

    // Every other vCPU is parked now and no hart_start can succeed (the VM is
    // not running): the VM's devices and vCPUs are this hart's alone, but for
    // console input, which the devices' own locks take care of.
    console_mux_flush(vm);
    vm.bus.reset_devices();
    const bool loaded = load_vm_image(vm, *g_platform).ok();
    {
        SpinLockGuard guard(vm.lifecycle_lock);
        vm.state.store(VmState::kRunning);
        self.hsm_state.store(HsmState::kStopped);
        if (loaded) {
            Vcpu& boot_vcpu = vm.vcpus[0];
            boot_vcpu.start_pc = guest::kKernelEntry;
            boot_vcpu.start_opaque = vm.dtb_gpa;
            boot_vcpu.hsm_state.store(HsmState::kStartPending, std::memory_order_release);
        }
    }
    if (loaded) {
        send_host_ipi(vm.vcpus[0]);
    } else {
        stop_vm(vm, "its image could not be reloaded");
    }
    park(self);
}

bool only_running_vcpu(const Vcpu& self) {
    Vm& vm = *self.vm;
    SpinLockGuard guard(vm.lifecycle_lock);
    return others_stopped(vm, self);
}

void suspend_current_vcpu(Vcpu& self, bool retentive, uint64_t resume_pc, uint64_t opaque) {
    Vm& vm = *self.vm;
    {
        SpinLockGuard guard(vm.lifecycle_lock);
        self.hsm_state.store(HsmState::kSuspended);
    }
    // What wakes the hart: the guest's own enables (its sie is hie's VS bits,
    // so WFI already wakes for them; they are the guest's state, left alone),
    // host IPIs, and, for a guest without Sstc, the host timer.
    for (;;) {
        if (vcpu_must_stop(self)) break;
        const uint64_t pending = arch::csr_read<Csr::sip>();
        if ((pending & irq::kSsip) != 0) {
            arch::csr_clear<Csr::sip>(irq::kSsip);
            handle_vcpu_requests(self);
            continue;
        }
        if ((pending & irq::kStip) != 0 && !vm.guest_has_sstc) vcpu_timer_fired(self);
        const uint64_t enabled = (arch::csr_read<Csr::vsie>() << 1) & kGuestInterrupts;
        if ((arch::csr_read<Csr::hip>() & enabled) != 0) break;
        idle_work();
        arch::wait_for_interrupt();
    }
    // Its VM is stopping or rebooting: it stops from the suspended state.
    if (vcpu_must_stop(self)) stop_current_vcpu(self);
    {
        SpinLockGuard guard(vm.lifecycle_lock);
        self.hsm_state.store(HsmState::kStarted);
    }
    if (retentive) return;
    // Non-retentive: as if the hart had been powered down and started again at
    // resume_pc, in VS-mode with translation and interrupts off.
    self.regs.sepc = resume_pc;
    self.regs.gpr[kA0] = self.id;
    self.regs.gpr[kA1] = opaque;
    arch::csr_write<Csr::vsatp>(0);
    arch::csr_clear<Csr::vsstatus>(sstatus::kSie);
    arch::csr_set<Csr::sstatus>(sstatus::kSpp);
    arch::hfence_vvma_all();
}

}  // namespace halyard
