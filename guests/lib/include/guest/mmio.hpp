// SPDX-License-Identifier: Apache-2.0
#pragma once
// Device register access. Each helper is exactly one load or store of the
// named width (volatile), so under Halyard each is exactly one trapped access.

#include <stdint.h>

namespace guest {

inline uint8_t mmio_read8(uintptr_t addr) {
    return *reinterpret_cast<volatile uint8_t*>(addr);
}
inline void mmio_write8(uintptr_t addr, uint8_t value) {
    *reinterpret_cast<volatile uint8_t*>(addr) = value;
}
inline uint32_t mmio_read32(uintptr_t addr) {
    return *reinterpret_cast<volatile uint32_t*>(addr);
}
inline void mmio_write32(uintptr_t addr, uint32_t value) {
    *reinterpret_cast<volatile uint32_t*>(addr) = value;
}

}  // namespace guest
