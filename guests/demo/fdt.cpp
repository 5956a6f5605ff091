// SPDX-License-Identifier: Apache-2.0
#include "fdt.hpp"

namespace demo {
namespace {

// Structure block tokens (Devicetree Specification, "Structure Block").
constexpr uint32_t kBeginNode = 1;
constexpr uint32_t kEndNode = 2;
constexpr uint32_t kProp = 3;
constexpr uint32_t kNop = 4;
constexpr uint32_t kEnd = 9;

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

uint64_t read_cells(uintptr_t at, uint32_t cells) {
    uint64_t value = 0;
    for (uint32_t i = 0; i < cells; ++i) value = (value << 32) | read_be32(at + 4 * i);
    return value;
}

uintptr_t align4(uintptr_t p) {
    return (p + 3) & ~uintptr_t{3};
}

}  // namespace

uint32_t read_be32(uintptr_t addr) {
    const auto* p = reinterpret_cast<const volatile uint8_t*>(addr);
    return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}

bool summarize_fdt(uintptr_t blob, MachineSummary& out) {
    out.total_size = read_be32(blob + 4);
    const uintptr_t structure = blob + read_be32(blob + 8);
    const uintptr_t strings = blob + read_be32(blob + 12);
    const uintptr_t limit = blob + out.total_size;

    uint32_t address_cells = 2;  // root defaults per the DT spec
    uint32_t size_cells = 1;
    int depth = 0;
    bool in_cpus = false;
    bool in_memory = false;

    for (uintptr_t p = structure; p + 4 <= limit;) {
        const uint32_t token = read_be32(p);
        p += 4;
        if (token == kBeginNode) {
            const char* name = reinterpret_cast<const char*>(p);
            uintptr_t end = p;
            while (end < limit && *reinterpret_cast<const char*>(end) != '\0') ++end;
            p = align4(end + 1);
            ++depth;
            if (depth == 2) {
                in_cpus = node_is(name, "cpus");
                in_memory = node_is(name, "memory");
            } else if (depth == 3 && in_cpus && node_is(name, "cpu")) {
                ++out.cpu_count;
            }
        } else if (token == kEndNode) {
            if (depth == 2) in_cpus = in_memory = false;
            if (--depth < 0) return false;
        } else if (token == kProp) {
            const uint32_t length = read_be32(p);
            const char* prop = reinterpret_cast<const char*>(strings + read_be32(p + 4));
            const uintptr_t value = p + 8;
            p = align4(value + length);
            if (depth == 1) {
                if (equals(prop, "model")) out.model = reinterpret_cast<const char*>(value);
                if (equals(prop, "compatible"))
                    out.compatible = reinterpret_cast<const char*>(value);
                if (equals(prop, "#address-cells") && length == 4) address_cells = read_be32(value);
                if (equals(prop, "#size-cells") && length == 4) size_cells = read_be32(value);
            } else if (depth == 2 && in_cpus && equals(prop, "timebase-frequency") && length == 4) {
                out.timebase_hz = read_be32(value);
            } else if (depth == 2 && in_memory && equals(prop, "reg") && out.memory_size == 0 &&
                       address_cells <= 2 && size_cells <= 2 &&
                       length >= 4 * (address_cells + size_cells)) {
                out.memory_base = read_cells(value, address_cells);
                out.memory_size = read_cells(value + 4 * address_cells, size_cells);
            }
        } else if (token == kEnd) {
            return depth == 0;
        } else if (token != kNop) {
            return false;
        }
    }
    return false;
}

}  // namespace demo
