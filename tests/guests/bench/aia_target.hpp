// SPDX-License-Identifier: Apache-2.0
#pragma once
// Where a hart's supervisor-level AIA interrupts come from, read from the
// device tree the guest was booted with (the bench's AIA round trip): the
// APLIC domain whose msi-parent is the S-level IMSIC (the one whose
// interrupts-extended names supervisor external interrupts, 9), and the
// hart's index at that IMSIC (its place in the IMSIC's interrupts-extended),
// which the APLIC's target registers name. Natively on QEMU virt with
// aia=aplic-imsic that is the domain at 0x0d00_0000 (its M-level parent at
// 0x0c00_0000 sends to the M-level IMSIC); under Halyard with irqchip=aia it
// is the VM's one domain, and vCPU i has hart index i.

#include <stdint.h>

namespace bench {

struct AiaTarget {
    bool found;
    uintptr_t aplic_base;
    unsigned hart_index;
};

// A structurally checked walk of the DTB at `dtb`; not found unless it has
// such an APLIC and IMSIC and the IMSIC lists `hart`.
AiaTarget aia_supervisor_target(uintptr_t dtb, uint64_t hart);

}  // namespace bench
