// SPDX-License-Identifier: Apache-2.0
// Unit tests for the virtual APLIC in MSI delivery mode. Register offsets and
// field layouts are spelled out here from the AIA specification's chapter 4
// (specs/aia/src/AdvPLIC.adoc) rather than taken from the model.

#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "devices/aplic.hpp"

namespace halyard {
namespace {

// §4.5, "Memory-mapped control region for an interrupt domain".
constexpr uint64_t kDomaincfg = 0x0000;
constexpr uint64_t sourcecfg(uint64_t i) {
    return 0x0000 + 4 * i;
}
constexpr uint64_t kMmsiaddrcfg = 0x1bc0, kMmsiaddrcfgh = 0x1bc4;
constexpr uint64_t kSmsiaddrcfg = 0x1bc8, kSmsiaddrcfgh = 0x1bcc;
constexpr uint64_t setip(uint64_t k) {
    return 0x1c00 + 4 * k;
}
constexpr uint64_t kSetipnum = 0x1cdc;
constexpr uint64_t in_clrip(uint64_t k) {
    return 0x1d00 + 4 * k;
}
constexpr uint64_t kClripnum = 0x1ddc;
constexpr uint64_t setie(uint64_t k) {
    return 0x1e00 + 4 * k;
}
constexpr uint64_t kSetienum = 0x1edc;
constexpr uint64_t clrie(uint64_t k) {
    return 0x1f00 + 4 * k;
}
constexpr uint64_t kClrienum = 0x1fdc;
constexpr uint64_t kSetipnumLe = 0x2000, kSetipnumBe = 0x2004;
constexpr uint64_t kGenmsi = 0x3000;
constexpr uint64_t target(uint64_t i) {
    return 0x3000 + 4 * i;
}

// domaincfg fields (§4.5.1).
constexpr uint32_t kDomaincfgReset = 0x80000004;  // 0x80 in 31:24, DM = 1
constexpr uint32_t kIe = 1u << 8;

// Source modes (§4.5.2, table "Encoding of the SM field").
constexpr uint32_t kInactive = 0, kDetached = 1, kEdge1 = 4, kEdge0 = 5, kLevel1 = 6, kLevel0 = 7;
constexpr uint32_t kD = 1u << 10;

// A target (or genmsi) value in MSI delivery mode (§4.5.16).
constexpr uint32_t msi_target(uint32_t hart, uint32_t eiid) {
    return (hart << 18) | eiid;
}

struct Msi {
    unsigned hart;
    unsigned eiid;
    bool operator==(const Msi&) const = default;
};
using Msis = std::vector<Msi>;

void PrintTo(const Msi& msi, std::ostream* os) {
    *os << "(hart " << msi.hart << ", eiid " << msi.eiid << ")";
}

// 40 sources (so the second word of each bit array is partly used) and four
// harts.
class AplicTest : public testing::Test {
  protected:
    static constexpr unsigned kSources = 40;
    static constexpr unsigned kHarts = 4;

    static void record(void* cookie, unsigned hart, unsigned eiid) {
        static_cast<AplicTest*>(cookie)->msis.push_back({hart, eiid});
    }

    uint32_t rd(uint64_t offset) {
        const uint64_t value = aplic.read(offset, 4);
        EXPECT_LE(value, 0xffffffffu) << "a 32-bit register";
        return static_cast<uint32_t>(value);
    }
    void wr(uint64_t offset, uint64_t value) { aplic.write(offset, 4, value); }

    bool bit_of(uint64_t base, unsigned source) {
        return ((rd(base + 4 * (source / 32)) >> (source % 32)) & 1) != 0;
    }
    bool pending(unsigned source) { return bit_of(setip(0), source); }
    bool enabled(unsigned source) { return bit_of(setie(0), source); }
    bool input(unsigned source) { return bit_of(in_clrip(0), source); }

    // A source in `mode`, forwarded to (hart, eiid), enabled; IE untouched.
    void route(unsigned source, uint32_t mode, unsigned hart, unsigned eiid) {
        wr(sourcecfg(source), mode);
        wr(target(source), msi_target(hart, eiid));
        wr(kSetienum, source);
    }
    void line(unsigned source, bool level) { aplic.set_source_level(source, level); }
    void enable_domain() { wr(kDomaincfg, kIe); }
    // Returns the recorded MSIs and forgets them.
    Msis take_msis() { return std::exchange(msis, {}); }

