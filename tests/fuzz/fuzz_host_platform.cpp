// SPDX-License-Identifier: Apache-2.0
// The host platform reader on arbitrary device trees, then the allocator set
// up from what it read as boot does: capacities hold, strings are views into
// the tree, and no guest RAM block overlaps a reserved range.

#include "fuzz_support.hpp"
#include "memory/physical_allocator.hpp"
#include "platform/host_platform.hpp"

using namespace halyard;

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
        (void)hart.isa.has("h");
        (void)hart.isa.has("sstc");
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
    return 0;
}
