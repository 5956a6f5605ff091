// SPDX-License-Identifier: Apache-2.0
// The guest DTB builder fed hostile host values (the hart's ISA in either
// form, timebase, bootargs, RAM and initrd ranges) into an output buffer of
// any size: it writes nothing past the buffer, and what it returns is a tree
// the reader accepts, with one cpu per vCPU and the guest's memory range,
// whose riscv,isa and riscv,isa-extensions name the same extensions (never
// H or V) and whose mmu-type is the VM's paging mode (Sv39 when the input
// runs out before choosing one).
//
// An input that starts with a valid device tree is a host DT: the ISA is its
// first hart's (read as boot reads it) and the other values come from the
// bytes after the tree. Seeds: the host DTs of QEMU 7.2 and QEMU 10
// (tests/unit/data/host_dtbs), each followed by parameters for 4 vCPUs, a
// 64 KiB buffer and a machine that kept every henvcfg bit. Any other input
// describes the hart's ISA properties itself.

#include <iterator>
#include <memory>
#include <string>
#include <string_view>

#include "fdt/fdt.hpp"
#include "fuzz_support.hpp"
#include "platform/host_platform.hpp"
#include "platform/paging_mode.hpp"
#include "vm/guest_dtb.hpp"
#include "vm/vcpu_features.hpp"
#include "vm/vm.hpp"

using namespace halyard;

namespace {

// A property as the FDT reader gives it: absent, or any bytes.
FdtProperty property_from(fuzz::Input& in, const char* name) {
    if (!in.take_bool()) return {};
    return {name, in.take_bytes(in.below(512))};
}

std::string_view text_of(std::span<const uint8_t> bytes) {
    return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    fuzz::reset_fakes();
    HartIsa host_isa;
    CacheBlockSizes cache_blocks;
    HostPlatform platform;
    const Fdt host = Fdt::from(data, size);
    size_t rest = 0;
    if (host.valid() && read_host_platform(host, platform)) {
        host_isa = platform.harts[0].isa;
        cache_blocks = platform.harts[0].cache_blocks;
        rest = host.total_size();
    }
    fuzz::Input in(data + rest, size - rest);
    if (rest == 0) {
        const FdtProperty isa_string = property_from(in, "riscv,isa");
        const FdtProperty isa_base = property_from(in, "riscv,isa-base");
        const FdtProperty isa_extensions = property_from(in, "riscv,isa-extensions");
        host_isa = HartIsa::from_properties(isa_string, isa_base, isa_extensions);
        cache_blocks = {in.take<uint32_t>(), in.take<uint32_t>(), in.take<uint32_t>()};
    }

    GuestDtbSpec spec{};
    spec.ram_base = in.edgy_u64();
    spec.ram_size = in.edgy_u64();
    spec.vcpu_count = 1 + static_cast<unsigned>(in.below(Vm::kMaxVcpus));
    spec.timebase_frequency = in.take<uint32_t>();
    spec.initrd_start = in.edgy_u64();
    spec.initrd_end = in.take_bool() ? spec.initrd_start + in.below(1 << 20) : in.edgy_u64();
    const size_t out_size = in.take_bool() ? 64 * 1024 : in.below(8192);
    spec.bootargs = text_of(in.take_bytes(in.below(2048)));

    // Whatever henvcfg bits the hart kept and whether FWFT can switch Svadu.
    MachineFeatures machine;
    machine.guest_envcfg = in.edgy_u64();
    machine.svadu = in.take_bool();
    spec.isa = guest_isa_of(host_isa, machine);
    spec.cache_blocks = cache_blocks;
    FUZZ_CHECK(!spec.isa.has("h") && !spec.isa.has("v"));
    FUZZ_CHECK(host_isa.usable() || spec.isa.empty());
    char isa[64];
    const size_t isa_length =
        guest_isa_string(spec.isa, {isa, in.below(sizeof(isa) + 1)}).value_or(0);
    FUZZ_CHECK(isa_length < sizeof(isa));
    // The last value taken, so that the seeds written before it still mean
    // what they meant (and choose Sv39).
    spec.mmu = kPagingModes[in.below(std::size(kPagingModes))];

    auto out = std::make_unique<uint8_t[]>(out_size);  // its own allocation: ASan sees overruns
    const size_t written = build_guest_dtb(spec, {out.get(), out_size}).value_or(0);
    FUZZ_CHECK(written <= out_size);
    if (written == 0) return 0;
    FUZZ_CHECK(spec.isa.has("i"));
    const Fdt fdt = Fdt::from(out.get(), written);
    FUZZ_CHECK(fdt.valid());
    FUZZ_CHECK(fdt.total_size() == written);
    unsigned cpus = 0;
    FdtNode cpus_node;
    FUZZ_CHECK(fdt.find("/cpus", cpus_node));
    fdt.for_each_child(cpus_node, [&](FdtNode node) {
        if (fdt.property(node, "device_type").string() != "cpu") return true;
        ++cpus;
        const FdtProperty mmu = fdt.property(node, "mmu-type");
        FUZZ_CHECK(mmu.string() == mmu_type_of(spec.mmu));
        FUZZ_CHECK(mmu.value.size() == mmu.string().size() + 1);
        // A CMO block size only with its extension.
        FUZZ_CHECK(!fdt.property(node, "riscv,cbom-block-size").valid() || spec.isa.has("zicbom"));
        FUZZ_CHECK(!fdt.property(node, "riscv,cboz-block-size").valid() || spec.isa.has("zicboz"));
        FUZZ_CHECK(!fdt.property(node, "riscv,cbop-block-size").valid() || spec.isa.has("zicbop"));
        // Read back as a host would: the same answers from either form.
        const FdtProperty string = fdt.property(node, "riscv,isa");
        const FdtProperty list = fdt.property(node, "riscv,isa-extensions");
        const HartIsa from_list =
            HartIsa::from_properties({}, fdt.property(node, "riscv,isa-base"), list);
        const HartIsa from_string = HartIsa::from_properties(string, {}, {});
        FUZZ_CHECK(from_list.usable() && from_string.usable());
        FUZZ_CHECK(!from_list.has("h") && !from_string.has("h"));
        from_list.for_each_extension([&](std::string_view name) {
            FUZZ_CHECK(spec.isa.has(name) && from_string.has(name));
            return true;
        });
        from_string.for_each_extension([&](std::string_view name) {
            // riscv,isa's "i" implies zicntr, zicsr, zifencei and zihpm.
            FUZZ_CHECK(from_list.has(name) || name == "zicntr" || name == "zicsr" ||
                       name == "zifencei" || name == "zihpm");
            return true;
        });
        return true;
    });
    FUZZ_CHECK(cpus == spec.vcpu_count);
    FdtNode memory;
    FUZZ_CHECK(fdt.find("/memory", memory));
    const FdtProperty reg = fdt.property(memory, "reg");
    FUZZ_CHECK(reg.cells(0, 2) == spec.ram_base && reg.cells(2, 2) == spec.ram_size);
    return 0;
}
