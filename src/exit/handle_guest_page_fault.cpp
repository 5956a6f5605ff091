// SPDX-License-Identifier: Apache-2.0
// Exit reason: load or store guest-page fault (scause 21, 23). Guest RAM is
// mapped in full, so these are accesses to guest-physical addresses without
// RAM: emulated when a device model owns the address, refused with an access
// fault (what hardware raises for an address with nothing behind it) if not.
// The emulation path is kept short; every refusal is out of line.

#include <optional>

#include "arch/csr.hpp"
#include "arch/hart.hpp"
#include "exit/exit_handlers.hpp"
#include "exit/guest_log.hpp"
#include "exit/inject_exception.hpp"
#include "mmio/instruction_decoder.hpp"
#include "vm/exit_stats.hpp"
#include "vm/vm_devices.hpp"

namespace halyard {
namespace {

bool is_store_fault(const Vcpu& vcpu) {
    return vcpu.regs.trap.scause == cause_code(Exception::kStoreGuestPageFault);
}

constexpr uint64_t kPageOffsetMask = 0xFFF;
constexpr uint32_t kAllGprs = ~0u;

// A raw instruction does not say whether the fault is on a later part of a
// split misaligned access (htinst's Addr. Offset does): work it out from the
// address the instruction computes. Such a part starts a (VS-stage) page, as
// G-stage faults are taken per page, so the caller asks only then, and only
// for multi-byte accesses. An offset of `width` or more means the instruction
// does not compute stval at all (sepc's instruction was rewritten after the
// fault; see handle_guest_page_fault): it is then decoded as it stands.
// kOffsetUnknown if the base register is not among `readable_gprs`.
constexpr uint8_t kOffsetUnknown = 0xFF;
[[gnu::noinline, gnu::cold]] uint8_t address_offset_from_registers(const Vcpu& vcpu, uint32_t insn,
                                                                   unsigned width,
                                                                   uint32_t readable_gprs) {
    const AddressOperands operands = decode_address_operands(insn);
    if (!operands.valid) return 0;
    if ((readable_gprs >> operands.base & 1) == 0) return kOffsetUnknown;
    const uint64_t base = vcpu.regs.gpr[operands.base];  // gpr[0] is always 0
    const uint64_t address = base + static_cast<uint64_t>(int64_t{operands.offset});
    const uint64_t offset = vcpu.regs.trap.stval - address;
    return offset < width ? static_cast<uint8_t>(offset) : 0;
}

// The faulting instruction: the transformed one from htinst when the hart
// wrote one there, else read from guest memory at `pc` (QEMU 7.2 leaves
// htinst 0; QEMU 10 fills it: docs/htinst.md). A nonzero value we do not
// recognise counts as zero (hypervisor.adoc: software "may safely treat an
// unrecognized value in a trap instruction register the same as zero").
// Returns where the instruction came from, or kCount if it could not be read
// (what the read met then in `*fault`, if given).
// A multi-byte access at a page start whose base register is not among
// `readable_gprs` (the fast path has only kFastPathGprs in vcpu.regs) gets
// addr_offset kOffsetUnknown.
MmioDecodeSource fetch_and_decode(const Vcpu& vcpu, uint64_t pc, uint32_t readable_gprs,
                                  DecodeResult& decoded, GuestReadFault* fault = nullptr) {
    const uint64_t htinst = vcpu.regs.trap.htinst;
    if (htinst != 0) {
        decoded = decode_htinst(htinst);
        if (decoded.status != DecodeStatus::kNotLoadStore) [[likely]]
            return MmioDecodeSource::kHtinst;
    }
    uint64_t raw = 0;
    if (!arch::read_guest_instruction(pc, raw, fault)) return MmioDecodeSource::kCount;
    const auto insn = static_cast<uint32_t>(raw);
    decoded = decode_raw_instruction(insn);
    if (decoded.access.width > 1 && (vcpu.regs.trap.stval & kPageOffsetMask) == 0) [[unlikely]] {
        decoded.addr_offset =
            address_offset_from_registers(vcpu, insn, decoded.access.width, readable_gprs);
    }
    return MmioDecodeSource::kGuestMemory;
}

// The full exit path's fetch: all registers are in vcpu.regs; counts where
// the instruction came from. False if it could not be read (why in `*fault`).
bool fetch_decode_and_count(Vcpu& vcpu, DecodeResult& decoded, GuestReadFault* fault = nullptr) {
    const MmioDecodeSource source =
        fetch_and_decode(vcpu, vcpu.regs.sepc, kAllGprs, decoded, fault);
    if (source == MmioDecodeSource::kCount) return false;
    count_mmio_decode(vcpu, source);
    return true;
}

// Extends a value a device returned for a `width`-byte load: shifted so that
// the access's top bit is bit 63, and back (arithmetically for LB/LH/LW).
[[gnu::always_inline]] inline uint64_t extend(uint64_t value, unsigned width, bool sign_extend) {
    const unsigned shift = 64 - 8 * width;
    const uint64_t top = value << shift;
    return sign_extend ? static_cast<uint64_t>(static_cast<int64_t>(top) >> shift) : top >> shift;
}

// extend() for a device whose reads return at most kReadBits bits: a load
// wider than that gets the value as it stands (its top bit is clear, so
// extending either way changes nothing).
template <unsigned kReadBits>
[[gnu::always_inline]] inline uint64_t extend_read(uint64_t value, unsigned width,
                                                   bool sign_extend) {
    if (8 * width > kReadBits) return value;
    return extend(value, width, sign_extend);
}

// Whether a refused access raises a store/AMO access fault rather than a
// load access fault: what the instruction does (an AMO, SC or store writes;
// an LR or load reads) when it could be decoded, else what the trap says.
// The trap alone is not enough: QEMU 7.2 reports AMOs as loads (cause 21),
// and for a VS-stage walk the cause is that of the walk's own access.
bool refused_access_is_store(const Vcpu& vcpu, bool fetched, const DecodeResult& decoded) {
    if (fetched && decoded.status != DecodeStatus::kNotLoadStore) return decoded.access.is_store;
    return is_store_fault(vcpu);
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
    DecodeResult decoded{};
    const bool fetched = fetch_decode_and_count(vcpu, decoded);
    const bool store = refused_access_is_store(vcpu, fetched, decoded);
    if (is_htinst_pseudoinstruction(vcpu.regs.trap.htinst)) {
        // The guest's own VS-stage page-table walk touched a non-RAM
        // address (a device or nothing). A PTE access with nothing behind it
        // raises "an access-fault exception corresponding to the original
        // access type" (privileged spec, virtual-address translation
        // process, step 2), with stval the original virtual address. htinst
        // holds the walk's implicit access (always a read, 0x3000, on QEMU),
        // so the instruction at sepc says what the original access was.
        count_exit(vcpu, ExitReason::kGuestPageFaultOther);
        return inject_access_fault(vcpu, store, gpa, "guest page table outside RAM");
    }
    count_exit(vcpu, ExitReason::kMmioUnmapped);
    return inject_access_fault(vcpu, store, gpa, "nothing is mapped there");
}

// The instruction of a device access could not be read: the guest's page
// tables no longer let it be fetched (changed after the hart cached the
// translation it ran through; without SFENCE.VMA the hart may use either).
// Answered as a hart that fetched through the new translation would have:
// with the fetch's fault, which the guest's kernel handles as any other (its
// access has not happened). Harts report HLVX's faults as a load's (QEMU 7.2)
// or as a fetch's (QEMU 10); an address with no RAM behind it is an
// instruction access fault, as for any fetch from there
// (handle_instruction_guest_page_fault).
ExitAction refuse_unreadable_instruction(Vcpu& vcpu, uint64_t gpa, const GuestReadFault& fault) {
    Exception fetch_fault;
    switch (fault.cause) {
        case cause_code(Exception::kLoadPageFault):
        case cause_code(Exception::kInstructionPageFault):
            fetch_fault = Exception::kInstructionPageFault;
            break;
        case cause_code(Exception::kLoadAccessFault):
        case cause_code(Exception::kInstructionAccessFault):
        case cause_code(Exception::kLoadGuestPageFault):
        case cause_code(Exception::kInstructionGuestPageFault):
            fetch_fault = Exception::kInstructionAccessFault;
            break;
        default:
            guest_log(vcpu,
                      "cannot read the instruction at pc 0x%llx that accessed 0x%llx (scause "
                      "%llu); stopping the VM",
                      static_cast<unsigned long long>(vcpu.regs.sepc),
                      static_cast<unsigned long long>(gpa),
                      static_cast<unsigned long long>(fault.cause));
            return ExitAction::kStopVm;
    }
    guest_log(vcpu,
              "cannot read the instruction at pc 0x%llx that accessed 0x%llx (scause %llu at "
              "0x%llx); injecting %s fault",
              static_cast<unsigned long long>(vcpu.regs.sepc), static_cast<unsigned long long>(gpa),
              static_cast<unsigned long long>(fault.cause),
              static_cast<unsigned long long>(fault.address),
              fetch_fault == Exception::kInstructionPageFault ? "instruction page"
                                                              : "instruction access");
    inject_exception(vcpu, fetch_fault, fault.address);
    return ExitAction::kResume;
}

// A device access that cannot be emulated: answered as hardware would.
// `decoded` by value (it fits a register), so that the hot path need not keep
// it in memory.
[[gnu::noinline, gnu::cold]] ExitAction refuse_device_access(Vcpu& vcpu, bool fetched,
                                                             DecodeResult decoded, uint64_t gpa,
                                                             const GuestReadFault& fault) {
    const bool store = is_store_fault(vcpu);
    if (!fetched) return refuse_unreadable_instruction(vcpu, gpa, fault);
    const MmioAccess& access = decoded.access;
    switch (decoded.status) {
        case DecodeStatus::kFloatingPoint:
            return inject_access_fault(vcpu, refused_access_is_store(vcpu, fetched, decoded), gpa,
                                       "floating-point access to a device");
        case DecodeStatus::kAtomic:
            return inject_access_fault(vcpu, refused_access_is_store(vcpu, fetched, decoded), gpa,
                                       "atomic access to a device");
        case DecodeStatus::kNotLoadStore:
            return inject_access_fault(vcpu, store, gpa, "not an emulable load/store");
        case DecodeStatus::kOk: break;
    }
    if (access.is_store != store)
        return inject_access_fault(vcpu, store, gpa, "instruction does not match the fault");
    if ((gpa & (access.width - 1)) != 0 || decoded.addr_offset != 0) {
        // The exception names the access's own address, not that of the
        // part that faulted (they differ when a split access faulted on a
        // later page).
        const uint64_t address = vcpu.regs.trap.stval - decoded.addr_offset;
        guest_log(vcpu, "misaligned %u-byte access to a device at 0x%llx (virtual 0x%llx)",
                  access.width, static_cast<unsigned long long>(gpa),
                  static_cast<unsigned long long>(address));
        inject_exception(vcpu, store ? Exception::kStoreMisaligned : Exception::kLoadMisaligned,
                         address);
        return ExitAction::kResume;
    }
    return inject_access_fault(vcpu, store, gpa, "access runs past the device");
}

// Whether `decoded` is an access the device `region` emulates as it stands.
[[gnu::always_inline]] inline bool emulable(const Vcpu& vcpu, const DecodeResult& decoded,
                                            const MmioRegion& region, uint64_t gpa) {
    const MmioAccess& access = decoded.access;
    return decoded.status == DecodeStatus::kOk && access.is_store == is_store_fault(vcpu) &&
           ((gpa & (access.width - 1)) | decoded.addr_offset) == 0 &&
           region.contains(gpa, access.width);
}

// Only what the hart reported (htval, stval, scause) says where the access
// goes; the instruction only says how wide it is, which register it uses and
// how far sepc moves. So an instruction rewritten by another vCPU between the
// fault and the read at sepc (htinst 0) can only make this vCPU's own access
// wrong, within its own device and registers.
[[gnu::always_inline]] inline void emulate(Vcpu& vcpu, const MmioRegion& region, uint64_t gpa,
                                           const MmioAccess& access) {
    const uint64_t offset = gpa - region.base;
    if (access.is_store) {
        // The whole register: a device keeps the low `width` bytes (MmioBus).
        region.write(region.device, offset, access.width, vcpu.regs.gpr[access.reg]);
    } else {
        const uint64_t value = region.read(region.device, offset, access.width);
        if (access.reg != 0)
            vcpu.regs.gpr[access.reg] = extend(value, access.width, access.sign_extend);
    }
}

uint64_t fault_gpa(const TrapCsrs& trap) {
    return (trap.htval << 2) | (trap.stval & 3);
}

// A device access the fast path emulates, in the form htinst gives a
// transformed load or store: the 32-bit LOAD or STORE that performs it, with
// bit 1 telling the original's length (1: 32 bits, 0: a compressed one) and
// bit 0 set; a raw 32-bit instruction is already in this form. Above bit 32,
// where it was decoded from. One word, so that it takes one register: GCC
// spreads the fields of a DecodeResult over callee-saved registers, which
// every exit would then save and restore.
class FastAccess {
  public:
    static FastAccess none() { return FastAccess(0); }
    // `form` must be a LOAD (funct3 0-6) or STORE (funct3 0-3) in the form
    // above, zero-extended. none() if the fast path cannot finish it: the
    // direction is not that of the fault (QEMU 7.2 reports an AMO's fault as
    // a load's), or its register was not saved.
    // `store`: whether the fault is a store's.
    [[gnu::always_inline]] static FastAccess of(uint64_t form, MmioDecodeSource source,
                                                bool store) {
        if (FastAccess(form).is_store() != store) return none();
        return of_fault_direction(form, source, store);
    }
    // `of` for a form already known to be in the fault's direction, `store`.
    [[gnu::always_inline]] static FastAccess of_fault_direction(uint64_t form,
                                                                MmioDecodeSource source,
                                                                bool store) {
        const FastAccess access(form | (source == MmioDecodeSource::kHtinst ? kFromHtinst : 0));
        const unsigned reg = static_cast<unsigned>(form >> (store ? 20 : 7)) & 31;  // rs2 or rd
        if (((kFastPathGprs >> reg) & 1) == 0) return none();
        return access;
    }
    // The form of what a decoder found, as `of` takes it.
    static uint32_t form_of(const MmioAccess& access) {
        const uint32_t log2_width = access.width == 1   ? 0
                                    : access.width == 2 ? 1
                                    : access.width == 4 ? 2
                                                        : 3;
        const uint32_t length_bit = access.insn_length == 4 ? 2 : 0;
        if (access.is_store)
            return (kOpcodeStore ^ 2 ^ length_bit) | log2_width << 12 | uint32_t{access.reg} << 20;
        // LBU/LHU/LWU are funct3 4-6; LD (3) has nothing to extend.
        const uint32_t unsigned_bit = !access.sign_extend && access.width < 8 ? 4 : 0;
        return (kOpcodeLoad ^ 2 ^ length_bit) | uint32_t{access.reg} << 7 |
               (log2_width | unsigned_bit) << 12;
    }

