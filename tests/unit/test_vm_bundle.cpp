// SPDX-License-Identifier: Apache-2.0
// Unit tests for reading the VM bundle (read_vm_bundle): the device tree
// tools/run writes, which describes every VM and carries its images.

#include <gtest/gtest.h>

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
