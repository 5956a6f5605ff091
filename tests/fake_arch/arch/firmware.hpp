// SPDX-License-Identifier: Apache-2.0
#pragma once
// Host fake of arch/firmware.hpp: records every call; answers success.

#include <cstdint>

#include "arch/fake_hart_state.hpp"
#include "halyard/sbi.hpp"

namespace halyard::arch {

inline sbi::SbiRet firmware_call(uint64_t eid, uint64_t fid, uint64_t arg0 = 0, uint64_t arg1 = 0,
                                 uint64_t arg2 = 0) {
    fake::hart.firmware_calls.push_back({eid, fid, arg0, arg1, arg2});
    // sbi_send_ipi(mask 1, base = hart): deliver it to that thread's hart.
    if (eid == sbi::kEidIpi && arg0 == 1 && arg1 < fake::kMaxFakeHarts)
        fake::ipi_pending[arg1].store(true);
    return {sbi::kSuccess, 0};
}

inline void firmware_console_putchar(char c) {
    firmware_call(sbi::kEidLegacyConsolePutchar, 0, static_cast<unsigned char>(c));
}

}  // namespace halyard::arch
