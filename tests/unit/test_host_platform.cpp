// SPDX-License-Identifier: Apache-2.0
// Unit tests for reading the host device tree: a real QEMU virt DT dumped by
// qemu-system-riscv64 at test time, DTs compiled by dtc, and hand-built DTs
// (FdtBuilder) for the corner cases firmware and boards produce.

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "fake_host_console.hpp"
#include "fdt/fdt.hpp"
#include "fdt/fdt_builder.hpp"
#include "platform/host_platform.hpp"
#include "test_support.hpp"

namespace halyard::testing {
namespace {

constexpr const char* kQemu = "/usr/bin/qemu-system-riscv64";
constexpr uint64_t kMiB = 1ull << 20;
constexpr uint64_t kGiB = 1ull << 30;

// ---------------------------------------------------------------- helpers

// A tree whose root has #address-cells = #size-cells = 2 and whatever `body`
// adds.
std::vector<uint8_t> make_tree(const std::function<void(FdtBuilder&)>& body) {
    std::vector<uint8_t> buffer(16384);
    FdtBuilder b(buffer);
    b.begin_node("");
    b.property_u32("#address-cells", 2);
    b.property_u32("#size-cells", 2);
    b.property_string("compatible", "test,board");
    body(b);
    b.end_node();
    size_t size = b.finish().value_or(0);
    EXPECT_NE(size, 0u);
    buffer.resize(size);
    return buffer;
}

void add_memory(FdtBuilder& b, uint64_t base, uint64_t size) {
    char name[40];
    std::snprintf(name, sizeof(name), "memory@%llx", static_cast<unsigned long long>(base));
    b.begin_node(name);
    b.property_string("device_type", "memory");
    b.property_cells("reg", {static_cast<uint32_t>(base >> 32), static_cast<uint32_t>(base),
                             static_cast<uint32_t>(size >> 32), static_cast<uint32_t>(size)});
    b.end_node();
}

void add_cpu(FdtBuilder& b, uint32_t hart_id, const char* status = nullptr,
             const char* isa = "rv64imafdch_zicsr_zifencei_sstc") {
    char name[24];
    std::snprintf(name, sizeof(name), "cpu@%x", hart_id);
    b.begin_node(name);
    b.property_string("device_type", "cpu");
    b.property_u32("reg", hart_id);
    if (status != nullptr) b.property_string("status", status);
    b.property_string("compatible", "riscv");
    b.property_string("riscv,isa", isa);
    b.property_string("mmu-type", "riscv,sv48");
    b.end_node();
}

// /cpus with `count` okay harts 0..count-1 and the timebase on /cpus.
void add_cpus(FdtBuilder& b, unsigned count, uint32_t timebase = 10000000) {
    b.begin_node("cpus");
    b.property_u32("#address-cells", 1);
    b.property_u32("#size-cells", 0);
    if (timebase != 0) b.property_u32("timebase-frequency", timebase);
    for (unsigned i = 0; i < count; ++i) add_cpu(b, i, "okay");
    b.end_node();
}

void add_uart(FdtBuilder& b, uint64_t base, const char* compatible = "ns16550a") {
    char name[40];
    std::snprintf(name, sizeof(name), "serial@%llx", static_cast<unsigned long long>(base));
    b.begin_node(name);
    b.property_string("compatible", compatible);
    b.property_cells("reg",
                     {static_cast<uint32_t>(base >> 32), static_cast<uint32_t>(base), 0, 0x100});
    b.property_u32("clock-frequency", 3686400);
    b.end_node();
}

// memory, two harts, a timebase: the least Halyard runs on.
void add_minimal_board(FdtBuilder& b) {
    add_memory(b, 0x8000'0000, kGiB);
    add_cpus(b, 2);
}

// The platform's strings (isa, mmu_type) are views into `blob`: a test that
// reads them must keep its blob alive (a temporary dies with the statement).
bool read(const std::vector<uint8_t>& blob, HostPlatform& platform) {
    Fdt fdt = Fdt::from(blob.data(), blob.size());
    EXPECT_TRUE(fdt.valid());
    if (!fdt.valid()) return false;
    return read_host_platform(fdt, platform).ok();
}

// --------------------------------------------------------- QEMU virt's DT

TEST(HostPlatformQemu, ReadsTheDeviceTreeQemuVirtGenerates) {
    if (!is_installed(kQemu)) GTEST_SKIP() << kQemu << " is not installed";
    TempFile dtb("halyard_platform", ".dtb");
    CommandResult r =
        run_command(std::string(kQemu) + " -machine virt,dumpdtb=" + dtb.path() +
                    " -cpu rv64,h=true -smp 2 -m 1G -nographic -display none" + " >/dev/null");
    ASSERT_EQ(r.exit_code, 0) << r.stderr_text;
    std::vector<uint8_t> blob = dtb.read_bytes();
    ASSERT_FALSE(blob.empty()) << "QEMU wrote no DTB";
    Fdt fdt = Fdt::from(blob.data(), blob.size());
    ASSERT_TRUE(fdt.valid());

    HostPlatform p;
    ASSERT_TRUE(read_host_platform(fdt, p));
    ASSERT_EQ(p.memory_count, 1u);
    EXPECT_EQ(p.memory[0].base, 0x8000'0000u);
    EXPECT_EQ(p.memory[0].size, kGiB);
    EXPECT_EQ(p.timebase_frequency, 10000000u);

    ASSERT_EQ(p.hart_count, 2u);
    for (unsigned i = 0; i < 2; ++i) {
        SCOPED_TRACE("hart " + std::to_string(i));
        EXPECT_EQ(p.harts[i].hart_id, i);
        EXPECT_TRUE(p.harts[i].isa.usable());
        EXPECT_TRUE(p.harts[i].isa.has("h"));
        EXPECT_TRUE(p.harts[i].isa.has("a"));
        EXPECT_EQ(p.harts[i].mmu_type.substr(0, 8), "riscv,sv");
    }
    ASSERT_NE(p.hart(1), nullptr);
    EXPECT_EQ(p.hart(1)->hart_id, 1u);
    EXPECT_EQ(p.hart(2), nullptr);

    EXPECT_EQ(p.uart.base, 0x1000'0000u);
    EXPECT_EQ(p.uart.reg_shift, 0u);
    EXPECT_EQ(p.uart.reg_io_width, 1u);
    EXPECT_EQ(p.uart_clock_frequency, 3686400u);
    EXPECT_EQ(p.test_finisher_base, 0x10'0000u);
    EXPECT_EQ(p.initrd.size, 0u);
}

// ------------------------------------------------- hand-built trees: basics

TEST(HostPlatform, MinimalBoard) {
    HostPlatform p;
    const std::vector<uint8_t> blob = make_tree([](FdtBuilder& b) {
        add_minimal_board(b);
        b.begin_node("soc");
        b.property_u32("#address-cells", 2);
        b.property_u32("#size-cells", 2);
        add_uart(b, 0x1000'0000);
        b.end_node();
    });
    ASSERT_TRUE(read(blob, p));
    ASSERT_EQ(p.memory_count, 1u);
    EXPECT_EQ(p.memory[0].base, 0x8000'0000u);
    EXPECT_EQ(p.memory[0].size, kGiB);
    EXPECT_EQ(p.memory[0].end(), 0xC000'0000u);
    EXPECT_EQ(p.reserved_count, 0u);
    EXPECT_EQ(p.hart_count, 2u);
    EXPECT_EQ(p.timebase_frequency, 10000000u);
    EXPECT_EQ(p.harts[0].isa.form(), HartIsa::Form::kIsaString);
    EXPECT_TRUE(p.harts[0].isa.has("h"));
    EXPECT_TRUE(p.harts[0].isa.has("sstc"));
    EXPECT_EQ(p.harts[0].mmu_type, "riscv,sv48");
    EXPECT_EQ(p.uart.base, 0x1000'0000u);
    EXPECT_EQ(p.test_finisher_base, 0u) << "no sifive,test0 in this tree";
    EXPECT_EQ(p.initrd.size, 0u);
}

TEST(HostPlatform, ReadingResetsThePlatform) {
    HostPlatform p;
    p.memory_count = 5;
    p.hart_count = 7;
    p.reserved_count = 3;
    p.test_finisher_base = 0x1234;
    ASSERT_TRUE(read(make_tree(add_minimal_board), p));
    EXPECT_EQ(p.memory_count, 1u);
    EXPECT_EQ(p.hart_count, 2u);
    EXPECT_EQ(p.reserved_count, 0u);
    EXPECT_EQ(p.test_finisher_base, 0u);
}

TEST(HostPlatform, SeveralMemoryNodesAndRegEntries) {
    HostPlatform p;
    ASSERT_TRUE(read(make_tree([](FdtBuilder& b) {
                         b.begin_node("memory@80000000");
                         b.property_string("device_type", "memory");
                         b.property_cells("reg", {0, 0x8000'0000, 0, 0x4000'0000,  //
                                                  0x1, 0x0, 0x0, 0x8000'0000});
                         b.end_node();
                         add_memory(b, 0x4'0000'0000, 0x1'0000'0000);
                         add_cpus(b, 1);
                     }),
                     p));
    ASSERT_EQ(p.memory_count, 3u);
    EXPECT_EQ(p.memory[0].base, 0x8000'0000u);
    EXPECT_EQ(p.memory[0].size, kGiB);
    EXPECT_EQ(p.memory[1].base, 0x1'0000'0000u);
    EXPECT_EQ(p.memory[1].size, 2 * kGiB);
    EXPECT_EQ(p.memory[2].base, 0x4'0000'0000u);
    EXPECT_EQ(p.memory[2].size, 4 * kGiB);
}

TEST(HostPlatform, MemoryWithOneCellAddressesAndSizes) {
    std::vector<uint8_t> buffer(4096);
    FdtBuilder b(buffer);
    b.begin_node("");
    b.property_u32("#address-cells", 1);
    b.property_u32("#size-cells", 1);
    b.begin_node("memory@80000000");
    b.property_string("device_type", "memory");
    b.property_cells("reg", {0x8000'0000, 0x1000'0000});
    b.end_node();
    add_cpus(b, 1);
    b.end_node();
    ASSERT_NE(b.finish().value_or(0), 0u);
    HostPlatform p;
    ASSERT_TRUE(read(buffer, p));
    ASSERT_EQ(p.memory_count, 1u);
    EXPECT_EQ(p.memory[0].base, 0x8000'0000u);
    EXPECT_EQ(p.memory[0].size, 256 * kMiB);
}

TEST(HostPlatform, MemoryWithTheDefaultCellCounts) {
    // No #address-cells / #size-cells at the root: the specification's
    // defaults are 2 and 1.
    std::vector<uint8_t> buffer(4096);
    FdtBuilder b(buffer);
    b.begin_node("");
    b.begin_node("memory@80000000");
    b.property_string("device_type", "memory");
    b.property_cells("reg", {0x0, 0x8000'0000, 0x2000'0000});
    b.end_node();
    add_cpus(b, 1);
    b.end_node();
    ASSERT_NE(b.finish().value_or(0), 0u);
    HostPlatform p;
    ASSERT_TRUE(read(buffer, p));
    ASSERT_EQ(p.memory_count, 1u);
    EXPECT_EQ(p.memory[0].base, 0x8000'0000u);
    EXPECT_EQ(p.memory[0].size, 512 * kMiB);
}

// ------------------------------------------------------------- /chosen

TEST(HostPlatform, InitrdInOneCell) {
    HostPlatform p;
    ASSERT_TRUE(read(make_tree([](FdtBuilder& b) {
                         b.begin_node("chosen");
                         b.property_u32("linux,initrd-start", 0x8800'0000);
                         b.property_u32("linux,initrd-end", 0x8834'5000);
                         b.end_node();
                         add_minimal_board(b);
                     }),
                     p));
    EXPECT_EQ(p.initrd.base, 0x8800'0000u);
    EXPECT_EQ(p.initrd.size, 0x34'5000u);
}

TEST(HostPlatform, InitrdInTwoCells) {
    HostPlatform p;
    ASSERT_TRUE(read(make_tree([](FdtBuilder& b) {
                         b.begin_node("chosen");
                         b.property_u64("linux,initrd-start", 0x1'8800'0000);
                         b.property_u64("linux,initrd-end", 0x1'8900'0800);
                         b.end_node();
                         add_minimal_board(b);
                     }),
                     p));
    EXPECT_EQ(p.initrd.base, 0x1'8800'0000u);
    EXPECT_EQ(p.initrd.size, 0x100'0800u);
}

TEST(HostPlatform, InitrdWithMixedCellCounts) {
    HostPlatform p;
    ASSERT_TRUE(read(make_tree([](FdtBuilder& b) {
                         b.begin_node("chosen");
                         b.property_u32("linux,initrd-start", 0x8800'0000);
                         b.property_u64("linux,initrd-end", 0x8810'0000);
                         b.end_node();
                         add_minimal_board(b);
                     }),
                     p));
    EXPECT_EQ(p.initrd.base, 0x8800'0000u);
    EXPECT_EQ(p.initrd.size, 0x10'0000u);
}

TEST(HostPlatform, InitrdThatIsEmptyOrBackwardsIsIgnored) {
    for (uint32_t end : {0x8800'0000u, 0x87FF'0000u}) {
        HostPlatform p;
        ASSERT_TRUE(read(make_tree([end](FdtBuilder& b) {
                             b.begin_node("chosen");
                             b.property_u32("linux,initrd-start", 0x8800'0000);
                             b.property_u32("linux,initrd-end", end);
                             b.end_node();
                             add_minimal_board(b);
                         }),
                         p));
        EXPECT_EQ(p.initrd.size, 0u) << std::hex << end;
    }
}

TEST(HostPlatform, InitrdWithOnlyAStartIsIgnored) {
    HostPlatform p;
    ASSERT_TRUE(read(make_tree([](FdtBuilder& b) {
                         b.begin_node("chosen");
                         b.property_u32("linux,initrd-start", 0x8800'0000);
                         b.end_node();
                         add_minimal_board(b);
                     }),
                     p));
    EXPECT_EQ(p.initrd.size, 0u);
}

TEST(HostPlatform, StdoutPathWithOptionsSelectsThatUart) {
    HostPlatform p;
    ASSERT_TRUE(read(make_tree([](FdtBuilder& b) {
                         b.begin_node("chosen");
                         b.property_string("stdout-path", "/soc/serial@10001000:115200n8");
                         b.end_node();
                         add_minimal_board(b);
                         b.begin_node("soc");
                         b.property_u32("#address-cells", 2);
                         b.property_u32("#size-cells", 2);
                         add_uart(b, 0x1000'0000);
                         add_uart(b, 0x1000'1000);
                         b.end_node();
                     }),
                     p));
    EXPECT_EQ(p.uart.base, 0x1000'1000u);
}

TEST(HostPlatform, StdoutPathWithBaudOnly) {
    HostPlatform p;
    ASSERT_TRUE(read(make_tree([](FdtBuilder& b) {
                         b.begin_node("chosen");
                         b.property_string("stdout-path", "/soc/serial@10001000:115200");
                         b.end_node();
                         add_minimal_board(b);
                         b.begin_node("soc");
                         b.property_u32("#address-cells", 2);
                         b.property_u32("#size-cells", 2);
                         add_uart(b, 0x1000'0000);
                         add_uart(b, 0x1000'1000);
                         b.end_node();
                     }),
                     p));
    EXPECT_EQ(p.uart.base, 0x1000'1000u);
}

TEST(HostPlatform, StdoutPathToNothingFallsBackToTheFirstNs16550) {
    HostPlatform p;
    ASSERT_TRUE(read(make_tree([](FdtBuilder& b) {
                         b.begin_node("chosen");
                         b.property_string("stdout-path", "/soc/serial@20000000:115200");
                         b.end_node();
                         add_minimal_board(b);
                         b.begin_node("soc");
                         b.property_u32("#address-cells", 2);
                         b.property_u32("#size-cells", 2);
                         add_uart(b, 0x1000'2000, "ns16550");
                         add_uart(b, 0x1000'3000);
                         b.end_node();
                     }),
                     p));
    EXPECT_EQ(p.uart.base, 0x1000'2000u);
}

TEST(HostPlatform, StdoutPathToANonNs16550FallsBackToTheFirstNs16550) {
    HostPlatform p;
    ASSERT_TRUE(read(make_tree([](FdtBuilder& b) {
                         b.begin_node("chosen");
                         b.property_string("stdout-path", "/soc/serial@10000000");
                         b.end_node();
                         add_minimal_board(b);
                         b.begin_node("soc");
                         b.property_u32("#address-cells", 2);
                         b.property_u32("#size-cells", 2);
                         add_uart(b, 0x1000'0000, "sifive,uart0");
                         add_uart(b, 0x1000'3000);
                         b.end_node();
                     }),
                     p));
    EXPECT_EQ(p.uart.base, 0x1000'3000u);
}

TEST(HostPlatform, UartRegShiftIoWidthAndClock) {
    HostPlatform p;
    ASSERT_TRUE(read(make_tree([](FdtBuilder& b) {
                         add_minimal_board(b);
                         b.begin_node("soc");
                         b.property_u32("#address-cells", 2);
                         b.property_u32("#size-cells", 2);
                         b.begin_node("serial@2500000");
                         const uint8_t compat[] = "snps,dw-apb-uart\0ns16550a";
                         b.property("compatible", compat);
                         b.property_cells("reg", {0, 0x250'0000, 0, 0x400});
                         b.property_u32("reg-shift", 2);
                         b.property_u32("reg-io-width", 4);
                         b.property_u32("clock-frequency", 24000000);
                         b.end_node();
                         b.end_node();
                     }),
                     p));
    EXPECT_EQ(p.uart.base, 0x250'0000u);
    EXPECT_EQ(p.uart.reg_shift, 2u);
    EXPECT_EQ(p.uart.reg_io_width, 4u);
    EXPECT_EQ(p.uart_clock_frequency, 24000000u);
}

TEST(HostPlatform, UartUnderABusWithTwoAddressCellsAndOneSizeCell) {
    // Regression (found by this test): read_uart (and the sifive,test0 lookup) ignore the parent
    // bus's #address-cells and guess from the reg length: 16+ bytes are read as
    // a 2-cell address, anything shorter as 1 cell. With #address-cells = 2,
    // #size-cells = 1 the reg is 12 bytes and u32() returns the high address
    // cell (0) instead of 0x10000000. Use the parent's cells_of() as
    // for_each_reg does.
    HostPlatform p;
    ASSERT_TRUE(read(make_tree([](FdtBuilder& b) {
                         add_minimal_board(b);
                         b.begin_node("soc");
                         b.property_u32("#address-cells", 2);
                         b.property_u32("#size-cells", 1);
                         b.begin_node("serial@10000000");
                         b.property_string("compatible", "ns16550a");
                         b.property_cells("reg", {0x0, 0x1000'0000, 0x100});
                         b.end_node();
                         b.begin_node("test@100000");
                         b.property_string("compatible", "sifive,test0");
                         b.property_cells("reg", {0x0, 0x10'0000, 0x1000});
                         b.end_node();
                         b.end_node();
                     }),
                     p));
    EXPECT_EQ(p.uart.base, 0x1000'0000u);
    EXPECT_EQ(p.test_finisher_base, 0x10'0000u);
}

TEST(HostPlatform, TestFinisherFromACompatibleList) {
    HostPlatform p;
    ASSERT_TRUE(read(make_tree([](FdtBuilder& b) {
                         add_minimal_board(b);
                         b.begin_node("soc");
                         b.property_u32("#address-cells", 2);
                         b.property_u32("#size-cells", 2);
                         b.begin_node("test@100000");
                         const uint8_t compat[] = "sifive,test1\0sifive,test0\0syscon";
                         b.property("compatible", compat);
                         b.property_cells("reg", {0, 0x10'0000, 0, 0x1000});
                         b.end_node();
                         b.end_node();
                     }),
                     p));
    EXPECT_EQ(p.test_finisher_base, 0x10'0000u);
}

// ------------------------------------------------------------ /reserved-memory

TEST(HostPlatform, ReservedMemoryChildren) {
    HostPlatform p;
    ASSERT_TRUE(read(make_tree([](FdtBuilder& b) {
                         add_minimal_board(b);
                         b.begin_node("reserved-memory");
                         b.property_u32("#address-cells", 2);
                         b.property_u32("#size-cells", 2);
                         b.property_empty("ranges");
                         b.begin_node("mmode_resv1@80000000");
                         b.property_cells("reg", {0, 0x8000'0000, 0, 0x2'0000});
                         b.property_empty("no-map");
                         b.end_node();
                         b.begin_node("mmode_resv0@80020000");
                         b.property_cells("reg", {0, 0x8002'0000, 0, 0x2'0000});
                         b.property_empty("no-map");
                         b.end_node();
                         // A dynamic allocation request has no reg: nothing fixed.
                         b.begin_node("linux,cma");
                         b.property_string("compatible", "shared-dma-pool");
                         b.property_u64("size", 0x400'0000);
                         b.property_empty("reusable");
                         b.end_node();
                         b.end_node();
                     }),
                     p));
    ASSERT_EQ(p.reserved_count, 2u);
    EXPECT_EQ(p.reserved[0].base, 0x8000'0000u);
    EXPECT_EQ(p.reserved[0].size, 0x2'0000u);
    EXPECT_EQ(p.reserved[1].base, 0x8002'0000u);
    EXPECT_EQ(p.reserved[1].size, 0x2'0000u);
}

TEST(HostPlatform, ReservedMemoryWithOneCellAddressesAndSizes) {
    HostPlatform p;
    ASSERT_TRUE(read(make_tree([](FdtBuilder& b) {
                         add_minimal_board(b);
                         b.begin_node("reserved-memory");
                         b.property_u32("#address-cells", 1);
                         b.property_u32("#size-cells", 1);
                         b.property_empty("ranges");
                         b.begin_node("opensbi@80000000");
                         b.property_cells("reg", {0x8000'0000, 0x4'0000,  //
                                                  0x8010'0000, 0x1000});
                         b.end_node();
                         b.end_node();
                     }),
                     p));
    ASSERT_EQ(p.reserved_count, 2u);
    EXPECT_EQ(p.reserved[0].base, 0x8000'0000u);
    EXPECT_EQ(p.reserved[0].size, 0x4'0000u);
    EXPECT_EQ(p.reserved[1].base, 0x8010'0000u);
    EXPECT_EQ(p.reserved[1].size, 0x1000u);
}

TEST(HostPlatform, MemreserveEntriesFromDtc) {
    if (!is_installed(kDtc)) GTEST_SKIP() << kDtc << " is not installed";
    std::vector<uint8_t> blob = compile_dts(R"(/dts-v1/;
/memreserve/ 0x80000000 0x40000;
/memreserve/ 0x87e00000 0x200000;
/ {
	#address-cells = <2>;
	#size-cells = <2>;
	memory@80000000 {
		device_type = "memory";
		reg = <0x0 0x80000000 0x0 0x40000000>;
	};
	reserved-memory {
		#address-cells = <2>;
		#size-cells = <2>;
		ranges;
		fw@80200000 {
			reg = <0x0 0x80200000 0x0 0x10000>;
			no-map;
		};
	};
	cpus {
		#address-cells = <1>;
		#size-cells = <0>;
		timebase-frequency = <1000000>;
		cpu@0 {
			device_type = "cpu";
			reg = <0>;
			riscv,isa = "rv64imafdch";
		};
	};
};
)",
                                            DtcWarnings::kAllow);
    ASSERT_FALSE(blob.empty());
    HostPlatform p;
    ASSERT_TRUE(read(blob, p));
    ASSERT_EQ(p.reserved_count, 3u);
    EXPECT_EQ(p.reserved[0].base, 0x8020'0000u) << "the /reserved-memory node";
    EXPECT_EQ(p.reserved[0].size, 0x1'0000u);
    EXPECT_EQ(p.reserved[1].base, 0x8000'0000u) << "first /memreserve/";
    EXPECT_EQ(p.reserved[1].size, 0x4'0000u);
    EXPECT_EQ(p.reserved[2].base, 0x87E0'0000u) << "second /memreserve/";
    EXPECT_EQ(p.reserved[2].size, 0x20'0000u);
    EXPECT_EQ(p.timebase_frequency, 1000000u);
}

TEST(HostPlatform, AMemoryReservationMapOffsetThatWrapsDoesNotCrash) {
    // Regression (found by this test): Fdt::from does not check off_mem_rsvmap, and read_memory
    // (host_platform.cpp) walks the map with `offset + 16 <= fdt.total_size()`
    // in uint32_t: for off_mem_rsvmap = 0xfffffff8 the sum wraps to 8, the
    // loop runs and load_be64(header + 0xfffffff8) reads 4 GiB past the blob
    // (SIGSEGV). Either Fdt::from rejects the header or the loop must compare
    // without wrapping (offset <= total_size - 16).
    std::vector<uint8_t> blob = make_tree(add_minimal_board);
    blob[16] = 0xff;
    blob[17] = 0xff;
    blob[18] = 0xff;
    blob[19] = 0xf8;
    Fdt fdt = Fdt::from(blob.data(), blob.size());
    if (!fdt.valid()) return;  // rejected up front: nothing to crash on
    GTEST_FLAG_SET(death_test_style, "threadsafe");
    EXPECT_EXIT(
        {
            HostPlatform p;
            (void)read_host_platform(fdt, p);  // only that it returns
            std::exit(0);
        },
        ::testing::ExitedWithCode(0), "");
}

// --------------------------------------------------------------- capacities

// /reserved-memory with `count` children of one page each, 2 MiB apart.
void add_reserved_memory(FdtBuilder& b, unsigned count) {
    b.begin_node("reserved-memory");
    b.property_u32("#address-cells", 2);
    b.property_u32("#size-cells", 2);
    b.property_empty("ranges");
    for (unsigned i = 0; i < count; ++i) {
        const uint64_t base = 0x8000'0000 + i * 2 * kMiB;
        char name[40];
        std::snprintf(name, sizeof(name), "fw@%llx", static_cast<unsigned long long>(base));
        b.begin_node(name);
        b.property_cells("reg", {0, static_cast<uint32_t>(base), 0, 0x1000});
        b.end_node();
    }
    b.end_node();
}

TEST(HostPlatform, ReservedRangesUpToTheCapacityAreKept) {
    HostPlatform p;
    ASSERT_TRUE(read(make_tree([](FdtBuilder& b) {
                         add_minimal_board(b);
                         add_reserved_memory(b, HostPlatform::kMaxReservedRanges);
                     }),
                     p));
    ASSERT_EQ(p.reserved_count, HostPlatform::kMaxReservedRanges);
    EXPECT_EQ(p.reserved[HostPlatform::kMaxReservedRanges - 1].base,
              0x8000'0000 + (HostPlatform::kMaxReservedRanges - 1) * 2 * kMiB);
}

// Regression: reserved ranges beyond the table were dropped silently, so a
// firmware-reserved range could become guest RAM.
TEST(HostPlatform, ReservedRangesBeyondTheCapacityAreRefused) {
    HostPlatform p;
    fake::host_console.output.clear();
    EXPECT_FALSE(read(make_tree([](FdtBuilder& b) {
                          add_minimal_board(b);
                          add_reserved_memory(b, HostPlatform::kMaxReservedRanges + 1);
                      }),
                      p));
    EXPECT_NE(fake::host_console.output.find("reserves more than"), std::string::npos)
        << fake::host_console.output;
}

TEST(HostPlatform, MemreserveEntriesBeyondTheCapacityAreRefused) {
    if (!is_installed(kDtc)) GTEST_SKIP() << kDtc << " is not installed";
    auto dts = [](unsigned node_entries, unsigned memreserve_entries) {
        std::string text = "/dts-v1/;\n";
        for (unsigned i = 0; i < memreserve_entries; ++i)
            text += "/memreserve/ " + std::to_string(0x9000'0000ull + i * 0x10000) + " 0x1000;\n";
        text += R"(/ {
	#address-cells = <2>;
	#size-cells = <2>;
	memory@80000000 { device_type = "memory"; reg = <0x0 0x80000000 0x0 0x40000000>; };
	cpus {
		#address-cells = <1>;
		#size-cells = <0>;
		timebase-frequency = <1000000>;
		cpu@0 { device_type = "cpu"; reg = <0>; riscv,isa = "rv64imafdch"; };
	};
	reserved-memory {
		#address-cells = <2>;
		#size-cells = <2>;
		ranges;
)";
        for (unsigned i = 0; i < node_entries; ++i)
            text += "\t\tfw@" + std::to_string(i) + " { reg = <0x0 " +
                    std::to_string(0x8000'0000ull + i * 0x10000) + " 0x0 0x1000>; };\n";
        text += "\t};\n};\n";
        return compile_dts(text, DtcWarnings::kAllow);
    };
    const unsigned half = HostPlatform::kMaxReservedRanges / 2;
    HostPlatform p;
    std::vector<uint8_t> full = dts(half, HostPlatform::kMaxReservedRanges - half);
    ASSERT_FALSE(full.empty());
    ASSERT_TRUE(read(full, p));
    EXPECT_EQ(p.reserved_count, HostPlatform::kMaxReservedRanges);
    std::vector<uint8_t> one_more = dts(half, HostPlatform::kMaxReservedRanges - half + 1);
    ASSERT_FALSE(one_more.empty());
    EXPECT_FALSE(read(one_more, p)) << "the last /memreserve/ entry must not be dropped";
}

TEST(HostPlatform, MemoryRangesBeyondTheCapacityAreIgnoredWithALogLine) {
    HostPlatform p;
    fake::host_console.output.clear();
    ASSERT_TRUE(read(make_tree([](FdtBuilder& b) {
                         for (unsigned i = 0; i < HostPlatform::kMaxMemoryRanges + 2; ++i)
                             add_memory(b, 0x8000'0000 + i * kGiB, 64 * kMiB);
                         add_cpus(b, 1);
                     }),
                     p));
    EXPECT_EQ(p.memory_count, HostPlatform::kMaxMemoryRanges);
    EXPECT_NE(fake::host_console.output.find("2 memory ranges beyond"), std::string::npos)
        << fake::host_console.output;
}

TEST(HostPlatform, RangesWhoseEndWrapsAreClampedToTheTopOfTheAddressSpace) {
    HostPlatform p;
    ASSERT_TRUE(read(make_tree([](FdtBuilder& b) {
                         add_minimal_board(b);
                         b.begin_node("reserved-memory");
                         b.property_u32("#address-cells", 2);
                         b.property_u32("#size-cells", 2);
                         b.begin_node("all@80000000");
                         b.property_cells("reg", {0, 0x8000'0000, 0xFFFF'FFFF, 0xFFFF'FFFF});
                         b.end_node();
                         b.end_node();
                     }),
                     p));
    ASSERT_EQ(p.reserved_count, 1u);
    EXPECT_EQ(p.reserved[0].base, 0x8000'0000u);
    EXPECT_EQ(p.reserved[0].end(), ~uint64_t{0});
    EXPECT_TRUE(p.reserved[0].overlaps(0xC000'0000, 4096));
}

TEST(HostPlatform, UnsupportedUartRegShiftFallsBackToTheFirmwareConsole) {
    HostPlatform p;
    ASSERT_TRUE(read(make_tree([](FdtBuilder& b) {
                         add_minimal_board(b);
                         b.begin_node("serial@10000000");
                         b.property_string("compatible", "ns16550a");
                         b.property_cells("reg", {0, 0x1000'0000, 0, 0x100});
                         b.property_u32("reg-shift", 64);  // would shift by 64 bits
                         b.end_node();
                     }),
                     p));
    EXPECT_EQ(p.uart.base, 0u);
    EXPECT_EQ(p.uart.reg_shift, 0u);
}

// Found by fuzz_host_platform: /cpus #address-cells = 0xffffffff made
// reading a hart id loop over 2^32 cells (the boot hung).
TEST(HostPlatform, HartIdsWithAnUnusableAddressCellCountAreRefused) {
    HostPlatform p;
    fake::host_console.output.clear();
    EXPECT_FALSE(read(make_tree([](FdtBuilder& b) {
                          add_memory(b, 0x8000'0000, kGiB);
                          b.begin_node("cpus");
                          b.property_u32("#address-cells", 0xFFFF'FFFF);
                          b.property_u32("#size-cells", 0);
                          b.property_u32("timebase-frequency", 10000000);
                          add_cpu(b, 0);
                          b.end_node();
                      }),
                      p));
    EXPECT_NE(fake::host_console.output.find("#address-cells"), std::string::npos)
        << fake::host_console.output;
}

TEST(HostPlatform, HartsBeyondTheCapacityAreIgnoredWithALogLine) {
    HostPlatform p;
    fake::host_console.output.clear();
    ASSERT_TRUE(read(make_tree([](FdtBuilder& b) {
                         add_memory(b, 0x8000'0000, kGiB);
                         add_cpus(b, HostPlatform::kMaxHarts + 1);
                     }),
                     p));
    EXPECT_EQ(p.hart_count, HostPlatform::kMaxHarts);
    EXPECT_NE(fake::host_console.output.find("1 harts beyond"), std::string::npos)
        << fake::host_console.output;
}

// ------------------------------------------------------------------ harts

TEST(HostPlatform, DisabledHartsAreSkipped) {
    HostPlatform p;
    ASSERT_TRUE(read(make_tree([](FdtBuilder& b) {
                         add_memory(b, 0x8000'0000, kGiB);
                         b.begin_node("cpus");
                         b.property_u32("#address-cells", 1);
                         b.property_u32("#size-cells", 0);
                         b.property_u32("timebase-frequency", 10000000);
                         add_cpu(b, 0, "disabled");  // e.g. an S7 monitor core
                         add_cpu(b, 1, "okay");
                         add_cpu(b, 2);  // no status: okay
                         add_cpu(b, 3, "ok");
                         add_cpu(b, 4, "fail");
                         b.begin_node("cpu-map");
                         b.begin_node("cluster0");
                         b.end_node();
                         b.end_node();
                         b.end_node();
                     }),
                     p));
    ASSERT_EQ(p.hart_count, 3u);
    EXPECT_EQ(p.harts[0].hart_id, 1u);
    EXPECT_EQ(p.harts[1].hart_id, 2u);
    EXPECT_EQ(p.harts[2].hart_id, 3u);
    EXPECT_EQ(p.hart(0), nullptr);
    ASSERT_NE(p.hart(2), nullptr);
    EXPECT_EQ(p.hart(2)->hart_id, 2u);
    EXPECT_EQ(p.hart(4), nullptr);
}

TEST(HostPlatform, HartIdsComeFromReg) {
    HostPlatform p;
    const std::vector<uint8_t> blob = make_tree([](FdtBuilder& b) {
        add_memory(b, 0x8000'0000, kGiB);
        b.begin_node("cpus");
        b.property_u32("#address-cells", 1);
        b.property_u32("#size-cells", 0);
        b.property_u32("timebase-frequency", 4000000);
        add_cpu(b, 0x10, nullptr, "rv64imafdc");
        add_cpu(b, 0x11);
        b.end_node();
    });
    ASSERT_TRUE(read(blob, p));
    ASSERT_EQ(p.hart_count, 2u);
    EXPECT_EQ(p.harts[0].hart_id, 0x10u);
    EXPECT_TRUE(p.harts[0].isa.has("f"));
    EXPECT_FALSE(p.harts[0].isa.has("h"));
    EXPECT_EQ(p.harts[1].hart_id, 0x11u);
    ASSERT_NE(p.hart(0x11), nullptr);
    EXPECT_TRUE(p.hart(0x11)->isa.has("h"));
}

// A cache-block size is one cell holding a power of two no larger than a
// page; anything else is not a size any hart has and is read as unknown.
TEST(HostPlatform, CacheBlockSizesOfTheCmoExtensions) {
    struct Case {
        std::vector<uint32_t> cells;
        uint32_t expected;
    };
    for (const Case& c :
         {Case{{64}, 64}, Case{{32}, 32}, Case{{4096}, 4096}, Case{{0}, 0}, Case{{48}, 0},
          Case{{8192}, 0}, Case{{0x80000000}, 0}, Case{{0, 64}, 0}, Case{{}, 0}}) {
        SCOPED_TRACE(c.cells.empty() ? "empty" : std::to_string(c.cells.back()));
        const std::vector<uint8_t> blob = make_tree([&](FdtBuilder& b) {
            add_memory(b, 0x8000'0000, kGiB);
            b.begin_node("cpus");
            b.property_u32("#address-cells", 1);
            b.property_u32("#size-cells", 0);
            b.property_u32("timebase-frequency", 1000000);
            b.begin_node("cpu@0");
            b.property_string("device_type", "cpu");
            b.property_u32("reg", 0);
            b.property_string("riscv,isa", "rv64imafdch_zicbom_zicboz_zicbop");
            std::vector<uint8_t> bytes;
            for (uint32_t cell : c.cells)
                for (int shift = 24; shift >= 0; shift -= 8)
                    bytes.push_back(static_cast<uint8_t>(cell >> shift));
            b.property("riscv,cbom-block-size", bytes);
            b.property_u32("riscv,cboz-block-size", 64);
            b.end_node();
            b.end_node();
        });
        HostPlatform p;
        ASSERT_TRUE(read(blob, p));
        EXPECT_EQ(p.harts[0].cache_blocks.cbom, c.expected);
        EXPECT_EQ(p.harts[0].cache_blocks.cboz, 64u);
        EXPECT_EQ(p.harts[0].cache_blocks.cbop, 0u) << "absent";
    }
}

TEST(HostPlatform, TimebaseOnTheCpuNode) {
    HostPlatform p;
    ASSERT_TRUE(read(make_tree([](FdtBuilder& b) {
                         add_memory(b, 0x8000'0000, kGiB);
                         b.begin_node("cpus");
                         b.property_u32("#address-cells", 1);
                         b.property_u32("#size-cells", 0);
                         b.begin_node("cpu@0");
                         b.property_string("device_type", "cpu");
                         b.property_u32("reg", 0);
                         b.property_string("riscv,isa", "rv64imafdch");
                         b.property_u32("timebase-frequency", 1000000);
                         b.end_node();
                         b.end_node();
                     }),
                     p));
    EXPECT_EQ(p.timebase_frequency, 1000000u);
}

TEST(HostPlatform, MoreHartsThanSupportedAreCapped) {
    HostPlatform p;
    ASSERT_TRUE(read(make_tree([](FdtBuilder& b) {
                         add_memory(b, 0x8000'0000, kGiB);
                         add_cpus(b, HostPlatform::kMaxHarts + 4);
                     }),
                     p));
    EXPECT_EQ(p.hart_count, HostPlatform::kMaxHarts);
    EXPECT_EQ(p.harts[HostPlatform::kMaxHarts - 1].hart_id, HostPlatform::kMaxHarts - 1);
}

// ------------------------------------------------------------ what is fatal

TEST(HostPlatform, MissingMemoryFails) {
    fake::host_console.output.clear();
    HostPlatform p;
    EXPECT_FALSE(read(make_tree([](FdtBuilder& b) { add_cpus(b, 1); }), p));
    EXPECT_NE(fake::host_console.output.find("memory"), std::string::npos)
        << fake::host_console.output;
}

TEST(HostPlatform, DisabledMemoryDoesNotCount) {
    HostPlatform p;
    EXPECT_FALSE(read(make_tree([](FdtBuilder& b) {
                          b.begin_node("memory@80000000");
                          b.property_string("device_type", "memory");
                          b.property_string("status", "disabled");
                          b.property_cells("reg", {0, 0x8000'0000, 0, 0x4000'0000});
                          b.end_node();
                          add_cpus(b, 1);
                      }),
                      p));
}

TEST(HostPlatform, MemoryOfSizeZeroDoesNotCount) {
    HostPlatform p;
    EXPECT_FALSE(read(make_tree([](FdtBuilder& b) {
                          add_memory(b, 0x8000'0000, 0);
                          add_cpus(b, 1);
                      }),
                      p));
}

TEST(HostPlatform, MissingCpusFails) {
    fake::host_console.output.clear();
    HostPlatform p;
    EXPECT_FALSE(read(make_tree([](FdtBuilder& b) { add_memory(b, 0x8000'0000, kGiB); }), p));
    EXPECT_NE(fake::host_console.output.find("harts"), std::string::npos)
        << fake::host_console.output;
}

TEST(HostPlatform, CpusWithoutAnEnabledHartFails) {
    HostPlatform p;
    EXPECT_FALSE(read(make_tree([](FdtBuilder& b) {
                          add_memory(b, 0x8000'0000, kGiB);
                          b.begin_node("cpus");
                          b.property_u32("#address-cells", 1);
                          b.property_u32("#size-cells", 0);
                          b.property_u32("timebase-frequency", 10000000);
                          add_cpu(b, 0, "disabled");
                          b.end_node();
                      }),
                      p));
}

TEST(HostPlatform, MissingTimebaseFails) {
    fake::host_console.output.clear();
    HostPlatform p;
    EXPECT_FALSE(read(make_tree([](FdtBuilder& b) {
                          add_memory(b, 0x8000'0000, kGiB);
                          add_cpus(b, 2, 0);
                      }),
                      p));
    EXPECT_NE(fake::host_console.output.find("timebase"), std::string::npos)
        << fake::host_console.output;
}

}  // namespace
}  // namespace halyard::testing
