// SPDX-License-Identifier: Apache-2.0
// Unit tests for reading the VM bundle (read_vm_bundle): the device tree
// tools/run writes, which describes every VM and carries its images.

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "fake_host_console.hpp"
#include "fdt/fdt.hpp"
#include "fdt/fdt_builder.hpp"
#include "vm/vm_bundle.hpp"

namespace halyard {
namespace {

std::vector<uint8_t> bundle(const std::function<void(FdtBuilder&)>& vms) {
    std::vector<uint8_t> buffer(8192);
    FdtBuilder b(buffer);
    b.begin_node("");
    b.property_string("compatible", "halyard,vm-bundle");
    vms(b);
    b.end_node();
    const size_t size = b.finish().value_or(0);
    EXPECT_NE(size, 0u);
    buffer.resize(size);
    return buffer;
}

const uint8_t kKernel[] = {0x13, 0, 0, 0, 0x6f, 0, 0, 0};

void add_vm(FdtBuilder& b, const std::function<void(FdtBuilder&)>& extra = nullptr) {
    b.begin_node("vm@0");
    b.property_string("compatible", "halyard,vm");
    b.property("kernel", kKernel);
    if (extra) extra(b);
    b.end_node();
}

int read(const std::vector<uint8_t>& blob, std::vector<VmSpec>& specs) {
    fake::host_console = {};
    const Result<unsigned> count = read_vm_bundle(Fdt::from(blob.data(), blob.size()), specs);
    return count ? static_cast<int>(count.value()) : -1;
}

TEST(VmBundle, ReadsAVm) {
    std::vector<VmSpec> specs(4);
    std::vector<uint8_t> blob = bundle([](FdtBuilder& b) {
        add_vm(b, [](FdtBuilder& v) {
            v.property_u64("memory-size", 128ull << 20);
            v.property_u32("vcpus", 2);
            v.property_string("bootargs", "console=ttyS0");
        });
    });
    ASSERT_EQ(read(blob, specs), 1) << fake::host_console.output;
    EXPECT_EQ(specs[0].memory_size, 128ull << 20);
    EXPECT_EQ(specs[0].vcpus, 2u);
    EXPECT_EQ(specs[0].image.kernel.size(), sizeof(kKernel));
    EXPECT_EQ(specs[0].image.bootargs, "console=ttyS0");
    EXPECT_TRUE(specs[0].image.initrd.empty());
}

TEST(VmBundle, MoreVmsThanRoomIsRefused) {
    std::vector<VmSpec> specs(1);
    std::vector<uint8_t> blob = bundle([](FdtBuilder& b) {
        for (int i = 0; i < 2; ++i)
            add_vm(b, [](FdtBuilder& v) { v.property_u32("memory-size", 1 << 20); });
    });
    EXPECT_EQ(read(blob, specs), -1);
    EXPECT_NE(fake::host_console.output.find("more than 1 VMs"), std::string::npos);
}

// A memory-size or vcpus of the wrong length read as 0 or as part of a
// number; the bundle is refused instead.
TEST(VmBundle, CellsOfTheWrongSizeAreRefused) {
    std::vector<VmSpec> specs(1);
    const uint8_t three[3] = {1, 2, 3};
    const uint8_t twelve[12] = {0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0};
    for (std::span<const uint8_t> value :
         {std::span<const uint8_t>(three), std::span<const uint8_t>(twelve)}) {
        std::vector<uint8_t> memory = bundle([&](FdtBuilder& b) {
            add_vm(b, [&](FdtBuilder& v) { v.property("memory-size", value); });
        });
        EXPECT_EQ(read(memory, specs), -1) << value.size();
        std::vector<uint8_t> vcpus = bundle([&](FdtBuilder& b) {
            add_vm(b, [&](FdtBuilder& v) {
                v.property_u32("memory-size", 1 << 20);
                v.property("vcpus", value);
            });
        });
        EXPECT_EQ(read(vcpus, specs), -1) << value.size();
        EXPECT_NE(fake::host_console.output.find("cells"), std::string::npos);
    }
}

TEST(VmBundle, TheGuestPagingModeIsSv39UnlessTheBundleSaysOtherwise) {
    std::vector<VmSpec> specs(4);
    std::vector<uint8_t> blob = bundle([](FdtBuilder& b) {
        add_vm(b, [](FdtBuilder& v) { v.property_u64("memory-size", 128ull << 20); });
        for (const char* mode : {"riscv,sv39", "riscv,sv48", "riscv,sv57"}) {
            add_vm(b, [&](FdtBuilder& v) {
                v.property_u64("memory-size", 128ull << 20);
                v.property_string("mmu-type", mode);
            });
        }
    });
    ASSERT_EQ(read(blob, specs), 4) << fake::host_console.output;
    EXPECT_EQ(specs[0].paging_mode, PagingMode::kSv39) << "no mmu-type";
    EXPECT_EQ(specs[1].paging_mode, PagingMode::kSv39);
    EXPECT_EQ(specs[2].paging_mode, PagingMode::kSv48);
    EXPECT_EQ(specs[3].paging_mode, PagingMode::kSv57);
}

// mmu-type comes from the bundle: anything but one string naming one of the
// three modes exactly is refused with one line, never read as Sv39.
TEST(VmBundle, AnMmuTypeThatIsNotAModeIsRefused) {
    const std::string cases[] = {
        std::string("riscv,sv32", 11),
        std::string("sv48", 5),
        std::string("riscv,SV48", 11),
        std::string("riscv,sv48\0riscv,sv57", 22),
        std::string("riscv,sv48", 10),         // no terminating NUL
        std::string("", 0),                    // empty property
        std::string("\x1b[2Jriscv,sv48", 15),  // control bytes are not echoed
    };
    for (const std::string& value : cases) {
        std::vector<VmSpec> specs(1);
        std::vector<uint8_t> blob = bundle([&](FdtBuilder& b) {
            add_vm(b, [&](FdtBuilder& v) {
                v.property_u64("memory-size", 128ull << 20);
                v.property("mmu-type",
                           {reinterpret_cast<const uint8_t*>(value.data()), value.size()});
            });
        });
        EXPECT_EQ(read(blob, specs), -1) << value;
        const std::string& log = fake::host_console.output;
        EXPECT_NE(log.find("error: VM 0 of the bundle: mmu-type"), std::string::npos) << log;
        EXPECT_EQ(log.find('\x1b'), std::string::npos) << "an escape reached the console";
        EXPECT_EQ(std::count(log.begin(), log.end(), '\n'), 1) << log;
    }
}

// memory-size comes from the bundle too: 0, or more than the guest-physical
// space holds above the RAM base (Sv39x4: 2^41 bytes), is refused before any
// rounding could wrap it to something small.
TEST(VmBundle, TheInterruptControllerIsThePlicUnlessTheBundleSaysAia) {
    for (const char* chip : {"", "plic", "aia"}) {
        std::vector<VmSpec> specs(1);
        std::vector<uint8_t> blob = bundle([&](FdtBuilder& b) {
            add_vm(b, [&](FdtBuilder& v) {
                v.property_u64("memory-size", 128ull << 20);
                if (*chip != 0) v.property_string("irqchip", chip);
            });
        });
        ASSERT_EQ(read(blob, specs), 1) << chip << ": " << fake::host_console.output;
        EXPECT_EQ(specs[0].irqchip,
                  std::string_view(chip) == "aia" ? GuestIrqchip::kAia : GuestIrqchip::kPlic)
            << chip;
    }
}

// Anything but one string naming plic or aia is refused, not guessed.
TEST(VmBundle, AnIrqchipThatIsNotOneIsRefused) {
    const std::vector<std::vector<uint8_t>> values = {
        {'a', 'i', 'a'},               // no terminator
        {'a', 'i', 'a', 0, 'x', 0},    // a list
        {'A', 'I', 'A', 0},            // not the binding's case
        {'a', 'p', 'l', 'i', 'c', 0},  // not a choice
        {0},                           // empty
        {'p', 'l', 'i', 'c', 0, 0},    // a NUL too many
    };
    for (const std::vector<uint8_t>& value : values) {
        std::vector<VmSpec> specs(1);
        std::vector<uint8_t> blob = bundle([&](FdtBuilder& b) {
            add_vm(b, [&](FdtBuilder& v) {
                v.property_u64("memory-size", 128ull << 20);
                v.property("irqchip", value);
            });
        });
        EXPECT_EQ(read(blob, specs), -1);
        const std::string& log = fake::host_console.output;
        EXPECT_NE(log.find("error: VM 0 of the bundle: irqchip"), std::string::npos) << log;
    }
}

TEST(VmBundle, AMemorySizeOfNothingOrBeyondTheGuestPhysicalSpaceIsRefused) {
    for (uint64_t size : {uint64_t{0}, kMaxGuestMemorySize + 1, ~uint64_t{0},
                          uint64_t{~uint64_t{0} - (1ull << 20)}, uint64_t{1} << 41}) {
        std::vector<VmSpec> specs(1);
        std::vector<uint8_t> blob = bundle([&](FdtBuilder& b) {
            add_vm(b, [&](FdtBuilder& v) { v.property_u64("memory-size", size); });
        });
        EXPECT_EQ(read(blob, specs), -1) << size;
        EXPECT_NE(fake::host_console.output.find("memory-size"), std::string::npos)
            << fake::host_console.output;
    }
    EXPECT_EQ(kMaxGuestMemorySize, (1ull << 41) - 0x8000'0000ull);
    for (uint64_t size : {uint64_t{1}, kMaxGuestMemorySize}) {
        std::vector<VmSpec> specs(1);
        std::vector<uint8_t> blob = bundle([&](FdtBuilder& b) {
            add_vm(b, [&](FdtBuilder& v) { v.property_u64("memory-size", size); });
        });
        EXPECT_EQ(read(blob, specs), 1) << size;
        EXPECT_EQ(specs[0].memory_size, size);
    }
}

TEST(VmBundle, NotABundleIsRefused) {
    std::vector<VmSpec> specs(1);
    std::vector<uint8_t> garbage(64, 0xAB);
    EXPECT_EQ(read(garbage, specs), -1);
    std::vector<uint8_t> empty = bundle([](FdtBuilder&) {});
    EXPECT_EQ(read(empty, specs), -1);
    EXPECT_NE(fake::host_console.output.find("no VM"), std::string::npos);
}

}  // namespace
}  // namespace halyard
