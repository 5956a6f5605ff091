// SPDX-License-Identifier: Apache-2.0
#include "plic_context.hpp"

#include "guest/fdt.hpp"
#include "hart_intc.hpp"

namespace bench {
namespace {

using guest::fdt::equals;
using guest::fdt::read_be32;
using guest::fdt::string_list_has;

constexpr uint32_t kSupervisorExternalInterrupt = 9;

// Finds, while guest::fdt::walk visits the tree, the phandle of `hart`'s
// riscv,cpu-intc and the PLIC's interrupts-extended list.
struct PlicFinder {
    HartIntcFinder intc;
    // The node being walked; the PLIC has no children, so per-node state
    // need not be a stack.
    bool node_is_plic = false;
    uintptr_t node_contexts = 0;
    uint32_t node_contexts_length = 0;
    uintptr_t plic_contexts = 0;
    uint32_t plic_contexts_length = 0;

    void begin_node(const char* name, int depth) {
        intc.begin_node(name, depth);
        node_is_plic = false;
        node_contexts = 0;
        node_contexts_length = 0;
    }
    void end_node(int depth) {
        if (node_is_plic && node_contexts != 0) {
            plic_contexts = node_contexts;
            plic_contexts_length = node_contexts_length;
        }
        node_is_plic = false;
        intc.end_node(depth);
    }
    void property(const char* prop, uintptr_t value, uint32_t length, int depth) {
        if (intc.property(prop, value, length, depth)) return;
        if (equals(prop, "compatible")) {
            node_is_plic = string_list_has(value, length, "riscv,plic0") ||
                           string_list_has(value, length, "sifive,plic-1.0.0");
        } else if (equals(prop, "interrupts-extended")) {
            node_contexts = value;
            node_contexts_length = length;
        }
    }
};

}  // namespace

PlicContext plic_supervisor_context(uintptr_t dtb, uint64_t hart) {
    const PlicContext none{false, 0};
    if (dtb == 0 || read_be32(dtb) != guest::fdt::kMagic) return none;
    PlicFinder found{HartIntcFinder{hart}};
    if (!guest::fdt::walk(dtb, found)) return none;
    if (found.intc.phandle == 0 || found.plic_contexts == 0) return none;
    // One context per (phandle, interrupt) pair: a riscv,cpu-intc has
    // #interrupt-cells = 1. (OpenSBI rewrites the M-mode pairs' interrupt
    // to 0xffffffff, hiding them from S-mode, but keeps their places.)
    for (uint32_t i = 0; (i + 1) * 8 <= found.plic_contexts_length; ++i) {
        const uint32_t phandle = read_be32(found.plic_contexts + 8 * i);
        const uint32_t interrupt = read_be32(found.plic_contexts + 8 * i + 4);
        if (phandle == found.intc.phandle && interrupt == kSupervisorExternalInterrupt)
            return PlicContext{true, i};
    }
    return none;
}

}  // namespace bench
