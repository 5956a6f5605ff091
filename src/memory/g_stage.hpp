// SPDX-License-Identifier: Apache-2.0
#pragma once
// G-stage (guest-physical -> host-physical) page tables in Sv39x4 format (H
// extension): a 16 KiB root indexed by GPA bits 40:30, then ordinary Sv39
// levels. Guest RAM is mapped with the largest pages alignment allows.

#include <cstdint>

namespace halyard {

class GStagePageTable {
  public:
    static constexpr uint64_t kGuestPhysicalLimit = 1ull << 41;  // Sv39x4 reach

    // Allocates the root; false when the page pool is exhausted.
    bool init();
    // Maps [gpa, gpa+size) to [hpa, hpa+size) readable, writable, executable.
    // All three must be 4 KiB aligned. False when out of table pages or the
    // range is outside what Sv39x4 can map.
    bool map(uint64_t gpa, uint64_t hpa, uint64_t size);
    // Host-physical address for `gpa`, or ~0 when unmapped (used by tests and
    // for sanity checks).
    uint64_t translate(uint64_t gpa) const;
    // The hgatp value selecting these tables for `vmid`.
    uint64_t hgatp(uint16_t vmid) const;

  private:
    uint64_t* next_table(uint64_t* entry);
    bool map_one(uint64_t gpa, uint64_t hpa, unsigned level);

    uint64_t* root_ = nullptr;
};

}  // namespace halyard
