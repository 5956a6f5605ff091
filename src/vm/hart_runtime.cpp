#include "vm/hart_runtime.hpp"

#include "arch/boot_support.hpp"
#include "arch/csr.hpp"
#include "arch/firmware.hpp"
#include "arch/hart.hpp"
#include "boot/power.hpp"
#include "console/console_mux.hpp"
#include "console/log.hpp"
#include "exit/exit_stats.hpp"
#include "exit/vmexit_handler.hpp"
#include "vm/vcpu_features.hpp"
#include "vm/vcpu_requests.hpp"
#include "vm/vm_setup.hpp"

namespace halyard {
namespace {

Vm* g_vms = nullptr;
unsigned g_vm_count = 0;
const HostPlatform* g_platform = nullptr;

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
    arch::csr_write<Csr::hvip>(g.hvip | (vcpu.external_interrupt_level.load() ? irq::kVseip : 0));
    if (vcpu.vm->guest_has_sstc) arch::csr_write<Csr::vstimecmp>(g.vstimecmp);
}

[[noreturn]] void enter(Vcpu& vcpu) {
    Vm& vm = *vcpu.vm;
    arch::csr_write<Csr::hgatp>(vm.gstage.hgatp(vm.vmid));
    arch::hfence_gvma_vmid(vm.vmid);
    arch::hfence_vvma_all();
    load_vcpu_features(vcpu);  // henvcfg (Sstc, Svadu per FWFT, ...) and FWFT state
    load_guest_csrs(vcpu);
    // First entry: sret to VS-mode (SPV = 1, SPP = 1); HLV/HLVX act as VS too.
    arch::csr_set<Csr::hstatus>(hstatus::kSpv | hstatus::kSpvp);
    arch::csr_set<Csr::sstatus>(sstatus::kSpp);
    arch::fence_i();
    arch::enter_guest(vcpu.regs);
}

bool any_vcpu_started(const Vm& vm) {
    for (unsigned i = 0; i < vm.vcpu_count; ++i) {
        const HsmState state = vm.vcpus[i].hsm_state.load();
        if (state != HsmState::kStopped) return true;
    }
    return false;
}

bool any_vm_running() {
    for (unsigned i = 0; i < g_vm_count; ++i)
        if (g_vms[i].state.load() == VmState::kRunning) return true;
    return false;
}

}  // namespace

void hart_runtime_init(Vm* vms, unsigned vm_count, const HostPlatform* platform) {
    g_vms = vms;
    g_vm_count = vm_count;
    g_platform = platform;
}

[[noreturn]] void run_vcpu(Vcpu& vcpu) {
    vcpu.regs.hyp_stack_top = arch::hart_stack_top(vcpu.hart_slot);
    vcpu.hsm_state.store(HsmState::kStarted, std::memory_order_release);
    enter(vcpu);
}

// Asks every running vCPU of `vm` to stop (they do at their next exit, which
// the IPI makes immediate); the caller's own vCPU, if any, handles itself.
void stop_vcpus(Vm& vm) {
    for (unsigned i = 0; i < vm.vcpu_count; ++i) signal_vcpu(vm.vcpus[i], kRequestStop);
}

void stop_vm(Vm& vm, const char* why) {
    VmState expected = VmState::kRunning;
    if (!vm.state.compare_exchange_strong(expected, VmState::kStopped)) return;
    stop_vcpus(vm);
    console_mux_flush(vm);
    log("%s: stopped: %s", vm.name, why);
    log_vm_exit_stats(vm);
    if (!any_vm_running()) {
        log("all VMs have stopped; powering off");
        power_off(false);
    }
}

[[noreturn]] void hart_idle() {
    arch::csr_write<Csr::sie>(0);
    for (;;) arch::wait_for_interrupt();
}

}  // namespace halyard

namespace halyard {
namespace {

// Everything but "resume": out of line, so that the common path through
// halyard_vmexit stays short.
[[gnu::noinline]] VmCpuRegisters* finish_exit(Vcpu& vcpu, ExitAction action) {
    switch (action) {
        case ExitAction::kResume: return &vcpu.regs;
        case ExitAction::kShutdownVm: stop_vm(*vcpu.vm, "the guest asked to shut down"); break;
        case ExitAction::kStopVm: stop_vm(*vcpu.vm, "guest error (see above)"); break;
        case ExitAction::kStopVcpu:
        case ExitAction::kVmStopping:
            // HSM hart_stop, or the VM is stopping or rebooting: the physical
            // hart goes back to the firmware and comes back through
            // halyard_secondary_entry when the vCPU is started again.
            vcpu.hsm_state.store(HsmState::kStopped, std::memory_order_release);
            // A VM whose guest stopped every vCPU can never run again.
            if (action == ExitAction::kStopVcpu && !any_vcpu_started(*vcpu.vm))
                stop_vm(*vcpu.vm, "the guest stopped all its vCPUs");
            arch::firmware_call(sbi::kEidHsm, 1);
            break;
        case ExitAction::kRebootVm:
            log("%s: the guest asked to reboot; reloading it", vcpu.vm->name);
            vcpu.hsm_state.store(HsmState::kStopPending);  // not asked to stop itself
            stop_vcpus(*vcpu.vm);
            // The others must be off their harts before their state is reset.
            for (unsigned i = 0; i < vcpu.vm->vcpu_count; ++i) {
                while (vcpu.vm->vcpus[i].hsm_state.load() == HsmState::kStarted) {
                }
            }
            if (load_vm_image(*vcpu.vm, *g_platform)) {
                vcpu.hsm_state.store(HsmState::kStarted);
                enter(vcpu);
            }
            stop_vm(*vcpu.vm, "its image could not be reloaded");
            break;
    }
    hart_idle();
}

}  // namespace
}  // namespace halyard

// Called by the trap vector on every VM exit, on this hart's stack. Returns
// the registers of the vCPU to resume.
extern "C" halyard::VmCpuRegisters* halyard_vmexit(halyard::VmCpuRegisters* regs) {
    using namespace halyard;
    Vcpu& vcpu = Vcpu::from_registers(regs);
    const ExitAction action = vmexit_handler(vcpu);
    if (action == ExitAction::kResume) [[likely]]
        return regs;
    return finish_exit(vcpu, action);
}
