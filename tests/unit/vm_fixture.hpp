// SPDX-License-Identifier: Apache-2.0
#pragma once
// A VM with 4 MiB of RAM backed by host memory, its UART attached, console
// output collected in a string and input taken from a queue, and one vCPU:
// enough to drive vmexit_handler() through the fake arch layer.

#include <gtest/gtest.h>

#include <atomic>
#include <csetjmp>
#include <cstring>
#include <deque>
#include <mutex>
#include <string>
#include <vector>

#include "arch/fake_hart_state.hpp"
#include "exit_path.hpp"
#include "fake_host_console.hpp"
#include "halyard/guest_layout.hpp"
#include "halyard/trap_cause.hpp"
#include "platform/host_platform.hpp"
#include "vm/lifecycle.hpp"
#include "vm/vm.hpp"

namespace halyard::testing {

// Gives `vm` `count` vCPUs, vCPU i in hart slot i on host hart 10 + i; their
// HSM states are the caller's to set.
inline void use_vcpus(Vm& vm, unsigned count) {
    vm.vcpu_count = count;
    for (unsigned i = 0; i < count; ++i) {
        vm.vcpus[i].vm = &vm;
        vm.vcpus[i].id = i;
        vm.vcpus[i].hart_slot = i;
        vm.vcpus[i].host_hart_id = 10 + i;
    }
}

class VmFixture : public ::testing::Test {
  protected:
    static constexpr uint64_t kRamSize = 4 << 20;
    static constexpr uint64_t kPc = guest::kKernelEntry + 0x100;
    static constexpr uint64_t kVstvec = guest::kKernelEntry + 0x4000;

    void SetUp() override {
        fake::reset();
        fake::host_console = {};
        ram_.assign(kRamSize, 0);
        vm_.ram = GuestRam{guest::kRamBase, kRamSize, reinterpret_cast<uint64_t>(ram_.data())};
        std::strcpy(vm_.name, "vm0");
        vm_.console = VmConsole(ConsoleBackend{put, get, this});
        vm_.irqchip = irqchip_;
        EXPECT_TRUE(vm_.attach_devices());
        vm_.vcpu_count = 1;
        vm_.vcpus[0].vm = &vm_;
        vm_.state.store(VmState::kRunning);
        dtb_.assign(64, 0);
        vm_.image.dtb = dtb_;
        lifecycle_init(&vm_, 1, &platform_, LifecycleHooks{count_power_off, leave_parked_hart});
        power_offs_ = 0;
        fake::hart[Csr::vstvec] = kVstvec;
        fake::hart[Csr::sstatus] = sstatus::kSpp;  // the guest was in VS-mode
    }

    Vcpu& vcpu() { return vm_.vcpus[0]; }
    uint64_t& reg(unsigned index) { return vcpu().regs.gpr[index]; }
    uint64_t exits(ExitReason reason) { return vcpu().exits[static_cast<unsigned>(reason)].load(); }

    ExitAction sbi_call(uint64_t eid, uint64_t fid, uint64_t a0 = 0, uint64_t a1 = 0,
                        uint64_t a2 = 0) {
        prepare_sbi_call(eid, fid, a0, a1, a2);
        return take_exit(vcpu());
    }
    // The guest's registers at such a call, before the exit is taken.
    void prepare_sbi_call(uint64_t eid, uint64_t fid, uint64_t a0 = 0, uint64_t a1 = 0,
                          uint64_t a2 = 0) {
        reg(kA7) = eid;
        reg(kA6) = fid;
        reg(kA0) = a0;
        reg(kA1) = a1;
        reg(kA2) = a2;
        vcpu().regs.sepc = kPc;
        vcpu().regs.trap.scause = cause_code(Exception::kEcallFromVs);
    }
    // Makes an SBI call that must end the vCPU's run (hart_stop, shutdown,
    // reboot): true if its hart parked, as it then does on the target (or, after
    // a reboot, entered vCPU 0 again).
    bool sbi_call_parks(uint64_t eid, uint64_t fid, uint64_t a0 = 0, uint64_t a1 = 0) {
        if (setjmp(parked_) != 0) {
            parking_armed_ = false;
            return true;
        }
        parking_armed_ = true;
        fake::hart.enter_guest_hook = [](VmCpuRegisters&) { leave_parked_hart(); };
        sbi_call(eid, fid, a0, a1);
        parking_armed_ = false;
        return false;
    }
    int64_t sbi_error() { return static_cast<int64_t>(reg(kA0)); }
    uint64_t sbi_value() { return reg(kA1); }