    Msis msis;
    Aplic aplic{kSources, kHarts, &record, this};
};

// ---- construction and power-on state ------------------------------------------------

TEST_F(AplicTest, PowerOnState) {
    EXPECT_EQ(aplic.num_sources(), kSources);
    EXPECT_EQ(aplic.num_harts(), kHarts);
    EXPECT_EQ(rd(kDomaincfg), kDomaincfgReset);
    for (unsigned i = 1; i <= 1023; ++i) {
        EXPECT_EQ(rd(sourcecfg(i)), 0u) << i;
        EXPECT_EQ(rd(target(i)), 0u) << i;
    }
    for (unsigned k = 0; k < 32; ++k) {
        EXPECT_EQ(rd(setip(k)), 0u) << k;
        EXPECT_EQ(rd(in_clrip(k)), 0u) << k;
        EXPECT_EQ(rd(setie(k)), 0u) << k;
        EXPECT_EQ(rd(clrie(k)), 0u) << k;
    }
    EXPECT_EQ(rd(kGenmsi), 0u);
    // Locked, configuration hidden (§4.5.3).
    EXPECT_EQ(rd(kMmsiaddrcfg), 0u);
    EXPECT_EQ(rd(kMmsiaddrcfgh), 0x80000000u);
    EXPECT_EQ(rd(kSmsiaddrcfg), 0u);
    EXPECT_EQ(rd(kSmsiaddrcfgh), 0u);
    EXPECT_TRUE(msis.empty());
}

TEST(AplicConstruction, CountsAreClampedToTheLimits) {
    Aplic big{100000, 100000, nullptr, nullptr};
    EXPECT_EQ(big.num_sources(), Aplic::kMaxSources);
    EXPECT_EQ(big.num_harts(), 16384u);  // every Hart Index the target field holds

    Aplic none{0, 0, nullptr, nullptr};
    EXPECT_EQ(none.num_sources(), 0u);
    none.write(sourcecfg(1), 4, kLevel1);
    none.set_source_level(1, true);
    EXPECT_EQ(none.read(sourcecfg(1), 4), 0u);
    EXPECT_EQ(none.read(in_clrip(0), 4), 0u);
    EXPECT_EQ(none.read(setip(0), 4), 0u);
}

TEST(AplicConstruction, FullSizeUsesTheLastSource) {
    std::vector<Msi> sent;
    auto record = [](void* cookie, unsigned hart, unsigned eiid) {
        static_cast<std::vector<Msi>*>(cookie)->push_back({hart, eiid});
    };
    Aplic aplic{Aplic::kMaxSources, 2, record, &sent};
    const unsigned last = Aplic::kMaxSources;
    aplic.write(sourcecfg(last), 4, kEdge1);
    EXPECT_EQ(aplic.read(sourcecfg(last), 4), kEdge1);
    aplic.write(sourcecfg(last + 1), 4, kEdge1);
    EXPECT_EQ(aplic.read(sourcecfg(last + 1), 4), 0u);
    aplic.set_source_level(last, true);
    EXPECT_EQ(aplic.read(setip(last / 32), 4), 1u << (last % 32));
    aplic.write(target(last), 4, msi_target(1, 77));
    aplic.write(kSetienum, 4, last);
    aplic.write(kDomaincfg, 4, kIe);
    EXPECT_EQ(sent, (Msis{{1, 77}}));
    EXPECT_EQ(aplic.read(setip(last / 32), 4), 0u);
}

TEST(AplicConstruction, NullCallbackSendsNothing) {
    Aplic aplic{4, 1, nullptr, nullptr};
    aplic.write(sourcecfg(1), 4, kEdge1);
    aplic.write(target(1), 4, msi_target(0, 1));
    aplic.write(kSetienum, 4, 1);
    aplic.write(kDomaincfg, 4, kIe);
    aplic.set_source_level(1, true);  // forwarded to no one
    EXPECT_EQ(aplic.read(setip(0), 4), 0u);
    aplic.write(kGenmsi, 4, msi_target(0, 3));
}

// ---- domaincfg ---------------------------------------------------------------------------

TEST_F(AplicTest, DomaincfgOnlyIeIsWritable) {
    wr(kDomaincfg, 0xffffffff);
    EXPECT_EQ(rd(kDomaincfg), kDomaincfgReset | kIe);
    wr(kDomaincfg, 0);  // DM cannot be cleared (MSI delivery only)
    EXPECT_EQ(rd(kDomaincfg), kDomaincfgReset);
    wr(kDomaincfg, 1);  // BE cannot be set (little-endian only)
    EXPECT_EQ(rd(kDomaincfg), kDomaincfgReset);
    wr(kDomaincfg, 0x80);  // bit 7 is read-only 0
    EXPECT_EQ(rd(kDomaincfg), kDomaincfgReset);
    wr(kDomaincfg, (0x01u << 24) | 0x01u);  // §4.5.1's byte-order-safe write of BE = 1
    EXPECT_EQ(rd(kDomaincfg), kDomaincfgReset);
}

TEST_F(AplicTest, LinuxProbeFindsWhatItWrote) {
    // aplic_init_hw_global: read, OR in IE and DM, write, read back and compare.
    const uint32_t wanted = rd(kDomaincfg) | kIe | (1u << 2);
    wr(kDomaincfg, wanted);
    EXPECT_EQ(rd(kDomaincfg), wanted);
}

// ---- sourcecfg ---------------------------------------------------------------------------

TEST_F(AplicTest, SourceModesReadBack) {
    for (uint32_t mode : {kDetached, kEdge1, kEdge0, kLevel1, kLevel0, kInactive}) {
        wr(sourcecfg(3), mode);
        EXPECT_EQ(rd(sourcecfg(3)), mode);
    }
}

TEST_F(AplicTest, ReservedSourceModesBecomeInactive) {
    for (uint32_t mode : {2u, 3u}) {
        wr(sourcecfg(3), kEdge1);
        wr(kSetienum, 3);
        wr(sourcecfg(3), mode);
        EXPECT_EQ(rd(sourcecfg(3)), 0u) << mode;
        EXPECT_FALSE(enabled(3));
    }
}

TEST_F(AplicTest, DelegationCannotBeSetInALeafDomain) {
    // §4.5.2: a write with D = 1 sets the whole register to zero.
    wr(sourcecfg(5), kLevel1);
    wr(kSetienum, 5);
    wr(target(5), msi_target(1, 9));
    wr(sourcecfg(5), kD | 0x3ff);  // child index 1023
    EXPECT_EQ(rd(sourcecfg(5)), 0u);
    EXPECT_FALSE(enabled(5));
    EXPECT_EQ(rd(target(5)), 0u);
    wr(sourcecfg(5), kD | kLevel1);
    EXPECT_EQ(rd(sourcecfg(5)), 0u);
    wr(sourcecfg(5), 0xffffffff);
    EXPECT_EQ(rd(sourcecfg(5)), 0u);
}

TEST_F(AplicTest, SourcecfgReservedBitsReadZero) {
    wr(sourcecfg(6), (~kD & 0xfffffff8u) | kLevel0);
    EXPECT_EQ(rd(sourcecfg(6)), kLevel0);
}

TEST_F(AplicTest, MissingSourcesHaveNoRegisters) {
    for (unsigned i = kSources + 1; i <= 1023; ++i) {
        wr(sourcecfg(i), kEdge1);
        wr(target(i), msi_target(1, 1));
        EXPECT_EQ(rd(sourcecfg(i)), 0u) << i;
        EXPECT_EQ(rd(target(i)), 0u) << i;
    }
    for (unsigned k = 0; k < 32; ++k) {
        wr(setie(k), 0xffffffff);
        wr(setip(k), 0xffffffff);
    }
    EXPECT_EQ(rd(setie(1)), 0u);  // no source is active yet
    EXPECT_EQ(rd(setip(1)), 0u);
    for (unsigned k = 2; k < 32; ++k) EXPECT_EQ(rd(setie(k)), 0u) << k;
}

// ---- inactive sources ----------------------------------------------------------------------

TEST_F(AplicTest, InactiveSourceIsAllZeros) {
    line(7, true);
    wr(setip(0), 1u << 7);
    wr(kSetipnum, 7);
    wr(setie(0), 1u << 7);
    wr(kSetienum, 7);
    wr(target(7), msi_target(1, 5));
    enable_domain();
    EXPECT_FALSE(pending(7));
    EXPECT_FALSE(enabled(7));
    EXPECT_FALSE(input(7));  // the rectified input of an inactive source is 0
    EXPECT_EQ(rd(target(7)), 0u);
    EXPECT_TRUE(msis.empty());
}

TEST_F(AplicTest, MakingASourceInactiveClearsItsState) {
    wr(sourcecfg(8), kDetached);
    wr(target(8), msi_target(3, 100));
    wr(kSetipnum, 8);
    wr(kSetienum, 8);
    EXPECT_TRUE(pending(8));
    EXPECT_TRUE(enabled(8));
    wr(sourcecfg(8), kInactive);
    EXPECT_FALSE(pending(8));
    EXPECT_FALSE(enabled(8));
    EXPECT_EQ(rd(target(8)), 0u);
    // Back to active: the bits stay zero (§4.5.2).
    wr(sourcecfg(8), kDetached);
    EXPECT_FALSE(pending(8));
    EXPECT_FALSE(enabled(8));
    EXPECT_EQ(rd(target(8)), 0u);
    enable_domain();
    EXPECT_TRUE(msis.empty());
}

// ---- detached sources ----------------------------------------------------------------------

TEST_F(AplicTest, DetachedSourceIgnoresItsWire) {
    wr(sourcecfg(9), kDetached);
    line(9, true);
    EXPECT_FALSE(pending(9));
    EXPECT_FALSE(input(9));  // rectified input 0
    line(9, false);
    EXPECT_FALSE(pending(9));
    wr(kSetipnum, 9);  // only software pends it
    EXPECT_TRUE(pending(9));
    line(9, true);
    line(9, false);
    EXPECT_TRUE(pending(9));  // nor does the wire clear it
    wr(kClripnum, 9);
    EXPECT_FALSE(pending(9));
    wr(setip(0), 1u << 9);
    EXPECT_TRUE(pending(9));
    wr(in_clrip(0), 1u << 9);
    EXPECT_FALSE(pending(9));
}

// ---- edge-sensitive sources ----------------------------------------------------------------

TEST_F(AplicTest, Edge1PendsOnRisingEdgesOnly) {
    wr(sourcecfg(10), kEdge1);
    line(10, true);
    EXPECT_TRUE(pending(10));
    EXPECT_TRUE(input(10));
    wr(kClripnum, 10);
    EXPECT_FALSE(pending(10));
    line(10, true);  // still high: no edge
    EXPECT_FALSE(pending(10));
    line(10, false);  // falling: nothing, and nothing cleared
    EXPECT_FALSE(pending(10));
    EXPECT_FALSE(input(10));
    line(10, true);
    line(10, false);
    EXPECT_TRUE(pending(10));  // a falling edge does not clear it
    wr(in_clrip(0), 1u << 10);
    EXPECT_FALSE(pending(10));
    wr(kSetipnum, 10);  // software may pend an edge source whatever its input
    EXPECT_TRUE(pending(10));
}

TEST_F(AplicTest, Edge0IsInverted) {
    line(11, true);
    wr(sourcecfg(11), kEdge0);
    EXPECT_FALSE(input(11));  // rectified: high wire reads 0
    EXPECT_FALSE(pending(11));
    line(11, false);  // falling edge = rising rectified input
    EXPECT_TRUE(input(11));
    EXPECT_TRUE(pending(11));
    wr(kClripnum, 11);
    line(11, true);
    EXPECT_FALSE(pending(11));
}

TEST_F(AplicTest, EdgeModeDoesNotPendOnASteadyHighLine) {
    line(12, true);
    wr(sourcecfg(12), kEdge1);  // no edge happened
    EXPECT_FALSE(pending(12));
    EXPECT_TRUE(input(12));
}

// ---- level-sensitive sources (MSI delivery mode, §4.7) -------------------------------------

TEST_F(AplicTest, Level1PendingFollowsTheRulesOfMsiMode) {
    wr(sourcecfg(13), kLevel1);
    wr(kSetipnum, 13);  // input low: software cannot pend it
    EXPECT_FALSE(pending(13));
    wr(setip(0), 1u << 13);
    EXPECT_FALSE(pending(13));
    line(13, true);
    EXPECT_TRUE(pending(13));
    EXPECT_TRUE(input(13));
    wr(kClripnum, 13);  // clearable while high...
    EXPECT_FALSE(pending(13));
    line(13, true);  // ...and stays clear: no new low-to-high transition
    EXPECT_FALSE(pending(13));
    wr(kSetipnum, 13);  // input high: software may pend it
    EXPECT_TRUE(pending(13));
    line(13, false);  // a low input clears it
    EXPECT_FALSE(pending(13));
    EXPECT_FALSE(input(13));
}

TEST_F(AplicTest, Level0IsInverted) {
    line(14, true);
    wr(sourcecfg(14), kLevel0);
    EXPECT_FALSE(input(14));
    EXPECT_FALSE(pending(14));
    wr(kSetipnum, 14);
    EXPECT_FALSE(pending(14));
    line(14, false);  // asserted
    EXPECT_TRUE(input(14));
    EXPECT_TRUE(pending(14));
    line(14, true);
    EXPECT_FALSE(pending(14));
}

TEST_F(AplicTest, SetipWordRespectsEachLevelSourcesInput) {
    wr(sourcecfg(1), kLevel1);
    wr(sourcecfg(2), kLevel1);
    wr(sourcecfg(3), kEdge1);
    wr(sourcecfg(4), kDetached);
    line(2, true);
    wr(kClripnum, 2);
    wr(setip(0), 0xffffffff);
    EXPECT_EQ(rd(setip(0)), (1u << 2) | (1u << 3) | (1u << 4));  // not 1: its input is low
}

// ---- changing a source's mode ----------------------------------------------------------------

TEST_F(AplicTest, ModeChangesKeepEnablesAndEdgePendingBits) {
    wr(sourcecfg(15), kEdge1);
    wr(kSetienum, 15);
    wr(kSetipnum, 15);
    wr(target(15), msi_target(2, 15));
    wr(sourcecfg(15), kDetached);
    EXPECT_TRUE(pending(15));
    EXPECT_TRUE(enabled(15));
    EXPECT_EQ(rd(target(15)), msi_target(2, 15));
    wr(sourcecfg(15), kEdge0);
    EXPECT_TRUE(pending(15));
    EXPECT_TRUE(enabled(15));
}

TEST_F(AplicTest, SwitchingToLevelWithTheInputLowClearsPending) {
    wr(sourcecfg(16), kEdge1);
    wr(kSetipnum, 16);
    wr(sourcecfg(16), kLevel1);  // a level source is never pending while low
    EXPECT_FALSE(pending(16));
}

TEST_F(AplicTest, SwitchingToLevelWithTheInputHighPends) {
    // A level interrupt asserted while the driver (re)configured the source:
    // pended by the sourcecfg write (§4.5.2 allows it; Linux 6.10 needs it).
    line(17, true);
    wr(sourcecfg(17), kLevel1);
    EXPECT_TRUE(pending(17));
    wr(kClripnum, 17);
    wr(sourcecfg(17), kLevel0);  // now deasserted
    EXPECT_FALSE(pending(17));
    line(17, false);  // asserted under Level0
    EXPECT_TRUE(pending(17));
    wr(kClripnum, 17);
    wr(sourcecfg(17), kLevel0);  // rewriting the same mode while asserted
    EXPECT_TRUE(pending(17));
}

TEST_F(AplicTest, SwitchingFromEdgeToLevelWhileHighForwards) {
    enable_domain();
    route(18, kEdge1, 1, 40);
    line(18, true);
    EXPECT_EQ(take_msis(), (Msis{{1, 40}}));
    wr(sourcecfg(18), kLevel1);  // still asserted, as a level now
    EXPECT_EQ(take_msis(), (Msis{{1, 40}}));
}

// ---- enable bits -----------------------------------------------------------------------------

TEST_F(AplicTest, EnableRegisters) {
    for (unsigned s = 1; s <= kSources; ++s) wr(sourcecfg(s), kDetached);
    wr(setie(0), 0xffffffff);
    wr(setie(1), 0xffffffff);
    EXPECT_EQ(rd(setie(0)), 0xfffffffeu);  // bit 0: no source 0
    EXPECT_EQ(rd(setie(1)), 0x000001ffu);  // sources 32..40
    wr(clrie(0), 0x0000ff00);
    EXPECT_EQ(rd(setie(0)), 0xffff00feu);
    EXPECT_EQ(rd(clrie(0)), 0u);  // clrie reads 0
    wr(kClrienum, 33);
    EXPECT_EQ(rd(setie(1)), 0x000001fdu);
    wr(kSetienum, 8);
    EXPECT_EQ(rd(setie(0)), 0xffff01feu);
    EXPECT_EQ(rd(kSetienum), 0u);
    EXPECT_EQ(rd(kClrienum), 0u);
    wr(clrie(1), 0xffffffff);
    EXPECT_EQ(rd(setie(1)), 0u);
}

TEST_F(AplicTest, NumberRegistersIgnoreWhatIsNotAnActiveSource) {
    wr(sourcecfg(1), kDetached);
    wr(sourcecfg(kSources), kDetached);
    for (uint64_t bad : std::initializer_list<uint64_t>{0, 2, kSources + 1, 63, 1023, 1024, 0xffff,
                                                        0x80000001, 0xffffffff}) {
        wr(kSetipnum, bad);
        wr(kSetipnumLe, bad);
        wr(kSetienum, bad);
        EXPECT_EQ(rd(setip(0)), 0u) << bad;
        EXPECT_EQ(rd(setie(0)), 0u) << bad;
        EXPECT_EQ(rd(setip(1)), 0u) << bad;
        EXPECT_EQ(rd(setie(1)), 0u) << bad;
    }
    wr(kSetipnum, kSources);
    wr(kSetienum, kSources);
    for (uint64_t bad : std::initializer_list<uint64_t>{0, 2, kSources + 1, 1024, 0xffffffff}) {
        wr(kClripnum, bad);
        wr(kClrienum, bad);
    }
    EXPECT_TRUE(pending(kSources));
    EXPECT_TRUE(enabled(kSources));
    EXPECT_EQ(rd(kSetipnum), 0u);
    EXPECT_EQ(rd(kClripnum), 0u);
    EXPECT_EQ(rd(kSetipnumLe), 0u);
    EXPECT_EQ(rd(kSetipnumBe), 0u);
    // A 32-bit register: the upper half of what a store hands over is dropped.
    wr(kSetipnum, 0x1'0000'0001);
    EXPECT_TRUE(pending(1));
}

// ---- setipnum_le and setipnum_be -------------------------------------------------------------

TEST_F(AplicTest, SetipnumLeAndBe) {
    wr(sourcecfg(5), kDetached);
    wr(sourcecfg(6), kDetached);
    wr(kSetipnumLe, 5);
    EXPECT_TRUE(pending(5));
    wr(kSetipnumBe, 0x06000000);  // 6 in big-endian byte order
    EXPECT_TRUE(pending(6));
    wr(kClripnum, 5);
    wr(kSetipnumBe, 5);  // 0x05000000: no such source
    EXPECT_FALSE(pending(5));
}

// ---- targets ---------------------------------------------------------------------------------

TEST_F(AplicTest, TargetFieldsInMsiMode) {
    wr(sourcecfg(20), kEdge1);
    wr(target(20), msi_target(3, 0x123));
    EXPECT_EQ(rd(target(20)), msi_target(3, 0x123));
    // Guest Index (17:12) is read-only 0 and bit 11 reserved; Hart Index and
    // EIID keep every bit.
    wr(target(20), 0xffffffff);
    EXPECT_EQ(rd(target(20)), 0xfffc07ffu);
    wr(target(20), (5u << 12) | 7);
    EXPECT_EQ(rd(target(20)), 7u);
    wr(target(20), 0x1'0004'0001);  // a 32-bit register: the upper half is dropped
    EXPECT_EQ(rd(target(20)), msi_target(1, 1));
}

TEST_F(AplicTest, TargetWritesToInactiveSourcesAreIgnored) {
    // Linux's probe writes 1 (a direct-mode priority) to every target while
    // the sources are inactive.
    wr(target(21), 1);
    EXPECT_EQ(rd(target(21)), 0u);
    wr(sourcecfg(21), kLevel1);
    EXPECT_EQ(rd(target(21)), 0u);
}

// ---- forwarding by MSIs (§4.9) ---------------------------------------------------------------

TEST_F(AplicTest, PendingAndEnabledAndIeSendsOneMsiAndClearsPending) {
    enable_domain();
    route(22, kEdge1, 2, 5);
    EXPECT_TRUE(msis.empty());
    line(22, true);
    EXPECT_EQ(take_msis(), (Msis{{2, 5}}));
    EXPECT_FALSE(pending(22));
    line(22, true);  // no new edge
    line(22, false);
    EXPECT_TRUE(take_msis().empty());
    line(22, true);
    EXPECT_EQ(take_msis(), (Msis{{2, 5}}));
    wr(kSetipnum, 22);
    EXPECT_EQ(take_msis(), (Msis{{2, 5}}));
}

TEST_F(AplicTest, NothingIsSentWhileIeIsZero) {
    route(23, kEdge1, 1, 23);
    route(24, kDetached, 0, 24);
    line(23, true);
    wr(kSetipnum, 24);
    EXPECT_TRUE(msis.empty());
    EXPECT_TRUE(pending(23));
    EXPECT_TRUE(pending(24));
    wr(kDomaincfg, kIe);
    EXPECT_EQ(take_msis(), (Msis{{1, 23}, {0, 24}}));  // lowest source first
    EXPECT_FALSE(pending(23));
    EXPECT_FALSE(pending(24));
    wr(kDomaincfg, kIe);  // IE already 1: nothing new
    EXPECT_TRUE(msis.empty());
    wr(kDomaincfg, 0);
    wr(kSetipnum, 24);
    wr(kSetipnum, 24);  // one pending bit: one MSI once IE is back
    EXPECT_TRUE(msis.empty());
    wr(kDomaincfg, kIe);
    EXPECT_EQ(take_msis(), (Msis{{0, 24}}));
}

TEST_F(AplicTest, NothingIsSentWhileDisabled) {
    enable_domain();
    wr(sourcecfg(25), kEdge1);
    wr(target(25), msi_target(3, 2047));
    line(25, true);
    EXPECT_TRUE(msis.empty());
    EXPECT_TRUE(pending(25));
    wr(setie(0), 1u << 25);
    EXPECT_EQ(take_msis(), (Msis{{3, 2047}}));
    wr(kClrienum, 25);
    wr(kSetipnum, 25);
    EXPECT_TRUE(msis.empty());
    wr(kSetienum, 25);
    EXPECT_EQ(take_msis(), (Msis{{3, 2047}}));
}

TEST_F(AplicTest, ClearedBeforeIeNothingIsSent) {
    route(26, kLevel1, 0, 26);
    route(27, kEdge1, 0, 27);
    line(26, true);
    line(27, true);
    line(26, false);  // a level source's request goes with its input
    wr(kClripnum, 27);
    enable_domain();
    EXPECT_TRUE(msis.empty());
}

TEST_F(AplicTest, TheTargetAtSendingTimeCounts) {
    route(28, kDetached, 0, 1);
    wr(kSetipnum, 28);
    wr(target(28), msi_target(3, 99));
    enable_domain();
    EXPECT_EQ(take_msis(), (Msis{{3, 99}}));
}

TEST_F(AplicTest, LevelSourceResendsWhenRependedWhileHigh) {
    // The spec's second option (§4.9.2), which Linux's EOI takes: write the
    // source number to setipnum(_le) after servicing.
    enable_domain();
    route(10, kLevel1, 1, 33);
    line(10, true);
    EXPECT_EQ(take_msis(), (Msis{{1, 33}}));
    line(10, true);  // still high: the APLIC ignores it until it drops
    EXPECT_TRUE(take_msis().empty());
    wr(kSetipnumLe, 10);  // still asserted: sent again
    EXPECT_EQ(take_msis(), (Msis{{1, 33}}));
    wr(kSetipnumLe, 10);
    EXPECT_EQ(take_msis(), (Msis{{1, 33}}));
    line(10, false);
    wr(kSetipnumLe, 10);  // serviced: nothing
    EXPECT_TRUE(take_msis().empty());
    EXPECT_FALSE(pending(10));
    line(10, true);  // a new assertion
    EXPECT_EQ(take_msis(), (Msis{{1, 33}}));
}

TEST_F(AplicTest, MsisToMissingHartsOrEiidZeroGoNowhere) {
    enable_domain();
    route(30, kDetached, kHarts, 7);  // hart indexes are 0..3
    route(31, kDetached, 16383, 7);
    route(32, kDetached, 0, 0);
    route(33, kDetached, kHarts - 1, 1);
    for (unsigned s : {30u, 31u, 32u, 33u}) wr(kSetipnum, s);
    EXPECT_EQ(take_msis(), (Msis{{kHarts - 1, 1}}));
    // Sent as far as the domain knows: the pending bits are cleared.
    for (unsigned s : {30u, 31u, 32u, 33u}) EXPECT_FALSE(pending(s)) << s;
}

TEST_F(AplicTest, EveryEiidUpTo2047IsPassedOn) {
    enable_domain();
    wr(sourcecfg(34), kDetached);
    wr(kSetienum, 34);
    for (unsigned eiid = 1; eiid <= 2047; ++eiid) {
        wr(target(34), msi_target(eiid % kHarts, eiid));
        wr(kSetipnum, 34);
        ASSERT_EQ(take_msis(), (Msis{{eiid % kHarts, eiid}}));
    }
}

// ---- genmsi (§4.5.15) ------------------------------------------------------------------------

TEST_F(AplicTest, GenmsiSendsAnExtemporeMsiWhateverIeIs) {
    wr(kGenmsi, msi_target(2, 9));
    EXPECT_EQ(take_msis(), (Msis{{2, 9}}));
    EXPECT_EQ(rd(kGenmsi), msi_target(2, 9));  // Busy (bit 12) already 0
    enable_domain();
    wr(kGenmsi, msi_target(0, 2047));
    EXPECT_EQ(take_msis(), (Msis{{0, 2047}}));
    wr(kGenmsi, 0xffffffff);  // Busy and bits 17:11 read 0; hart 16383: nowhere
    EXPECT_EQ(rd(kGenmsi), 0xfffc07ffu);
    EXPECT_TRUE(take_msis().empty());
    wr(kGenmsi, msi_target(1, 0));  // EIID 0: nowhere
    EXPECT_TRUE(take_msis().empty());
    wr(kGenmsi, msi_target(1, 1));  // never busy: the next write is taken
    wr(kGenmsi, msi_target(1, 2));
    EXPECT_EQ(take_msis(), (Msis{{1, 1}, {1, 2}}));
}

TEST_F(AplicTest, GenmsiLeavesSourcesAlone) {
    route(35, kDetached, 0, 35);
    wr(kSetipnum, 35);
    wr(kGenmsi, msi_target(0, 1));
    EXPECT_EQ(take_msis(), (Msis{{0, 1}}));
    EXPECT_TRUE(pending(35));  // IE is still 0
}

// ---- MSI address configuration (§4.5.3, §4.5.4) ---------------------------------------------

TEST_F(AplicTest, MsiAddressRegistersAreLocked) {
    for (uint64_t offset : {kMmsiaddrcfg, kMmsiaddrcfgh, kSmsiaddrcfg, kSmsiaddrcfgh}) {
        wr(offset, 0x12345678);
        wr(offset, 0);  // not even L can be cleared
    }
    EXPECT_EQ(rd(kMmsiaddrcfg), 0u);
    EXPECT_EQ(rd(kMmsiaddrcfgh), 0x80000000u);
    EXPECT_EQ(rd(kSmsiaddrcfg), 0u);
    EXPECT_EQ(rd(kSmsiaddrcfgh), 0u);
}

TEST_F(AplicTest, MsiAddressConfigSetByTheHypervisorReadsBackLocked) {
    // QEMU virt's supervisor-level IMSICs: 0x2800_0000, one page per hart.
    aplic.set_msi_address_config(0x28000, 0, 2, 24 - 12, 0);
    EXPECT_EQ(rd(kMmsiaddrcfg), 0x28000u);
    EXPECT_EQ(rd(kMmsiaddrcfgh), 0x80000000u | (12u << 24) | (2u << 12));
    EXPECT_EQ(rd(kSmsiaddrcfg), 0x28000u);
    EXPECT_EQ(rd(kSmsiaddrcfgh), 0u);
    wr(kMmsiaddrcfgh, 0);  // still locked
    wr(kSmsiaddrcfg, 0x1000);
    EXPECT_EQ(rd(kMmsiaddrcfgh), 0x80000000u | (12u << 24) | (2u << 12));
    EXPECT_EQ(rd(kSmsiaddrcfg), 0x28000u);

    // Every field, cut to its width: PPN 44 bits, HHXS 5, LHXS 3, HHXW 3, LHXW 4.
    aplic.set_msi_address_config(0xfff'1234'5678'9abc, 0xff, 0xff, 0xff, 0xff);
    EXPECT_EQ(rd(kMmsiaddrcfg), 0x56789abcu);
    EXPECT_EQ(rd(kMmsiaddrcfgh),
              0x80000000u | (0x1fu << 24) | (7u << 20) | (7u << 16) | (0xfu << 12) | 0x234u);
    EXPECT_EQ(rd(kSmsiaddrcfg), 0x56789abcu);
    EXPECT_EQ(rd(kSmsiaddrcfgh), (7u << 20) | 0x234u);

    aplic.reset();  // not a way to unlock or change them
    EXPECT_EQ(rd(kMmsiaddrcfg), 0x56789abcu);
    EXPECT_EQ(rd(kSmsiaddrcfgh), (7u << 20) | 0x234u);
}

// ---- access width, alignment, reserved space -------------------------------------------------

TEST_F(AplicTest, OnlyAlignedWordAccessesDoAnything) {
    wr(sourcecfg(2), kDetached);
    wr(target(2), msi_target(1, 2));
    for (unsigned width : {1u, 2u, 8u}) {
        aplic.write(kDomaincfg, width, kIe);
        aplic.write(kSetienum, width, 2);
        aplic.write(kSetipnum, width, 2);
        aplic.write(sourcecfg(2), width, kInactive);
        aplic.write(kGenmsi, width, msi_target(1, 3));
        EXPECT_EQ(aplic.read(kDomaincfg, width), 0u) << width;
        EXPECT_EQ(aplic.read(sourcecfg(2), width), 0u) << width;
        EXPECT_EQ(aplic.read(target(2), width), 0u) << width;
    }
    for (uint64_t misaligned : {1ull, 2ull, 3ull}) {
        aplic.write(kDomaincfg + misaligned, 4, kIe);
        aplic.write(kSetienum + misaligned, 4, 2);
        aplic.write(sourcecfg(2) + misaligned, 4, kInactive);
        EXPECT_EQ(aplic.read(kDomaincfg + misaligned, 4), 0u);
        EXPECT_EQ(aplic.read(target(2) + misaligned, 4), 0u);
    }
    EXPECT_EQ(rd(kDomaincfg), kDomaincfgReset);
    EXPECT_EQ(rd(sourcecfg(2)), kDetached);
    EXPECT_FALSE(enabled(2));
    EXPECT_FALSE(pending(2));
    EXPECT_TRUE(msis.empty());
}

TEST_F(AplicTest, ReservedSpaceReadsZeroAndIgnoresWrites) {
    wr(sourcecfg(1), kDetached);
    wr(kSetienum, 1);
    wr(target(1), msi_target(0, 1));
    // Between the blocks, the unused tails of the bit-array blocks, past
    // setipnum_be, and the IDC space an MSI-mode domain does not have.
    for (uint64_t offset :
         {0x1000ull, 0x1bbcull, 0x1bd0ull, 0x1bfcull, 0x1c80ull, 0x1cd8ull, 0x1ce0ull, 0x1d80ull,
          0x1e80ull, 0x1f80ull, 0x1ffcull, 0x2008ull, 0x2ffcull}) {
        wr(offset, 0xffffffff);
        EXPECT_EQ(rd(offset), 0u) << std::hex << offset;
    }
    for (uint64_t offset :
         std::initializer_list<uint64_t>{Aplic::kSize, Aplic::kSize + kSetipnum, 0x4000 + 0x18,
                                         0x1'0000'0000 + kSetipnum, ~uint64_t{3}, ~uint64_t{0}}) {
        aplic.write(offset, 4, 1);
        EXPECT_EQ(aplic.read(offset, 4), 0u) << std::hex << offset;
    }
    enable_domain();
    EXPECT_TRUE(msis.empty());  // nothing pended source 1
    EXPECT_EQ(rd(sourcecfg(1)), kDetached);
    EXPECT_EQ(rd(target(1)), msi_target(0, 1));
}

// ---- hostile guests --------------------------------------------------------------------------

TEST_F(AplicTest, OnesWrittenEverywhere) {
    line(3, true);
    for (uint64_t offset = 0; offset < Aplic::kSize; offset += 4) wr(offset, 0xffffffff);
    // domaincfg got IE; every sourcecfg was set to 0 by its D bit, so nothing
    // is active; genmsi went to hart 16383, which does not exist.
    EXPECT_EQ(rd(kDomaincfg), kDomaincfgReset | kIe);
    for (unsigned i = 1; i <= kSources; ++i) EXPECT_EQ(rd(sourcecfg(i)), 0u);
    EXPECT_EQ(rd(setip(0)), 0u);
    EXPECT_EQ(rd(setie(0)), 0u);
    EXPECT_EQ(rd(kGenmsi), 0xfffc07ffu);
    EXPECT_TRUE(msis.empty());

    // Every source active in a mode, then the rest of the map written with
    // ones again: each MSI goes to hart 16383, i.e. nowhere.
    for (unsigned i = 1; i <= kSources; ++i) wr(sourcecfg(i), kLevel1 - (i % 3));
    for (uint64_t offset = 0x1000; offset < Aplic::kSize; offset += 4) wr(offset, 0xffffffff);
    EXPECT_TRUE(msis.empty());
    for (unsigned i = 1; i <= kSources; ++i) EXPECT_EQ(rd(target(i)), 0xfffc07ffu) << i;
    // Everything pending was forwarded: with IE = 1 nothing stays pending and enabled.
    EXPECT_EQ(rd(setip(0)) & rd(setie(0)), 0u);
    EXPECT_EQ(rd(setip(1)) & rd(setie(1)), 0u);
    // A real target still works afterwards (clrie's ones disabled everything).
    wr(target(3), msi_target(1, 3));
    wr(kSetienum, 3);
    wr(kSetipnum, 3);  // source 3 is Level1 with its line high
    EXPECT_EQ(take_msis(), (Msis{{1, 3}}));
}

TEST_F(AplicTest, SourceLevelsOfMissingSourcesAreIgnored) {
    for (unsigned s : {0u, kSources + 1, 1023u, 1024u, 0xffffffffu}) {
        line(s, true);
        line(s, false);
        line(s, true);
    }
    for (unsigned k = 0; k < 32; ++k) EXPECT_EQ(rd(in_clrip(k)), 0u) << k;
}

// ---- reset -----------------------------------------------------------------------------------

TEST_F(AplicTest, ResetRestoresPowerOnStateAndKeepsInputLines) {
    enable_domain();
    route(4, kLevel1, 1, 4);
    route(5, kEdge1, 2, 5);
    wr(kGenmsi, msi_target(0, 1));
    line(4, true);
    line(6, true);
    take_msis();
    wr(kDomaincfg, 0);
    wr(kSetipnum, 5);
    aplic.reset();
    EXPECT_EQ(rd(kDomaincfg), kDomaincfgReset);
    for (unsigned i = 1; i <= kSources; ++i) {
        EXPECT_EQ(rd(sourcecfg(i)), 0u) << i;
        EXPECT_EQ(rd(target(i)), 0u) << i;
    }
    EXPECT_EQ(rd(setip(0)), 0u);
    EXPECT_EQ(rd(setie(0)), 0u);
    EXPECT_EQ(rd(in_clrip(0)), 0u);  // inactive sources read 0...
    EXPECT_EQ(rd(kGenmsi), 0u);
    EXPECT_TRUE(msis.empty());
    // ...but the lines kept their levels: a level source made active again
    // finds its input high.
    wr(sourcecfg(4), kLevel1);
    wr(sourcecfg(6), kEdge1);
    EXPECT_EQ(rd(in_clrip(0)), (1u << 4) | (1u << 6));
    EXPECT_TRUE(pending(4));
    EXPECT_FALSE(pending(6));  // no edge
}

// ---- what Linux's driver does ------------------------------------------------------------------

// The register accesses of Linux's irq-riscv-aplic-main.c and -msi.c for a
// level-high device interrupt (the UART's), in order: probe, request_irq,
// interrupts with their EOIs, an affinity change, free_irq.
TEST_F(AplicTest, LinuxDriverSequence) {
    // Probe (aplic_init_hw_irqs, then aplic_init_hw_global).
    for (unsigned i = 0; i <= kSources; i += 32) wr(clrie(i / 32), 0xffffffff);
    for (unsigned i = 1; i <= kSources; ++i) {
        wr(sourcecfg(i), 0);
        wr(target(i), 1);  // APLIC_DEFAULT_PRIORITY, ignored: the source is inactive
    }
    wr(kDomaincfg, 0);
    const uint32_t domaincfg = rd(kDomaincfg) | kIe | (1u << 2);
    wr(kDomaincfg, domaincfg);
    ASSERT_EQ(rd(kDomaincfg), domaincfg);
    line(10, true);  // the device asserts before its driver is ready
    EXPECT_TRUE(msis.empty());

    // request_irq: set_type (masked) then retrigger, write_msg, unmask.
    wr(kClrienum, 10);
    wr(sourcecfg(10), kLevel1);
    wr(kSetipnumLe, 10);
    wr(target(10), msi_target(0, 0x21));
    EXPECT_TRUE(msis.empty());
    wr(kSetienum, 10);
    EXPECT_EQ(take_msis(), (Msis{{0, 0x21}}));

    // Handler services the device while it has more: the EOI (setipnum_le)
    // brings the still-asserted line back as a new MSI.
    wr(kSetipnumLe, 10);
    EXPECT_EQ(take_msis(), (Msis{{0, 0x21}}));
    line(10, false);
    wr(kSetipnumLe, 10);
    EXPECT_TRUE(take_msis().empty());

    // Affinity moves the interrupt to hart 3 (a new vector there).
    wr(target(10), msi_target(3, 0x25));
    line(10, true);
    EXPECT_EQ(take_msis(), (Msis{{3, 0x25}}));
    line(10, false);
    wr(kSetipnumLe, 10);

    // free_irq: mask, then a zeroed message writes target 0.
    wr(kClrienum, 10);
    wr(target(10), 0);
    line(10, true);
    EXPECT_TRUE(take_msis().empty());
    EXPECT_TRUE(pending(10));
}

// ---- several harts at once ---------------------------------------------------------------------

constexpr auto kRaceTimeout = std::chrono::seconds(30);

// Device threads toggle their edge sources' lines while vCPU threads move the
// sources between harts (target writes), re-pend them by setipnum and read
// registers. Every rising edge and every setipnum write on an enabled source
// with IE = 1 must produce exactly one MSI with the source's EIID: none lost,
// none duplicated.
TEST(AplicConcurrency, EveryEdgeAndSetipnumBecomesExactlyOneMsi) {
    constexpr unsigned kDevices = 4;
    constexpr unsigned kEdges = 5000;
    constexpr unsigned kSetipnums = 3000;
    constexpr unsigned kHarts = 2;
    struct Received {
        // Written by the callback, under the APLIC's lock; read after the joins.
        std::array<std::array<unsigned, kDevices + 1>, kHarts> count{};
        unsigned bad = 0;
    } received;
    auto record = [](void* cookie, unsigned hart, unsigned eiid) {
        auto& r = *static_cast<Received*>(cookie);
        if (hart >= kHarts || eiid == 0 || eiid > kDevices) {
            ++r.bad;
            return;
        }
        ++r.count[hart][eiid];
    };
    Aplic aplic{8, kHarts, record, &received};
    for (unsigned s = 1; s <= kDevices; ++s) {
        aplic.write(sourcecfg(s), 4, kEdge1);
        aplic.write(target(s), 4, msi_target(0, s));
        aplic.write(kSetienum, 4, s);
    }
    aplic.write(kDomaincfg, 4, kIe);

    auto device = [&](unsigned source) {
        for (unsigned i = 0; i < kEdges; ++i) {
            aplic.set_source_level(source, true);
            aplic.set_source_level(source, false);
        }
    };
    std::atomic<unsigned> stray_pending{0};
    auto vcpu = [&](unsigned hart) {
        for (unsigned i = 0; i < kSetipnums; ++i) {
            const unsigned source = 1 + i % kDevices;
            aplic.write(target(source), 4, msi_target((hart + i) % kHarts, source));
            aplic.write(kSetipnum, 4, source);
            aplic.write(kSetienum, 4, source);  // already enabled: changes nothing
            (void)aplic.read(in_clrip(0), 4);
            // Pending and enabled with IE = 1 never lasts past an access.
            if ((aplic.read(setip(0), 4) & 0x1e) != 0) ++stray_pending;
        }
    };
    std::vector<std::thread> threads;
    for (unsigned s = 1; s <= kDevices; ++s) threads.emplace_back(device, s);
    for (unsigned h = 0; h < kHarts; ++h) threads.emplace_back(vcpu, h);
    for (auto& t : threads) t.join();

    EXPECT_EQ(received.bad, 0u);
    EXPECT_EQ(stray_pending.load(), 0u);
    const unsigned setipnums_per_source = kHarts * kSetipnums / kDevices;
    for (unsigned s = 1; s <= kDevices; ++s) {
        unsigned total = 0;
        for (unsigned h = 0; h < kHarts; ++h) total += received.count[h][s];
        EXPECT_EQ(total, kEdges + setipnums_per_source) << "source " << s;
    }
}

// An interrupt file as the receiver: a pending bit per identity, which
// coalesces MSIs that arrive while it is set (as an IMSIC's does).
struct InterruptFile {
    static void receive(void* cookie, unsigned hart, unsigned eiid) {
        auto& self = *static_cast<InterruptFile*>(cookie);
        if (hart != 0 || eiid != kEiid) {
            ++self.foreign;
            return;
        }
        self.pending = true;
        ++self.msis;
    }
    static constexpr unsigned kEiid = 0x21;
    std::atomic<bool> pending{false};
    std::atomic<unsigned> msis{0};
    std::atomic<unsigned> foreign{0};
};

// A level-triggered device (the line is high while events are outstanding)
// and a vCPU whose handler services one event per interrupt and ends with
// Linux's EOI (setipnum_le). Every event must be serviced: a level interrupt
// the APLIC dropped would leave the handler waiting.
TEST(AplicConcurrency, LevelInterruptWithLinuxEoiLosesNothing) {
    constexpr unsigned kEvents = 20000;
    InterruptFile file;
    Aplic aplic{4, 1, &InterruptFile::receive, &file};
    aplic.write(sourcecfg(1), 4, kLevel1);
    aplic.write(target(1), 4, msi_target(0, InterruptFile::kEiid));
    aplic.write(kSetienum, 4, 1);
    aplic.write(kDomaincfg, 4, kIe);

    std::mutex device_lock;
    unsigned outstanding = 0;  // guarded by device_lock
    std::atomic<unsigned> serviced{0};
    std::atomic<bool> timed_out{false};
    const auto deadline = std::chrono::steady_clock::now() + kRaceTimeout;

    auto vcpu = [&] {
        while (serviced.load() < kEvents) {
            if (std::chrono::steady_clock::now() > deadline) {
                timed_out = true;
                return;
            }
            if (!file.pending.exchange(false)) {  // claim from the interrupt file
                std::this_thread::yield();
                continue;
            }
            {
                std::lock_guard<std::mutex> guard(device_lock);
                if (outstanding > 0) {
                    --outstanding;
                    ++serviced;
                }
                aplic.set_source_level(1, outstanding > 0);
            }
            aplic.write(kSetipnumLe, 4, 1);  // EOI
        }
    };
    auto device = [&] {
        for (unsigned i = 0; i < kEvents; ++i) {
            std::lock_guard<std::mutex> guard(device_lock);
            ++outstanding;
            aplic.set_source_level(1, true);
        }
    };
    std::thread tv(vcpu), td(device);
    td.join();
    tv.join();

    EXPECT_FALSE(timed_out.load()) << "serviced " << serviced.load() << " of " << kEvents;
    EXPECT_EQ(serviced.load(), kEvents);
    EXPECT_EQ(file.foreign.load(), 0u);
    EXPECT_GE(file.msis.load(), 1u);
    EXPECT_EQ(aplic.read(in_clrip(0), 4), 0u);  // the line is low...
    EXPECT_EQ(aplic.read(setip(0), 4), 0u);     // ...so nothing is pending
}

// Guests hammer every register from several harts while devices move their
// lines: the state stays consistent (no race, checked by ThreadSanitizer), no
// MSI names a missing hart or EIID 0, and once IE = 1 nothing stays pending
// and enabled.
TEST(AplicConcurrency, HostileWritesFromSeveralHarts) {
    constexpr unsigned kThreads = 3;
    constexpr unsigned kRounds = 20000;
    constexpr unsigned kHarts = 2;
    struct Received {
        unsigned msis = 0, bad = 0;  // written under the APLIC's lock
    } received;
    auto record = [](void* cookie, unsigned hart, unsigned eiid) {
        auto& r = *static_cast<Received*>(cookie);
        ++r.msis;
        if (hart >= kHarts || eiid == 0 || eiid > 2047) ++r.bad;
    };
    Aplic aplic{40, kHarts, record, &received};
    auto guest = [&](unsigned seed) {
        uint32_t x = 0x9e3779b9u * (seed + 1);
        auto next = [&x] {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            return x;
        };
        for (unsigned i = 0; i < kRounds; ++i) {
            const uint32_t r = next();
            const uint64_t offset = (r % Aplic::kSize) & ~uint64_t{3};
            uint32_t value = next();
            if ((r >> 20) % 4 == 0) value %= 48;  // source numbers
            aplic.write(offset, 4, value);
            (void)aplic.read(offset, 4);
        }
    };
    auto device = [&] {
        for (unsigned i = 0; i < kRounds; ++i)
            aplic.set_source_level(1 + i % 40, (i / 40) % 2 == 0);
    };
    std::vector<std::thread> threads;
    for (unsigned t = 0; t < kThreads; ++t) threads.emplace_back(guest, t);
    threads.emplace_back(device);
    for (auto& t : threads) t.join();

    EXPECT_EQ(received.bad, 0u);
    aplic.write(kDomaincfg, 4, kIe);
    for (unsigned k = 0; k < 2; ++k)
        EXPECT_EQ(aplic.read(setip(k), 4) & aplic.read(setie(k), 4), 0u) << k;
}

}  // namespace
}  // namespace halyard
