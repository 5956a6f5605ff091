// SPDX-License-Identifier: Apache-2.0
#include "memory/physical_allocator.hpp"

namespace halyard {

Status PhysicalAllocator::add_memory(MemoryRange range) {
    if (memory_count_ == memory_.size()) return Error::kCapacity;
    if (range.size > ~uint64_t{0} - range.base) range.size = ~uint64_t{0} - range.base;
    memory_[memory_count_++] = range;
    return ok();
}

Status PhysicalAllocator::reserve(MemoryRange range) {
    if (range.size == 0) return ok();
    if (reserved_count_ == reserved_.size()) return Error::kCapacity;
    // An end past 2^64 means "to the end of the address space".
    if (range.size > ~uint64_t{0} - range.base) range.size = ~uint64_t{0} - range.base;
    reserved_[reserved_count_++] = range;
    return ok();
}

bool PhysicalAllocator::overlaps_reserved(uint64_t base, uint64_t size, uint64_t& skip_to) const {
    for (unsigned i = 0; i < reserved_count_; ++i) {
        if (reserved_[i].overlaps(base, size)) {
            skip_to = reserved_[i].end();
            return true;
        }
    }
    return false;
}

namespace {

// The smallest value from `value` on that is `phase` modulo `alignment`
// (wraps past 2^64 only when value is within `alignment` of it; callers
// check the result against `value`).
constexpr uint64_t align_up_to_phase(uint64_t value, uint64_t alignment, uint64_t phase) {
    return value + ((phase - value) & (alignment - 1));
}

}  // namespace

Result<uint64_t> PhysicalAllocator::allocate(uint64_t size, uint64_t alignment, uint64_t phase) {
    if (size == 0 || alignment == 0 || (alignment & (alignment - 1)) != 0 || phase >= alignment)
        return Error::kInvalidInput;
    for (unsigned m = 0; m < memory_count_; ++m) {
        uint64_t candidate = align_up_to_phase(memory_[m].base, alignment, phase);
        while (candidate >= memory_[m].base && candidate < memory_[m].end() &&
               size <= memory_[m].end() - candidate) {
            uint64_t skip_to = 0;
            if (!overlaps_reserved(candidate, size, skip_to)) {
                const Status recorded = reserve({candidate, size});
                if (!recorded) return recorded.error();
                return candidate;
            }
            const uint64_t next = align_up_to_phase(skip_to, alignment, phase);
            if (next < skip_to) break;  // wrapped past 2^64
            candidate = next;
        }
    }
    return Error::kOutOfMemory;
}

Result<uint64_t> PhysicalAllocator::allocate_guest_ram(uint64_t guest_base, uint64_t size,
                                                       RamPlacement placement) {
    if (placement == RamPlacement::kPreferGigapages && holds_a_gigapage(guest_base, size)) {
        const Result<uint64_t> congruent =
            allocate(size, kGigapageSize, guest_base & (kGigapageSize - 1));
        if (congruent || congruent.error() != Error::kOutOfMemory) return congruent;
    }
    return allocate(size, kGuestRamAlignment, guest_base & (kGuestRamAlignment - 1));
}

uint64_t PhysicalAllocator::largest_free(uint64_t alignment) const {
    // A largest free block starts at a memory range's base or right after a
    // reserved range; try each such start and grow it to the next obstacle.
    uint64_t best = 0;
    auto try_start = [&](const MemoryRange& memory, uint64_t start) {
        start = align_up(start, alignment);
        if (start < memory.base || start >= memory.end()) return;
        uint64_t stop = memory.end();
        for (unsigned i = 0; i < reserved_count_; ++i) {
            const MemoryRange& r = reserved_[i];
            if (r.base <= start && r.end() > start) return;  // start is taken
            if (r.base > start && r.base < stop) stop = r.base;
        }
        uint64_t usable = align_down(stop - start, alignment);
        if (usable > best) best = usable;
    };
    for (unsigned m = 0; m < memory_count_; ++m) {
        try_start(memory_[m], memory_[m].base);
        for (unsigned i = 0; i < reserved_count_; ++i) try_start(memory_[m], reserved_[i].end());
    }
    return best;
}

}  // namespace halyard
