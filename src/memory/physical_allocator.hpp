// SPDX-License-Identifier: Apache-2.0
#pragma once
// Hands out host-physical memory for guest RAM: first fit, in request order,
// 2 MiB aligned so that the G-stage can map it with large pages. tools/run
// mirrors this placement to reject VMs that do not fit before QEMU starts.

#include <array>
#include <cstdint>

#include "lib/capacity.hpp"
#include "lib/result.hpp"
#include "platform/host_platform.hpp"

namespace halyard {

inline constexpr uint64_t kMiB = 1ull << 20;
inline constexpr uint64_t kGuestRamAlignment = 2 * kMiB;

constexpr uint64_t align_up(uint64_t value, uint64_t alignment) {
    return (value + alignment - 1) & ~(alignment - 1);
}
constexpr uint64_t align_down(uint64_t value, uint64_t alignment) {
    return value & ~(alignment - 1);
}

class PhysicalAllocator {
  public:
    static constexpr unsigned kMaxMemoryRanges = HostPlatform::kMaxMemoryRanges;
    // Every reserved range of the host DT, plus what Halyard reserves for
    // itself and hands out (see boot.cpp), must fit.
    static constexpr unsigned kMaxReservations = capacity::kAllocatorReservations;
    static_assert(kMaxReservations > HostPlatform::kMaxReservedRanges,
                  "the allocator holds every reserved range the host platform may report");

    // Both refuse (Error::kCapacity) when their table is full: a caller that
    // drops a reservation could hand reserved memory to a guest.
    Status add_memory(MemoryRange range);
    Status reserve(MemoryRange range);
    // Base of `size` bytes aligned to `alignment`; Error::kOutOfMemory when
    // nothing fits, kCapacity when no reservation slot is left to record the
    // block, kInvalidInput for a size of 0.
    Result<uint64_t> allocate(uint64_t size, uint64_t alignment = kGuestRamAlignment);
    // The largest block that could still be allocated (for error messages).
    uint64_t largest_free(uint64_t alignment = kGuestRamAlignment) const;

  private:
    bool overlaps_reserved(uint64_t base, uint64_t size, uint64_t& skip_to) const;

    std::array<MemoryRange, kMaxMemoryRanges> memory_{};
    unsigned memory_count_ = 0;
    std::array<MemoryRange, kMaxReservations> reserved_{};
    unsigned reserved_count_ = 0;
};

}  // namespace halyard
