// SPDX-License-Identifier: Apache-2.0
#pragma once
// What the runtime knows about the boot, and the guest's entry point.

#include <stdint.h>

namespace guest {

struct BootInfo {
    uint64_t hart_id;     // a0 at entry
    uint64_t dtb;         // a1 at entry: guest-physical address of the device tree
    uint64_t first_time;  // `time` read by the image's very first instruction
};

const BootInfo& boot_info();

// Under Halyard (its SBI extension answers the probe), as opposed to natively
// on the firmware alone.
bool under_halyard();

// Prints `message`, then powers off through SRST (falls back to wfi forever).
[[noreturn]] void halt(const char* message, bool failed);

// Guest name used when the runtime itself must report a failure (unexpected
// trap). Set by the guest (Checks does it) before anything can go wrong.
void set_guest_name(const char* name);
const char* guest_name();

}  // namespace guest

// Implemented by each guest; returning shuts the VM down.
void guest_main();
