// SPDX-License-Identifier: Apache-2.0
// Device-access exits through the whole exit path as the trap vector takes
// them (tests/unit/exit_path.hpp): the fast path first, the full handler if
// it declines. Random load/store guest-page faults on the UART, the PLIC, the
// APLIC (in VMs with AIA, whose UART drives it and whose MSIs are recorded),
// a device on the bus alone and around them, by random instructions (raw in
// guest memory, or missing there, or as htinst values) with random
// registers. The trap-vector model aborts if the fast path writes a register
// the trap vector has not saved, or changes the guest's registers and then
// declines; here every exit must resume past its instruction or at the
// guest's trap vector with an exception injected, or stop the VM only when
// the instruction could not be read and its read met a fault no fetch meets. A twin VM takes every
// exit on the full path alone: the two must end each exit with the same registers, sepc, injected
// exception, exit counts and MSIs, which is what makes the fast path a pure shortcut (its
// decoders and checks are its own).

#include <array>
#include <cstring>
#include <memory>
#include <mutex>
#include <vector>

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

// A device on the bus alone (as unit tests attach), which the fast path
// reaches through the bus: its reads fill all 64 bits, whatever the width.
constexpr uint64_t kBusDeviceBase = 0x2000'0000;
constexpr uint64_t kBusDeviceSize = 0x1000;
struct WideValueDevice {
    uint64_t read(uint64_t offset, unsigned width) const {
        return 0xF0E1'D2C3'B4A5'9687 ^ (offset * 0x0101'0101'0101'0101) ^ width;
    }
    void write(uint64_t, unsigned, uint64_t) {}
    void reset() {}
};

// Where the access goes: mostly the devices' registers, sometimes just past
// them or nowhere.
uint64_t fault_address(fuzz::Input& in) {
    switch (in.take<uint8_t>() % 10) {
        case 0: return guest::kUartBase + in.below(16);
        case 1: return guest::kPlicBase + 0x200000 + in.below(0x2010);  // thresholds, claims
        case 2: return guest::kPlicBase + in.below(0x2100);  // priorities, pending, enables
        case 3: return guest::kPlicBase + Plic::kSize - in.below(8);
        case 4: return in.edgy_u64();
        case 5: return guest::kUartBase + Uart16550::kSize - in.below(8);
        case 6: return kBusDeviceBase + kBusDeviceSize - 8 + in.below(16);  // and past it
        case 8: return guest::kAplicBase + in.below(Aplic::kSize);
        case 9: return guest::kAplicBase + Aplic::kSize - 8 + in.below(16);  // and past it
        default: return kBusDeviceBase + in.below(kBusDeviceSize);
    }
}

// The guest-visible outcome of an exit.
struct Outcome {
    std::array<uint64_t, 32> gpr;
    uint64_t sepc, vsepc, vscause, vstval, hvip;
    bool operator==(const Outcome&) const = default;
};

// The identities of the MSIs sent so far to the interrupt file at `file`.
std::vector<uint32_t> msis_to(uint64_t file) {
    std::vector<uint32_t> identities;
    std::lock_guard<std::mutex> guard(fake::msis_lock);
    for (const fake::Msi& msi : fake::msis)
        if (msi.interrupt_file == file) identities.push_back(msi.identity);
    return identities;
}

