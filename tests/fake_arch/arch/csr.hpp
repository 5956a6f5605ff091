// SPDX-License-Identifier: Apache-2.0
#pragma once
// Host fake of arch/csr.hpp: the same names, backed by fake::hart.csr.

#include <cstdint>

#include "arch/fake_hart_state.hpp"
#include "halyard/csr_numbers.hpp"

namespace halyard::arch {

// hip reads as on the hart: its VSSIP, VSTIP and VSEIP include hvip's (the
// H extension makes hip.VSEIP the OR of hvip.VSEIP and the other VS-level
// external sources, VSTIP likewise, and hip.VSSIP an alias of hvip.VSSIP),
// plus whatever a test put in hip itself for those other sources.
template <Csr kCsr>
inline uint64_t csr_read() {
    if constexpr (kCsr == Csr::hip)
        return fake::hart[Csr::hip] |
               (fake::hart[Csr::hvip] & (irq::kVssip | irq::kVstip | irq::kVseip));
    return fake::hart[kCsr];
}
template <Csr kCsr>
inline void csr_write(uint64_t value) {
    fake::hart[kCsr] = value;
}
template <Csr kCsr>
inline void csr_set(uint64_t bits) {
    fake::hart[kCsr] |= bits;
}
template <Csr kCsr>
inline void csr_clear(uint64_t bits) {
    fake::hart[kCsr] &= ~bits;
}
template <Csr kCsr>
inline uint64_t csr_swap(uint64_t value) {
    uint64_t old = fake::hart[kCsr];
    fake::hart[kCsr] = value;
    return old;
}

}  // namespace halyard::arch
