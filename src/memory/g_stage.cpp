// SPDX-License-Identifier: Apache-2.0
#include "memory/g_stage.hpp"

#include "halyard/csr_numbers.hpp"
#include "memory/page_pool.hpp"

namespace halyard {
namespace {

constexpr uint64_t kValid = 1 << 0, kRead = 1 << 1, kWrite = 1 << 2, kExecute = 1 << 3;
// G-stage accesses count as U-mode accesses, so every leaf needs U. A and D
// are preset: the hardware may fault instead of setting them.
constexpr uint64_t kUser = 1 << 4, kAccessed = 1 << 6, kDirty = 1 << 7;
constexpr uint64_t kLeafFlags = kValid | kRead | kWrite | kExecute | kUser | kAccessed | kDirty;
constexpr uint64_t kDeviceLeafFlags = kLeafFlags & ~kExecute;

constexpr unsigned kLevels = 3;
constexpr unsigned shift_of(unsigned level) {
    return 12 + 9 * level;
}  // level 2 = 1 GiB
constexpr uint64_t index_of(uint64_t gpa, unsigned level) {
    // The root (level 2) index is 11 bits wide in Sv39x4, the others 9.
    return (gpa >> shift_of(level)) & (level == kLevels - 1 ? 0x7FF : 0x1FF);
}
constexpr uint64_t pte_address(uint64_t pte) {
    return (pte >> 10) << 12;
}
constexpr uint64_t make_pte(uint64_t address, uint64_t flags) {
    return ((address >> 12) << 10) | flags;
}

}  // namespace

Status GStagePageTable::init() {
    root_ = static_cast<uint64_t*>(allocate_pages(4, 16384));
    if (root_ == nullptr) return Error::kOutOfMemory;
    return ok();
}

uint64_t* GStagePageTable::next_table(uint64_t* entry) {
    if ((*entry & kValid) == 0) {
        void* table = allocate_pages(1);
        if (table == nullptr) return nullptr;
        *entry = make_pte(reinterpret_cast<uint64_t>(table), kValid);
    }
    if ((*entry & (kRead | kWrite | kExecute)) != 0) return nullptr;  // already a leaf
    return reinterpret_cast<uint64_t*>(pte_address(*entry));
}

// kOutOfMemory when a table page cannot be had (or a larger mapping is in
// the way, which map() never asks for).
Status GStagePageTable::map_one(uint64_t gpa, uint64_t hpa, unsigned leaf_level, uint64_t flags) {
    uint64_t* table = root_;
    for (unsigned level = kLevels - 1; level > leaf_level; --level) {
        table = next_table(&table[index_of(gpa, level)]);
        if (table == nullptr) return Error::kOutOfMemory;
    }
    table[index_of(gpa, leaf_level)] = make_pte(hpa, flags);
    ++(leaf_level == 2 ? counts_.gigapages : leaf_level == 1 ? counts_.megapages : counts_.pages);
    return ok();
}

Status GStagePageTable::map(uint64_t gpa, uint64_t hpa, uint64_t size) {
    if (root_ == nullptr || ((gpa | hpa | size) & 0xFFF) != 0) return Error::kInvalidInput;
    if (gpa >= kGuestPhysicalLimit || size > kGuestPhysicalLimit - gpa) return Error::kTooLarge;
    while (size != 0) {
        unsigned level = 0;
        for (unsigned l = kLevels - 1; l > 0; --l) {
            uint64_t page = 1ull << shift_of(l);
            if (((gpa | hpa) & (page - 1)) == 0 && size >= page) {
                level = l;
                break;
            }
        }
        const Status mapped = map_one(gpa, hpa, level, kLeafFlags);
        if (!mapped) return mapped;
        uint64_t step = 1ull << shift_of(level);
        gpa += step;
        hpa += step;
        size -= step;
    }
    return ok();
}

Status GStagePageTable::map_device_page(uint64_t gpa, uint64_t hpa) {
    if (root_ == nullptr || ((gpa | hpa) & 0xFFF) != 0) return Error::kInvalidInput;
    if (gpa >= kGuestPhysicalLimit) return Error::kTooLarge;
    return map_one(gpa, hpa, 0, kDeviceLeafFlags);
}

uint64_t GStagePageTable::translate(uint64_t gpa) const {
    if (root_ == nullptr || gpa >= kGuestPhysicalLimit) return ~0ull;
    const uint64_t* table = root_;
    for (unsigned level = kLevels; level-- > 0;) {
        uint64_t pte = table[index_of(gpa, level)];
        if ((pte & kValid) == 0) return ~0ull;
        if ((pte & (kRead | kWrite | kExecute)) != 0) {
            uint64_t offset_mask = (1ull << shift_of(level)) - 1;
            return pte_address(pte) + (gpa & offset_mask);
        }
        table = reinterpret_cast<const uint64_t*>(pte_address(pte));
    }
    return ~0ull;
}

uint64_t GStagePageTable::hgatp(uint16_t vmid) const {
    return hgatp::kModeSv39x4 | ((uint64_t{vmid} & hgatp::kVmidMask) << hgatp::kVmidShift) |
           (reinterpret_cast<uint64_t>(root_) >> 12);
}

}  // namespace halyard
