// SPDX-License-Identifier: Apache-2.0
// Unit tests for the flattened-device-tree reader (Fdt) and writer
// (FdtBuilder). Trees come from three places: FdtBuilder itself, hand-patched
// copies of its output (for malformed input), and the reference compiler dtc
// run at test time, so that the reader is checked against blobs it did not
// produce and the writer against a reader it does not share code with.

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "fdt/fdt.hpp"
#include "fdt/fdt_builder.hpp"
#include "test_support.hpp"

namespace halyard::testing {
namespace {

constexpr std::string_view kTempPrefix = "halyard_fdt";

// ---------------------------------------------------------------- helpers

void store_be32(std::vector<uint8_t>& blob, size_t offset, uint32_t value) {
    blob[offset + 0] = static_cast<uint8_t>(value >> 24);
    blob[offset + 1] = static_cast<uint8_t>(value >> 16);
    blob[offset + 2] = static_cast<uint8_t>(value >> 8);
    blob[offset + 3] = static_cast<uint8_t>(value);
}

uint32_t header_field(const std::vector<uint8_t>& blob, size_t offset) {
    return load_be32(blob.data() + offset);
}

std::string name_of(const Fdt& fdt, std::string_view path) {
    FdtNode node;
    if (!fdt.find(path, node)) return "<not found>";
    return std::string(fdt.name(node));
}

std::vector<std::string> child_names(const Fdt& fdt, FdtNode parent) {
    std::vector<std::string> names;
    fdt.for_each_child(parent, [&](FdtNode child) {
        names.emplace_back(fdt.name(child));
        return true;
    });
    return names;
}

// A small tree used by the header and malformed-input tests:
//   / { first = <0x11111111>; second = "two"; child@1 { reg = <1>; }; };
std::vector<uint8_t> small_tree() {
    std::vector<uint8_t> buffer(512);
    FdtBuilder b(buffer);
    b.begin_node("");
    b.property_u32("first", 0x11111111);
    b.property_string("second", "two");
    b.begin_node("child@1");
    b.property_u32("reg", 1);
    b.end_node();
    b.end_node();
    size_t size = b.finish().value_or(0);
    EXPECT_NE(size, 0u);
    buffer.resize(size);
    return buffer;
}

// ------------------------------------------------------ FdtProperty values

TEST(FdtProperty, CellAccessors) {
    const uint8_t bytes[] = {0x00, 0x00, 0x00, 0x01, 0x80, 0x00, 0x00, 0x00,
                             0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0};
    FdtProperty p{"p", bytes};
    EXPECT_EQ(p.u32(), 1u);
    EXPECT_EQ(p.u32(1), 0x80000000u);
    EXPECT_EQ(p.u32(3), 0x9abcdef0u);
    EXPECT_EQ(p.u32(4), 0u) << "index past the value must read as 0";
    EXPECT_EQ(p.cells(0, 2), 0x0000000180000000ull);
    EXPECT_EQ(p.cells(2, 2), 0x123456789abcdef0ull);
    EXPECT_EQ(p.cells(1, 1), 0x80000000ull);
    EXPECT_EQ(p.u64(), 0x0000000180000000ull);

    FdtProperty one_cell{"q", std::span<const uint8_t>(bytes + 4, 4)};
    EXPECT_EQ(one_cell.u64(), 0x80000000ull) << "a one-cell value is its own u64";
    FdtProperty short_value{"r", std::span<const uint8_t>(bytes, 3)};
    EXPECT_EQ(short_value.u32(), 0u);
}

TEST(FdtProperty, MoreThanTwoCellsReadAsZero) {
    const uint8_t value[12] = {0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3};
    FdtProperty p{"reg", value};
    EXPECT_EQ(p.cells(0, 2), 0x1'0000'0002u);
    EXPECT_EQ(p.cells(0, 3), 0u);
    EXPECT_EQ(p.cells(0, 0xFFFF'FFFF), 0u) << "returns at once";
}

TEST(FdtProperty, Strings) {
    const char list[] = "ns16550a\0ns16550\0snps,dw-apb-uart";  // plus the implicit NUL
    FdtProperty p{"compatible",
                  std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(list), sizeof(list))};
    EXPECT_EQ(p.string(), "ns16550a");
    EXPECT_TRUE(p.contains_string("ns16550a"));
    EXPECT_TRUE(p.contains_string("ns16550"));
    EXPECT_TRUE(p.contains_string("snps,dw-apb-uart"));
    EXPECT_FALSE(p.contains_string("ns1655"));
    EXPECT_FALSE(p.contains_string(std::string_view("ns16550a\0ns16550", 16)))
        << "two list entries are not one string";
    EXPECT_FALSE(p.contains_string("uart"));

    FdtProperty empty{"e", {}};
    EXPECT_EQ(empty.string(), "");
    EXPECT_FALSE(empty.contains_string("x"));
    FdtProperty invalid{};
    EXPECT_FALSE(invalid.valid());
}

// ---------------------------------------------------- builder, then reader

TEST(FdtBuilderAndReader, NamesNestingAndEveryPropertyKind) {
    std::vector<uint8_t> buffer(4096);
    FdtBuilder b(buffer);
    b.begin_node("");
    b.property_u32("#address-cells", 2);
    b.property_u32("#size-cells", 2);
    b.property_string("model", "builder test");
    const uint8_t compat[] = "vendor,board\0vendor,family";
    b.property("compatible", compat);
    b.begin_node("memory@80000000");
    b.property_string("device_type", "memory");
    b.property_cells("reg", {0x0, 0x80000000, 0x1, 0x00000000});
    b.end_node();
    b.begin_node("level1");
    b.property_u64("big", 0xfedcba9876543210ull);
    b.property_empty("flag");
    const uint8_t three[] = {0xa1, 0xb2, 0xc3};
    b.property("bytes", three);
    b.property_u32("after-bytes", 0xcafef00d);
    b.begin_node("level2@4");
    b.property_u32("reg", 4);
    b.begin_node("level3");
    b.property_string("deep", "yes");
    b.end_node();
    b.end_node();
    b.end_node();
    b.end_node();
    size_t size = b.finish().value_or(0);
    ASSERT_NE(size, 0u);

    Fdt fdt = Fdt::from(buffer.data());
    ASSERT_TRUE(fdt.valid());
    EXPECT_EQ(fdt.total_size(), size);
    EXPECT_EQ(fdt.name(fdt.root()), "");
    EXPECT_EQ(fdt.property(fdt.root(), "#address-cells").u32(), 2u);
    EXPECT_EQ(fdt.property(fdt.root(), "model").string(), "builder test");
    EXPECT_TRUE(fdt.is_compatible(fdt.root(), "vendor,family"));
    EXPECT_FALSE(fdt.is_compatible(fdt.root(), "vendor"));

    FdtNode memory;
    ASSERT_TRUE(fdt.find("/memory@80000000", memory));
    EXPECT_EQ(fdt.name(memory), "memory@80000000");
    FdtProperty reg = fdt.property(memory, "reg");
    EXPECT_EQ(reg.value.size(), 16u);
    EXPECT_EQ(reg.cells(0, 2), 0x80000000ull);
    EXPECT_EQ(reg.cells(2, 2), 0x100000000ull);

    FdtNode level1;
    ASSERT_TRUE(fdt.find("/level1", level1));
    EXPECT_EQ(fdt.property(level1, "big").u64(), 0xfedcba9876543210ull);
    EXPECT_EQ(fdt.property(level1, "big").value.size(), 8u);
    FdtProperty flag = fdt.property(level1, "flag");
    EXPECT_TRUE(flag.valid());
    EXPECT_TRUE(flag.value.empty());
    FdtProperty bytes = fdt.property(level1, "bytes");
    ASSERT_EQ(bytes.value.size(), 3u);
    EXPECT_EQ(bytes.value[0], 0xa1);
    EXPECT_EQ(bytes.value[2], 0xc3);
    EXPECT_EQ(fdt.property(level1, "after-bytes").u32(), 0xcafef00du)
        << "the value after a 3-byte property must be re-aligned";
    EXPECT_FALSE(fdt.property(level1, "missing").valid());
    EXPECT_FALSE(fdt.property(level1, "deep").valid()) << "a grandchild's property leaked up";

    FdtNode level3;
    ASSERT_TRUE(fdt.find("/level1/level2@4/level3", level3));
    EXPECT_EQ(fdt.name(level3), "level3");
    EXPECT_EQ(fdt.property(level3, "deep").string(), "yes");
    EXPECT_EQ(name_of(fdt, "/level1/level2/level3"), "level3");
}

TEST(FdtBuilderAndReader, NodeNamesOfEveryLengthModFour) {
    std::vector<uint8_t> buffer(2048);
    FdtBuilder b(buffer);
    b.begin_node("");
    const char* names[] = {"a", "ab", "abc", "abcd", "abcde", "abcdef", "abcdefg", "abcdefgh"};
    uint32_t value = 100;
    for (const char* n : names) {
        b.begin_node(n);
        b.property_u32("v", value++);
        b.end_node();
    }
    b.end_node();
    ASSERT_NE(b.finish().value_or(0), 0u);
    Fdt fdt = Fdt::from(buffer.data());
    ASSERT_TRUE(fdt.valid());
    value = 100;
    for (const char* n : names) {
        FdtNode node;
        ASSERT_TRUE(fdt.find(std::string("/") + n, node)) << n;
        EXPECT_EQ(fdt.name(node), n);
        EXPECT_EQ(fdt.property(node, "v").u32(), value++) << n;
    }
}

class FdtTreeTest : public ::testing::Test {
  protected:
    void SetUp() override {
        buffer_.resize(4096);
        FdtBuilder b(buffer_);
        b.begin_node("");
        b.begin_node("cpus");
        b.begin_node("cpu@0");
        b.property_u32("phandle", 7);
        b.end_node();
        b.begin_node("cpu@1");
        b.property_u32("phandle", 3);
        b.end_node();
        b.begin_node("cpu-map");
        b.end_node();
        b.end_node();
        b.begin_node("serial@10000000");
        b.property_u32("phandle", 0x20);
        b.end_node();
        b.begin_node("serial@10001000");
        b.end_node();
        b.begin_node("serial");
        b.end_node();
        b.begin_node("soc");
        b.begin_node("bus@0");
        b.begin_node("leaf@5");
        b.property_u32("phandle", 0x30);
        b.end_node();
        b.end_node();
        b.end_node();
        b.end_node();
        ASSERT_NE(b.finish().value_or(0), 0u);
        fdt_ = Fdt::from(buffer_.data());
        ASSERT_TRUE(fdt_.valid());
    }

    std::vector<uint8_t> buffer_;
    Fdt fdt_;
};

TEST_F(FdtTreeTest, FindWithAndWithoutUnitAddress) {
    EXPECT_EQ(name_of(fdt_, "/cpus/cpu@1"), "cpu@1");
    EXPECT_EQ(name_of(fdt_, "/cpus/cpu"), "cpu@0") << "first node of that name wins";
    EXPECT_EQ(name_of(fdt_, "/cpus/cpu-map"), "cpu-map");
    EXPECT_EQ(name_of(fdt_, "/serial@10001000"), "serial@10001000");
    EXPECT_EQ(name_of(fdt_, "/serial"), "serial@10000000");
    EXPECT_EQ(name_of(fdt_, "/soc/bus/leaf"), "leaf@5");
    EXPECT_EQ(name_of(fdt_, "/soc/bus@0/leaf@5"), "leaf@5");
    EXPECT_EQ(name_of(fdt_, "/soc/bus@0/leaf@5/"), "leaf@5");
    EXPECT_EQ(name_of(fdt_, "/"), "");
}

TEST_F(FdtTreeTest, FindRejectsWhatIsNotThere) {
    FdtNode node;
    EXPECT_FALSE(fdt_.find("/cpus/cpu@2", node));
    EXPECT_FALSE(fdt_.find("/serial@1000", node)) << "unit addresses must match whole";
    EXPECT_FALSE(fdt_.find("/ser", node)) << "names must match whole";
    EXPECT_FALSE(fdt_.find("/cpu", node)) << "cpu@0 is not a child of the root";
    EXPECT_FALSE(fdt_.find("/soc/leaf@5", node)) << "find must not search grandchildren";
    EXPECT_FALSE(fdt_.find("cpus", node)) << "paths are absolute";
    EXPECT_FALSE(fdt_.find("", node));
    Fdt invalid;
    EXPECT_FALSE(invalid.find("/", node));
}

TEST_F(FdtTreeTest, ForEachChildVisitsDirectChildrenInOrder) {
    EXPECT_EQ(
        child_names(fdt_, fdt_.root()),
        (std::vector<std::string>{"cpus", "serial@10000000", "serial@10001000", "serial", "soc"}));
    FdtNode cpus;
    ASSERT_TRUE(fdt_.find("/cpus", cpus));
    EXPECT_EQ(child_names(fdt_, cpus), (std::vector<std::string>{"cpu@0", "cpu@1", "cpu-map"}));
    FdtNode leaf;
    ASSERT_TRUE(fdt_.find("/soc/bus/leaf", leaf));
    EXPECT_TRUE(child_names(fdt_, leaf).empty());
}

TEST_F(FdtTreeTest, ForEachChildStopsWhenTheVisitorSaysSo) {
    int visits = 0;
    fdt_.for_each_child(fdt_.root(), [&](FdtNode) { return ++visits < 2; });
    EXPECT_EQ(visits, 2);
}

TEST_F(FdtTreeTest, ForEachNodeIsDepthFirst) {
    std::vector<std::string> names;
    fdt_.for_each_node([&](FdtNode node) {
        names.emplace_back(fdt_.name(node));
        return true;
    });
    EXPECT_EQ(names,
              (std::vector<std::string>{"", "cpus", "cpu@0", "cpu@1", "cpu-map", "serial@10000000",
                                        "serial@10001000", "serial", "soc", "bus@0", "leaf@5"}));
}

TEST_F(FdtTreeTest, FindByPhandle) {
    FdtNode node;
    ASSERT_TRUE(fdt_.find_by_phandle(3, node));
    EXPECT_EQ(fdt_.name(node), "cpu@1");
    ASSERT_TRUE(fdt_.find_by_phandle(7, node));
    EXPECT_EQ(fdt_.name(node), "cpu@0");
    ASSERT_TRUE(fdt_.find_by_phandle(0x30, node));
    EXPECT_EQ(fdt_.name(node), "leaf@5");
    ASSERT_TRUE(fdt_.find_by_phandle(0x20, node));
    EXPECT_EQ(fdt_.name(node), "serial@10000000");
    EXPECT_FALSE(fdt_.find_by_phandle(4, node));
    EXPECT_FALSE(fdt_.find_by_phandle(0, node));
}

// ----------------------------------------------------------- the builder

TEST(FdtBuilder, HeaderFollowsTheSpecification) {
    std::vector<uint8_t> blob = small_tree();
    const uint32_t total = header_field(blob, 4);
    const uint32_t off_struct = header_field(blob, 8);
    const uint32_t off_strings = header_field(blob, 12);
    const uint32_t off_rsvmap = header_field(blob, 16);
    const uint32_t size_strings = header_field(blob, 32);
    const uint32_t size_struct = header_field(blob, 36);
    EXPECT_EQ(header_field(blob, 0), 0xd00dfeedu);
    EXPECT_EQ(total, blob.size());
    EXPECT_EQ(header_field(blob, 20), 17u) << "version";
    EXPECT_LE(header_field(blob, 24), 17u) << "last_comp_version";
    EXPECT_GE(header_field(blob, 24), 16u) << "last_comp_version";
    EXPECT_EQ(off_rsvmap % 8, 0u);
    EXPECT_GE(off_rsvmap, 40u);
    for (size_t i = 0; i < 16; ++i) EXPECT_EQ(blob[off_rsvmap + i], 0) << "rsvmap terminator";
    EXPECT_EQ(off_struct % 4, 0u);
    EXPECT_GE(off_struct, off_rsvmap + 16);
    EXPECT_EQ(size_struct % 4, 0u);
    EXPECT_LE(off_struct + size_struct, off_strings);
    EXPECT_EQ(header_field(blob, off_struct), 1u) << "FDT_BEGIN_NODE first";
    EXPECT_EQ(header_field(blob, off_struct + size_struct - 4), 9u) << "FDT_END last";
    EXPECT_LE(off_strings + size_strings, total);
    // The strings block holds exactly the three names, each once.
    std::string strings(reinterpret_cast<const char*>(blob.data() + off_strings), size_strings);
    EXPECT_EQ(size_strings, std::string_view("first\0second\0reg\0", 17).size());
    EXPECT_NE(strings.find(std::string_view("first\0", 6)), std::string::npos);
    EXPECT_NE(strings.find(std::string_view("second\0", 7)), std::string::npos);
    EXPECT_NE(strings.find(std::string_view("reg\0", 4)), std::string::npos);
}

TEST(FdtBuilder, RepeatedPropertyNamesShareOneString) {
    std::vector<uint8_t> buffer(1024);
    FdtBuilder b(buffer);
    b.begin_node("");
    for (int i = 0; i < 5; ++i) {
        b.begin_node(i % 2 == 0 ? "even" : "odd");
        b.property_u32("reg", static_cast<uint32_t>(i));
        b.property_string("compatible", "x");
        b.end_node();
    }
    b.end_node();
    ASSERT_NE(b.finish().value_or(0), 0u);
    EXPECT_EQ(load_be32(buffer.data() + 32), sizeof("reg") + sizeof("compatible"));
}

TEST(FdtBuilder, WritesNothingPastTheReturnedSize) {
    std::vector<uint8_t> buffer(1024, 0xAA);
    FdtBuilder b(buffer);
    b.begin_node("");
    b.property_string("model", "x");
    b.end_node();
    size_t size = b.finish().value_or(0);
    ASSERT_NE(size, 0u);
    for (size_t i = size; i < buffer.size(); ++i) ASSERT_EQ(buffer[i], 0xAA) << "byte " << i;
}

// Builds the same tree into a buffer of `capacity` bytes.
size_t build_sample(std::vector<uint8_t>& buffer) {
    FdtBuilder b(buffer);
    b.begin_node("");
    b.property_u32("#address-cells", 2);
    b.begin_node("node@1234");
    b.property_string("compatible", "vendor,device");
    b.property_cells("reg", {1, 2, 3, 4});
    b.end_node();
    b.end_node();
    return b.finish().value_or(0);
}

TEST(FdtBuilder, ExactlyFittingBufferSucceedsOneByteLessFails) {
    std::vector<uint8_t> big(4096);
    const size_t needed = build_sample(big);
    ASSERT_NE(needed, 0u);

    std::vector<uint8_t> exact(needed);
    EXPECT_EQ(build_sample(exact), needed);
    EXPECT_EQ(exact, std::vector<uint8_t>(big.begin(), big.begin() + static_cast<long>(needed)));
    EXPECT_TRUE(Fdt::from(exact.data(), exact.size()).valid());

    for (size_t shortfall : {size_t{1}, size_t{4}, needed / 2, needed - 56, needed - 20}) {
        std::vector<uint8_t> small(needed - shortfall);
        EXPECT_EQ(build_sample(small), 0u) << "capacity " << small.size();
    }
}

TEST(FdtBuilder, BufferSmallerThanTheHeaderFails) {
    std::vector<uint8_t> tiny(16);
    EXPECT_EQ(build_sample(tiny), 0u);
    std::vector<uint8_t> none;
    EXPECT_EQ(build_sample(none), 0u);
}

TEST(FdtBuilder, StringTableOverflowFails) {
    std::vector<uint8_t> buffer(64 * 1024);
    FdtBuilder b(buffer);
    b.begin_node("");
    // 200 distinct names of about 12 bytes exceed the 1 KiB string table.
    for (int i = 0; i < 200; ++i) {
        char name[32];
        std::snprintf(name, sizeof(name), "property-%03d", i);
        b.property_u32(name, static_cast<uint32_t>(i));
    }
    b.end_node();
    EXPECT_EQ(b.finish().value_or(0), 0u);
}

TEST(FdtBuilder, TooManyCellsFails) {
    std::vector<uint8_t> buffer(4096);
    FdtBuilder b(buffer);
    b.begin_node("");
    b.property_cells("sixteen", {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16});
    b.end_node();
    ASSERT_NE(b.finish().value_or(0), 0u) << "16 cells fit";

    FdtBuilder c(buffer);
    c.begin_node("");
    c.property_cells("seventeen", {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17});
    c.end_node();
    EXPECT_EQ(c.finish().value_or(0), 0u);
}

TEST(FdtBuilder, UnclosedNodeFails) {
    std::vector<uint8_t> buffer(1024);
    FdtBuilder b(buffer);
    b.begin_node("");
    b.begin_node("child");
    b.end_node();
    EXPECT_EQ(b.finish().value_or(0), 0u);
}

TEST(FdtBuilder, ExtraEndNodeFails) {
    std::vector<uint8_t> buffer(1024);
    FdtBuilder b(buffer);
    b.begin_node("");
    b.end_node();
    b.end_node();
    EXPECT_EQ(b.finish().value_or(0), 0u);
}

TEST(FdtBuilder, ExtraEndNodeFollowedByBeginNodeFails) {
    // Regression (found by this test): FdtBuilder only compares the final depth with 0, so an
    // end_node() at depth 0 followed by a begin_node() nets out to depth 0 and
    // finish() returns a size for a structure block that is not a tree
    // (BEGIN "" END END BEGIN "late"). end_node() must flag depth < 0.
    std::vector<uint8_t> buffer(1024);
    FdtBuilder b(buffer);
    b.begin_node("");
    b.end_node();
    b.end_node();
    b.begin_node("late");
    EXPECT_EQ(b.finish().value_or(0), 0u);
}

// A property written in pieces reads back as if written at once, whatever
// the pieces' lengths (padding included).
TEST(FdtBuilder, PiecewisePropertyEqualsTheWholeOne) {
    for (size_t pieces = 0; pieces <= 6; ++pieces) {
        std::string value;
        std::vector<uint8_t> buffer(1024);
        FdtBuilder b(buffer);
        b.begin_node("");
        b.begin_property("riscv,isa-extensions");
        for (size_t i = 0; i < pieces; ++i) {
            const std::string piece = std::string(i, 'z') + '\0';
            b.append_to_property(piece);
            value += piece;
        }
        b.end_property();
        b.property_u32("after", 7);
        b.end_node();
        const size_t size = b.finish().value_or(0);
        ASSERT_NE(size, 0u);
        const Fdt fdt = Fdt::from(buffer.data(), size);
        ASSERT_TRUE(fdt.valid());
        const FdtProperty p = fdt.property(fdt.root(), "riscv,isa-extensions");
        ASSERT_TRUE(p.valid());
        EXPECT_EQ(std::string(reinterpret_cast<const char*>(p.value.data()), p.value.size()),
                  value);
        EXPECT_EQ(fdt.property(fdt.root(), "after").u32(), 7u);
    }
}

TEST(FdtBuilder, PiecewisePropertyThatOverflowsFails) {
    std::vector<uint8_t> buffer(128);
    FdtBuilder b(buffer);
    b.begin_node("");
    b.begin_property("long");
    for (int i = 0; i < 100; ++i) b.append_to_property("0123456789");
    b.end_property();
    b.end_node();
    const Result<size_t> built = b.finish();
    ASSERT_FALSE(built);
    EXPECT_EQ(built.error(), Error::kTooLarge);
}

TEST(FdtBuilder, PiecewisePropertyMisuseIsNotATree) {
    auto misuse = [](auto steps) {
        std::vector<uint8_t> buffer(1024);
        FdtBuilder b(buffer);
        b.begin_node("");
        steps(b);
        b.end_node();
        const Result<size_t> built = b.finish();
        return !built && built.error() == Error::kInvalidInput;
    };
    EXPECT_TRUE(misuse([](FdtBuilder& b) { b.begin_property("open"); }))
        << "never ended (the root's end_node comes inside it)";
    EXPECT_TRUE(misuse([](FdtBuilder& b) {
        b.begin_property("open");
        b.begin_node("child");
        b.end_node();
        b.end_property();
    }));
    EXPECT_TRUE(misuse([](FdtBuilder& b) {
        b.begin_property("open");
        b.property_u32("inside", 1);
        b.end_property();
    }));
    EXPECT_TRUE(misuse([](FdtBuilder& b) { b.end_property(); }));
    EXPECT_TRUE(misuse([](FdtBuilder& b) { b.append_to_property("x"); }));
    EXPECT_TRUE(misuse([](FdtBuilder& b) {
        b.begin_property("a");
        b.begin_property("b");
        b.end_property();
    }));
}

// --------------------------------------------------- Fdt::from validation

TEST(FdtFrom, AcceptsTheBuilderOutputAsIs) {
    std::vector<uint8_t> blob = small_tree();
    Fdt fdt = Fdt::from(blob.data(), blob.size());
    ASSERT_TRUE(fdt.valid());
    EXPECT_EQ(fdt.data(), blob.data());
    EXPECT_EQ(fdt.total_size(), blob.size());
}

TEST(FdtFrom, RejectsNull) {
    EXPECT_FALSE(Fdt::from(nullptr).valid());
}

TEST(FdtFrom, RejectsBadMagic) {
    std::vector<uint8_t> blob = small_tree();
    blob[3] ^= 0x01;
    EXPECT_FALSE(Fdt::from(blob.data(), blob.size()).valid());
    std::vector<uint8_t> zeros(256, 0);
    EXPECT_FALSE(Fdt::from(zeros.data(), zeros.size()).valid());
}

TEST(FdtFrom, RejectsVersionsBefore17) {
    std::vector<uint8_t> blob = small_tree();
    store_be32(blob, 20, 16);
    EXPECT_FALSE(Fdt::from(blob.data(), blob.size()).valid());
    store_be32(blob, 20, 1);
    EXPECT_FALSE(Fdt::from(blob.data(), blob.size()).valid());
    store_be32(blob, 20, 17);
    EXPECT_TRUE(Fdt::from(blob.data(), blob.size()).valid());
}

TEST(FdtFrom, RejectsATotalSizeBeyondTheLimit) {
    std::vector<uint8_t> blob = small_tree();
    EXPECT_TRUE(Fdt::from(blob.data(), blob.size()).valid());
    EXPECT_FALSE(Fdt::from(blob.data(), blob.size() - 1).valid());
}

TEST(FdtFrom, RejectsATotalSizeSmallerThanTheHeader) {
    std::vector<uint8_t> blob = small_tree();
    store_be32(blob, 4, 39);
    EXPECT_FALSE(Fdt::from(blob.data(), blob.size()).valid());
}

TEST(FdtFrom, RejectsAStructureBlockPastTheEnd) {
    std::vector<uint8_t> blob = small_tree();
    const uint32_t total = header_field(blob, 4);
    const uint32_t off_struct = header_field(blob, 8);
    std::vector<uint8_t> bad = blob;
    store_be32(bad, 8, total + 4);
    EXPECT_FALSE(Fdt::from(bad.data(), bad.size()).valid()) << "off_dt_struct past the end";
    bad = blob;
    store_be32(bad, 36, total - off_struct + 4);
    EXPECT_FALSE(Fdt::from(bad.data(), bad.size()).valid()) << "size_dt_struct past the end";
    bad = blob;
    store_be32(bad, 8, 0xfffffff0);
    EXPECT_FALSE(Fdt::from(bad.data(), bad.size()).valid()) << "offset that wraps";
    bad = blob;
    store_be32(bad, 36, 0xfffffffc);
    EXPECT_FALSE(Fdt::from(bad.data(), bad.size()).valid()) << "size that wraps";
}

TEST(FdtFrom, RejectsAStringsBlockPastTheEnd) {
    std::vector<uint8_t> blob = small_tree();
    const uint32_t total = header_field(blob, 4);
    const uint32_t off_strings = header_field(blob, 12);
    std::vector<uint8_t> bad = blob;
    store_be32(bad, 12, total + 1);
    EXPECT_FALSE(Fdt::from(bad.data(), bad.size()).valid()) << "off_dt_strings past the end";
    bad = blob;
    store_be32(bad, 32, total - off_strings + 1);
    EXPECT_FALSE(Fdt::from(bad.data(), bad.size()).valid()) << "size_dt_strings past the end";
}

TEST(FdtFrom, RejectsAMemoryReservationMapPastTheEnd) {
    // Regression (found by this test): Fdt::from checks off_dt_struct and off_dt_strings but never
    // off_mem_rsvmap (header offset 16). read_host_platform then walks the
    // reservation map with `offset + 16 <= total_size` in uint32_t, which
    // wraps for an offset near 2^32 and reads ~4 GiB past the blob.
    std::vector<uint8_t> blob = small_tree();
    const uint32_t total = header_field(blob, 4);
    std::vector<uint8_t> bad = blob;
    store_be32(bad, 16, total + 8);
    EXPECT_FALSE(Fdt::from(bad.data(), bad.size()).valid()) << "off_mem_rsvmap past the end";
    bad = blob;
    store_be32(bad, 16, 0xfffffff8);
    EXPECT_FALSE(Fdt::from(bad.data(), bad.size()).valid()) << "off_mem_rsvmap that wraps";
}

TEST(FdtFrom, RejectsAStructureBlockThatDoesNotStartWithANode) {
    std::vector<uint8_t> blob = small_tree();
    store_be32(blob, header_field(blob, 8), 3);  // FDT_PROP where FDT_BEGIN_NODE belongs
    EXPECT_FALSE(Fdt::from(blob.data(), blob.size()).valid());
}

// ------------------------------------------------------- malformed bodies

TEST(FdtProperties, ForEachPropertyVisitsThemInOrderSkippingNops) {
    std::vector<uint8_t> blob = small_tree();
    Fdt fdt = Fdt::from(blob.data(), blob.size());
    ASSERT_TRUE(fdt.valid());
    std::vector<std::string> names;
    fdt.for_each_property(fdt.root(), [&](const FdtProperty& p) {
        names.emplace_back(p.name);
        return true;
    });
    EXPECT_EQ(names, (std::vector<std::string>{"first", "second"})) << "not the child's reg";
    names.clear();
    fdt.for_each_property(fdt.root(), [&](const FdtProperty& p) {
        names.emplace_back(p.name);
        return false;
    });
    EXPECT_EQ(names, (std::vector<std::string>{"first"}));
    const uint32_t off_struct = header_field(blob, 8);
    for (uint32_t i = 0; i < 4; ++i)
        store_be32(blob, off_struct + 8 + 4 * i, 4);  // "first" -> NOPs
    fdt = Fdt::from(blob.data(), blob.size());
    names.clear();
    fdt.for_each_property(fdt.root(), [&](const FdtProperty& p) {
        names.emplace_back(p.name);
        return true;
    });
    EXPECT_EQ(names, (std::vector<std::string>{"second"}));
}

TEST(FdtMalformed, NopTokensAreSkipped) {
    std::vector<uint8_t> blob = small_tree();
    const uint32_t off_struct = header_field(blob, 8);
    // Root: BEGIN_NODE(4) name ""(4) then PROP "first": token, len, nameoff,
    // value = 16 bytes. Overwrite that property with four FDT_NOP tokens, as
    // libfdt's fdt_nop_property() does.
    ASSERT_EQ(header_field(blob, off_struct + 8), 3u);
    for (uint32_t i = 0; i < 4; ++i) store_be32(blob, off_struct + 8 + 4 * i, 4);
    Fdt fdt = Fdt::from(blob.data(), blob.size());
    ASSERT_TRUE(fdt.valid());
    EXPECT_FALSE(fdt.property(fdt.root(), "first").valid());
    EXPECT_EQ(fdt.property(fdt.root(), "second").string(), "two");
    EXPECT_EQ(child_names(fdt, fdt.root()), (std::vector<std::string>{"child@1"}));
    FdtNode child;
    ASSERT_TRUE(fdt.find("/child", child));
    EXPECT_EQ(fdt.property(child, "reg").u32(), 1u);
}

TEST(FdtMalformed, PropertyLengthPastTheStructureBlockIsRefused) {
    // A length that runs past the block would yield a value reaching outside
    // the blob: the whole tree is refused.
    std::vector<uint8_t> blob = small_tree();
    const uint32_t off_struct = header_field(blob, 8);
    const uint32_t size_struct = header_field(blob, 36);
    ASSERT_EQ(header_field(blob, off_struct + 8), 3u);
    store_be32(blob, off_struct + 12, size_struct);  // "first": length = whole block
    EXPECT_FALSE(Fdt::from(blob.data(), blob.size()).valid());
    store_be32(blob, off_struct + 12, 0xFFFFFFF8);  // wraps a 32-bit offset + 12 + length
    EXPECT_FALSE(Fdt::from(blob.data(), blob.size()).valid());
}

TEST(FdtMalformed, TruncatedStructureBlockIsRefused) {
    std::vector<uint8_t> blob = small_tree();
    // Claim the structure block ends right after the root's first property:
    // no FDT_END, unbalanced nodes.
    store_be32(blob, 36, 8 + 16);
    EXPECT_FALSE(Fdt::from(blob.data(), blob.size()).valid());
}

// Regression: Fdt::property() read a property's length and name offset
// without checking offset + 12 <= struct_size, so an FDT_PROP token in the
// last bytes of the block gave a value of any length beyond it.
TEST(FdtMalformed, PropertyHeaderInTheLastBytesOfTheBlock) {
    std::vector<uint8_t> blob = small_tree();
    const uint32_t off_struct = header_field(blob, 8);
    ASSERT_EQ(header_field(blob, off_struct + 8), 3u);
    store_be32(blob, 36, 8 + 4);  // the block ends right after the FDT_PROP token of "first"
    Fdt fdt = Fdt::from(blob.data(), blob.size());
    if (fdt.valid()) {
        FdtProperty first = fdt.property(fdt.root(), "first");
        EXPECT_FALSE(first.valid()) << "a property whose header is outside the block";
    }
    EXPECT_FALSE(fdt.valid());
}

// A structure block assembled token by token, wrapped in a valid header.
class RawTree {
  public:
    RawTree& token(uint32_t value) {
        for (int shift = 24; shift >= 0; shift -= 8)
            structs_.push_back(static_cast<uint8_t>(value >> shift));
        return *this;
    }
    RawTree& begin(std::string_view name) {
        token(1);
        structs_.insert(structs_.end(), name.begin(), name.end());
        structs_.push_back(0);
        pad();
        return *this;
    }
    RawTree& end() { return token(2); }
    RawTree& prop(uint32_t name_offset, std::string_view value) {
        token(3).token(static_cast<uint32_t>(value.size())).token(name_offset);
        structs_.insert(structs_.end(), value.begin(), value.end());
        pad();
        return *this;
    }
    RawTree& bytes(std::string_view raw) {
        structs_.insert(structs_.end(), raw.begin(), raw.end());
        return *this;
    }
    RawTree& finish() { return token(9); }

    // Header, empty reservation map, structure block, `strings`: sized exactly.
    std::vector<uint8_t> blob(std::string_view strings = std::string_view("name\0", 5)) const {
        std::vector<uint8_t> out(56, 0);
        out.insert(out.end(), structs_.begin(), structs_.end());
        const size_t off_strings = out.size();
        out.insert(out.end(), strings.begin(), strings.end());
        store_be32(out, 0, Fdt::kMagic);
        store_be32(out, 4, static_cast<uint32_t>(out.size()));
        store_be32(out, 8, 56);
        store_be32(out, 12, static_cast<uint32_t>(off_strings));
        store_be32(out, 16, 40);
        store_be32(out, 20, 17);
        store_be32(out, 24, 16);
        store_be32(out, 32, static_cast<uint32_t>(strings.size()));
        store_be32(out, 36, static_cast<uint32_t>(structs_.size()));
        return out;
    }

  private:
    void pad() {
        while (structs_.size() % 4 != 0) structs_.push_back(0);
    }
    std::vector<uint8_t> structs_;
};

bool accepted(const std::vector<uint8_t>& blob) {
    return Fdt::from(blob.data(), blob.size()).valid();
}

TEST(FdtMalformed, RawTreeHelperMakesAValidTree) {
    std::vector<uint8_t> blob =
        RawTree().begin("").prop(0, "v").begin("a").end().end().finish().blob();
    Fdt fdt = Fdt::from(blob.data(), blob.size());
    ASSERT_TRUE(fdt.valid());
    EXPECT_EQ(fdt.property(fdt.root(), "name").string(), "v");
    EXPECT_EQ(name_of(fdt, "/a"), "a");
}

TEST(FdtMalformed, UnbalancedOrUnterminatedStructuresAreRefused) {
    EXPECT_FALSE(accepted(RawTree().begin("").end().end().finish().blob())) << "extra END_NODE";
    EXPECT_FALSE(accepted(RawTree().begin("").begin("a").end().finish().blob())) << "root open";
    EXPECT_FALSE(accepted(RawTree().begin("").end().begin("b").end().finish().blob()))
        << "a second root";
    EXPECT_FALSE(accepted(RawTree().begin("").end().blob())) << "no FDT_END";
    EXPECT_FALSE(accepted(RawTree().begin("").token(7).end().finish().blob())) << "unknown token";
    EXPECT_FALSE(accepted(RawTree().begin("").end().prop(0, "x").finish().blob()))
        << "a property outside every node";
    EXPECT_FALSE(accepted(RawTree().token(1).bytes("abcd").blob())) << "name without its NUL";
    EXPECT_TRUE(accepted(RawTree().begin("").token(4).end().token(4).finish().blob()))
        << "FDT_NOP anywhere is fine";
}

TEST(FdtMalformed, PropertyNamesMustBeStringsInsideTheStringsBlock) {
    auto tree = RawTree().begin("").prop(0, "v").end().finish();
    EXPECT_TRUE(accepted(tree.blob()));
    EXPECT_FALSE(accepted(tree.blob(std::string_view("name", 4)))) << "no NUL in the block";
    EXPECT_FALSE(accepted(RawTree().begin("").prop(5, "v").end().finish().blob()))
        << "offset at the end of the strings block";
    EXPECT_FALSE(accepted(RawTree().begin("").prop(0xFFFFFFFF, "v").end().finish().blob()));
}

TEST(FdtMalformed, NestingBeyondTheLimitIsRefused) {
    auto nested = [](unsigned depth) {
        RawTree tree;
        tree.begin("");
        for (unsigned i = 1; i < depth; ++i) tree.begin("n");
        for (unsigned i = 0; i < depth; ++i) tree.end();
        return tree.finish().blob();
    };
    std::vector<uint8_t> deepest = nested(Fdt::kMaxDepth);
    Fdt fdt = Fdt::from(deepest.data(), deepest.size());
    ASSERT_TRUE(fdt.valid());
    FdtNode last{};
    fdt.for_each_node([&](FdtNode node) {
        last = node;
        return true;
    });
    FdtNode parent;
    EXPECT_TRUE(fdt.parent(last, parent)) << "parent() handles the deepest node allowed";
    EXPECT_FALSE(accepted(nested(Fdt::kMaxDepth + 1)));
}

// Accessors bound every read themselves, whatever node offset a caller passes.
TEST(FdtMalformed, AccessorsWithNodeOffsetsAnywhere) {
    std::vector<uint8_t> blob = small_tree();
    Fdt fdt = Fdt::from(blob.data(), blob.size());
    ASSERT_TRUE(fdt.valid());
    const uint32_t size_struct = header_field(blob, 36);
    for (uint32_t offset : {size_struct - 4, size_struct - 1, size_struct, size_struct + 4,
                            0x7FFFFFFFu, 0xFFFFFFF0u, 0xFFFFFFFCu, 0xFFFFFFFEu, 0xFFFFFFFFu}) {
        FdtNode node{offset};
        EXPECT_TRUE(fdt.name(node).empty()) << offset;
        EXPECT_FALSE(fdt.property(node, "first").valid()) << offset;
        EXPECT_TRUE(child_names(fdt, node).empty()) << offset;
        FdtNode parent;
        EXPECT_FALSE(fdt.parent(node, parent)) << offset;
    }
    // A property's offset is no node: property() does not read it as one.
    EXPECT_FALSE(fdt.property(FdtNode{8}, "second").valid());
}

// ----------------------------------------------------- against dtc itself

constexpr std::string_view kSampleDts = R"(/dts-v1/;
/memreserve/ 0x80000000 0x40000;
/ {
	#address-cells = <2>;
	#size-cells = <2>;
	compatible = "test,board", "test,generic";
	model = "Test Board";

	chosen {
		bootargs = "console=ttyS0 earlycon";
		stdout-path = "/soc/serial@10000000:115200";
	};

	memory@80000000 {
		device_type = "memory";
		reg = <0x0 0x80000000 0x0 0x40000000>;
	};

	cpus {
		#address-cells = <1>;
		#size-cells = <0>;
		timebase-frequency = <10000000>;

		cpu@0 {
			device_type = "cpu";
			reg = <0>;
			riscv,isa = "rv64imafdch_zicsr_zifencei";
			cpu0_intc: interrupt-controller {
				#address-cells = <0>;
				#interrupt-cells = <1>;
				interrupt-controller;
				compatible = "riscv,cpu-intc";
			};
		};

		cpu@1 {
			device_type = "cpu";
			reg = <1>;
			riscv,isa = "rv64imafdch_zicsr_zifencei";
			cpu1_intc: interrupt-controller {
				#address-cells = <0>;
				#interrupt-cells = <1>;
				interrupt-controller;
				compatible = "riscv,cpu-intc";
			};
		};
	};

	soc {
		#address-cells = <2>;
		#size-cells = <2>;
		compatible = "simple-bus";
		ranges;

		plic: interrupt-controller@c000000 {
			compatible = "sifive,plic-1.0.0", "riscv,plic0";
			reg = <0x0 0xc000000 0x0 0x600000>;
			#address-cells = <0>;
			#interrupt-cells = <1>;
			interrupt-controller;
			interrupts-extended = <&cpu0_intc 11>, <&cpu0_intc 9>,
			                      <&cpu1_intc 11>, <&cpu1_intc 9>;
			riscv,ndev = <96>;
		};

		serial@10000000 {
			compatible = "ns16550a";
			reg = <0x0 0x10000000 0x0 0x100>;
			interrupt-parent = <&plic>;
			interrupts = <10>;
			clock-frequency = <3686400>;
		};

		serial@10001000 {
			compatible = "ns16550a";
			reg = <0x0 0x10001000 0x0 0x100>;
			interrupt-parent = <&plic>;
			interrupts = <11>;
		};
	};

	misc {
		big = /bits/ 64 <0x123456789abcdef0>;
		bytes = [01 02 03];
		flag;
		fixed-phandle {
			phandle = <0x42>;
		};
	};
};
)";

TEST(FdtWithDtc, ReadsADtbCompiledByDtc) {
    if (!is_installed(kDtc)) GTEST_SKIP() << kDtc << " is not installed";
    std::vector<uint8_t> blob = compile_dts(kSampleDts, DtcWarnings::kFail);
    ASSERT_FALSE(blob.empty());
    Fdt fdt = Fdt::from(blob.data(), blob.size());
    ASSERT_TRUE(fdt.valid());
    EXPECT_EQ(fdt.total_size(), blob.size());

    EXPECT_EQ(fdt.property(fdt.root(), "model").string(), "Test Board");
    EXPECT_EQ(fdt.property(fdt.root(), "compatible").string(), "test,board");
    EXPECT_TRUE(fdt.is_compatible(fdt.root(), "test,generic"));
    EXPECT_EQ(child_names(fdt, fdt.root()),
              (std::vector<std::string>{"chosen", "memory@80000000", "cpus", "soc", "misc"}));

    FdtNode chosen;
    ASSERT_TRUE(fdt.find("/chosen", chosen));
    EXPECT_EQ(fdt.property(chosen, "bootargs").string(), "console=ttyS0 earlycon");
    EXPECT_EQ(fdt.property(chosen, "stdout-path").string(), "/soc/serial@10000000:115200");

    FdtNode memory;
    ASSERT_TRUE(fdt.find("/memory", memory));
    EXPECT_EQ(fdt.name(memory), "memory@80000000");
    EXPECT_EQ(fdt.property(memory, "reg").cells(0, 2), 0x80000000ull);
    EXPECT_EQ(fdt.property(memory, "reg").cells(2, 2), 0x40000000ull);

    FdtNode cpus;
    ASSERT_TRUE(fdt.find("/cpus", cpus));
    EXPECT_EQ(fdt.property(cpus, "timebase-frequency").u32(), 10000000u);
    EXPECT_EQ(child_names(fdt, cpus), (std::vector<std::string>{"cpu@0", "cpu@1"}));
    FdtNode cpu1;
    ASSERT_TRUE(fdt.find("/cpus/cpu@1", cpu1));
    EXPECT_EQ(fdt.property(cpu1, "reg").u32(), 1u);
    EXPECT_EQ(fdt.property(cpu1, "riscv,isa").string(), "rv64imafdch_zicsr_zifencei");

    FdtNode serial;
    ASSERT_TRUE(fdt.find("/soc/serial", serial));
    EXPECT_EQ(fdt.name(serial), "serial@10000000");
    EXPECT_EQ(fdt.property(serial, "reg").cells(0, 2), 0x10000000ull);
    EXPECT_EQ(fdt.property(serial, "clock-frequency").u32(), 3686400u);
    ASSERT_TRUE(fdt.find("/soc/serial@10001000", serial));
    EXPECT_EQ(fdt.property(serial, "interrupts").u32(), 11u);

    FdtNode misc;
    ASSERT_TRUE(fdt.find("/misc", misc));
    EXPECT_EQ(fdt.property(misc, "big").u64(), 0x123456789abcdef0ull);
    FdtProperty bytes = fdt.property(misc, "bytes");
    ASSERT_EQ(bytes.value.size(), 3u);
    EXPECT_EQ(bytes.value[0], 1);
    EXPECT_EQ(bytes.value[1], 2);
    EXPECT_EQ(bytes.value[2], 3);
    EXPECT_TRUE(fdt.property(misc, "flag").valid());
    EXPECT_TRUE(fdt.property(misc, "flag").value.empty());

    // The reservation map dtc wrote is where the header says.
    const uint32_t rsvmap = load_be32(blob.data() + 16);
    EXPECT_EQ(load_be64(blob.data() + rsvmap), 0x80000000ull);
    EXPECT_EQ(load_be64(blob.data() + rsvmap + 8), 0x40000ull);
}

TEST(FdtWithDtc, FollowsPhandlesDtcAssigned) {
    if (!is_installed(kDtc)) GTEST_SKIP() << kDtc << " is not installed";
    std::vector<uint8_t> blob = compile_dts(kSampleDts, DtcWarnings::kFail);
    ASSERT_FALSE(blob.empty());
    Fdt fdt = Fdt::from(blob.data(), blob.size());
    ASSERT_TRUE(fdt.valid());

    FdtNode serial, plic, node;
    ASSERT_TRUE(fdt.find("/soc/serial@10000000", serial));
    ASSERT_TRUE(fdt.find("/soc/interrupt-controller@c000000", plic));
    uint32_t parent = fdt.property(serial, "interrupt-parent").u32();
    EXPECT_NE(parent, 0u);
    ASSERT_TRUE(fdt.find_by_phandle(parent, node));
    EXPECT_EQ(node.offset, plic.offset);
    EXPECT_TRUE(fdt.is_compatible(node, "riscv,plic0"));

    // interrupts-extended = <&cpu0_intc 11 &cpu0_intc 9 &cpu1_intc 11 &cpu1_intc 9>
    FdtProperty ext = fdt.property(plic, "interrupts-extended");
    ASSERT_EQ(ext.value.size(), 32u);
    EXPECT_EQ(ext.u32(1), 11u);
    EXPECT_EQ(ext.u32(3), 9u);
    EXPECT_EQ(ext.u32(0), ext.u32(2));
    EXPECT_NE(ext.u32(0), ext.u32(4));
    FdtNode intc0, intc1, expected0, expected1;
    ASSERT_TRUE(fdt.find("/cpus/cpu@0/interrupt-controller", expected0));
    ASSERT_TRUE(fdt.find("/cpus/cpu@1/interrupt-controller", expected1));
    ASSERT_TRUE(fdt.find_by_phandle(ext.u32(0), intc0));
    ASSERT_TRUE(fdt.find_by_phandle(ext.u32(4), intc1));
    EXPECT_EQ(intc0.offset, expected0.offset);
    EXPECT_EQ(intc1.offset, expected1.offset);

    ASSERT_TRUE(fdt.find_by_phandle(0x42, node));
    EXPECT_EQ(fdt.name(node), "fixed-phandle");
}

// A tree with one property of every kind the builder writes.
size_t build_round_trip_tree(std::vector<uint8_t>& buffer) {
    FdtBuilder b(buffer);
    b.begin_node("");
    b.property_u32("#address-cells", 2);
    b.property_u32("#size-cells", 2);
    b.property_string("model", "Halyard round trip");
    const uint8_t compat[] = "halyard,test\0halyard,generic";
    b.property("compatible", compat);
    b.begin_node("chosen");
    b.property_string("bootargs", "console=hvc0 root=/dev/vda rw");
    b.property_u64("linux,initrd-start", 0x1'8800'0000ull);
    b.property_u64("linux,initrd-end", 0x1'8840'1000ull);
    b.end_node();
    b.begin_node("memory@180000000");
    b.property_string("device_type", "memory");
    b.property_cells("reg", {0x1, 0x80000000, 0x0, 0x10000000});
    b.end_node();
    b.begin_node("extras");
    b.property_empty("empty-flag");
    b.property_u32("answer", 42);
    const uint8_t odd[] = {0xde, 0xad, 0xbe, 0xef, 0x01};
    b.property("odd-bytes", odd);
    b.end_node();
    b.end_node();
    return b.finish().value_or(0);
}

TEST(FdtWithDtc, BuilderOutputDecompilesAndRoundTrips) {
    if (!is_installed(kDtc)) GTEST_SKIP() << kDtc << " is not installed";
    std::vector<uint8_t> buffer(4096);
    const size_t size = build_round_trip_tree(buffer);
    ASSERT_NE(size, 0u);

    TempFile dtb(kTempPrefix, ".dtb"), dts(kTempPrefix, ".dts"), again(kTempPrefix, ".dtb");
    dtb.write(buffer.data(), size);
    CommandResult r =
        run_command(std::string(kDtc) + " -I dtb -O dts -o " + dts.path() + " " + dtb.path());
    ASSERT_EQ(r.exit_code, 0) << r.stderr_text;
    EXPECT_EQ(r.stderr_text, "") << "dtc warned about the builder's output";
    const std::string text = dts.read_text();
    EXPECT_NE(text.find("model = \"Halyard round trip\";"), std::string::npos) << text;
    EXPECT_NE(text.find("compatible = \"halyard,test\\0halyard,generic\";"), std::string::npos)
        << text;
    EXPECT_NE(text.find("bootargs = \"console=hvc0 root=/dev/vda rw\";"), std::string::npos)
        << text;
    EXPECT_NE(text.find("memory@180000000 {"), std::string::npos) << text;
    EXPECT_NE(text.find("empty-flag;"), std::string::npos) << text;
    EXPECT_NE(text.find("odd-bytes = [de ad be ef 01];"), std::string::npos) << text;

    // Recompile dtc's source and read the values back.
    r = run_command(std::string(kDtc) + " -I dts -O dtb -o " + again.path() + " " + dts.path());
    ASSERT_EQ(r.exit_code, 0) << r.stderr_text;
    std::vector<uint8_t> blob = again.read_bytes();
    Fdt fdt = Fdt::from(blob.data(), blob.size());
    ASSERT_TRUE(fdt.valid());
    EXPECT_EQ(fdt.property(fdt.root(), "#address-cells").u32(), 2u);
    EXPECT_EQ(fdt.property(fdt.root(), "model").string(), "Halyard round trip");
    EXPECT_TRUE(fdt.is_compatible(fdt.root(), "halyard,generic"));
    FdtNode node;
    ASSERT_TRUE(fdt.find("/chosen", node));
    EXPECT_EQ(fdt.property(node, "linux,initrd-start").u64(), 0x1'8800'0000ull);
    EXPECT_EQ(fdt.property(node, "linux,initrd-end").u64(), 0x1'8840'1000ull);
    ASSERT_TRUE(fdt.find("/memory@180000000", node));
    EXPECT_EQ(fdt.property(node, "reg").cells(0, 2), 0x1'8000'0000ull);
    EXPECT_EQ(fdt.property(node, "reg").cells(2, 2), 0x1000'0000ull);
    EXPECT_EQ(fdt.property(node, "device_type").string(), "memory");
    ASSERT_TRUE(fdt.find("/extras", node));
    EXPECT_EQ(fdt.property(node, "answer").u32(), 42u);
    EXPECT_TRUE(fdt.property(node, "empty-flag").valid());
    EXPECT_EQ(fdt.property(node, "odd-bytes").value.size(), 5u);
    EXPECT_EQ(fdt.property(node, "odd-bytes").value[4], 0x01);
}

TEST(FdtWithDtc, DtcReserializesTheBuilderOutputWithoutErrors) {
    if (!is_installed(kDtc)) GTEST_SKIP() << kDtc << " is not installed";
    std::vector<uint8_t> buffer(4096);
    const size_t size = build_round_trip_tree(buffer);
    ASSERT_NE(size, 0u);
    TempFile dtb(kTempPrefix, ".dtb"), out(kTempPrefix, ".dtb");
    dtb.write(buffer.data(), size);
    // dtb -> dtb makes dtc parse every token and rebuild the string table.
    CommandResult r =
        run_command(std::string(kDtc) + " -I dtb -O dtb -o " + out.path() + " " + dtb.path());
    ASSERT_EQ(r.exit_code, 0) << r.stderr_text;
    EXPECT_EQ(r.stderr_text, "");
    std::vector<uint8_t> blob = out.read_bytes();
    Fdt fdt = Fdt::from(blob.data(), blob.size());
    ASSERT_TRUE(fdt.valid());
    FdtNode node;
    ASSERT_TRUE(fdt.find("/extras", node));
    EXPECT_EQ(fdt.property(node, "answer").u32(), 42u);
}

}  // namespace
}  // namespace halyard::testing
