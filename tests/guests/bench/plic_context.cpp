// SPDX-License-Identifier: Apache-2.0
#include "plic_context.hpp"

namespace bench {
namespace {

// Devicetree Specification, "Flattened Devicetree (DTB) Format".
constexpr uint32_t kFdtMagic = 0xD00DFEED;
constexpr uint32_t kBeginNode = 1;
constexpr uint32_t kEndNode = 2;
constexpr uint32_t kProp = 3;
constexpr uint32_t kNop = 4;
constexpr uint32_t kEnd = 9;

constexpr uint32_t kSupervisorExternalInterrupt = 9;

uint32_t read_be32(uintptr_t addr) {
    const auto* p = reinterpret_cast<const volatile uint8_t*>(addr);
    return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}

uintptr_t align4(uintptr_t p) {
    return (p + 3) & ~uintptr_t{3};
}

bool equals(const char* a, const char* b) {
    while (*a != '\0' && *a == *b) {
        ++a;
        ++b;
    }
    return *a == *b;
}

// True if `name` is `base` or starts with "base@".
bool node_is(const char* name, const char* base) {
    while (*base != '\0' && *name == *base) {
        ++name;
        ++base;
    }
    return *base == '\0' && (*name == '\0' || *name == '@');
}

// True if the string list `value` (`length` bytes) holds `wanted`.
bool string_list_has(uintptr_t value, uint32_t length, const char* wanted) {
    const char* p = reinterpret_cast<const char*>(value);
    const char* end = p + length;
    while (p < end) {
        if (equals(p, wanted)) return true;
        while (p < end && *p != '\0') ++p;
        ++p;
    }
    return false;
}

}  // namespace

PlicContext plic_supervisor_context(uintptr_t dtb, uint64_t hart) {
    const PlicContext none{false, 0};
    if (dtb == 0 || read_be32(dtb) != kFdtMagic) return none;
    const uintptr_t limit = dtb + read_be32(dtb + 4);
    const uintptr_t structure = dtb + read_be32(dtb + 8);
    const uintptr_t strings = dtb + read_be32(dtb + 12);

    int depth = 0;
    bool in_cpus = false;      // inside /cpus
    uint64_t cpu_reg = ~0ull;  // `reg` of the /cpus/cpu@N being walked
    bool in_cpu_intc = false;  // inside its interrupt-controller child
    uint32_t hart_intc = 0;    // phandle of `hart`'s riscv,cpu-intc (0: none seen)
    // The node being walked; the PLIC has no children, so per-node state
    // need not be a stack.
    bool node_is_plic = false;
    uintptr_t node_contexts = 0;
    uint32_t node_contexts_length = 0;
    uintptr_t plic_contexts = 0;
    uint32_t plic_contexts_length = 0;

    for (uintptr_t p = structure; p + 4 <= limit;) {
        const uint32_t token = read_be32(p);
        p += 4;
        if (token == kBeginNode) {
            const char* name = reinterpret_cast<const char*>(p);
            uintptr_t end = p;
            while (end < limit && *reinterpret_cast<const char*>(end) != '\0') ++end;
            p = align4(end + 1);
            ++depth;
            if (depth == 2) in_cpus = node_is(name, "cpus");
            if (depth == 3 && in_cpus) cpu_reg = ~0ull;
            if (depth == 4 && in_cpus) in_cpu_intc = node_is(name, "interrupt-controller");
            node_is_plic = false;
            node_contexts = 0;
            node_contexts_length = 0;
        } else if (token == kEndNode) {
            if (node_is_plic && node_contexts != 0) {
                plic_contexts = node_contexts;
                plic_contexts_length = node_contexts_length;
            }
            node_is_plic = false;
            if (depth == 2) in_cpus = false;
            if (depth == 4) in_cpu_intc = false;
            if (--depth < 0) return none;
        } else if (token == kProp) {
            const uint32_t length = read_be32(p);
            const char* prop = reinterpret_cast<const char*>(strings + read_be32(p + 4));
            const uintptr_t value = p + 8;
            p = align4(value + length);
            if (p > limit) return none;
            if (depth == 3 && in_cpus && equals(prop, "reg")) {
                // /cpus has #address-cells = 1 on QEMU and under Halyard; 2 is allowed.
                if (length == 4) cpu_reg = read_be32(value);
                if (length == 8) cpu_reg = uint64_t{read_be32(value)} << 32 | read_be32(value + 4);
            } else if (depth == 4 && in_cpu_intc && cpu_reg == hart && equals(prop, "phandle") &&
                       length == 4) {
                hart_intc = read_be32(value);
            } else if (equals(prop, "compatible")) {
                node_is_plic = string_list_has(value, length, "riscv,plic0") ||
                               string_list_has(value, length, "sifive,plic-1.0.0");
            } else if (equals(prop, "interrupts-extended")) {
                node_contexts = value;
                node_contexts_length = length;
            }
        } else if (token == kEnd) {
            break;
        } else if (token != kNop) {
            return none;
        }
    }
    if (hart_intc == 0 || plic_contexts == 0) return none;
    // One context per (phandle, interrupt) pair: a riscv,cpu-intc has
    // #interrupt-cells = 1. (OpenSBI rewrites the M-mode pairs' interrupt
    // to 0xffffffff, hiding them from S-mode, but keeps their places.)
    for (uint32_t i = 0; (i + 1) * 8 <= plic_contexts_length; ++i) {
        const uint32_t phandle = read_be32(plic_contexts + 8 * i);
        const uint32_t interrupt = read_be32(plic_contexts + 8 * i + 4);
        if (phandle == hart_intc && interrupt == kSupervisorExternalInterrupt)
            return PlicContext{true, i};
    }
    return none;
}

}  // namespace bench
