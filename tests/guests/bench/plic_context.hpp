// SPDX-License-Identifier: Apache-2.0
#pragma once
// Which PLIC context takes a hart's supervisor external interrupts, read from
// the device tree the guest was booted with. The bench guest runs natively on
// QEMU virt (where hart 0's S-mode is context 1, after its M-mode context 0)
// and under Halyard (where vCPU 0's S-mode is context 0, the only one), so
// the number is taken from where both describe it: the PLIC node's
// `interrupts-extended`, one (interrupt-controller phandle, interrupt) pair
// per context, where the pair naming the hart's `riscv,cpu-intc` with
// interrupt 9 (supervisor external) is its S-mode context.

#include <stdint.h>

namespace bench {

struct PlicContext {
    bool found;
    unsigned context;
};

// Looks up `hart`'s S-mode context in the DTB at `dtb` (a structurally
// checked walk; a DTB this guest cannot make sense of answers not found).
PlicContext plic_supervisor_context(uintptr_t dtb, uint64_t hart);

}  // namespace bench
