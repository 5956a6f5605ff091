// SPDX-License-Identifier: Apache-2.0
#pragma once
// The RV64 virtual-memory schemes a guest may be offered (privileged spec:
// satp.MODE 8, 9, 10), named as the devicetree bindings name them in a cpu
// node's mmu-type ("riscv,sv39") and as tools/run's mmu= does ("sv39").

#include <cstdint>
#include <string_view>

#include "halyard/csr_numbers.hpp"

namespace halyard {

// The value is satp.MODE (and vsatp.MODE).
enum class PagingMode : uint8_t { kSv39 = 8, kSv48 = 9, kSv57 = 10 };

inline constexpr PagingMode kPagingModes[] = {PagingMode::kSv39, PagingMode::kSv48,
                                              PagingMode::kSv57};

// "riscv,sv39", "riscv,sv48", "riscv,sv57".
std::string_view mmu_type_of(PagingMode mode);
// "sv39", "sv48", "sv57".
std::string_view name_of(PagingMode mode);
// (v)satp with MODE = `mode` and nothing else.
constexpr uint64_t satp_mode_bits(PagingMode mode) {
    return uint64_t{static_cast<uint8_t>(mode)} << satp::kModeShift;
}
// Whether `mmu_type` names one of these modes exactly (then stored in
// `mode`); false for anything else ("riscv,sv32", "riscv,none", a prefix,
// another case, garbage).
bool paging_mode_from_mmu_type(std::string_view mmu_type, PagingMode& mode);

// A set of paging modes.
class PagingModes {
  public:
    constexpr PagingModes() = default;
    // `widest` and every narrower mode: the privileged spec requires a hart
    // with Sv57 to have Sv48, and one with Sv48 to have Sv39.
    static constexpr PagingModes up_to(PagingMode widest) {
        PagingModes modes;
        for (PagingMode mode : kPagingModes)
            if (mode <= widest) modes.add(mode);
        return modes;
    }
    constexpr void add(PagingMode mode) { bits_ |= bit(mode); }
    constexpr bool has(PagingMode mode) const { return (bits_ & bit(mode)) != 0; }
    constexpr PagingModes operator&(PagingModes other) const {
        PagingModes both;
        both.bits_ = bits_ & other.bits_;
        return both;
    }
    constexpr bool operator==(const PagingModes&) const = default;
    // The widest mode in the set; Sv39 for an empty set.
    constexpr PagingMode widest() const {
        PagingMode widest = PagingMode::kSv39;
        for (PagingMode mode : kPagingModes)
            if (has(mode)) widest = mode;
        return widest;
    }

  private:
    static constexpr uint32_t bit(PagingMode mode) { return 1u << static_cast<uint8_t>(mode); }
    uint32_t bits_ = 0;
};

// What a hart's mmu-type promises: the mode it names and every narrower one.
// Anything else (no mmu-type, "riscv,none", "riscv,sv32", garbage) promises
// Sv39 alone: every hart Halyard runs on has it (the H extension requires it
// on RV64, and boot checks vsatp keeps it), so such a DT is wrong about the
// hart, and nothing wider may be believed from it.
PagingModes paging_modes_of_mmu_type(std::string_view mmu_type);

}  // namespace halyard
