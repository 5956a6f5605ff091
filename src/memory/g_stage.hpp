// SPDX-License-Identifier: Apache-2.0
#pragma once
// G-stage (guest-physical -> host-physical) page tables in Sv39x4 format (H
// extension): a 16 KiB root indexed by GPA bits 40:30, then ordinary Sv39
// levels. Guest RAM is mapped with the largest pages alignment allows: a
// 1 GiB page where a 1 GiB-aligned GiB of the range maps to a 1 GiB-aligned
// host GiB, 2 MiB pages where both sides are 2 MiB aligned, 4 KiB pages
// elsewhere. A page never reaches past the range it maps.
//
// Sv39x4 is the only G-stage mode Halyard uses, whatever VS-stage mode a
// guest is offered: the guest's RAM and devices lie below 2^41, and a guest
// physical address above it (which an Sv48 or Sv57 guest can form) faults
// like any other address with nothing behind it.

#include <cstdint>

#include "lib/result.hpp"

namespace halyard {

class GStagePageTable {
  public:
    static constexpr uint64_t kGuestPhysicalLimit = 1ull << 41;  // Sv39x4 reach

    // Allocates the root; kOutOfMemory when the page pool is exhausted.
    Status init();
    // Maps [gpa, gpa+size) to [hpa, hpa+size) readable, writable, executable.
    // All three must be 4 KiB aligned (else kInvalidInput). kOutOfMemory when
    // out of table pages, kTooLarge when outside what Sv39x4 can map.
    Status map(uint64_t gpa, uint64_t hpa, uint64_t size);
    // Maps the 4 KiB page at `gpa` to the device page at `hpa`, readable
    // and writable, not executable. Errors as map().
    Status map_device_page(uint64_t gpa, uint64_t hpa);
    // Host-physical address for `gpa`, or ~0 when unmapped (used by tests and
    // for sanity checks).
    uint64_t translate(uint64_t gpa) const;
    // The hgatp value selecting these tables for `vmid`.
    uint64_t hgatp(uint16_t vmid) const;

    // The leaves map() has written, by size (for the VM's start log line
    // and the tests).
    struct PageCounts {
        uint64_t gigapages = 0;  // 1 GiB
        uint64_t megapages = 0;  // 2 MiB
        uint64_t pages = 0;      // 4 KiB
    };
    PageCounts page_counts() const { return counts_; }

  private:
    uint64_t* next_table(uint64_t* entry);
    Status map_one(uint64_t gpa, uint64_t hpa, unsigned level, uint64_t flags);

    uint64_t* root_ = nullptr;
    PageCounts counts_;
};

}  // namespace halyard
