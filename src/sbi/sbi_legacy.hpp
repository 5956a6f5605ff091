// SPDX-License-Identifier: Apache-2.0
#pragma once
// The legacy (v0.1) calls guests still use for early consoles: set_timer
// (0x00), console_putchar (0x01), console_getchar (0x02), shutdown (0x08).
// The rest of v0.1 (IPIs, fences) is not offered: those EIDs probe as absent.

#include "sbi/sbi_extension.hpp"

namespace halyard {

struct SbiLegacy {
    static constexpr ExitReason kReason = ExitReason::kSbiLegacy;
    static bool handles(uint64_t eid) {
        return eid == sbi::kEidLegacySetTimer || eid == sbi::kEidLegacyConsolePutchar ||
               eid == sbi::kEidLegacyConsoleGetchar || eid == sbi::kEidLegacyShutdown;
    }
    [[gnu::noinline]] static SbiResult call(Vcpu& vcpu, const SbiCall& ecall);
};

}  // namespace halyard
