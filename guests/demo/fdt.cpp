// SPDX-License-Identifier: Apache-2.0
#include "fdt.hpp"

#include "guest/fdt.hpp"

namespace demo {
namespace {

using guest::fdt::equals;
using guest::fdt::node_is;
using guest::fdt::read_be32;
using guest::fdt::read_cells;

// Collects the summary while guest::fdt::walk visits the tree.
struct Summarizer {
    MachineSummary& out;
    uint32_t address_cells = 2;  // root defaults per the DT spec
    uint32_t size_cells = 1;
    bool in_cpus = false;
    bool in_memory = false;

    void begin_node(const char* name, int depth) {
        if (depth == 2) {
            in_cpus = node_is(name, "cpus");
            in_memory = node_is(name, "memory");
        } else if (depth == 3 && in_cpus && node_is(name, "cpu")) {
            ++out.cpu_count;
        }
    }
    void end_node(int depth) {
        if (depth == 2) in_cpus = in_memory = false;
    }
    void property(const char* prop, uintptr_t value, uint32_t length, int depth) {
        if (depth == 1) {
            if (equals(prop, "model")) out.model = reinterpret_cast<const char*>(value);
            if (equals(prop, "compatible")) out.compatible = reinterpret_cast<const char*>(value);
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
    }
};

}  // namespace

bool summarize_fdt(uintptr_t blob, MachineSummary& out) {
    out.total_size = read_be32(blob + 4);
    Summarizer summarizer{out};
    return guest::fdt::walk(blob, summarizer);
}

}  // namespace demo
