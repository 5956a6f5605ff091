// SPDX-License-Identifier: Apache-2.0
// The host platform reader on arbitrary device trees, then the allocator set
// up from what it read as boot does: capacities hold, strings are views into
// the tree, every hart's ISA (either form, or both) gives sane answers and a
// sane guest ISA, and no guest RAM block overlaps a reserved range (and a VM
// of 1 GiB or more gets a GiB boundary whenever there is one with room).
// Seeds include the host DTs of QEMU 7.2 and QEMU 10
// (tests/unit/data/host_dtbs).

#include <string>
#include <string_view>

#include "fuzz_support.hpp"
#include "memory/physical_allocator.hpp"
#include "platform/host_platform.hpp"
#include "vm/guest_isa.hpp"

using namespace halyard;

namespace {

// A hart's ISA, whatever its DT said: a usable one is within the limit and
// names "i"; every name it gives is non-empty and either lies in the tree or
// is one Halyard implies ("g", "i" in riscv,isa); an unusable one answers no
// to everything; the guest's set never has H or V and renders within the
// stated capacities, the same extensions in both forms.
void check_hart_isa(const HartIsa& isa, const uint8_t* data, size_t size) {
    size_t visited = 0;
    isa.for_each_extension([&](std::string_view name) {
        FUZZ_CHECK(!name.empty());
        FUZZ_CHECK(name.size() <= 8 || fuzz::within(name.data(), name.size(), data, size));
        ++visited;
        return true;
    });
    if (!isa.usable()) {
        FUZZ_CHECK(visited == 0);
        FUZZ_CHECK(!isa.has("i") && !isa.has("h"));
        return;
    }
    FUZZ_CHECK(isa.listed_extensions() <= HartIsa::kMaxExtensions);
    FUZZ_CHECK(visited <= isa.listed_extensions() * 7 + 4);  // "g" is 7 names, "i" implies 4
    FUZZ_CHECK(isa.has("i"));

    const MachineFeatures everything{~uint64_t{0}, true, true};
    const GuestIsa guest = guest_isa_of(isa, everything);
    FUZZ_CHECK(!guest.has("h") && !guest.has("v") && guest.has("i"));
    std::string string, list;
    render_guest_isa_string(guest, [&](std::string_view piece) { string.append(piece); });
    render_guest_isa_list(guest, [&](std::string_view piece) { list.append(piece); });
    FUZZ_CHECK(string.size() <= guest_isa_string_capacity());
    FUZZ_CHECK(list.size() <= guest_isa_list_capacity());
    // The list joined with '_' before each multi-letter name is the string.
    std::string joined = "rv64";
    for (size_t start = 0; start < list.size();) {
        const size_t end = list.find('\0', start);
        if (end - start > 1) joined += '_';
        joined.append(list, start, end - start);
        start = end + 1;
    }
    joined += '\0';
    FUZZ_CHECK(joined == string);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    fuzz::reset_fakes();
    const Fdt fdt = Fdt::from(data, size);
    if (!fdt.valid()) return 0;
    HostPlatform p;
    if (!read_host_platform(fdt, p)) return 0;
    FUZZ_CHECK(p.memory_count >= 1 && p.memory_count <= HostPlatform::kMaxMemoryRanges);
    FUZZ_CHECK(p.reserved_count <= HostPlatform::kMaxReservedRanges);
    FUZZ_CHECK(p.hart_count >= 1 && p.hart_count <= HostPlatform::kMaxHarts);
    FUZZ_CHECK(p.timebase_frequency != 0);
    FUZZ_CHECK(p.uart.reg_shift <= 2);
    for (unsigned i = 0; i < p.hart_count; ++i) {
        const HostHart& hart = p.harts[i];
        if (!hart.mmu_type.empty())
            FUZZ_CHECK(fuzz::within(hart.mmu_type.data(), hart.mmu_type.size(), data, size));
        FUZZ_CHECK(p.hart(hart.hart_id) != nullptr);
        check_hart_isa(hart.isa, data, size);
    }
    for (unsigned i = 0; i < p.reserved_count; ++i)
        FUZZ_CHECK(p.reserved[i].size <= ~uint64_t{0} - p.reserved[i].base);

    PhysicalAllocator allocator;
    for (unsigned i = 0; i < p.memory_count; ++i) FUZZ_CHECK(allocator.add_memory(p.memory[i]));
    for (unsigned i = 0; i < p.reserved_count; ++i) FUZZ_CHECK(allocator.reserve(p.reserved[i]));
    if (!allocator.reserve(p.initrd)) return 0;
    for (uint64_t request : {uint64_t{2} << 20, uint64_t{128} << 20, allocator.largest_free()}) {
        const uint64_t base = allocator.allocate(request).value_or(0);
        if (base == 0) continue;
        FUZZ_CHECK(base % kGuestRamAlignment == 0);
        bool in_memory = false;
        for (unsigned i = 0; i < p.memory_count; ++i) {
            const MemoryRange& m = p.memory[i];
            const uint64_t m_size = m.size > ~uint64_t{0} - m.base ? ~uint64_t{0} - m.base : m.size;
            in_memory = in_memory || (base >= m.base && request <= m_size - (base - m.base) &&
                                      base - m.base <= m_size);
        }
        FUZZ_CHECK(in_memory);
        for (unsigned i = 0; i < p.reserved_count; ++i)
            FUZZ_CHECK(p.reserved[i].size == 0 || !p.reserved[i].overlaps(base, request));
        FUZZ_CHECK(p.initrd.size == 0 || !p.initrd.overlaps(base, request));
    }
    // Guest RAM as create_vm places it: a VM that holds a whole GiB lands on
    // a GiB boundary whenever the allocator has one with room (tried first on
    // a copy), else 2 MiB aligned; never on reserved memory either way.
    for (uint64_t request : {kGiB, 3 * kGiB / 2, allocator.largest_free(), uint64_t{64} << 20}) {
        if (request == 0) continue;
        PhysicalAllocator trial = allocator;
        const bool gib_room = trial.allocate(request, kGigapageSize).ok();
        const uint64_t base =
            allocator.allocate_guest_ram(0x8000'0000, request, RamPlacement::kPreferGigapages)
                .value_or(0);
        if (base == 0) continue;
        FUZZ_CHECK(base % kGuestRamAlignment == 0);
        if (request >= kGiB && gib_room) FUZZ_CHECK(base % kGigapageSize == 0);
        for (unsigned i = 0; i < p.reserved_count; ++i)
            FUZZ_CHECK(p.reserved[i].size == 0 || !p.reserved[i].overlaps(base, request));
        FUZZ_CHECK(p.initrd.size == 0 || !p.initrd.overlaps(base, request));
    }
    return 0;
}