    bool valid() const { return bits_ != 0; }
    bool is_store() const { return (bits_ & 0x20) != 0; }
    unsigned reg() const {
        return static_cast<unsigned>(bits_ >> (is_store() ? 20 : 7)) & 31;  // rs2 or rd
    }
    unsigned width() const { return 1u << (funct3() & 3); }
    // Whether the access is naturally aligned at `address`.
    bool aligned(uint64_t address) const {
        const unsigned log2_width = funct3() & 3;
        return (address >> log2_width) << log2_width == address;
    }
    // LB, LH and LW; LD is full width, stores and LBU/LHU/LWU zero-extend.
    bool sign_extend() const { return !is_store() && funct3() < 3; }
    unsigned insn_length() const { return 2 + static_cast<unsigned>(bits_ & 2); }
    MmioDecodeSource source() const {
        return (bits_ & kFromHtinst) != 0 ? MmioDecodeSource::kHtinst
                                          : MmioDecodeSource::kGuestMemory;
    }

  private:
    // Bit 35: shifted down to bit 3, it is the kHtinst counter's offset.
    static constexpr uint64_t kFromHtinst = 1ull << 35;

    explicit FastAccess(uint64_t bits) : bits_(bits) {}
    unsigned funct3() const { return static_cast<unsigned>(bits_ >> 12) & 7; }
    uint64_t bits_;
};

// Every access fetch_fast_access does not take in its stride: compressed
// forms, a multi-byte access at the start of a page (which may be a later
// part of a split one), htinst values other than a plain transformed load or
// store; through the full path's fetch_and_decode.
[[gnu::noinline, gnu::cold]] FastAccess fetch_fast_access_slowly(const Vcpu& vcpu, uint64_t pc) {
    DecodeResult decoded{};
    const MmioDecodeSource source = fetch_and_decode(vcpu, pc, kFastPathGprs, decoded);
    if (source == MmioDecodeSource::kCount || decoded.status != DecodeStatus::kOk ||
        decoded.addr_offset != 0)
        return FastAccess::none();
    return FastAccess::of(FastAccess::form_of(decoded.access), source, is_store_fault(vcpu));
}

// fetch_and_decode for the fast path: the faulting access, from htinst or
// else from guest memory, if it is one the fast path takes in its stride: the
// 32-bit loads and stores (the forms device drivers use, Linux's readl() and
// writel() among them). none() for the rest (and for an instruction that
// could not be read), which fetch_fast_access_slowly then decodes, out of
// line, so that the decoders' registers are not the fast path's to save.
// (A pseudoinstruction in htinst, bit 0 clear, is among the rest.)
// `store` and `htinst` as values, so that they stay in registers.
[[gnu::always_inline]] inline FastAccess fetch_fast_access(const Vcpu& vcpu, uint64_t pc,
                                                           bool store, uint64_t htinst) {
    if (htinst != 0) {
        // A transformed (bit 0) integer load or store in the fault's
        // direction, whose bit 1 tells the original's size, with bits 63:32
        // and the Addr. Offset (19:15) zero: the fast path's form as it stands.
        constexpr uint64_t kMustBeZero = 0xFFFF'FFFF'000F'8000;
        const uint32_t insn = static_cast<uint32_t>(htinst) | 3;
        if ((htinst & (kMustBeZero | 1)) == 1 && is_integer_load_store(insn, store)) [[likely]]
            return FastAccess::of_fault_direction(htinst, MmioDecodeSource::kHtinst, store);
        return FastAccess::none();
    }
    // Zero-extended: as it stands, a FastAccess form. A read that faulted
    // gives ~0, whose opcode bits (all ones) are no load or store: it is left
    // to fetch_fast_access_slowly like any other such instruction.
    uint64_t insn = 0;
    (void)arch::read_guest_instruction(pc, insn);
    // A multi-byte access at a page start may be a later part of a split one.
    if ((insn & 0x3000) != 0 && (vcpu.regs.trap.stval & kPageOffsetMask) == 0) [[unlikely]]
        return FastAccess::none();
    // A 32-bit integer load or store in the fault's direction.
    if (is_integer_load_store(static_cast<uint32_t>(insn), store)) [[likely]]
        return FastAccess::of_fault_direction(insn, MmioDecodeSource::kGuestMemory, store);
    return FastAccess::none();
}

// Writes what a load read (at most kReadBits bits) to its register, extended
// as the load says.
template <unsigned kReadBits>
[[gnu::always_inline]] inline void write_loaded(Vcpu& vcpu, FastAccess access, uint64_t value) {
    if (const unsigned reg = access.reg(); reg != 0)
        vcpu.regs.gpr[reg] = extend_read<kReadBits>(value, access.width(), access.sign_extend());
}

// Finishes an access the fast path takes, on `device` at `offset`: counts
// the exit, performs the access, writes the loaded register and moves sepc
// past the instruction. Always inlined, so that for the VM's own devices the
// device's read or write is inlined too.
template <typename Device>
[[gnu::always_inline]] inline FastExit finish_fast_access(Vcpu& vcpu, FastAccess access,
                                                          uint64_t sepc, ExitReason reason,
                                                          Device& device, uint64_t offset) {
    count_device_exit(vcpu, reason, access.source());
    // sepc is written after the device: any trap into HS-mode it took (one
    // Halyard recovers from, like a guest read with HLVX) overwrote it.
    const uint64_t next_pc = sepc + access.insn_length();
    if (access.is_store()) {
        device.write(offset, access.width(), vcpu.regs.gpr[access.reg()]);
    } else {
        write_loaded<Device::kReadBits>(vcpu, access, device.read(offset, access.width()));
    }
    arch::csr_write<Csr::sepc>(next_pc);
    return FastExit::kDone;
}

// What an access of fast_write_without_calls or fast_read_without_calls left
// (`after`) is done here, out of line, so that the access itself needs no
// frame: the model's finish_write (kStore) or finish_read.
template <typename VmDevice, bool kStore, typename After>
[[gnu::noinline, gnu::flatten]] FastExit finish_split_access(Vcpu& vcpu, After after,
                                                             uint64_t next_pc) {
    if constexpr (kStore) {
        VmDevice::of(*vcpu.vm).finish_write(after);
    } else {
        VmDevice::of(*vcpu.vm).finish_read(after);
    }
    arch::csr_write<Csr::sepc>(next_pc);  // after the device, as in finish_fast_access
    return FastExit::kDone;
}

// The part fast_write_without_calls and fast_read_without_calls share: counts
// the exit, makes the access (`access_device(device, offset)`, which returns
// what it left) and moves sepc past it, or tail-calls finish_split_access.
template <typename VmDevice, bool kStore, typename AccessDevice>
[[gnu::always_inline]] inline FastExit split_device_access(Vcpu& vcpu, FastAccess access,
                                                           uint64_t gpa, uint64_t sepc,
                                                           AccessDevice access_device) {
    const uint64_t offset = gpa - VmDevice::kBase;
    if (!access.aligned(offset)) [[unlikely]]
        return FastExit::kFullExit;
    count_device_exit(vcpu, VmDevice::kReason, access.source());
    const uint64_t next_pc = sepc + access.insn_length();
    const auto after = access_device(VmDevice::of(*vcpu.vm), offset);
    if (after.any()) return finish_split_access<VmDevice, kStore>(vcpu, after, next_pc);
    arch::csr_write<Csr::sepc>(next_pc);
    return FastExit::kDone;
}

// A store to a device whose model splits its writes (write_without_calls and
// finish_write: the UART, the PLIC): the write is finished here, and what it
// leaves (the UART: a THR write or one that may move its interrupt line, made
// whole; the PLIC: a notification) is a tail call. nullopt for a device that does not.
template <typename VmDevice>
[[gnu::always_inline]] inline std::optional<FastExit> fast_write_without_calls(Vcpu& vcpu,
                                                                               FastAccess access,
                                                                               uint64_t gpa,
                                                                               uint64_t sepc) {
    if constexpr (requires(typename VmDevice::Model & model) {
                      model.finish_write(model.write_without_calls(uint64_t{0}, 1u, uint64_t{0}));
                  }) {
        return split_device_access<VmDevice, true>(
            vcpu, access, gpa, sepc, [&](auto& device, uint64_t offset) {
                return device.write_without_calls(offset, access.width(),
                                                  vcpu.regs.gpr[access.reg()]);
            });
    } else {
        return std::nullopt;
    }
}

// fast_write_without_calls for a load, and a model that splits its reads
// (read_without_calls and finish_read: the PLIC, whose claim may change a
// context's output): the register is written before the tail call.
template <typename VmDevice>
[[gnu::always_inline]] inline std::optional<FastExit> fast_read_without_calls(Vcpu& vcpu,
                                                                              FastAccess access,
                                                                              uint64_t gpa,
                                                                              uint64_t sepc) {
    if constexpr (requires(typename VmDevice::Model & model, uint64_t value) {
                      model.finish_read(model.read_without_calls(uint64_t{0}, 1u, value));
                  }) {
        return split_device_access<VmDevice, false>(
            vcpu, access, gpa, sepc, [&](auto& device, uint64_t offset) {
                uint64_t value = 0;
                const auto after = device.read_without_calls(offset, access.width(), value);
                write_loaded<VmDevice::Model::kReadBits>(vcpu, access, value);
                return after;
            });
    } else {
        return std::nullopt;
    }
}

// Whether the exit's first stage (try_fast_device_access, which must stay
// frameless) takes `VmDevice`'s split writes itself: only for a model that
// says its write_without_calls is small enough (kWritesInExitFirstStage).
template <typename VmDevice>
constexpr bool writes_in_first_stage() {
    if constexpr (requires { VmDevice::Model::kWritesInExitFirstStage; })
        return VmDevice::Model::kWritesInExitFirstStage;
    else
        return false;
}

// An access to one of the VM's own devices (VmDevices), found without the
// bus, that try_fast_device_access does not finish itself. One function per
// device, flattened: the device's model is inlined here, and the frame is what
// that model's path needs, no more. A model's rare and register-hungry parts
// belong out of line (noinline), as Plic::notify_each.
template <typename VmDevice>
[[gnu::noinline, gnu::flatten]] FastExit fast_vm_device_access(Vcpu& vcpu, FastAccess access,
                                                               uint64_t gpa, uint64_t sepc) {
    // The window holds gpa (VmDevices::visit found it there), and an aligned
    // access that starts in it ends in it (VmDevice: windows are multiples of
    // 8 bytes, at multiples of 8).
    const uint64_t offset = gpa - VmDevice::kBase;
    if (!access.aligned(offset)) [[unlikely]]
        return FastExit::kFullExit;
    if (access.is_store()) {
        if (const auto done = fast_write_without_calls<VmDevice>(vcpu, access, gpa, sepc))
            return *done;
    } else if (const auto done = fast_read_without_calls<VmDevice>(vcpu, access, gpa, sepc)) {
        return *done;
    }
    return finish_fast_access(vcpu, access, sepc, VmDevice::kReason, VmDevice::of(*vcpu.vm),
                              offset);
}

// A bus region as finish_fast_access calls a device.
struct BusDevice {
    static constexpr unsigned kReadBits = 64;  // a read may return anything
    const MmioRegion& region;
    uint64_t read(uint64_t offset, unsigned width) const {
        return region.read(region.device, offset, width);
    }
    void write(uint64_t offset, unsigned width, uint64_t value) const {
        region.write(region.device, offset, width, value);
    }
};

// Any other address: a device only on the bus (unit tests attach their own),
// or nothing (the full path refuses it).
[[gnu::noinline]] FastExit fast_bus_access(Vcpu& vcpu, FastAccess access, uint64_t gpa,
                                           uint64_t sepc) {
    // As the full path finds it: the region holding the first byte.
    const MmioRegion* region = vcpu.vm->bus.find(gpa, 1);
    if (region == nullptr || !region->contains(gpa, access.width()) || !access.aligned(gpa))
        [[unlikely]]
        return FastExit::kFullExit;
    BusDevice device{*region};
    return finish_fast_access(vcpu, access, sepc, region->reason, device, gpa - region->base);
}

// A load (`access` is one) the device `VmDevice` answers without its lock or
// a call (its model's read_without_lock, if it has one), finished here; false
// for any other, which fast_vm_device_access then takes.
template <typename VmDevice>
[[gnu::always_inline]] inline bool fast_read_without_lock(Vcpu& vcpu, FastAccess access,
                                                          uint64_t gpa, uint64_t sepc) {
    if constexpr (requires(const typename VmDevice::Model& model, uint64_t value) {
                      model.read_without_lock(uint64_t{0}, value);
                  }) {
        const uint64_t offset = gpa - VmDevice::kBase;
        uint64_t value = 0;
        if (!access.aligned(offset) || !VmDevice::of(*vcpu.vm).read_without_lock(offset, value))
            return false;
        count_device_exit(vcpu, VmDevice::kReason, access.source());
        write_loaded<VmDevice::Model::kReadBits>(vcpu, access, value);
        arch::csr_write<Csr::sepc>(sepc + access.insn_length());
        return true;
    } else {
        return false;
    }
}

// The rest of a device exit once its access is known: a read the device
// answers without its lock (the UART's LSR, which a console driver reads
// before every byte) and a write it makes without a call are finished here,
// where nothing else is in the way; any other access goes on to its device's
// fast_vm_device_access, or to fast_bus_access (tail calls).
[[gnu::always_inline]] inline FastExit emulate_fast_access(Vcpu& vcpu, FastAccess access,
                                                           uint64_t gpa, uint64_t sepc) {
    return VmDevices::visit(
        gpa,
        [&]<typename VmDevice>() {
            if (access.is_store()) {
                if constexpr (writes_in_first_stage<VmDevice>()) {
                    if (const auto done =
                            fast_write_without_calls<VmDevice>(vcpu, access, gpa, sepc))
                        return *done;
                }
            } else if (fast_read_without_lock<VmDevice>(vcpu, access, gpa, sepc)) {
                return FastExit::kDone;
            }
            return fast_vm_device_access<VmDevice>(vcpu, access, gpa, sepc);
        },
        [&] { return fast_bus_access(vcpu, access, gpa, sepc); });
}

// try_fast_device_access for an access fetch_fast_access did not take.
[[gnu::noinline, gnu::cold]] FastExit try_fast_device_access_slowly(Vcpu& vcpu) {
    // A fault of the guest's own page-table walk (htinst names the walk's
    // access, not the instruction's): handle_guest_page_fault's to refuse.
    if (is_htinst_pseudoinstruction(vcpu.regs.trap.htinst)) return FastExit::kFullExit;
    const FastAccess access = fetch_fast_access_slowly(vcpu, vcpu.regs.sepc);
    if (!access.valid()) return FastExit::kFullExit;
    return emulate_fast_access(vcpu, access, fault_gpa(vcpu.regs.trap), vcpu.regs.sepc);
}

}  // namespace

// Makes no call that returns here (the instruction read is linked through t0,
// see arch::read_guest_instruction; the rest are tail calls), so that it needs
// no frame: a read answered without a lock, or a write that leaves no call,
// costs no register saves at all. Flattened, so that VmDevices::visit's
// lambdas are inlined; what it calls out of line is noinline. Of the trap's
// CSRs only scause, already an argument, stays a value: the rest are read back
// from vcpu.regs after the instruction read, since registers kept for them
// across it would have to be saved.
[[gnu::flatten]] FastExit try_fast_device_access(Vcpu& vcpu, uint64_t sepc, uint64_t scause) {
    TrapCsrs& trap = vcpu.regs.trap;
    // Kept for handle_guest_page_fault: HLVX may trap and overwrite them.
    trap.stval = arch::csr_read<Csr::stval>();
    trap.htval = arch::csr_read<Csr::htval>();
    trap.htinst = arch::csr_read<Csr::htinst>();
    const bool store = scause == cause_code(Exception::kStoreGuestPageFault);
    const FastAccess access = fetch_fast_access(vcpu, sepc, store, trap.htinst);
    if (!access.valid()) [[unlikely]]
        return try_fast_device_access_slowly(vcpu);
    return emulate_fast_access(vcpu, access, fault_gpa(trap), vcpu.regs.sepc);
}

ExitAction handle_guest_page_fault(Vcpu& vcpu) {
    const TrapCsrs& trap = vcpu.regs.trap;
    const uint64_t gpa = fault_gpa(trap);
    const MmioRegion* region = vcpu.vm->bus.find(gpa, 1);
    if (region == nullptr || is_htinst_pseudoinstruction(trap.htinst)) [[unlikely]]
        return refuse_unmapped(vcpu, gpa);
    count_exit(vcpu, region->reason);

    DecodeResult decoded{};
    GuestReadFault fault{};
    const bool fetched = fetch_decode_and_count(vcpu, decoded, &fault);
    if (!fetched || !emulable(vcpu, decoded, *region, gpa)) [[unlikely]]
        return refuse_device_access(vcpu, fetched, decoded, gpa, fault);
    emulate(vcpu, *region, gpa, decoded.access);
    vcpu.regs.sepc += decoded.access.insn_length;
    return ExitAction::kResume;
}

}  // namespace halyard
