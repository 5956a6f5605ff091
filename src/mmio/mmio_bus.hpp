// SPDX-License-Identifier: Apache-2.0
#pragma once
// Guest-physical ranges owned by device models. A device registers with one
// call, attach(base, size, reason, device); the device type only needs
// read(offset, width), write(offset, width, value) and reset(). A store
// hands write() the whole source register: only its low `width` bytes are the
// stored value, and the device must ignore the rest. Dispatch goes through
// a plain function pointer made per device type, no virtual calls.

#include <array>
#include <cstddef>
#include <cstdint>

#include "halyard/exit_reason.hpp"
#include "lib/capacity.hpp"

namespace halyard {

struct MmioRegion {
    uint64_t base;
    uint64_t size;
    ExitReason reason;  // what the exit statistics count an access to it as
    void* device;
    uint64_t (*read)(void* device, uint64_t offset, unsigned width);
    void (*write)(void* device, uint64_t offset, unsigned width, uint64_t value);
    void (*reset)(void* device);  // back to the power-on state (VM reboot)

    // One unsigned compare finds `address` in [base, base + size), since
    // attach() refuses a region that wraps past 2^64.
    bool contains(uint64_t address, uint64_t width) const {
        const uint64_t offset = address - base;
        return offset < size && size - offset >= width;
    }
};

class MmioBus {
  public:
    static constexpr unsigned kMaxRegions = capacity::kMmioRegions;

    template <typename Device>
    bool attach(uint64_t base, uint64_t size, ExitReason reason, Device& device) {
        if (count_ == kMaxRegions || size == 0 || size - 1 > ~base) return false;
        regions_[count_++] =
            MmioRegion{base,
                       size,
                       reason,
                       &device,
                       [](void* d, uint64_t offset, unsigned width) {
                           return static_cast<Device*>(d)->read(offset, width);
                       },
                       [](void* d, uint64_t offset, unsigned width, uint64_t value) {
                           static_cast<Device*>(d)->write(offset, width, value);
                       },
                       [](void* d) { static_cast<Device*>(d)->reset(); }};
        return true;
    }

    // The region holding [address, address + width), or nullptr.
    const MmioRegion* find(uint64_t address, uint64_t width) const {
        const MmioRegion* const end = regions_.data() + count_;
        for (const MmioRegion* region = regions_.data(); region != end; ++region)
            if (region->contains(address, width)) return region;
        return nullptr;
    }
    // Every device back to its power-on state, in the order they were attached
    // (interrupt sources before the controller they drive).
    void reset_devices() const {
        for (unsigned i = 0; i < count_; ++i) regions_[i].reset(regions_[i].device);
    }
    bool empty() const { return count_ == 0; }
    // Whether any device claims `address` at all (even if the width overruns it).
    bool claims(uint64_t address) const { return find(address, 1) != nullptr; }

  private:
    std::array<MmioRegion, kMaxRegions> regions_{};
    size_t count_ = 0;
};

}  // namespace halyard
