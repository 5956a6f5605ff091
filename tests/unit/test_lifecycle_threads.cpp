// SPDX-License-Identifier: Apache-2.0
// The VM and vCPU lifecycle on real threads: each thread is a hart (the fake
// arch layer keeps a hart per thread), runs src/vm/lifecycle.cpp's parking
// loop and, when its vCPU is entered, plays a guest that makes SBI calls
// through the real exit path (halyard_vmexit). Host IPIs travel between the
// threads. Built under ThreadSanitizer by the host-tsan preset.
//
// A hart thread ends only from the parking loop, once the machine is off: so
// a test that finishes proves that every vCPU left the guest and parked.

#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <chrono>
#include <csetjmp>
#include <cstring>
#include <thread>
#include <vector>

#include "arch/fake_hart_state.hpp"
#include "exit_path.hpp"
#include "halyard/guest_layout.hpp"
#include "halyard/sbi.hpp"
#include "halyard/trap_cause.hpp"
#include "platform/host_platform.hpp"
#include "vm/lifecycle.hpp"
#include "vm/vm.hpp"
#include "vm/vm_setup.hpp"
#include "vm_fixture.hpp"

extern "C" halyard::VmCpuRegisters* halyard_vmexit(halyard::VmCpuRegisters* regs);

namespace halyard::testing {
namespace {

using Clock = std::chrono::steady_clock;

constexpr uint64_t kRamSize = 4 << 20;
constexpr uint64_t kSecondaryEntry = guest::kKernelEntry + 0x100;
constexpr uint64_t kHsmStart = 0, kHsmStop = 1, kHsmStatus = 2, kHsmSuspend = 3;

// What a test's guest does next: sets up the registers for its next SBI call
// (the result of the previous one is in a0/a1). Runs on the vCPU's hart.
using GuestStep = void (*)(Vcpu& vcpu);

GuestStep g_step = nullptr;
std::atomic<bool> g_machine_off{false};
std::atomic<unsigned> g_power_offs{0};
std::atomic<unsigned> g_guest_ran_after_off{0};
thread_local std::jmp_buf t_hart_exit;

void all_vms_stopped() {
    g_power_offs.fetch_add(1);
    g_machine_off.store(true);
}

// A parked hart with the machine off leaves its thread. No lock is held here
// and no frame between here and the thread's start has a destructor to run.
void idle_work() {
    if (g_machine_off.load()) std::longjmp(t_hart_exit, 1);
}

void sbi(Vcpu& vcpu, uint64_t eid, uint64_t fid, uint64_t a0 = 0, uint64_t a1 = 0,
         uint64_t a2 = 0) {
    vcpu.regs.gpr[kA7] = eid;
    vcpu.regs.gpr[kA6] = fid;
    vcpu.regs.gpr[kA0] = a0;
    vcpu.regs.gpr[kA1] = a1;
    vcpu.regs.gpr[kA2] = a2;
    vcpu.regs.trap.scause = cause_code(Exception::kEcallFromVs);
}

// The guest: exits until its VM stops it. A host IPI is taken first, as the
// hart would; otherwise the test's step makes the next SBI call.
[[noreturn]] void play_guest(VmCpuRegisters& regs) {
    Vcpu& vcpu = Vcpu::from_registers(&regs);
    fake::hart.current_registers = &regs;
    Clock::time_point off_since{};
    for (;;) {
        if (g_machine_off.load()) {
            // Every vCPU must leave the guest at its next exit after the stop.
            if (off_since == Clock::time_point{}) off_since = Clock::now();
            if (Clock::now() - off_since > std::chrono::seconds(5)) {
                g_guest_ran_after_off.fetch_add(1);
                std::longjmp(t_hart_exit, 1);
            }
        }
        fake::take_ipi();
        if ((fake::hart[Csr::sip] & irq::kSsip) != 0) {
            vcpu.regs.trap.scause = cause_code(Interrupt::kSupervisorSoftware);
        } else {
            g_step(vcpu);
        }
        // As arch/riscv64/trap_vector.S: the fast path first, then the full exit.
        if (run_fast_path(vcpu) == FastExit::kFullExit)
            halyard_vmexit(&regs);  // returns only to resume this vCPU
        std::this_thread::yield();
    }
}

// A VM of `vcpus` vCPUs on as many hart threads.
class LifecycleThreads : public ::testing::Test {
  protected:
    void start_machine(unsigned vcpus, GuestStep step) {
        g_step = step;
        g_machine_off = false;
        g_power_offs = 0;
        g_guest_ran_after_off = 0;
        fake::reset();
        ram_.assign(kRamSize, 0);
        kernel_.assign(64, 0x13);  // nops
        dtb_.assign(64, 0);
        vm_.ram = GuestRam{guest::kRamBase, kRamSize, reinterpret_cast<uint64_t>(ram_.data())};
        std::strcpy(vm_.name, "vm0");
        ASSERT_TRUE(vm_.attach_devices());
        vm_.image.kernel = kernel_;
        vm_.image.dtb = dtb_;
        use_vcpus(vm_, vcpus);
        vm_.state = VmState::kRunning;
        lifecycle_init(&vm_, 1, &platform_, LifecycleHooks{all_vms_stopped, idle_work});
        ASSERT_TRUE(load_vm_image(vm_, platform_));
        ASSERT_EQ(start_vcpu(vm_.vcpus[0], guest::kKernelEntry, vm_.dtb_gpa), sbi::kSuccess);
        for (unsigned i = 0; i < vcpus; ++i) {
            harts_.emplace_back([this, i] {
                fake::hart.hart_id = 10 + i;
                fake::hart.enter_guest_hook = play_guest;
                if (setjmp(t_hart_exit) == 0) run_vcpu_hart(vm_.vcpus[i]);
            });
        }
    }

