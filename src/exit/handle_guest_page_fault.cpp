// SPDX-License-Identifier: Apache-2.0
// Exit reason: load or store guest-page fault (scause 21, 23). Guest RAM is
// mapped in full, so these are accesses to guest-physical addresses without
// RAM: emulated when a device model owns the address, refused with an access
// fault (what hardware raises for an address with nothing behind it) if not.
// The emulation path is kept short; every refusal is out of line.

#include "arch/csr.hpp"
#include "arch/hart.hpp"
#include "exit/exit_handlers.hpp"
#include "exit/guest_log.hpp"
#include "exit/inject_exception.hpp"
#include "mmio/instruction_decoder.hpp"
#include "vm/exit_stats.hpp"

namespace halyard {
namespace {

bool is_store_fault(const Vcpu& vcpu) {
    return vcpu.regs.trap.scause == cause_code(Exception::kStoreGuestPageFault);
}

// The faulting instruction: the transformed one from htinst when the hart
// provides it, else read from guest memory at sepc (QEMU 7.2 leaves htinst 0).
bool fetch_and_decode(Vcpu& vcpu, DecodeResult& decoded) {
    const uint64_t htinst = vcpu.regs.trap.htinst;
    if (is_htinst_transformed(htinst)) {
        decoded = decode_htinst(htinst);
        return true;
    }
    uint32_t insn = 0;
    if (!arch::read_guest_instruction(vcpu.regs.sepc, insn)) return false;
    decoded = decode_raw_instruction(insn);
    return true;
}

uint64_t extend(uint64_t value, unsigned width, bool sign_extend) {
    if (width == 8) return value;
    const unsigned bits = width * 8;
    value &= (1ull << bits) - 1;
    if (sign_extend && (value >> (bits - 1)) != 0) value |= ~0ull << bits;
    return value;
}

ExitAction inject_access_fault(Vcpu& vcpu, bool store, uint64_t gpa, const char* why) {
    guest_log(vcpu, "%s guest-physical 0x%llx at pc 0x%llx: %s; injecting %s access fault",
              store ? "store to" : "load from", static_cast<unsigned long long>(gpa),
              static_cast<unsigned long long>(vcpu.regs.sepc), why, store ? "store" : "load");
    inject_exception(vcpu, store ? Exception::kStoreAccessFault : Exception::kLoadAccessFault,
                     vcpu.regs.trap.stval);
    return ExitAction::kResume;
}

// Nothing but RAM and devices exist in a VM's guest-physical space.
[[gnu::noinline, gnu::cold]] ExitAction refuse_unmapped(Vcpu& vcpu, uint64_t gpa) {
    if (is_htinst_pseudoinstruction(vcpu.regs.trap.htinst)) {
        // The guest's own VS-stage page-table walk touched a non-RAM
        // address. The hart reports the walk's implicit access (QEMU 7.2: a
        // load guest-page fault, whatever the access), but a PTE access
        // with nothing behind it raises "an access-fault exception
        // corresponding to the original access type" (privileged spec,
        // virtual-address translation process, step 2), with stval the
        // original virtual address: a store or AMO gets a store/AMO access
        // fault. The instruction at sepc says which it was.
        count_exit(vcpu, ExitReason::kGuestPageFaultOther);
        DecodeResult decoded{};
        bool store = is_store_fault(vcpu);
        if (fetch_and_decode(vcpu, decoded)) {
            if (decoded.status == DecodeStatus::kAtomic) store = true;
            if (decoded.status == DecodeStatus::kOk) store = decoded.access.is_store;
        }
        return inject_access_fault(vcpu, store, gpa, "guest page table outside RAM");
    }
    count_exit(vcpu, ExitReason::kMmioUnmapped);
    // An AMO is a store for the exception it raises; QEMU 7.2 reports AMOs
    // that fault in the G-stage as loads, so the instruction decides.
    DecodeResult decoded{};
    const bool atomic = fetch_and_decode(vcpu, decoded) && decoded.status == DecodeStatus::kAtomic;
    return inject_access_fault(vcpu, is_store_fault(vcpu) || atomic, gpa,
                               "nothing is mapped there");
}

// A device access that cannot be emulated: answered as hardware would.
[[gnu::noinline, gnu::cold]] ExitAction refuse_device_access(Vcpu& vcpu, bool fetched,
                                                             const DecodeResult& decoded,
                                                             uint64_t gpa) {
    const bool store = is_store_fault(vcpu);
    if (!fetched) {
        guest_log(
            vcpu, "cannot read the instruction at pc 0x%llx that accessed 0x%llx; stopping the VM",
            static_cast<unsigned long long>(vcpu.regs.sepc), static_cast<unsigned long long>(gpa));
        return ExitAction::kStopVm;
    }
    switch (decoded.status) {
        case DecodeStatus::kFloatingPoint:
            return inject_access_fault(vcpu, store, gpa, "floating-point access to a device");
        case DecodeStatus::kAtomic:
            return inject_access_fault(vcpu, true, gpa, "atomic access to a device");
        case DecodeStatus::kNotLoadStore:
            return inject_access_fault(vcpu, store, gpa, "not an emulable load/store");
        case DecodeStatus::kOk: break;
    }
    const MmioAccess& access = decoded.access;
    if (access.is_store != store)
        return inject_access_fault(vcpu, store, gpa, "instruction does not match the fault");
    if ((gpa & (access.width - 1)) != 0) {
        guest_log(vcpu, "misaligned %u-byte access to a device at 0x%llx", access.width,
                  static_cast<unsigned long long>(gpa));
        inject_exception(vcpu, store ? Exception::kStoreMisaligned : Exception::kLoadMisaligned,
                         vcpu.regs.trap.stval);
        return ExitAction::kResume;
    }
    return inject_access_fault(vcpu, store, gpa, "access runs past the device");
}

}  // namespace

ExitAction handle_guest_page_fault(Vcpu& vcpu) {
    TrapCsrs& trap = vcpu.regs.trap;
    // Read before anything (such as HLVX) can trap and overwrite them.
    trap.stval = arch::csr_read<Csr::stval>();
    trap.htval = arch::csr_read<Csr::htval>();
    trap.htinst = arch::csr_read<Csr::htinst>();
    const uint64_t gpa = (trap.htval << 2) | (trap.stval & 3);

    const MmioRegion* region = vcpu.vm->bus.find(gpa, 1);
    if (region == nullptr || is_htinst_pseudoinstruction(trap.htinst)) [[unlikely]]
        return refuse_unmapped(vcpu, gpa);
    count_exit(vcpu, region->reason);

    DecodeResult decoded;
    const bool fetched = fetch_and_decode(vcpu, decoded);
    const MmioAccess& access = decoded.access;
    if (!fetched || decoded.status != DecodeStatus::kOk ||
        access.is_store != is_store_fault(vcpu) || (gpa & (access.width - 1)) != 0 ||
        !region->contains(gpa, access.width)) [[unlikely]]
        return refuse_device_access(vcpu, fetched, decoded, gpa);

    const uint64_t offset = gpa - region->base;
    if (access.is_store) {
        // The whole register: a device keeps the low `width` bytes (MmioBus).
        region->write(region->device, offset, access.width, vcpu.regs.gpr[access.reg]);
    } else {
        const uint64_t value = region->read(region->device, offset, access.width);
        if (access.reg != 0)
            vcpu.regs.gpr[access.reg] = extend(value, access.width, access.sign_extend);
    }
    vcpu.regs.sepc += access.insn_length;
    return ExitAction::kResume;
}

}  // namespace halyard
