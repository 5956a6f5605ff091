// SPDX-License-Identifier: Apache-2.0
// The guest DTB builder fed hostile host values (ISA string,
// timebase, bootargs, RAM and initrd ranges) into an output buffer of any
// size: it writes nothing past the buffer, and what it returns is a tree
// the reader accepts, with one cpu per vCPU and the guest's memory range.

#include <memory>
#include <string_view>

#include "fdt/fdt.hpp"
#include "fuzz_support.hpp"
#include "vm/guest_dtb.hpp"
#include "vm/vcpu_features.hpp"
#include "vm/vm.hpp"

using namespace halyard;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    fuzz::reset_fakes();
    fuzz::Input in(data, size);
    GuestDtbSpec spec{};
    spec.ram_base = in.edgy_u64();
    spec.ram_size = in.edgy_u64();
    spec.vcpu_count = 1 + static_cast<unsigned>(in.below(Vm::kMaxVcpus));
    spec.timebase_frequency = in.take<uint32_t>();
    spec.initrd_start = in.edgy_u64();
    spec.initrd_end = in.take_bool() ? spec.initrd_start + in.below(1 << 20) : in.edgy_u64();
    const size_t out_size = in.take_bool() ? 64 * 1024 : in.below(8192);
    auto text = [&](size_t max) {
        std::span<const uint8_t> bytes = in.take_bytes(in.below(max));
        return std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    };
    const HartIsa host_isa = HartIsa::from_isa_string(text(400));
    spec.bootargs = text(2048);

    // Whatever henvcfg bits the hart kept and whether FWFT can switch Svadu.
    MachineFeatures machine;
    machine.guest_envcfg = in.edgy_u64();
    machine.svadu = in.take_bool();
    spec.isa = guest_isa_of(host_isa, machine);
    char isa[64];
    const size_t isa_length =
        guest_isa_string(spec.isa, {isa, in.below(sizeof(isa) + 1)}).value_or(0);
    FUZZ_CHECK(isa_length < sizeof(isa));

    auto out = std::make_unique<uint8_t[]>(out_size);  // its own allocation: ASan sees overruns
    const size_t written = build_guest_dtb(spec, {out.get(), out_size}).value_or(0);
    FUZZ_CHECK(written <= out_size);
    if (written == 0) return 0;
    const Fdt fdt = Fdt::from(out.get(), written);
    FUZZ_CHECK(fdt.valid());
    FUZZ_CHECK(fdt.total_size() == written);
    unsigned cpus = 0;
    FdtNode cpus_node;
    FUZZ_CHECK(fdt.find("/cpus", cpus_node));
    fdt.for_each_child(cpus_node, [&](FdtNode node) {
        if (fdt.property(node, "device_type").string() == "cpu") ++cpus;
        return true;
    });
    FUZZ_CHECK(cpus == spec.vcpu_count);
    FdtNode memory;
    FUZZ_CHECK(fdt.find("/memory", memory));
    const FdtProperty reg = fdt.property(memory, "reg");
    FUZZ_CHECK(reg.cells(0, 2) == spec.ram_base && reg.cells(2, 2) == spec.ram_size);
    return 0;
}
