// SPDX-License-Identifier: Apache-2.0
// What Halyard reads of a host's AIA (read_host_platform): each hart's index
// at the S-level IMSIC and its first guest interrupt file, how many
// identities a guest file has, and the S-level APLIC domain; from the device
// trees QEMU 7.2 and 10 really give (tests/unit/data/host_dtbs), and from
// hand-built trees that bend every property a board could get wrong.

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "fdt/fdt.hpp"
#include "fdt/fdt_builder.hpp"
#include "platform/host_platform.hpp"
#include "test_support.hpp"

namespace halyard::testing {
namespace {

bool read(const std::vector<uint8_t>& blob, HostPlatform& platform) {
    const Fdt fdt = Fdt::from(blob.data(), blob.size());
    EXPECT_TRUE(fdt.valid());
    return fdt.valid() && read_host_platform(fdt, platform).ok();
}

// QEMU virt with aia=aplic-imsic,aia-guests=1 and -smp 2: the S-level IMSIC
// at 0x2800_0000 has two pages per hart (its S file, then one guest file),
// 255 identities; the S-level APLIC domain is at 0x0d00_0000.
class QemuAiaHost : public ::testing::TestWithParam<const char*> {};

TEST_P(QemuAiaHost, EveryHartHasItsFirstGuestFileAfterItsSupervisorFile) {
    const std::vector<uint8_t> blob = read_host_dtb(GetParam());
    ASSERT_FALSE(blob.empty()) << GetParam();
    HostPlatform p;
    ASSERT_TRUE(read(blob, p));
    ASSERT_EQ(p.hart_count, 2u);
    EXPECT_EQ(p.guest_interrupt_ids, 255u);
    EXPECT_EQ(p.aplic_base, 0x0d00'0000u);
    bool index_seen[2] = {};
    for (unsigned h = 0; h < 2; ++h) {
        const HostHart& hart = p.harts[h];
        ASSERT_GE(hart.imsic_hart_index, 0) << "hart " << hart.hart_id;
        ASSERT_LT(hart.imsic_hart_index, 2);
        index_seen[hart.imsic_hart_index] = true;
        EXPECT_EQ(hart.guest_interrupt_file,
                  0x2800'0000u + 0x2000u * static_cast<unsigned>(hart.imsic_hart_index) + 0x1000u)
            << "hart " << hart.hart_id;
    }
    EXPECT_TRUE(index_seen[0] && index_seen[1]) << "each hart its own place at the IMSIC";
}

INSTANTIATE_TEST_SUITE_P(Dumps, QemuAiaHost,
                         ::testing::Values("qemu7-virt-aia-aplic-imsic-guests.dtb",
                                           "qemu10-virt-aia-aplic-imsic-guests.dtb"));

TEST(HostAia, AnImsicWithoutGuestFilesGivesIndexesAndTheAplicButNoGuestFiles) {
    for (const char* name : {"qemu7-virt-aia-aplic-imsic.dtb", "qemu10-virt-aia-aplic-imsic.dtb"}) {
        const std::vector<uint8_t> blob = read_host_dtb(name);
        ASSERT_FALSE(blob.empty()) << name;
        HostPlatform p;
        ASSERT_TRUE(read(blob, p)) << name;
        EXPECT_EQ(p.guest_interrupt_ids, 0u) << name;
        EXPECT_EQ(p.aplic_base, 0x0d00'0000u) << name;
        for (unsigned h = 0; h < p.hart_count; ++h) {
            EXPECT_GE(p.harts[h].imsic_hart_index, 0) << name;
            EXPECT_EQ(p.harts[h].guest_interrupt_file, 0u) << name;
        }
    }
}

TEST(HostAia, APlicOrWiredAplicHostHasNone) {
    for (const char* name : {"qemu7-virt-aia-none.dtb", "qemu10-virt-aia-none.dtb",
                             "qemu7-virt-aia-aplic.dtb", "qemu10-virt-aia-aplic.dtb"}) {
        const std::vector<uint8_t> blob = read_host_dtb(name);
        ASSERT_FALSE(blob.empty()) << name;
        HostPlatform p;
        ASSERT_TRUE(read(blob, p)) << name;
        EXPECT_EQ(p.guest_interrupt_ids, 0u) << name;
        EXPECT_EQ(p.aplic_base, 0u) << name << ": no APLIC sends MSIs to an S-level IMSIC";
        for (unsigned h = 0; h < p.hart_count; ++h) {
            EXPECT_EQ(p.harts[h].imsic_hart_index, -1) << name;
            EXPECT_EQ(p.harts[h].guest_interrupt_file, 0u) << name;
        }
    }
}

// ------------------------------------------------------- hand-built trees

// What an IMSIC node of a hand-built tree has; each test bends one thing.
struct ImsicShape {
    uint32_t interrupt = 9;     // in every interrupts-extended pair
    int guest_index_bits = 1;   // -1: property absent
    int group_index_bits = -1;  // -1: property absent
    uint64_t base = 0x2800'0000;
    uint64_t size = 0x4000;  // two harts, two pages each
    unsigned reg_entries = 1;
    int64_t num_guest_ids = -1;  // -1: absent (riscv,num-ids counts)
    uint32_t num_ids = 255;
    // interrupts-extended's interrupt controllers, in order: hart 1's, hart 0's.
    std::vector<uint32_t> listed = {0x11, 0x10};
    bool aplic = true;
};

constexpr uint32_t kImsicPhandle = 0x50;

std::vector<uint8_t> aia_tree(const ImsicShape& shape) {
    std::vector<uint8_t> buffer(16384);
    FdtBuilder b(buffer);
    begin_host_tree(b);
    // Harts 0 and 1, listed at the IMSIC in the other order (as QEMU does).
    for (uint32_t hart = 0; hart < 2; ++hart) {
        const std::string name = "cpu@" + std::to_string(hart);
        b.begin_node(name.c_str());
        b.property_string("device_type", "cpu");
        b.property_u32("reg", hart);
        b.property_string("riscv,isa", "rv64imafdch_ssaia_sstc");
        b.begin_node("interrupt-controller");
        b.property_string("compatible", "riscv,cpu-intc");
        b.property_u32("phandle", 0x10 + hart);
        b.end_node();
        b.end_node();
    }
    b.end_node();
    b.begin_node("soc");
    b.property_u32("#address-cells", 2);
    b.property_u32("#size-cells", 2);
    b.begin_node("imsics@28000000");
    b.property_string("compatible", "riscv,imsics");
    std::vector<uint8_t> reg;
    for (unsigned i = 0; i < shape.reg_entries; ++i) {
        const uint64_t base = shape.base + i * shape.size;
        for (const uint64_t cell : {base >> 32, base, shape.size >> 32, shape.size})
            for (int shift = 24; shift >= 0; shift -= 8)
                reg.push_back(static_cast<uint8_t>(cell >> shift));
    }
    b.property("reg", reg);
    std::vector<uint8_t> harts;
    for (const uint32_t phandle : shape.listed)
        for (const uint32_t cell : {phandle, shape.interrupt})
            for (int shift = 24; shift >= 0; shift -= 8)
                harts.push_back(static_cast<uint8_t>(cell >> shift));
    b.property("interrupts-extended", harts);
    b.property_u32("riscv,num-ids", shape.num_ids);
    if (shape.num_guest_ids >= 0)
        b.property_u32("riscv,num-guest-ids", static_cast<uint32_t>(shape.num_guest_ids));
    if (shape.guest_index_bits >= 0)
        b.property_u32("riscv,guest-index-bits", static_cast<uint32_t>(shape.guest_index_bits));
    if (shape.group_index_bits >= 0)
        b.property_u32("riscv,group-index-bits", static_cast<uint32_t>(shape.group_index_bits));
    b.property_u32("phandle", kImsicPhandle);
    b.end_node();
    if (shape.aplic) {
        b.begin_node("aplic@d000000");
        b.property_string("compatible", "riscv,aplic");
        b.property_cells("reg", {0, 0x0d00'0000, 0, 0x8000});
        b.property_u32("msi-parent", kImsicPhandle);
        b.end_node();
    }
    b.end_node();
    b.end_node();
    buffer.resize(b.finish().value_or(0));
    return buffer;
}

TEST(HostAia, FilesFollowTheOrderOfInterruptsExtendedNotOfTheHarts) {
    const std::vector<uint8_t> blob = aia_tree({});
    HostPlatform p;
    ASSERT_TRUE(read(blob, p));
    const HostHart* hart0 = p.hart(0);
    const HostHart* hart1 = p.hart(1);
    ASSERT_NE(hart0, nullptr);
    ASSERT_NE(hart1, nullptr);
    EXPECT_EQ(hart1->imsic_hart_index, 0);
    EXPECT_EQ(hart0->imsic_hart_index, 1);
    EXPECT_EQ(hart1->guest_interrupt_file, 0x2800'1000u);
    EXPECT_EQ(hart0->guest_interrupt_file, 0x2800'3000u);
    EXPECT_EQ(p.guest_interrupt_ids, 255u);
    EXPECT_EQ(p.aplic_base, 0x0d00'0000u);
}

TEST(HostAia, GuestIdsComeFromNumGuestIdsWhenGiven) {
    ImsicShape shape;
    shape.num_guest_ids = 63;
    const std::vector<uint8_t> blob = aia_tree(shape);
    HostPlatform p;
    ASSERT_TRUE(read(blob, p));
    EXPECT_EQ(p.guest_interrupt_ids, 63u);
}

TEST(HostAia, WiderGuestIndexesSpaceTheHartsFurtherApart) {
    ImsicShape shape;
    shape.guest_index_bits = 3;  // 8 pages per hart
    shape.size = 0x10000;
    const std::vector<uint8_t> blob = aia_tree(shape);
    HostPlatform p;
    ASSERT_TRUE(read(blob, p));
    EXPECT_EQ(p.hart(1)->guest_interrupt_file, 0x2800'1000u);
    EXPECT_EQ(p.hart(0)->guest_interrupt_file, 0x2800'9000u);
}

// Each of these describes no guest files Halyard could place with certainty:
// the harts keep their IMSIC indexes (the host console can still use the S
// files), but no guest interrupt file, and a VM asking for AIA is refused.
TEST(HostAia, LayoutsHalyardDoesNotReadGiveNoGuestFiles) {
    std::vector<std::pair<const char*, ImsicShape>> cases;
    ImsicShape shape;
    shape.guest_index_bits = -1;
    cases.emplace_back("no riscv,guest-index-bits (0: no guest files)", shape);
    shape = {};
    shape.guest_index_bits = 0;
    cases.emplace_back("riscv,guest-index-bits 0", shape);
    shape = {};
    shape.guest_index_bits = 7;
    shape.size = 0x100000;
    cases.emplace_back("riscv,guest-index-bits 7, beyond the spec's 6", shape);
    shape = {};
    shape.guest_index_bits = 63;
    cases.emplace_back("riscv,guest-index-bits 63", shape);
    shape = {};
    shape.group_index_bits = 1;
    cases.emplace_back("several groups", shape);
    shape = {};
    shape.reg_entries = 2;
    cases.emplace_back("two reg ranges", shape);
    shape = {};
    shape.size = 0x3000;
    cases.emplace_back("a range too small for both harts' pages", shape);
    shape = {};
    shape.base = 0xFFFF'FFFF'FFFF'E000;
    cases.emplace_back("a range that wraps past 2^64", shape);
    for (const auto& [what, bent] : cases) {
        const std::vector<uint8_t> blob = aia_tree(bent);
        HostPlatform p;
        ASSERT_TRUE(read(blob, p)) << what;
        EXPECT_EQ(p.guest_interrupt_ids, 0u) << what;
        for (unsigned h = 0; h < p.hart_count; ++h) {
            EXPECT_EQ(p.harts[h].guest_interrupt_file, 0u) << what;
            EXPECT_GE(p.harts[h].imsic_hart_index, 0) << what;
        }
    }
}

TEST(HostAia, SeveralGroupsGiveNoAplicForTheConsole) {
    ImsicShape shape;
    shape.group_index_bits = 1;  // the APLIC's hart index is no longer a place in the list
    const std::vector<uint8_t> blob = aia_tree(shape);
    HostPlatform p;
    ASSERT_TRUE(read(blob, p));
    EXPECT_EQ(p.aplic_base, 0u);
}

TEST(HostAia, AnImsicForMachineModeIsNotTheHartsSupervisorOne) {
    ImsicShape shape;
    shape.interrupt = 11;  // M external: OpenSBI's, never Halyard's
    const std::vector<uint8_t> blob = aia_tree(shape);
    HostPlatform p;
    ASSERT_TRUE(read(blob, p));
    EXPECT_EQ(p.guest_interrupt_ids, 0u);
    EXPECT_EQ(p.aplic_base, 0u);
    for (unsigned h = 0; h < p.hart_count; ++h) {
        EXPECT_EQ(p.harts[h].imsic_hart_index, -1);
        EXPECT_EQ(p.harts[h].guest_interrupt_file, 0u);
    }
}

TEST(HostAia, WithoutAnAplicTheConsoleHasNoMsiButGuestsKeepTheirFiles) {
    ImsicShape shape;
    shape.aplic = false;
    const std::vector<uint8_t> blob = aia_tree(shape);
    HostPlatform p;
    ASSERT_TRUE(read(blob, p));
    EXPECT_EQ(p.aplic_base, 0u);
    EXPECT_EQ(p.hart(1)->guest_interrupt_file, 0x2800'1000u);
}

// A hart's place in interrupts-extended is where its files are (IMSIC.adoc,
// "Memory region"); a tree that gives one hart two places, or gives a place
// to something that is no hart, contradicts itself, and Halyard cannot know
// which page is that hart's guest file: it might be another hart's, and the
// VM given it could then raise interrupts in the VM on that other hart. So
// such a tree gives no hart a guest file (a VM asking for AIA is refused).
TEST(HostAia, AHartListedTwiceOrANonHartListedGivesNoGuestFiles) {
    std::vector<std::pair<const char*, ImsicShape>> cases;
    ImsicShape shape;
    shape.listed = {0x10, 0x10, 0x11};  // hart 0 at places 0 and 1, hart 1 at 2
    shape.size = 0x6000;
    cases.emplace_back("hart 0 listed twice", shape);
    shape = {};
    shape.listed = {0x11, 0x10, 0x11};
    shape.size = 0x6000;
    cases.emplace_back("hart 1 listed first and last", shape);
    shape = {};
    shape.listed = {0x11, 0x10, kImsicPhandle};  // the IMSIC itself: its parent has no reg
    shape.size = 0x6000;
    cases.emplace_back("a place given to a node that is not a hart's interrupt controller", shape);
    for (const auto& [what, bent] : cases) {
        const std::vector<uint8_t> blob = aia_tree(bent);
        HostPlatform p;
        ASSERT_TRUE(read(blob, p)) << what;
        EXPECT_EQ(p.guest_interrupt_ids, 0u) << what;
        for (unsigned h = 0; h < p.hart_count; ++h)
            EXPECT_EQ(p.harts[h].guest_interrupt_file, 0u)
                << what << ": hart " << p.harts[h].hart_id << " given the file at 0x" << std::hex
                << p.harts[h].guest_interrupt_file;
    }
}

// IMSIC.adoc, "Interrupt files and interrupt identities": a file has 63 to
// 2047 identities, one less than a multiple of 64. Another count is not a
// real file's: the guest's DT would carry it as its riscv,num-ids (which
// Linux refuses: irq-riscv-imsic-state.c wants nr_ids & 63 == 63 and < 2048,
// so the guest would have no interrupt controller), and reset_interrupt_file
// would reach eip/eie registers the file has not (an illegal instruction in
// HS-mode). Such a host gives no guest interrupt files.
TEST(HostAia, IdentityCountsNoInterruptFileHasGiveNoGuestFiles) {
    for (const int64_t ids : {int64_t{0}, int64_t{62}, int64_t{64}, int64_t{100}, int64_t{2048},
                              int64_t{4095}, int64_t{0xFFFF'FFFF}}) {
        ImsicShape shape;
        shape.num_guest_ids = ids;
        HostPlatform p;
        ASSERT_TRUE(read(aia_tree(shape), p)) << ids;
        EXPECT_EQ(p.guest_interrupt_ids, 0u) << "riscv,num-guest-ids " << ids;
        shape.num_guest_ids = -1;
        shape.num_ids = static_cast<uint32_t>(ids);
        HostPlatform q;
        ASSERT_TRUE(read(aia_tree(shape), q)) << ids;
        EXPECT_EQ(q.guest_interrupt_ids, 0u) << "riscv,num-ids " << ids;
    }
    for (const uint32_t ids : {63u, 127u, 2047u}) {
        ImsicShape shape;
        shape.num_guest_ids = ids;
        HostPlatform p;
        ASSERT_TRUE(read(aia_tree(shape), p)) << ids;
        EXPECT_EQ(p.guest_interrupt_ids, ids);
    }
}

}  // namespace
}  // namespace halyard::testing
