// SPDX-License-Identifier: Apache-2.0
// Unit tests for MmioBus: which region an address and width fall in, at the
// edges of each region and of the address space, and the regions it refuses.

#include <gtest/gtest.h>

#include <cstdint>

#include "mmio/mmio_bus.hpp"

namespace halyard {
namespace {

struct Recorder {
    uint64_t last_offset = ~0ull;
    unsigned last_width = 0;
    uint64_t read(uint64_t offset, unsigned width) {
        last_offset = offset;
        last_width = width;
        return 0x1234;
    }
    void write(uint64_t offset, unsigned width, uint64_t) {
        last_offset = offset;
        last_width = width;
    }
    void reset() {}
};

TEST(MmioBus, FindsTheRegionHoldingTheWholeAccess) {
    MmioBus bus;
    Recorder uart, plic;
    ASSERT_TRUE(bus.attach(0x1000'0000, 0x100, ExitReason::kMmioUart, uart));
    ASSERT_TRUE(bus.attach(0x0c00'0000, 0x60'0000, ExitReason::kMmioPlic, plic));

    const MmioRegion* region = bus.find(0x1000'0005, 1);
    ASSERT_NE(region, nullptr);
    EXPECT_EQ(region->device, &uart);
    EXPECT_EQ(region->read(region->device, 5, 1), 0x1234u);
    EXPECT_EQ(uart.last_offset, 5u);

    EXPECT_EQ(bus.find(0x1000'0000, 8), region);
    EXPECT_EQ(bus.find(0x1000'00f8, 8), region);
    EXPECT_EQ(bus.find(0x1000'00ff, 1), region);
    EXPECT_EQ(bus.find(0x1000'00f9, 8), nullptr);  // runs past the end
    EXPECT_EQ(bus.find(0x1000'0100, 1), nullptr);
    EXPECT_EQ(bus.find(0x0fff'ffff, 1), nullptr);  // just below
    EXPECT_EQ(bus.find(0x0fff'ffff, 8), nullptr);  // starts below, ends inside
    EXPECT_TRUE(bus.claims(0x1000'00f9));

    const MmioRegion* controller = bus.find(0x0c20'0004, 4);
    ASSERT_NE(controller, nullptr);
    EXPECT_EQ(controller->device, &plic);
    EXPECT_EQ(bus.find(0x0c5f'fffc, 4), controller);
    EXPECT_EQ(bus.find(0x0c60'0000, 4), nullptr);
    EXPECT_EQ(bus.find(0, 1), nullptr);
    EXPECT_EQ(bus.find(~0ull, 1), nullptr);
    EXPECT_EQ(bus.find(~0ull - 3, 8), nullptr);
}

// A region ending at 2^64 is fine; one that would wrap past it, or is empty,
// is refused (find's single compare relies on it).
TEST(MmioBus, RefusesEmptyAndWrappingRegions) {
    MmioBus bus;
    Recorder device;
    EXPECT_FALSE(bus.attach(0x1000, 0, ExitReason::kMmioUart, device));
    EXPECT_FALSE(bus.attach(~0ull - 0xff, 0x200, ExitReason::kMmioUart, device));
    EXPECT_FALSE(bus.attach(2, ~0ull, ExitReason::kMmioUart, device));
    EXPECT_EQ(bus.find(0, 1), nullptr);
    EXPECT_EQ(bus.find(0x1000, 1), nullptr);
    EXPECT_EQ(bus.find(~0ull, 1), nullptr);

    ASSERT_TRUE(bus.attach(~0ull - 0xff, 0x100, ExitReason::kMmioUart, device));
    EXPECT_NE(bus.find(~0ull, 1), nullptr);
    EXPECT_NE(bus.find(~0ull - 7, 8), nullptr);
    EXPECT_EQ(bus.find(~0ull - 6, 8), nullptr);  // would wrap
    EXPECT_EQ(bus.find(~0ull - 0x100, 1), nullptr);
    EXPECT_EQ(bus.find(0, 1), nullptr);
}

TEST(MmioBus, RefusesMoreRegionsThanItHolds) {
    MmioBus bus;
    Recorder device;
    for (unsigned i = 0; i < MmioBus::kMaxRegions; ++i)
        EXPECT_TRUE(bus.attach(0x1000ull * (i + 1), 0x100, ExitReason::kMmioUart, device));
    EXPECT_FALSE(bus.attach(0x100'0000, 0x100, ExitReason::kMmioUart, device));
    EXPECT_EQ(bus.find(0x100'0000, 1), nullptr);
    EXPECT_NE(bus.find(0x1000ull * MmioBus::kMaxRegions, 1), nullptr);
}

}  // namespace
}  // namespace halyard
