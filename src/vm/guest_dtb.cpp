// SPDX-License-Identifier: Apache-2.0
#include "vm/guest_dtb.hpp"

#include "console/log.hpp"
#include "devices/aplic.hpp"
#include "devices/plic.hpp"
#include "fdt/fdt_builder.hpp"
#include "halyard/guest_layout.hpp"
#include "lib/format.hpp"

namespace halyard {
namespace {

constexpr uint32_t kCpuIntcPhandleBase = 1;
constexpr uint32_t kPlicPhandle = 0x100;
constexpr uint32_t kAplicPhandle = 0x101;
constexpr uint32_t kImsicPhandle = 0x102;
constexpr uint32_t kSupervisorExternalInterrupt = 9;

// The guest ISA in both forms the RISC-V bindings define: riscv,isa for
// software that predates riscv,isa-extensions (older Linux, firmware and
// boot loaders), and riscv,isa-base + riscv,isa-extensions, which current
// Linux reads first.
// One set, two renderings: they name the same extensions in the same order.
// (Readers of riscv,isa also take its "i" to imply zicntr, zicsr, zifencei
// and zihpm; the list is the exact statement, without zihpm.)
void add_isa(FdtBuilder& b, const GuestIsa& isa) {
    const auto append = [&](std::string_view piece) { b.append_to_property(piece); };
    b.begin_property("riscv,isa");
    render_guest_isa_string(isa, append);
    b.end_property();
    b.property_string("riscv,isa-base", "rv64i");
    b.begin_property("riscv,isa-extensions");
    render_guest_isa_list(isa, append);
    b.end_property();
}

// The block size of each CMO extension the guest has, as the host hart's DT
// gives it: software cannot use Zicbom, Zicboz or Zicbop without it (Linux
// turns them off when it is missing). The guest keeps the extension either
// way, as the host's own DT said it.
void add_cache_block_sizes(FdtBuilder& b, const GuestIsa& isa, const CacheBlockSizes& sizes) {
    if (isa.has("zicbom") && sizes.cbom != 0) b.property_u32("riscv,cbom-block-size", sizes.cbom);
    if (isa.has("zicboz") && sizes.cboz != 0) b.property_u32("riscv,cboz-block-size", sizes.cboz);
    if (isa.has("zicbop") && sizes.cbop != 0) b.property_u32("riscv,cbop-block-size", sizes.cbop);
}

void add_cpus(FdtBuilder& b, const GuestDtbSpec& spec) {
    b.begin_node("cpus");
    b.property_u32("#address-cells", 1);
    b.property_u32("#size-cells", 0);
    b.property_u32("timebase-frequency", spec.timebase_frequency);
    for (unsigned i = 0; i < spec.vcpu_count; ++i) {
        char name[16];
        format_string(name, sizeof(name), "cpu@%u", i);
        b.begin_node(name);
        b.property_string("device_type", "cpu");
        b.property_u32("reg", i);
        b.property_string("status", "okay");
        b.property_string("compatible", "riscv");
        add_isa(b, spec.isa);
        add_cache_block_sizes(b, spec.isa, spec.cache_blocks);
        // The VM's mode, Sv39 unless its bundle entry asked for more (tools/run
        // mmu=); create_vm checked the hart has it. Sv39 is the default
        // because it is the cheapest VS-stage: each guest page-table level
        // costs a whole G-stage walk on a TLB miss, so three levels beat the
        // four or five of Sv48 or Sv57; and it is always there (the H
        // extension requires it on RV64, boot checks vsatp keeps it).
        b.property_string("mmu-type", mmu_type_of(spec.mmu));
        b.begin_node("interrupt-controller");
        b.property_u32("#address-cells", 0);
        b.property_u32("#interrupt-cells", 1);
        b.property_empty("interrupt-controller");
        b.property_string("compatible", "riscv,cpu-intc");
        b.property_u32("phandle", kCpuIntcPhandleBase + i);
        b.end_node();
        b.end_node();
    }
    b.end_node();
}

// A string-list property from a literal with its NULs inside ("a\0b"): the
// literal's own terminating NUL ends the last string.
template <size_t kSize>
void property_string_list(FdtBuilder& b, std::string_view name, const char (&list)[kSize]) {
    b.property(name, {reinterpret_cast<const uint8_t*>(list), kSize});
}

// interrupts-extended naming each vCPU's S external interrupt, in vCPU order.
void add_supervisor_external_interrupts(FdtBuilder& b, unsigned vcpu_count) {
    uint8_t cells[capacity::kVcpusPerVm * 8];
    size_t length = 0;
    for (unsigned i = 0; i < vcpu_count && i < capacity::kVcpusPerVm; ++i) {
        for (uint32_t cell : {kCpuIntcPhandleBase + i, kSupervisorExternalInterrupt}) {
            for (int shift = 24; shift >= 0; shift -= 8)
                cells[length++] = static_cast<uint8_t>(cell >> shift);
        }
    }
    b.property("interrupts-extended", {cells, length});
}

void add_plic(FdtBuilder& b, unsigned vcpu_count) {
    b.begin_node("plic@c000000");
    property_string_list(b, "compatible", "sifive,plic-1.0.0\0riscv,plic0");
    b.property_cells(
        "reg", {0, static_cast<uint32_t>(guest::kPlicBase), 0, static_cast<uint32_t>(Plic::kSize)});
    b.property_u32("#address-cells", 0);
    b.property_u32("#interrupt-cells", 1);
    b.property_empty("interrupt-controller");
    b.property_u32("riscv,ndev", Plic::kMaxSources - 1);
    // One S-mode context per vCPU, in vCPU order: context i is vCPU i.
    static_assert(Plic::kMaxContexts >= capacity::kVcpusPerVm);
    add_supervisor_external_interrupts(b, vcpu_count);
    b.property_u32("phandle", kPlicPhandle);
    b.end_node();
}

// AIA (specs/aia/src): one S-level IMSIC interrupt file per vCPU, in vCPU
// order 4 KiB apart (so hart index i is vCPU i, with no guest index bits),
// and the APLIC domain that turns wired interrupts into MSIs to them.
void add_imsic_and_aplic(FdtBuilder& b, unsigned vcpu_count, uint32_t interrupt_ids) {
    // Compatibles as QEMU virt's (the bindings ask for an implementation's
    // name before the generic one), like the PLIC's.
    b.begin_node("imsics@28000000");
    property_string_list(b, "compatible", "qemu,imsics\0riscv,imsics");
    b.property_cells("reg", {0, static_cast<uint32_t>(guest::kImsicBase), 0,
                             static_cast<uint32_t>(vcpu_count * guest::kImsicFileSize)});
    b.property_u32("#address-cells", 0);
    b.property_u32("#interrupt-cells", 0);
    b.property_empty("interrupt-controller");
    b.property_u32("#msi-cells", 0);
    b.property_empty("msi-controller");
    b.property_u32("riscv,num-ids", interrupt_ids);
    add_supervisor_external_interrupts(b, vcpu_count);
    b.property_u32("phandle", kImsicPhandle);
    b.end_node();

    b.begin_node("aplic@d000000");
    property_string_list(b, "compatible", "qemu,aplic\0riscv,aplic");
    b.property_cells("reg", {0, static_cast<uint32_t>(guest::kAplicBase), 0,
                             static_cast<uint32_t>(Aplic::kSize)});
    b.property_u32("#address-cells", 0);
    b.property_u32("#interrupt-cells", 2);
    b.property_empty("interrupt-controller");
    b.property_u32("msi-parent", kImsicPhandle);
    b.property_u32("riscv,num-sources", Aplic::kMaxSources);
    b.property_u32("phandle", kAplicPhandle);
    b.end_node();
}

void add_soc(FdtBuilder& b, const GuestDtbSpec& spec) {
    constexpr uint32_t kLevelHigh = 4;  // the binding's IRQ_TYPE_LEVEL_HIGH
    b.begin_node("soc");
    b.property_u32("#address-cells", 2);
    b.property_u32("#size-cells", 2);
    b.property_string("compatible", "simple-bus");
    b.property_empty("ranges");
    if (spec.aia) {
        add_imsic_and_aplic(b, spec.vcpu_count, spec.interrupt_ids);
    } else {
        add_plic(b, spec.vcpu_count);
    }
    b.begin_node("serial@10000000");
    b.property_string("compatible", "ns16550a");
    b.property_cells("reg", {0, static_cast<uint32_t>(guest::kUartBase), 0, 0x100});
    b.property_u32("clock-frequency", guest::kUartClockHz);
    if (spec.aia) {
        b.property_cells("interrupts", {guest::kUartIrq, kLevelHigh});
        b.property_u32("interrupt-parent", kAplicPhandle);
    } else {
        b.property_u32("interrupts", guest::kUartIrq);
        b.property_u32("interrupt-parent", kPlicPhandle);
    }
    b.end_node();
    b.end_node();
}

}  // namespace

Result<size_t> build_guest_dtb(const GuestDtbSpec& spec, std::span<uint8_t> out) {
    if (!spec.isa.has("i")) {
        log("error: the guest ISA has no base integer extension \"i\"");
        return Error::kInvalidInput;
    }

    FdtBuilder b(out);
    b.begin_node("");
    b.property_u32("#address-cells", 2);
    b.property_u32("#size-cells", 2);
    b.property_string("compatible", "halyard,vm");
    b.property_string("model", "Halyard virtual machine");

    b.begin_node("chosen");
    b.property_string("stdout-path", "/soc/serial@10000000");
    if (!spec.bootargs.empty()) b.property_string("bootargs", spec.bootargs);
    if (spec.initrd_start != 0) {
        b.property_u64("linux,initrd-start", spec.initrd_start);
        b.property_u64("linux,initrd-end", spec.initrd_end);
    }
    // Linux credits rng-seed to its RNG at boot (so its first getrandom()
    // need not wait seconds for jitter entropy) and randomizes its base with
    // kaslr-seed; it reads each as QEMU's virt machine writes it, bytes and
    // one 64-bit value.
    if (spec.seeds != nullptr) {
        b.property("rng-seed", spec.seeds->rng_seed);
        b.property_u64("kaslr-seed", spec.seeds->kaslr_seed);
    }
    b.end_node();

    char memory_name[32];
    format_string(memory_name, sizeof(memory_name), "memory@%llx",
                  static_cast<unsigned long long>(spec.ram_base));
    b.begin_node(memory_name);
    b.property_string("device_type", "memory");
    b.property_cells(
        "reg", {static_cast<uint32_t>(spec.ram_base >> 32), static_cast<uint32_t>(spec.ram_base),
                static_cast<uint32_t>(spec.ram_size >> 32), static_cast<uint32_t>(spec.ram_size)});
    b.end_node();

    add_cpus(b, spec);
    add_soc(b, spec);
    b.end_node();
    return b.finish();
}

}  // namespace halyard
