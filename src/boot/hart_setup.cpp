// SPDX-License-Identifier: Apache-2.0
#include "boot/hart_setup.hpp"

#include "arch/csr.hpp"
#include "arch/firmware.hpp"
#include "arch/hart.hpp"
#include "halyard/csr_numbers.hpp"
#include "halyard/sbi.hpp"
#include "halyard/trap_cause.hpp"
#include "platform/paging_mode.hpp"
#include "vm/vcpu_features.hpp"

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

// henvcfg bits a guest may have whenever the hart implements them: each
// makes the guest's own instructions or page tables work as the extension
// says, within the guest's own memory (Svpbmt PBMTE, Zicbom CBIE/CBCFE,
// Zicboz CBZE, Sstc STCE). CBIE = 01: a guest's cbo.inval performs a flush,
// so it can never discard writes and read what RAM held before. ADUE
// (Svadu) is the guest's to choose through FWFT, off until it asks.
constexpr uint64_t kGuestEnvcfg =
    henvcfg::kPbmte | henvcfg::kCbieFlush | henvcfg::kCbcfe | henvcfg::kCbze;

// Writes the henvcfg bits Halyard wants and keeps those the hart has (the
// fields are WARL: unimplemented ones read back 0; with CBIE only the
// encoding 01 is kept). Also makes henvcfg.ADUE usable when the hart has
// Svadu: it is read-only 0 while menvcfg.ADUE is 0, which the firmware
// switches with its own FWFT PTE_AD_HW_UPDATING (ignored when it has none).
uint64_t setup_guest_envcfg(bool host_has_sstc) {
    const uint64_t wanted = kGuestEnvcfg | (host_has_sstc ? henvcfg::kStce : 0);
    arch::csr_write<Csr::henvcfg>(wanted | henvcfg::kAdue);
    if ((arch::csr_read<Csr::henvcfg>() & henvcfg::kAdue) == 0) {
        (void)arch::firmware_call(sbi::kEidFwft, sbi::kFwftSet, sbi::kFwftPteAdHwUpdating, 1, 0);
        arch::csr_write<Csr::henvcfg>(wanted | henvcfg::kAdue);
    }
    uint64_t kept = arch::csr_read<Csr::henvcfg>() & (wanted | henvcfg::kAdue);
    if ((kept & henvcfg::kCbieMask) != henvcfg::kCbieFlush) kept &= ~henvcfg::kCbieMask;
    arch::csr_write<Csr::henvcfg>(kept & ~henvcfg::kAdue);
    return kept;
}

}  // namespace

uint64_t setup_hypervisor_csrs(bool host_has_sstc, bool console_input) {
    arch::install_trap_vector();
    arch::csr_write<Csr::hedeleg>(kDelegatedExceptions);
    arch::csr_write<Csr::hideleg>(kDelegatedInterrupts);
    arch::csr_write<Csr::hcounteren>(kCountersCycleTimeInstret);
    const uint64_t kept_envcfg = setup_guest_envcfg(host_has_sstc);
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
    return kept_envcfg;
}

HartCapabilities probe_hart_capabilities(uint64_t kept_envcfg) {
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
    // vsatp.MODE is WARL too (a write of an unsupported mode changes
    // nothing): each mode a guest may be offered is written and read back.
    // With V = 0 vsatp translates nothing, and every guest entry loads the
    // vCPU's own vsatp.
    PagingModes vs_modes;
    for (PagingMode mode : kPagingModes) {
        arch::csr_write<Csr::vsatp>(satp_mode_bits(mode));
        if ((arch::csr_read<Csr::vsatp>() >> satp::kModeShift) == static_cast<uint8_t>(mode))
            vs_modes.add(mode);
        arch::csr_write<Csr::vsatp>(0);
    }
    caps.vs_sv39 = vs_modes.has(PagingMode::kSv39);
    // hgeie's writable bits are the guest interrupt files the hart has
    // (GEILEN of them, from bit 1): the DT's IMSIC may promise files the hart
    // lacks, and selecting one (hstatus.VGEIN) would then not stick.
    arch::csr_write<Csr::hgeie>(~uint64_t{0});
    caps.guest_interrupt_file = (arch::csr_read<Csr::hgeie>() & 2) != 0;
    arch::csr_write<Csr::hgeie>(0);

    // What guests may switch through FWFT, from what setup_hypervisor_csrs
    // found this (the boot) hart keeps; the other harts are alike.
    MachineFeatures features;
    features.svadu = (kept_envcfg & henvcfg::kAdue) != 0;
    features.vs_paging_modes = vs_modes;
    features.guest_envcfg = kept_envcfg & ~henvcfg::kAdue;
    // Misaligned exceptions reach Halyard (and through hedeleg the guest)
    // only if the firmware delegates them; only its FWFT lets that change.
    features.misaligned_deleg_control =
        arch::firmware_call(sbi::kEidFwft, sbi::kFwftGet, sbi::kFwftMisalignedExcDeleg).error ==
        sbi::kSuccess;
    set_machine_features(features);
    return caps;
}

}  // namespace halyard
