// SPDX-License-Identifier: Apache-2.0
#pragma once
// Hands out host-physical memory for guest RAM: first fit, in request order,
// placed so that the G-stage can map it with the largest pages: a VM whose
// RAM holds a whole GiB of guest-physical space gets host memory at the same
// offset within a GiB as its guest-physical base (then every whole GiB is
// one 1 GiB page) when the host has room for that, otherwise 2 MiB aligned
// memory (2 MiB pages). tools/run mirrors this placement
// (tools/lib/memory_layout.sh) to reject VMs that do not fit before QEMU
// starts.

#include <array>
#include <cstdint>

#include "lib/capacity.hpp"
#include "lib/result.hpp"
#include "platform/host_platform.hpp"

namespace halyard {

inline constexpr uint64_t kMiB = 1ull << 20;
inline constexpr uint64_t kGiB = 1ull << 30;
// The G-stage's large pages: guest RAM is a whole number of 2 MiB pages, and
// 1 GiB pages need guest-physical and host-physical addresses that agree
// modulo 1 GiB.
inline constexpr uint64_t kGuestRamAlignment = 2 * kMiB;
inline constexpr uint64_t kGigapageSize = kGiB;

// How guest RAM is placed (allocate_guest_ram).
enum class RamPlacement : uint8_t {
    kPreferGigapages,  // congruent modulo 1 GiB where that gives a 1 GiB page and fits
    kTwoMiBAligned,    // 2 MiB aligned only
};

constexpr uint64_t align_up(uint64_t value, uint64_t alignment) {
    return (value + alignment - 1) & ~(alignment - 1);
}
constexpr uint64_t align_down(uint64_t value, uint64_t alignment) {
    return value & ~(alignment - 1);
}
// Whether [guest_base, guest_base + size) holds a whole 1 GiB-aligned GiB
// (without wrapping): only then can a 1 GiB page map part of it.
constexpr bool holds_a_gigapage(uint64_t guest_base, uint64_t size) {
    const uint64_t first = align_up(guest_base, kGigapageSize);
    return first >= guest_base && first - guest_base <= size &&
           size - (first - guest_base) >= kGigapageSize;
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
    // Base of `size` bytes whose address is `phase` modulo `alignment` (a
    // power of two; `phase` below it); Error::kOutOfMemory when nothing fits,
    // kCapacity when no reservation slot is left to record the block,
    // kInvalidInput for a size of 0.
    Result<uint64_t> allocate(uint64_t size, uint64_t alignment = kGuestRamAlignment,
                              uint64_t phase = 0);
    // Host memory for guest RAM of `size` bytes at guest-physical
    // `guest_base` (both 2 MiB multiples). With kPreferGigapages, when the
    // range holds a whole GiB (holds_a_gigapage), first a block that agrees
    // with guest_base modulo 1 GiB; when the host has no such room, or the
    // range holds no whole GiB (alignment would only waste host memory), a
    // 2 MiB-aligned block. Errors as allocate().
    Result<uint64_t> allocate_guest_ram(uint64_t guest_base, uint64_t size, RamPlacement placement);
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