Outcome outcome_of(const Vcpu& vcpu) {
    return {std::to_array(vcpu.regs.gpr), vcpu.regs.sepc,          fake::hart[Csr::vsepc],
            fake::hart[Csr::vscause],     fake::hart[Csr::vstval], fake::hart[Csr::hvip]};
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    fuzz::reset_fakes();
    fuzz::Input in(data, size);
    constexpr unsigned kVms = 2;  // [0] fast path first, [1] full path only
    auto ram = std::make_unique<uint8_t[]>(kRamSize * kVms);
    auto vms = std::make_unique<Vm[]>(kVms);
    static WideValueDevice bus_device;  // stateless: one for both VMs
    // Both VMs alike: with the PLIC, or with AIA and a (fake) interrupt file each.
    const bool aia = in.take_bool();
    constexpr uint64_t kFile[kVms] = {0x2800'1000, 0x2800'3000};
    for (unsigned i = 0; i < kVms; ++i) {
        Vm& vm = vms[i];
        vm.ram = GuestRam{guest::kRamBase, kRamSize,
                          reinterpret_cast<uint64_t>(ram.get() + i * kRamSize)};
        std::strcpy(vm.name, i == 0 ? "vm0" : "vm1");
        vm.index = i;
        vm.console = VmConsole(ConsoleBackend{discard, no_input, nullptr});
        vm.irqchip = aia ? GuestIrqchip::kAia : GuestIrqchip::kPlic;
        vm.vcpus[0].interrupt_file = aia ? kFile[i] : 0;
        FUZZ_CHECK(vm.attach_devices());
        FUZZ_CHECK(
            vm.bus.attach(kBusDeviceBase, kBusDeviceSize, ExitReason::kMmioUart, bus_device));
        vm.vcpu_count = 1;
        vm.vcpus[0].vm = &vm;
        vm.vcpus[0].hsm_state.store(HsmState::kStarted);
        vm.state.store(VmState::kRunning);
    }
    static HostPlatform platform;
    lifecycle_init(vms.get(), kVms, &platform, LifecycleHooks{});
    Vcpu& vcpu = vms[0].vcpus[0];
    Vcpu& twin = vms[1].vcpus[0];

    for (unsigned exits = 0; exits < 64 && !in.empty(); ++exits) {
        for (unsigned n = 1; n < 32; ++n)
            if (in.take_bool()) vcpu.regs.gpr[n] = in.edgy_u64();
        const bool store = in.take_bool();
        const uint64_t gpa = fault_address(in);
        const uint32_t insn = in.take<uint32_t>();
        fake::hart.guest_instruction_memory.clear();
        const bool readable = in.take<uint8_t>() % 8 != 0;
        if (readable) fake::hart.put_instruction(kPc, insn);
        // What a read that faults meets: the faults a fetch could (which the
        // guest is then given), as a load's or a fetch's, or one it could not.
        constexpr uint64_t kReadFaults[] = {1, 5, 12, 13, 20, 21, 4};
        fake::hart.guest_read_fault_cause = kReadFaults[in.below(std::size(kReadFaults))];
        vcpu.regs.sepc = kPc;
        vcpu.regs.trap.scause =
            cause_code(store ? Exception::kStoreGuestPageFault : Exception::kLoadGuestPageFault);
        const uint64_t stval = in.take_bool() ? gpa : gpa ^ (in.below(4096) & ~uint64_t{3});
        const uint64_t htinst = in.take_bool() ? 0 : in.take<uint32_t>();
        std::memcpy(twin.regs.gpr, vcpu.regs.gpr, sizeof vcpu.regs.gpr);
        twin.regs.sepc = vcpu.regs.sepc;
        twin.regs.trap.scause = vcpu.regs.trap.scause;
        const uint64_t hvip = fake::hart[Csr::hvip];
        auto set_trap_csrs = [&](Vcpu& exiting) {
            fake::hart.current_registers = &exiting.regs;
            fake::hart[Csr::sstatus] = sstatus::kSpp;
            fake::hart[Csr::vstvec] = kVstvec;
            fake::hart[Csr::vsepc] = fake::hart[Csr::vscause] = fake::hart[Csr::vstval] = 0;
            fake::hart[Csr::hvip] = hvip;
            fake::hart[Csr::stval] = stval;
            fake::hart[Csr::htval] = gpa >> 2;
            fake::hart[Csr::htinst] = htinst;
        };

        set_trap_csrs(vcpu);
        const ExitAction action = testing::take_exit(vcpu);
        const Outcome fast = outcome_of(vcpu);
        set_trap_csrs(twin);
        twin.regs.trap.stval = stval;
        twin.regs.trap.htval = gpa >> 2;
        twin.regs.trap.htinst = htinst;
        const ExitAction full_action = vmexit_handler(twin);
        FUZZ_CHECK(full_action == action);
        if (action == ExitAction::kStopVm) {
            // Only an instruction the exit could not read, with a fault no
            // fetch meets, stops the VM.
            FUZZ_CHECK(!readable);
            FUZZ_CHECK(fake::hart.guest_read_fault_cause == 4);
            break;
        }
        FUZZ_CHECK(outcome_of(twin) == fast);
        // Counted alike too: the exit's reason and where its instruction was found.
        for (unsigned r = 0; r < kExitReasonCount; ++r)
            FUZZ_CHECK(vcpu.exits[r].load() == twin.exits[r].load());
        for (unsigned d = 0; d < kMmioDecodeSourceCount; ++d)
            FUZZ_CHECK(vcpu.mmio_decodes[d].load() == twin.mmio_decodes[d].load());
        FUZZ_CHECK(msis_to(kFile[0]) == msis_to(kFile[1]));
        FUZZ_CHECK(action == ExitAction::kResume);
        const uint64_t pc = vcpu.regs.sepc;
        FUZZ_CHECK(pc == kPc + 2 || pc == kPc + 4 || pc == kVstvec);
        FUZZ_CHECK(vcpu.regs.gpr[0] == 0);
    }
    return 0;
}
