// SPDX-License-Identifier: Apache-2.0
#include "platform/paging_mode.hpp"

namespace halyard {

std::string_view mmu_type_of(PagingMode mode) {
    switch (mode) {
        case PagingMode::kSv39: return "riscv,sv39";
        case PagingMode::kSv48: return "riscv,sv48";
        case PagingMode::kSv57: return "riscv,sv57";
    }
    return "riscv,sv39";
}

std::string_view name_of(PagingMode mode) {
    return mmu_type_of(mode).substr(6);  // without "riscv,"
}

bool paging_mode_from_mmu_type(std::string_view mmu_type, PagingMode& mode) {
    for (PagingMode candidate : kPagingModes) {
        if (mmu_type == mmu_type_of(candidate)) {
            mode = candidate;
            return true;
        }
    }
    return false;
}

PagingModes paging_modes_of_mmu_type(std::string_view mmu_type) {
    PagingMode named = PagingMode::kSv39;
    if (!paging_mode_from_mmu_type(mmu_type, named)) named = PagingMode::kSv39;
    return PagingModes::up_to(named);
}

}  // namespace halyard
