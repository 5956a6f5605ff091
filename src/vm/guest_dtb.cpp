// SPDX-License-Identifier: Apache-2.0
#include "vm/guest_dtb.hpp"

#include "console/log.hpp"
#include "devices/plic.hpp"
#include "fdt/fdt_builder.hpp"
#include "halyard/csr_numbers.hpp"
#include "halyard/guest_layout.hpp"
#include "lib/format.hpp"
#include "platform/host_platform.hpp"

namespace halyard {
namespace {

constexpr uint32_t kCpuIntcPhandleBase = 1;
constexpr uint32_t kPlicPhandle = 0x100;
constexpr uint32_t kSupervisorExternalInterrupt = 9;

void add_cpus(FdtBuilder& b, const GuestDtbSpec& spec, std::string_view isa) {
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
        b.property_string("riscv,isa", isa);
        b.property_string("mmu-type", spec.mmu_type.empty() ? "riscv,sv39" : spec.mmu_type);
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

void add_plic(FdtBuilder& b, unsigned vcpu_count) {
    b.begin_node("plic@c000000");
    static constexpr char kCompatible[] = "sifive,plic-1.0.0\0riscv,plic0";
    b.property("compatible", {reinterpret_cast<const uint8_t*>(kCompatible), sizeof(kCompatible)});
    b.property_cells(
        "reg", {0, static_cast<uint32_t>(guest::kPlicBase), 0, static_cast<uint32_t>(Plic::kSize)});
    b.property_u32("#address-cells", 0);
    b.property_u32("#interrupt-cells", 1);
    b.property_empty("interrupt-controller");
    b.property_u32("riscv,ndev", Plic::kMaxSources - 1);
    // One S-mode context per vCPU, in vCPU order: context i is vCPU i.
    uint8_t contexts[Plic::kMaxContexts * 8];
    size_t length = 0;
    for (unsigned i = 0; i < vcpu_count && i < Plic::kMaxContexts; ++i) {
        for (uint32_t cell : {kCpuIntcPhandleBase + i, kSupervisorExternalInterrupt}) {
            for (int shift = 24; shift >= 0; shift -= 8)
                contexts[length++] = static_cast<uint8_t>(cell >> shift);
        }
    }
    b.property("interrupts-extended", {contexts, length});
    b.property_u32("phandle", kPlicPhandle);
    b.end_node();
}

void add_soc(FdtBuilder& b, unsigned vcpu_count) {
    b.begin_node("soc");
    b.property_u32("#address-cells", 2);
    b.property_u32("#size-cells", 2);
    b.property_string("compatible", "simple-bus");
    b.property_empty("ranges");
    add_plic(b, vcpu_count);
    b.begin_node("serial@10000000");
    b.property_string("compatible", "ns16550a");
    b.property_cells("reg", {0, static_cast<uint32_t>(guest::kUartBase), 0, 0x100});
    b.property_u32("clock-frequency", guest::kUartClockHz);
    b.property_u32("interrupts", guest::kUartIrq);
    b.property_u32("interrupt-parent", kPlicPhandle);
    b.end_node();
    b.end_node();
}

}  // namespace

namespace {

// Multi-letter extensions a guest can use in VS-mode with nothing from
// Halyard: unprivileged instructions without CSRs of their own, hints, the
// counters hcounteren enables (cycle, time, instret: Zicntr), Zawrs (VS-mode
// wrs.* only trap with hstatus.VTW = 1, which Halyard never sets), Svinval
// and Svnapot (VS-stage page tables, sinval.vma as sfence.vma with VTVM = 0).
// Not here: H-extension names (sh*), AIA (smaia/ssaia), counters and CSRs
// Halyard does not virtualise (zihpm, sscofpmf, zkr's seed, smstateen,
// zcmt's jvt), M-mode extensions (sm*), vendor extensions (x*).
constexpr std::string_view kPlainExtensions[] = {
    "zicsr",   "zifencei", "zicntr",   "zihintpause", "zihintntl", "zicond",  "zimop",  "zcmop",
    "zicbop",  "zawrs",    "zaamo",    "zalrsc",      "zacas",     "zabha",   "ztso",   "za64rs",
    "za128rs", "zic64b",   "ziccamoa", "ziccif",      "zicclsm",   "ziccrse", "zca",    "zcb",
    "zcd",     "zcf",      "zba",      "zbb",         "zbc",       "zbs",     "zbkb",   "zbkc",
    "zbkx",    "zk",       "zkn",      "zknd",        "zkne",      "zknh",    "zks",    "zksed",
    "zksh",    "zkt",      "zfa",      "zfh",         "zfhmin",    "zfbfmin", "zfinx",  "zdinx",
    "zhinx",   "zhinxmin", "zve32x",   "zve32f",      "zve64x",    "zve64f",  "zve64d", "zvfh",
    "zvfhmin", "zvfbfmin", "zvfbfwma", "zvbb",        "zvbc",      "zvkb",    "zvkg",   "zvkned",
    "zvknha",  "zvknhb",   "zvksed",   "zvksh",       "zvkt",      "zvl32b",  "zvl64b", "zvl128b",
    "zvl256b", "zvl512b",  "zvl1024b", "svinval",     "svnapot",   "svade",
};

// Extensions that work in VS-mode only with a henvcfg bit Halyard sets (and
// the hart kept, see setup_hypervisor_csrs).
struct EnvcfgExtension {
    std::string_view name;
    uint64_t bits;
};
constexpr EnvcfgExtension kEnvcfgExtensions[] = {
    {"sstc", henvcfg::kStce},
    {"svpbmt", henvcfg::kPbmte},
    {"zicbom", henvcfg::kCbieFlush | henvcfg::kCbcfe},
    {"zicboz", henvcfg::kCbze},
};

bool offered(std::string_view name, const MachineFeatures& machine) {
    for (std::string_view plain : kPlainExtensions)
        if (name == plain) return true;
    for (const EnvcfgExtension& e : kEnvcfgExtensions)
        if (name == e.name) return (machine.guest_envcfg & e.bits) == e.bits;
    return false;
}

// Appends `text` if it fits (one byte is kept for the NUL).
bool append(std::span<char> out, size_t& length, std::string_view text) {
    if (length + text.size() + 1 > out.size()) return false;
    for (char c : text) out[length++] = c;
    return true;
}

}  // namespace

Result<size_t> guest_isa_string(std::string_view host_isa, const MachineFeatures& machine,
                                std::span<char> out) {
    size_t length = 0;
    const size_t single_letters_end = isa_single_letters_end(host_isa);
    for (size_t i = 0; i < single_letters_end; ++i) {
        // 'h' among the single-letter extensions (after "rv64") is the
        // hypervisor extension: the guest runs in VS-mode and cannot use it.
        if (i >= 4 && host_isa[i] == 'h') continue;
        if (!append(out, length, host_isa.substr(i, 1))) return Error::kTooLarge;
    }
    bool svade_written = false;
    size_t position = single_letters_end;
    while (position < host_isa.size()) {
        size_t end = host_isa.find('_', position);
        if (end == std::string_view::npos) end = host_isa.size();
        const std::string_view name = host_isa.substr(position, end - position);
        position = end + 1;
        if (name.empty()) continue;
        if (name == "svadu") {
            // Svadu in a guest's ISA means A/D updating it can switch on
            // with FWFT PTE_AD_HW_UPDATING; it starts off, so Svade comes
            // with it (the Linux binding: both = Svade until FWFT says
            // otherwise). Without a writable henvcfg.ADUE the guest gets
            // Svade only: that is what henvcfg.ADUE = 0 gives it.
            if (!svade_written && !append(out, length, "_svade")) return Error::kTooLarge;
            svade_written = true;
            if (machine.svadu && !append(out, length, "_svadu")) return Error::kTooLarge;
            continue;
        }
        if (!offered(name, machine)) continue;
        if (name == "svade") {
            if (svade_written) continue;
            svade_written = true;
        }
        if (!append(out, length, "_") || !append(out, length, name)) return Error::kTooLarge;
    }
    if (out.empty()) return Error::kTooLarge;
    out[length] = '\0';
    return length;
}

Result<size_t> build_guest_dtb(const GuestDtbSpec& spec, std::span<uint8_t> out) {
    // The guest's ISA is never longer than the host's plus "_svade" (see
    // guest_isa_string); QEMU 10's is several hundred characters.
    char isa[kMaxIsaLength + 1 + 6];
    if (spec.host_isa.size() > kMaxIsaLength) {
        log("error: the host's riscv,isa string has %zu characters; Halyard passes at most %zu to "
            "a guest",
            spec.host_isa.size(), kMaxIsaLength);
        return Error::kCapacity;
    }
    const Result<size_t> isa_length = guest_isa_string(spec.host_isa, machine_features(), isa);
    if (!isa_length) return isa_length.error();

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

    add_cpus(b, spec, {isa, isa_length.value()});
    add_soc(b, spec.vcpu_count);
    b.end_node();
    return b.finish();
}

}  // namespace halyard