    // A load/store guest-page fault at `gpa` by `insn` at kPc (read from guest
    // memory, as on QEMU 7.2), or with `htinst` when non-zero.
    ExitAction guest_page_fault(bool store, uint64_t gpa, uint32_t insn, uint64_t htinst = 0) {
        return guest_page_fault_at(store, gpa, gpa, insn, htinst);
    }
    // The same with paging on: stval is the guest virtual address `gva`, htval
    // names `gpa`. Guest memory at kPc holds `insn` unless `insn_in_memory` is
    // false (HLVX there then faults).
    ExitAction guest_page_fault_at(bool store, uint64_t gva, uint64_t gpa, uint32_t insn,
                                   uint64_t htinst, bool insn_in_memory = true) {
        prepare_guest_page_fault(store, gva, gpa, insn, htinst, insn_in_memory);
        return take_exit(vcpu());
    }
    // The hart's state at such a fault, before the exit is taken.
    void prepare_guest_page_fault(bool store, uint64_t gva, uint64_t gpa, uint32_t insn,
                                  uint64_t htinst, bool insn_in_memory = true) {
        fake::hart.guest_instruction_memory.clear();
        if (insn_in_memory) fake::hart.put_instruction(kPc, insn);
        fake::hart.guest_instruction_reads = 0;
        vcpu().regs.sepc = kPc;
        vcpu().regs.trap.scause =
            cause_code(store ? Exception::kStoreGuestPageFault : Exception::kLoadGuestPageFault);
        fake::hart[Csr::stval] = gva;
        fake::hart[Csr::htval] = gpa >> 2;
        fake::hart[Csr::htinst] = htinst;
    }

    // Expects that `cause` was injected into the guest with `tval`.
    void expect_injected(Exception cause, uint64_t tval) {
        EXPECT_EQ(fake::hart[Csr::vscause], cause_code(cause));
        EXPECT_EQ(fake::hart[Csr::vstval], tval);
        EXPECT_EQ(fake::hart[Csr::vsepc], kPc);
        EXPECT_EQ(vcpu().regs.sepc, kVstvec);
    }

    // The console as the target's: input is announced (pushed with
    // Uart16550::poll_input) while `*unannounced` is false.
    void use_announcing_console(const std::atomic<bool>* unannounced) {
        vm_.console = VmConsole(ConsoleBackend{put, get, this, unannounced});
    }

    std::mutex console_mutex_;  // for put and get; tests read output_ once the vCPUs are done
    std::string output_;
    std::deque<char> input_;
    std::vector<uint8_t> ram_;
    std::vector<uint8_t> dtb_;
    HostPlatform platform_;
    // The VM's interrupt controller: a fixture for VMs with AIA sets it in
    // its constructor (SetUp wires the UART to it).
    GuestIrqchip irqchip_ = GuestIrqchip::kPlic;
    Vm vm_;
    static inline unsigned power_offs_ = 0;

  private:
    // The parking loop's idle hook: back to sbi_call_parks (no frame between
    // has anything to destroy, and no lock is held there).
    static void leave_parked_hart() {
        if (parking_armed_) std::longjmp(parked_, 1);
    }
    static void count_power_off() { ++power_offs_; }
    static inline std::jmp_buf parked_;
    static inline bool parking_armed_ = false;

    // Several vCPUs may write and read at once (ConsoleBackend), as on the
    // target, where the console has its own lock.
    static void put(void* self, char c) {
        auto* f = static_cast<VmFixture*>(self);
        std::lock_guard guard(f->console_mutex_);
        f->output_.push_back(c);
    }
    static int get(void* self) {
        auto* f = static_cast<VmFixture*>(self);
        std::lock_guard guard(f->console_mutex_);
        if (f->input_.empty()) return -1;
        char c = f->input_.front();
        f->input_.pop_front();
        return static_cast<unsigned char>(c);
    }
};

}  // namespace halyard::testing
