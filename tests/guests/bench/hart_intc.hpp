// SPDX-License-Identifier: Apache-2.0
#pragma once
// The phandle of a hart's riscv,cpu-intc (the interrupt controller node under
// /cpus/cpu@N), found while guest::fdt::walk visits the tree: what a PLIC's
// or an IMSIC's interrupts-extended names the hart by. A finder of its own
// forwards its walk callbacks here.

#include <stdint.h>

#include "guest/fdt.hpp"

namespace bench {

struct HartIntcFinder {
    uint64_t hart;
    bool in_cpus = false;      // inside /cpus
    uint64_t cpu_reg = ~0ull;  // `reg` of the /cpus/cpu@N being walked
    bool in_cpu_intc = false;  // inside its interrupt-controller child
    uint32_t phandle = 0;      // of `hart`'s riscv,cpu-intc (0: none seen)

    void begin_node(const char* name, int depth) {
        if (depth == 2) in_cpus = guest::fdt::node_is(name, "cpus");
        if (depth == 3 && in_cpus) cpu_reg = ~0ull;
        if (depth == 4 && in_cpus) in_cpu_intc = guest::fdt::node_is(name, "interrupt-controller");
    }
    void end_node(int depth) {
        if (depth == 2) in_cpus = false;
        if (depth == 4) in_cpu_intc = false;
    }
    // True if the property was one of the hart's (the caller need not look at it).
    bool property(const char* prop, uintptr_t value, uint32_t length, int depth) {
        using guest::fdt::equals;
        if (depth == 3 && in_cpus && equals(prop, "reg")) {
            // /cpus has #address-cells = 1 on QEMU and under Halyard; 2 is allowed.
            if (length == 4) cpu_reg = guest::fdt::read_be32(value);
            if (length == 8) cpu_reg = guest::fdt::read_cells(value, 2);
            return true;
        }
        if (depth == 4 && in_cpu_intc && cpu_reg == hart && equals(prop, "phandle") &&
            length == 4) {
            phandle = guest::fdt::read_be32(value);
            return true;
        }
        return false;
    }
};

}  // namespace bench
