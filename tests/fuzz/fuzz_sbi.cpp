// SPDX-License-Identifier: Apache-2.0
// SBI dispatch: random calls (a0..a7 with eid and fid mostly from the
// extensions Halyard implements) from the vCPUs of a fake VM with four
// vCPUs, handled by vmexit_handler as an ecall from VS-mode. Every call that
// resumes the guest answers a valid SBI error code in a0 and moves sepc past
// the ecall (the vCPUs not making the call look start-pending while it runs,
// since nothing runs them); the guest's RAM is its own allocation, so ASan catches any
// access outside it (DBCN buffers, for instance). A call that ends the vCPU's run
// (hart_stop, suspend, shutdown, reboot) reaches the lifecycle's parking or
// waiting loop, whose idle hook ends the input.

#include <csetjmp>
#include <cstring>
#include <memory>

#include "../unit/exit_path.hpp"
#include "fuzz_support.hpp"
#include "halyard/guest_layout.hpp"
#include "halyard/sbi.hpp"
#include "halyard/trap_cause.hpp"
#include "platform/host_platform.hpp"
#include "vm/lifecycle.hpp"
#include "vm/vm.hpp"

using namespace halyard;

namespace {

constexpr uint64_t kRamSize = 64 * 1024;
constexpr unsigned kVcpus = 4;
constexpr uint64_t kPc = guest::kKernelEntry + 0x100;

constexpr uint64_t kEids[] = {
    sbi::kEidLegacySetTimer,
    sbi::kEidLegacyConsolePutchar,
    sbi::kEidLegacyConsoleGetchar,
    sbi::kEidLegacyShutdown,
    sbi::kEidBase,
    sbi::kEidTime,
    sbi::kEidIpi,
    sbi::kEidRfence,
    sbi::kEidHsm,
    sbi::kEidSrst,
    sbi::kEidPmu,
    sbi::kEidDbcn,
    sbi::kEidSusp,
    sbi::kEidHalyard,
    0x4657574B /* FWFT */,
};

struct Console {
    fuzz::Input* in;
    static void put(void*, char) {}
    static int get(void* self) {
        auto& c = *static_cast<Console*>(self);
        return c.in->take_bool() ? c.in->take<uint8_t>() : -1;
    }
};

std::jmp_buf g_parked;

// The lifecycle's idle hook, and entering a guest: the vCPU's run has ended.
// No lock is held there and no frame in between has anything to destroy.
void leave_call() {
    std::longjmp(g_parked, 1);
}

uint64_t argument(fuzz::Input& in) {
    switch (in.take<uint8_t>() % 8) {
        case 0: return in.below(16);                               // hart ids, masks, types
        case 1: return guest::kRamBase + in.below(kRamSize + 16);  // in (or just past) RAM
        case 2: return guest::kRamBase + kRamSize - in.below(64);  // the top of RAM
        case 3: return in.below(kRamSize);                         // lengths
        case 4: return ~uint64_t{0} - in.below(4);                 // -1, -2, ...
        default: return in.edgy_u64();
    }
}

// What a0 may hold after a call to `eid`: an SBI error code (SBI_SUCCESS ..
// SBI_ERR_DENIED_LOCKED of SBI 3.0), except for the legacy console_getchar,
// which returns the character or -1.
bool valid_a0(uint64_t eid, uint64_t a0) {
    const auto value = static_cast<int64_t>(a0);
    if (eid == sbi::kEidLegacyConsoleGetchar) return value >= -1 && value <= 255;
    return value <= 0 && value >= -14;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    fuzz::reset_fakes();
    fuzz::Input in(data, size);
    auto ram = std::make_unique<uint8_t[]>(kRamSize);  // exactly the VM's RAM
    auto vm = std::make_unique<Vm>();
    Console console{&in};
    vm->ram = GuestRam{guest::kRamBase, kRamSize, reinterpret_cast<uint64_t>(ram.get())};
    std::strcpy(vm->name, "vm0");
    vm->console = VmConsole(ConsoleBackend{Console::put, Console::get, &console});
    FUZZ_CHECK(vm->attach_devices());
    vm->vcpu_count = kVcpus;
    for (unsigned i = 0; i < kVcpus; ++i) {
        vm->vcpus[i].vm = vm.get();
        vm->vcpus[i].id = i;
        vm->vcpus[i].hart_slot = i;
        vm->vcpus[i].host_hart_id = i;
        vm->vcpus[i].hsm_state.store(i == 0 || in.take_bool() ? HsmState::kStarted
                                                              : HsmState::kStopped);
    }
    vm->state.store(VmState::kRunning);
    vm->guest_has_sstc = in.take_bool();
    fake::hart[Csr::sstatus] = sstatus::kSpp;
    static HostPlatform platform;
    lifecycle_init(vm.get(), 1, &platform, LifecycleHooks{nullptr, leave_call});
    fake::hart.enter_guest_hook = [](VmCpuRegisters&) { leave_call(); };
    if (setjmp(g_parked) != 0) return 0;  // the calling vCPU stopped: this input is done

    for (unsigned calls = 0; calls < 64 && !in.empty(); ++calls) {
        Vcpu& vcpu = vm->vcpus[in.below(kVcpus)];
        if (vcpu.hsm_state.load() != HsmState::kStarted) continue;
        // One thread cannot run the other vCPUs, so a call must not wait for
        // them to handle a request (RFENCE does): during the call they look
        // start-pending, i.e. not running, and get their state back after it.
        HsmState saved[kVcpus];
        bool hidden[kVcpus];
        for (unsigned i = 0; i < kVcpus; ++i) {
            saved[i] = vm->vcpus[i].hsm_state.load();
            hidden[i] = &vm->vcpus[i] != &vcpu &&
                        (saved[i] == HsmState::kStarted || saved[i] == HsmState::kSuspended);
            if (hidden[i]) vm->vcpus[i].hsm_state.store(HsmState::kStartPending);
        }
        VmCpuRegisters& regs = vcpu.regs;
        const uint8_t pick = in.take<uint8_t>();
        regs.gpr[kA7] =
            pick < 224 ? kEids[pick % (sizeof(kEids) / sizeof(kEids[0]))] : in.edgy_u64();
        regs.gpr[kA6] = in.take_bool() ? in.below(12) : in.edgy_u64();
        for (unsigned a = kA0; a <= kA5; ++a) regs.gpr[a] = argument(in);
        regs.sepc = kPc;
        regs.trap.scause = cause_code(Exception::kEcallFromVs);
        fake::hart.current_registers = &regs;
        const uint64_t eid = regs.gpr[kA7], fid = regs.gpr[kA6];
        const ExitAction action = halyard::testing::take_exit(vcpu);
        for (unsigned i = 0; i < kVcpus; ++i) {
            if (hidden[i]) vm->vcpus[i].hsm_state.store(saved[i]);
            vm->vcpus[i].requests.store(0);  // handled by their (absent) harts
        }
        if (action != ExitAction::kResume) break;  // the VM or this vCPU stops
        if (!valid_a0(eid, regs.gpr[kA0]) || regs.sepc != kPc + 4)
            std::fprintf(stderr, "eid 0x%llx fid 0x%llx on vCPU %u: a0 0x%llx, sepc 0x%llx\n",
                         static_cast<unsigned long long>(eid), static_cast<unsigned long long>(fid),
                         vcpu.id, static_cast<unsigned long long>(regs.gpr[kA0]),
                         static_cast<unsigned long long>(regs.sepc));
        FUZZ_CHECK(valid_a0(eid, regs.gpr[kA0]));
        FUZZ_CHECK(regs.sepc == kPc + 4);
        // Keep the record of firmware calls from growing over a long input.
        fake::hart.firmware_calls.clear();
    }
    return 0;
}
