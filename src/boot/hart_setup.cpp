#include "boot/hart_setup.hpp"

#include "arch/csr.hpp"
#include "arch/hart.hpp"
#include "halyard/csr_numbers.hpp"
#include "halyard/trap_cause.hpp"

namespace halyard {
namespace {

constexpr uint64_t bit(Exception e) {
    return 1ull << static_cast<uint64_t>(e);
}

// Exceptions the guest's own kernel handles directly, without an exit: they
// concern only the guest's own address space and instructions. Illegal
// instructions are not delegated, so that Halyard sees (and logs) them.
constexpr uint64_t kDelegatedExceptions =
    bit(Exception::kInstructionMisaligned) | bit(Exception::kBreakpoint) |
    bit(Exception::kLoadMisaligned) | bit(Exception::kStoreMisaligned) |
    bit(Exception::kEcallFromU) | bit(Exception::kInstructionPageFault) |
    bit(Exception::kLoadPageFault) | bit(Exception::kStorePageFault);

constexpr uint64_t kDelegatedInterrupts = irq::kVssip | irq::kVstip | irq::kVseip;

constexpr uint64_t kCountersCycleTimeInstret = 0b111;

}  // namespace

void setup_hypervisor_csrs(bool host_has_sstc, bool console_input) {
    arch::install_trap_vector();
    arch::csr_write<Csr::hedeleg>(kDelegatedExceptions);
    arch::csr_write<Csr::hideleg>(kDelegatedInterrupts);
    arch::csr_write<Csr::hcounteren>(kCountersCycleTimeInstret);
    arch::csr_write<Csr::henvcfg>(host_has_sstc ? henvcfg::kStce : 0);
    arch::csr_write<Csr::htimedelta>(0);
    arch::csr_write<Csr::hvip>(0);
    arch::csr_write<Csr::hie>(0);
    arch::csr_write<Csr::hgatp>(0);
    // 64-bit guests; VS-mode WFI runs natively (VTW = 0) and so waits for
    // the guest's next interrupt without an exit.
    uint64_t hs = arch::csr_read<Csr::hstatus>();
    hs &= ~(hstatus::kVtw | hstatus::kVtsr | hstatus::kVtvm | hstatus::kHu | hstatus::kVsxlMask);
    arch::csr_write<Csr::hstatus>(hs | hstatus::kVsxl64);
    // The guest's FP (and vector) state must be usable: sstatus.FS/VS gate it
    // even with V = 1. Halyard itself has no FP code.
    arch::csr_set<Csr::sstatus>(sstatus::kFsInitial | sstatus::kVsInitial);
    arch::csr_clear<Csr::sstatus>(sstatus::kSie);
    // Interrupts that may end a guest's run: the host timer (guests without
    // Sstc, enabled when armed), IPIs from other harts and, on the hart of
    // the VM that owns the console, console input.
    arch::csr_write<Csr::sie>(irq::kSsip | (console_input ? irq::kSeip : 0));
}

HartCapabilities probe_hart_capabilities() {
    HartCapabilities caps;
    // hgatp is WARL: write Sv39x4 with every VMID bit set and see what sticks.
    arch::csr_write<Csr::hgatp>(hgatp::kModeSv39x4 | (hgatp::kVmidMask << hgatp::kVmidShift));
    const uint64_t readback = arch::csr_read<Csr::hgatp>();
    arch::csr_write<Csr::hgatp>(0);
    caps.sv39x4 = (readback >> 60) == 8;
    // The implemented VMID bits are the low ones (no std::popcount: Debian's
    // libgcc for riscv64 is hard-float only and cannot be linked here).
    for (uint64_t vmid = (readback >> hgatp::kVmidShift) & hgatp::kVmidMask; vmid & 1; vmid >>= 1)
        ++caps.vmid_bits;
    return caps;
}

}  // namespace halyard