    // Waits for every hart thread: a hang here is a lost stop or a deadlock
    // (ctest's timeout ends it).
    void join_machine() {
        for (auto& hart : harts_) hart.join();
        harts_.clear();
        EXPECT_EQ(g_power_offs.load(), 1u);
        EXPECT_EQ(g_guest_ran_after_off.load(), 0u) << "a vCPU kept running after its VM stopped";
        EXPECT_EQ(vm_.state.load(), VmState::kStopped);
        for (unsigned i = 0; i < vm_.vcpu_count; ++i)
            EXPECT_EQ(vm_.vcpus[i].hsm_state.load(), HsmState::kStopped) << "vCPU " << i;
    }

    std::vector<uint8_t> ram_, kernel_, dtb_;
    HostPlatform platform_;
    Vm vm_;
    std::vector<std::thread> harts_;
};

// --- hart_start of a STOPPED vCPU always succeeds, vCPU 0 included ----------

constexpr unsigned kRestarts = 300;
std::atomic<unsigned> g_starts{0};
std::atomic<unsigned> g_start_failures{0};
std::atomic<unsigned> g_victim_entries{0};
unsigned g_victim = 0;
// Per vCPU: what its last SBI call was (each vCPU's own hart writes its own).
std::array<uint64_t, Vm::kMaxVcpus> g_last_call{};

void restart_step(Vcpu& vcpu) {
    const unsigned driver = 1 - g_victim;
    uint64_t& last = g_last_call[vcpu.id];
    if (vcpu.regs.sepc == guest::kKernelEntry || vcpu.regs.sepc == kSecondaryEntry) {
        // Just started (at boot or by the driver): a fresh run.
        vcpu.regs.sepc += 0x1000;
        last = ~0ull;
        if (vcpu.id == g_victim) {
            g_victim_entries.fetch_add(1);
            if (vcpu.id == 0 && g_victim_entries.load() == 1) {
                // vCPU 0 at boot: bring up the driver first.
                sbi(vcpu, sbi::kEidHsm, kHsmStart, driver, kSecondaryEntry, 0);
                last = kHsmStart;
                return;
            }
        }
    }
    if (vcpu.id == g_victim) {
        sbi(vcpu, sbi::kEidHsm, kHsmStop);
        return;
    }
    // The driver: wait for STOPPED, then start the victim again.
    if (last == kHsmStatus && vcpu.regs.gpr[kA0] == 0 &&
        vcpu.regs.gpr[kA1] == static_cast<uint64_t>(HsmState::kStopped)) {
        if (g_starts.load() == kRestarts) {
            sbi(vcpu, sbi::kEidSrst, sbi::kSrstSystemReset, sbi::kResetShutdown, 0);
            return;
        }
        sbi(vcpu, sbi::kEidHsm, kHsmStart, g_victim, kSecondaryEntry, 0);
        last = kHsmStart;
        return;
    }
    if (last == kHsmStart) {
        if (vcpu.regs.gpr[kA0] != 0) g_start_failures.fetch_add(1);
        g_starts.fetch_add(1);
    }
    sbi(vcpu, sbi::kEidHsm, kHsmStatus, g_victim);
    last = kHsmStatus;
}

void run_restarts(unsigned victim) {
    g_victim = victim;
    g_starts = 0;
    g_start_failures = 0;
    g_victim_entries = 0;
    g_last_call.fill(~0ull);
}

TEST_F(LifecycleThreads, AStoppedVcpuCanAlwaysBeStartedAgain) {
    run_restarts(1);
    start_machine(2, restart_step);
    join_machine();
    EXPECT_EQ(g_starts.load(), kRestarts);
    EXPECT_EQ(g_start_failures.load(), 0u) << "hart_start failed on a vCPU reported STOPPED";
    EXPECT_EQ(g_victim_entries.load(), kRestarts) << "each start runs the vCPU exactly once";
}

TEST_F(LifecycleThreads, VcpuZeroCanBeStoppedAndStartedAgain) {
    run_restarts(0);
    start_machine(2, restart_step);
    join_machine();
    EXPECT_EQ(g_starts.load(), kRestarts);
    EXPECT_EQ(g_start_failures.load(), 0u);
    EXPECT_EQ(g_victim_entries.load(), kRestarts + 1) << "boot, then every restart";
}

// --- reboots from any vCPU, two at once, with IPIs and fences flying ---------

constexpr unsigned kReboots = 12;
std::atomic<unsigned> g_boots{0};
std::atomic<unsigned> g_stale_boots{0};
std::array<std::atomic<unsigned>, Vm::kMaxVcpus> g_traffic{};

void reboot_step(Vcpu& vcpu) {
    Vm& vm = *vcpu.vm;
    if (vcpu.id == 0 && vcpu.regs.sepc == guest::kKernelEntry) {
        // A (re)boot: the machine must be fresh. Then dirty it again.
        const unsigned boot = g_boots.fetch_add(1);
        const bool fresh = vcpu.regs.gpr[kA0] == 0 && vcpu.regs.gpr[kA1] == vm.dtb_gpa &&
                           vm.uart.read(1, 1) == 0 && vm.plic.read(4 * 10, 4) == 0 &&
                           vm.vcpus[1].hsm_state.load() == HsmState::kStopped &&
                           vcpu.requests.load() == 0;
        if (!fresh) g_stale_boots.fetch_add(1);
        vm.uart.write(1, 1, 0x0f);
        vm.plic.write(4 * 10, 4, 7);
        vcpu.regs.sepc += 0x1000;
        if (boot == kReboots) {
            sbi(vcpu, sbi::kEidSrst, sbi::kSrstSystemReset, sbi::kResetShutdown, 0);
            return;
        }
        g_traffic[0] = 0;
        sbi(vcpu, sbi::kEidHsm, kHsmStart, 1, kSecondaryEntry, 0);
        return;
    }
    if (vcpu.regs.sepc == kSecondaryEntry) {
        vcpu.regs.sepc += 0x1000;
        g_traffic[vcpu.id] = 0;
        if (vcpu.id + 1 < vm.vcpu_count) {
            sbi(vcpu, sbi::kEidHsm, kHsmStart, vcpu.id + 1, kSecondaryEntry, 0);
            return;
        }
    }
    const unsigned n = g_traffic[vcpu.id].fetch_add(1);
    const unsigned boot = g_boots.load();
    // Who reboots this time: one vCPU, or the two highest at once.
    const unsigned rebooter = boot % vm.vcpu_count;
    const bool two_at_once = boot % 4 == 3;
    if (n == 40 && (vcpu.id == rebooter || (two_at_once && vcpu.id >= vm.vcpu_count - 2))) {
        sbi(vcpu, sbi::kEidSrst, sbi::kSrstSystemReset,
            boot % 2 == 0 ? sbi::kResetColdReboot : sbi::kResetWarmReboot, 0);
        return;
    }
    // Everyone to everyone: IPIs and remote fences (hart_mask_base -1: all).
    if (n % 2 == 0)
        sbi(vcpu, sbi::kEidIpi, 0, 0, ~0ull);
    else
        sbi(vcpu, sbi::kEidRfence, 1, 0, ~0ull, 0);
}

TEST_F(LifecycleThreads, RebootsFromAnyVcpuGiveAFreshMachineEveryTime) {
    g_boots = 0;
    g_stale_boots = 0;
    start_machine(3, reboot_step);
    join_machine();
    EXPECT_EQ(g_boots.load(), kReboots + 1);
    EXPECT_EQ(g_stale_boots.load(), 0u) << "a reboot left state behind";
}

// --- a suspended vCPU stops with its VM -------------------------------------

std::atomic<unsigned> g_suspended{0};

void suspend_step(Vcpu& vcpu) {
    if (vcpu.regs.sepc == guest::kKernelEntry) {
        vcpu.regs.sepc += 0x1000;
        sbi(vcpu, sbi::kEidHsm, kHsmStart, 1, kSecondaryEntry, 0);
        return;
    }
    if (vcpu.id == 1) {
        // Retentive suspend with nothing enabled: only the VM's stop ends it.
        fake::hart[Csr::vsie] = 0;
        g_suspended.store(1);
        sbi(vcpu, sbi::kEidHsm, kHsmSuspend, 0);
        return;
    }
    if (g_suspended.load() != 0 && vcpu.vm->vcpus[1].hsm_state.load() == HsmState::kSuspended) {
        sbi(vcpu, sbi::kEidSrst, sbi::kSrstSystemReset, sbi::kResetShutdown, 0);
        return;
    }
    sbi(vcpu, sbi::kEidHsm, kHsmStatus, 1);
}

TEST_F(LifecycleThreads, ASuspendedVcpuStopsWhenItsVmShutsDown) {
    g_suspended = 0;
    start_machine(2, suspend_step);
    join_machine();
}

// --- VSEIP follows vCPU 1's vPLIC output, changed from vCPU 0's hart ---------
//
// vCPU 0 raises a device line routed to vCPU 1's PLIC context (the change is
// made on its own hart, so it reaches vCPU 1 as a request and a host IPI);
// vCPU 1 takes the interrupt when it sees VSEIP: it claims, the device drops
// its line, it completes. A round that is not taken within kPatience is lost.

constexpr unsigned kDeviceIrq = 5;
constexpr uint64_t kClaimContext1 = 0x200004 + 0x1000;
constexpr uint64_t kGuestSeie = irq::kSeip;  // the guest's sie.SEIE (hip.VSEIP >> 1)
constexpr unsigned kInterruptRounds = 100;
constexpr auto kPatience = std::chrono::seconds(10);

std::atomic<unsigned> g_raised{0};  // rounds vCPU 0 has raised
std::atomic<unsigned> g_taken{0};   // rounds vCPU 1 has taken with VSEIP set
std::atomic<bool> g_receiver_ready{false};
std::atomic<bool> g_gave_up{false};
std::atomic<unsigned> g_vseip_left_after_claim{0};
Clock::time_point g_raised_at{};  // vCPU 0's hart only

void reset_interrupt_rounds() {
    g_raised = 0;
    g_taken = 0;
    g_receiver_ready = false;
    g_gave_up = false;
    g_vseip_left_after_claim = 0;
}

// vCPU 0 at boot: routes kDeviceIrq to vCPU 1's context (the line stays low).
void route_device_irq_to_vcpu1(Vm& vm) {
    vm.plic.write(4 * kDeviceIrq, 4, 1);                             // priority 1
    vm.plic.write(0x2000 + 0x80 * 1, 4, uint64_t{1} << kDeviceIrq);  // enabled for context 1
}

// vCPU 1's guest handler, run when it sees VSEIP: claim, the device drops its
// line, complete. Its own claim must clear its own VSEIP at once.
void take_device_interrupt(Vcpu& vcpu) {
    Vm& vm = *vcpu.vm;
    const auto id = static_cast<uint32_t>(vm.plic.read(kClaimContext1, 4));
    vm.plic.set_source_level(id, false);
    vm.plic.write(kClaimContext1, 4, id);
    if ((fake::hart[Csr::hvip] & irq::kVseip) != 0) g_vseip_left_after_claim.fetch_add(1);
}

// vCPU 0: raises the next round once vCPU 1 has taken the last one (and, when
// `receiver_suspended`, once vCPU 1 is suspended); shuts the VM down when all
// are taken or one was not taken in time.
void raise_rounds_step(Vcpu& vcpu, bool receiver_suspended) {
    Vm& vm = *vcpu.vm;
    if (vcpu.regs.sepc == guest::kKernelEntry) {
        vcpu.regs.sepc += 0x1000;
        route_device_irq_to_vcpu1(vm);
        sbi(vcpu, sbi::kEidHsm, kHsmStart, 1, kSecondaryEntry, 0);
        return;
    }
    const unsigned raised = g_raised.load();
    if (g_taken.load() == kInterruptRounds || g_gave_up.load()) {
        sbi(vcpu, sbi::kEidSrst, sbi::kSrstSystemReset, sbi::kResetShutdown, 0);
        return;
    }
    const bool receiver_waits = receiver_suspended
                                    ? vm.vcpus[1].hsm_state.load() == HsmState::kSuspended
                                    : g_receiver_ready.load();
    if (g_taken.load() == raised && receiver_waits) {
        g_raised_at = Clock::now();
        g_raised.store(raised + 1);
        vm.plic.set_source_level(kDeviceIrq, true);
    } else if (raised != 0 && g_taken.load() != raised && Clock::now() - g_raised_at > kPatience) {
        g_gave_up.store(true);
    }
    sbi(vcpu, sbi::kEidBase, sbi::kBaseGetSpecVersion);
}

void running_receiver_step(Vcpu& vcpu) {
    if (vcpu.id == 0) {
        raise_rounds_step(vcpu, false);
        return;
    }
    if (vcpu.regs.sepc == kSecondaryEntry) {
        vcpu.regs.sepc += 0x1000;
        g_receiver_ready.store(true);
    }
    if ((fake::hart[Csr::hvip] & irq::kVseip) != 0) {
        take_device_interrupt(vcpu);
        g_taken.fetch_add(1);
    }
    sbi(vcpu, sbi::kEidBase, sbi::kBaseGetSpecVersion);
}

TEST_F(LifecycleThreads, ADeviceInterruptRaisedOnAnotherHartReachesTheRunningVcpu) {
    reset_interrupt_rounds();
    start_machine(2, running_receiver_step);
    join_machine();
    EXPECT_FALSE(g_gave_up.load()) << "VSEIP never came for round " << g_raised.load();
    EXPECT_EQ(g_taken.load(), kInterruptRounds);
    EXPECT_EQ(g_vseip_left_after_claim.load(), 0u);
}

// vCPU 1 suspends (HSM, retentive) with the guest's SEIE set, round after
// round; the raise must end each suspend with VSEIP set.
void suspended_receiver_step(Vcpu& vcpu) {
    if (vcpu.id == 0) {
        raise_rounds_step(vcpu, true);
        return;
    }
    if (vcpu.regs.sepc == kSecondaryEntry) {
        vcpu.regs.sepc += 0x1000;
        fake::hart[Csr::vsie] = kGuestSeie;
    } else if ((fake::hart[Csr::hvip] & irq::kVseip) != 0) {
        // Back from the suspend, which only VSEIP (or the VM's stop) ends.
        take_device_interrupt(vcpu);
        g_taken.fetch_add(1);
    }
    sbi(vcpu, sbi::kEidHsm, kHsmSuspend, 0);
}

TEST_F(LifecycleThreads, ADeviceInterruptWakesASuspendedVcpu) {
    reset_interrupt_rounds();
    start_machine(2, suspended_receiver_step);
    join_machine();
    EXPECT_FALSE(g_gave_up.load()) << "the suspended vCPU slept through round " << g_raised.load();
    EXPECT_EQ(g_taken.load(), kInterruptRounds);
    EXPECT_EQ(g_vseip_left_after_claim.load(), 0u);
}

// vCPU 0 raises the line while vCPU 1 is stopped (no request can reach it),
// then starts it: vCPU 1 must enter with VSEIP already set.
std::atomic<int> g_entered_with_vseip{-1};

void started_receiver_step(Vcpu& vcpu) {
    Vm& vm = *vcpu.vm;
    if (vcpu.id == 0 && vcpu.regs.sepc == guest::kKernelEntry) {
        vcpu.regs.sepc += 0x1000;
        route_device_irq_to_vcpu1(vm);
        vm.plic.set_source_level(kDeviceIrq, true);
        sbi(vcpu, sbi::kEidHsm, kHsmStart, 1, kSecondaryEntry, 0);
        return;
    }
    if (vcpu.id == 1 && vcpu.regs.sepc == kSecondaryEntry) {
        vcpu.regs.sepc += 0x1000;
        g_entered_with_vseip.store((fake::hart[Csr::hvip] & irq::kVseip) != 0 ? 1 : 0);
        sbi(vcpu, sbi::kEidSrst, sbi::kSrstSystemReset, sbi::kResetShutdown, 0);
        return;
    }
    sbi(vcpu, sbi::kEidBase, sbi::kBaseGetSpecVersion);
}

TEST_F(LifecycleThreads, AVcpuStartedWhileItsPlicOutputIsHighEntersWithVseip) {
    g_entered_with_vseip = -1;
    start_machine(2, started_receiver_step);
    join_machine();
    EXPECT_EQ(g_entered_with_vseip.load(), 1) << "1: VSEIP at entry, 0: not, -1: never entered";
}

}  // namespace
}  // namespace halyard::testing
