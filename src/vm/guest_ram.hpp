// SPDX-License-Identifier: Apache-2.0
#pragma once
// One VM's RAM: a contiguous guest-physical range backed by contiguous host
// memory, which Halyard reaches directly (it runs with satp = 0).

#include <cstdint>
#include <cstring>

namespace halyard {

struct GuestRam {
    uint64_t guest_base = 0;
    uint64_t size = 0;
    uint64_t host_base = 0;

    // Whether [gpa, gpa + length) lies entirely inside RAM (no wrap-around).
    bool contains(uint64_t gpa, uint64_t length) const {
        return gpa >= guest_base && gpa - guest_base <= size && length <= size - (gpa - guest_base);
    }
    uint8_t* host_pointer(uint64_t gpa) const {
        return reinterpret_cast<uint8_t*>(host_base + (gpa - guest_base));
    }
    uint64_t guest_end() const { return guest_base + size; }
};

}  // namespace halyard
