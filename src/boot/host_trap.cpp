// SPDX-License-Identifier: Apache-2.0
// Traps taken while Halyard itself runs (sscratch == 0). The expected kinds
// are a guest-memory read with HLVX that faults and a read of the Zkr seed
// CSR that HS-mode may not make: each resumes at its fixup.
// Anything else is a bug in Halyard: dump the registers and stop.

#include <cstdint>

#include "arch/boot_support.hpp"
#include "boot/power.hpp"
#include "console/log.hpp"

namespace {

struct HostTrapFrame {
    uint64_t gpr[32];
    uint64_t sepc;
    uint64_t scause;
    uint64_t stval;
    uint64_t htval;
    uint64_t htinst;
    uint64_t pad;
};
static_assert(sizeof(HostTrapFrame) == 38 * 8, "matches HOST_FRAME_SIZE in trap_vector.S");

}  // namespace

extern "C" void halyard_host_trap(HostTrapFrame* frame) {
    using namespace halyard;
    if (uint64_t fixup = arch::trap_fixup(frame->sepc); fixup != 0) {
        frame->sepc = fixup;
        return;
    }
    log("trap in Halyard: scause 0x%llx sepc 0x%llx stval 0x%llx htval 0x%llx",
        static_cast<unsigned long long>(frame->scause),
        static_cast<unsigned long long>(frame->sepc), static_cast<unsigned long long>(frame->stval),
        static_cast<unsigned long long>(frame->htval));
    for (unsigned i = 1; i < 32; i += 4) {
        log("x%02u %016llx %016llx %016llx %016llx", i,
            static_cast<unsigned long long>(frame->gpr[i]),
            static_cast<unsigned long long>(frame->gpr[i + 1]),
            static_cast<unsigned long long>(frame->gpr[i + 2]),
            static_cast<unsigned long long>(i + 3 < 32 ? frame->gpr[i + 3] : 0));
    }
    panic("unexpected trap in HS-mode");
}
