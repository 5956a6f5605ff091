// SPDX-License-Identifier: Apache-2.0
// The FDT reader on arbitrary bytes: every node, property, parent and child
// of whatever Fdt::from accepts, and every view it hands out must lie inside
// the blob.

#include "fdt/fdt.hpp"
#include "fuzz_support.hpp"

using namespace halyard;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    fuzz::reset_fakes();
    const Fdt fdt = Fdt::from(data, size);
    if (!fdt.valid()) return 0;
    FUZZ_CHECK(fdt.total_size() <= size);
    unsigned nodes = 0;
    fdt.for_each_node([&](FdtNode node) {
        ++nodes;
        FUZZ_CHECK(nodes <= size / 8);
        const std::string_view name = fdt.name(node);
        FUZZ_CHECK(fuzz::within(name.data(), name.size() + 1, data, size));
        fdt.for_each_property(node, [&](const FdtProperty& p) {
            FUZZ_CHECK(p.valid());
            FUZZ_CHECK(fuzz::within(p.name.data(), p.name.size() + 1, data, size));
            FUZZ_CHECK(fuzz::within(p.value.data(), p.value.size(), data, size));
            const FdtProperty again = fdt.property(node, p.name);
            FUZZ_CHECK(again.valid());  // the first of that name, maybe not this one
            (void)p.u64();
            (void)p.cells(p.value.size() / 4, 2);
            const std::string_view text = p.string();
            FUZZ_CHECK(text.size() <= p.value.size());
            (void)p.contains_string("ns16550a");
            return true;
        });
        unsigned children = 0;
        fdt.for_each_child(node, [&](FdtNode child) {
            FdtNode parent;
            FUZZ_CHECK(fdt.parent(child, parent));
            FUZZ_CHECK(parent.offset == node.offset);
            ++children;
            return children < 4096;
        });
        FdtNode parent;
        FUZZ_CHECK(fdt.parent(node, parent) == (node.offset != fdt.root().offset));
        const FdtProperty phandle = fdt.property(node, "phandle");
        if (phandle.valid()) {
            FdtNode found;
            FUZZ_CHECK(fdt.find_by_phandle(phandle.u32(), found));
        }
        return nodes < 4096;
    });
    FUZZ_CHECK(nodes >= 1);
    for (const char* path : {"/", "/chosen", "/cpus/cpu@0", "/soc/serial", "/a/b/c/d", "//x"}) {
        FdtNode node;
        if (fdt.find(path, node)) FUZZ_CHECK(fdt.name(node).size() < size);
    }
    return 0;
}
