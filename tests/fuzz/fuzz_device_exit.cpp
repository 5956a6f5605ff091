// SPDX-License-Identifier: Apache-2.0
// Device-access exits through the whole exit path as the trap vector takes
// them (tests/unit/exit_path.hpp): the fast path first, the full handler if
// it declines. Random load/store guest-page faults on the UART, the PLIC and
// around them, by random instructions (raw in guest memory, or missing there,
// or as htinst values) with random registers. The trap-vector model aborts
// if the fast path writes a register the trap vector has not saved, or
// changes the guest's registers and then declines; here every exit must
// resume past its instruction or at the guest's trap vector with an
// exception injected, or stop the VM only when the instruction could not be
// read.

#include <cstring>
#include <memory>

#include "../unit/exit_path.hpp"
#include "fuzz_support.hpp"
#include "halyard/guest_layout.hpp"
#include "halyard/trap_cause.hpp"
#include "platform/host_platform.hpp"
#include "vm/lifecycle.hpp"
#include "vm/vm.hpp"

using namespace halyard;

namespace {

constexpr uint64_t kRamSize = 64 * 1024;
constexpr uint64_t kPc = guest::kKernelEntry + 0x100;
constexpr uint64_t kVstvec = guest::kKernelEntry + 0x4000;

void discard(void*, char) {}
int no_input(void*) {
    return -1;
}

// Where the access goes: mostly the devices' registers, sometimes just past
// them or nowhere.
uint64_t fault_address(fuzz::Input& in) {
    switch (in.take<uint8_t>() % 6) {
        case 0: return guest::kUartBase + in.below(16);
        case 1: return guest::kPlicBase + 0x200000 + in.below(0x2010);  // thresholds, claims
        case 2: return guest::kPlicBase + in.below(0x2100);  // priorities, pending, enables
        case 3: return guest::kPlicBase + Plic::kSize - in.below(8);
        case 4: return in.edgy_u64();
        default: return guest::kUartBase + Uart16550::kSize - in.below(8);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    fuzz::reset_fakes();
    fuzz::Input in(data, size);
    auto ram = std::make_unique<uint8_t[]>(kRamSize);
    auto vm = std::make_unique<Vm>();
    vm->ram = GuestRam{guest::kRamBase, kRamSize, reinterpret_cast<uint64_t>(ram.get())};
    std::strcpy(vm->name, "vm0");
    vm->console = VmConsole(ConsoleBackend{discard, no_input, nullptr});
    vm->attach_devices();
    vm->vcpu_count = 1;
    Vcpu& vcpu = vm->vcpus[0];
    vcpu.vm = vm.get();
    vcpu.hsm_state.store(HsmState::kStarted);
    vm->state.store(VmState::kRunning);
    static HostPlatform platform;
    lifecycle_init(vm.get(), 1, &platform, LifecycleHooks{});
    fake::hart.current_registers = &vcpu.regs;

    for (unsigned exits = 0; exits < 64 && !in.empty(); ++exits) {
        for (unsigned n = 1; n < 32; ++n)
            if (in.take_bool()) vcpu.regs.gpr[n] = in.edgy_u64();
        const bool store = in.take_bool();
        const uint64_t gpa = fault_address(in);
        const uint32_t insn = in.take<uint32_t>();
        fake::hart.guest_instruction_memory.clear();
        const bool readable = in.take<uint8_t>() % 8 != 0;
        if (readable) fake::hart.put_instruction(kPc, insn);
        vcpu.regs.sepc = kPc;
        vcpu.regs.trap.scause =
            cause_code(store ? Exception::kStoreGuestPageFault : Exception::kLoadGuestPageFault);
        fake::hart[Csr::sstatus] = sstatus::kSpp;
        fake::hart[Csr::vstvec] = kVstvec;
        fake::hart[Csr::stval] = in.take_bool() ? gpa : gpa ^ (in.below(4096) & ~uint64_t{3});
        fake::hart[Csr::htval] = gpa >> 2;
        fake::hart[Csr::htinst] = in.take_bool() ? 0 : in.take<uint32_t>();

        const ExitAction action = testing::take_exit(vcpu);
        if (action == ExitAction::kStopVm) {
            // Only an instruction the exit could not read stops the VM.
            FUZZ_CHECK(!readable);
            break;
        }
        FUZZ_CHECK(action == ExitAction::kResume);
        const uint64_t pc = vcpu.regs.sepc;
        FUZZ_CHECK(pc == kPc + 2 || pc == kPc + 4 || pc == kVstvec);
        FUZZ_CHECK(vcpu.regs.gpr[0] == 0);
    }
    return 0;
}
