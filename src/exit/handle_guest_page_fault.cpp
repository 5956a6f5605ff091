// Exit reason: load or store guest-page fault (scause 21, 23). Guest RAM is
// mapped in full, so these are accesses to guest-physical addresses without
// RAM: emulated when a device model owns the address, refused with an access
// fault (what hardware raises for an address with nothing behind it) if not.

#include "arch/csr.hpp"
#include "arch/hart.hpp"
#include "exit/exit_handlers.hpp"
#include "exit/exit_stats.hpp"
#include "exit/guest_log.hpp"
#include "exit/inject_exception.hpp"
#include "mmio/instruction_decoder.hpp"

namespace halyard {
namespace {

// The faulting instruction: the transformed one from htinst when the hart
// provides it, else read from guest memory at sepc (QEMU 7.2 leaves htinst 0).
bool fetch_and_decode(Vcpu& vcpu, DecodeResult& decoded) {
    const uint64_t htinst = vcpu.regs.trap.htinst;
    if (is_htinst_transformed(htinst)) {
        decoded = decode_htinst(htinst);
        return true;
    }
    uint16_t low = 0, high = 0;
    if (!arch::read_guest_instruction_half(vcpu.regs.sepc, low)) return false;
    if (instruction_length(low) == 4 &&
        !arch::read_guest_instruction_half(vcpu.regs.sepc + 2, high))
        return false;
    decoded = decode_raw_instruction((uint32_t{high} << 16) | low);
    return true;
}

uint64_t extend(uint64_t value, unsigned width, bool sign_extend) {
    if (width == 8) return value;
    const unsigned bits = width * 8;
    value &= (1ull << bits) - 1;
    if (sign_extend && (value >> (bits - 1)) != 0) value |= ~0ull << bits;
    return value;
}

ExitAction refuse(Vcpu& vcpu, bool store, uint64_t gpa, const char* why) {
    guest_log(vcpu, "%s guest-physical 0x%llx at pc 0x%llx: %s; injecting %s access fault",
              store ? "store to" : "load from", static_cast<unsigned long long>(gpa),
              static_cast<unsigned long long>(vcpu.regs.sepc), why, store ? "store" : "load");
    inject_exception(vcpu, store ? Exception::kStoreAccessFault : Exception::kLoadAccessFault,
                     vcpu.regs.trap.stval);
    return ExitAction::kResume;
}

}  // namespace

ExitAction handle_guest_page_fault(Vcpu& vcpu) {
    TrapCsrs& trap = vcpu.regs.trap;
    // Read before anything (such as HLVX) can trap and overwrite them.
    trap.stval = arch::csr_read<Csr::stval>();
    trap.htval = arch::csr_read<Csr::htval>();
    trap.htinst = arch::csr_read<Csr::htinst>();
    const uint64_t gpa = (trap.htval << 2) | (trap.stval & 3);
    Vm& vm = *vcpu.vm;

    if (is_htinst_pseudoinstruction(trap.htinst)) {
        // The guest's own page-table walk touched a non-RAM address.
        count_exit(vcpu, ExitReason::kGuestPageFaultOther);
        return refuse(vcpu, trap.scause == cause_code(Exception::kStoreGuestPageFault), gpa,
                      "guest page table outside RAM");
    }
    DecodeResult decoded{};
    const bool have_instruction = fetch_and_decode(vcpu, decoded);
    // An AMO is a store for the exception it raises; QEMU 7.2 reports AMOs
    // that fault in the G-stage as loads, so the instruction decides.
    const bool store = trap.scause == cause_code(Exception::kStoreGuestPageFault) ||
                       (have_instruction && decoded.status == DecodeStatus::kAtomic);

    const MmioRegion* region = vm.bus.find(gpa, 1);
    if (region == nullptr) {
        count_exit(vcpu, ExitReason::kMmioUnmapped);
        return refuse(vcpu, store, gpa, "nothing is mapped there");
    }
    count_exit(vcpu, region->reason);
    if (!have_instruction) {
        guest_log(vcpu, "cannot read the instruction at pc 0x%llx that accessed 0x%llx; stopping the VM",
                  static_cast<unsigned long long>(vcpu.regs.sepc),
                  static_cast<unsigned long long>(gpa));
        return ExitAction::kStopVm;
    }
    const MmioAccess& access = decoded.access;
    if (decoded.status == DecodeStatus::kFloatingPoint)
        return refuse(vcpu, store, gpa, "floating-point access to a device");
    if (decoded.status == DecodeStatus::kAtomic)
        return refuse(vcpu, store, gpa, "atomic access to a device");
    if (decoded.status != DecodeStatus::kOk || access.is_store != store)
        return refuse(vcpu, store, gpa, "not an emulable load/store");
    if ((gpa & (access.width - 1)) != 0) {
        guest_log(vcpu, "misaligned %u-byte access to device at 0x%llx", access.width,
                  static_cast<unsigned long long>(gpa));
        inject_exception(vcpu, store ? Exception::kStoreMisaligned : Exception::kLoadMisaligned,
                         trap.stval);
        return ExitAction::kResume;
    }
    if (!region->contains(gpa, access.width))
        return refuse(vcpu, store, gpa, "access runs past the device");

    const uint64_t offset = gpa - region->base;
    if (store) {
        region->write(region->device, offset, access.width,
                      extend(vcpu.regs.gpr[access.reg], access.width, false));
    } else {
        uint64_t value = region->read(region->device, offset, access.width);
        if (access.reg != 0) vcpu.regs.gpr[access.reg] = extend(value, access.width, access.sign_extend);
    }
    vcpu.regs.sepc += access.insn_length;
    return ExitAction::kResume;
}

}  // namespace halyard
