// SPDX-License-Identifier: Apache-2.0
// Unit tests for the one read of the host's entropy at boot
// (platform/host_entropy.hpp): the host DT's /chosen/rng-seed goes into the
// seed key and is then wiped in place, the rest of the tree untouched; the Zkr
// seed CSR is read only on a hart whose DT names zkr, left out when it traps
// in HS-mode, is DEAD or never delivers; without any entropy the key says so.

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "arch/fake_hart_state.hpp"
#include "fake_host_console.hpp"
#include "fdt/fdt.hpp"
#include "fdt/fdt_builder.hpp"
#include "lib/seed_kdf.hpp"
#include "platform/host_entropy.hpp"

namespace halyard {
namespace {

class HostEntropy : public ::testing::Test {
  protected:
    void SetUp() override {
        fake::reset();
        fake::host_console = {};
        fake::hart[Csr::time] = 0x1000;
    }

    // A host DT with /chosen { bootargs; rng-seed = `seed`; stdout-path }, as
    // QEMU's virt machine writes it; no rng-seed when `seed` is empty.
    void build_host_dt(const std::vector<uint8_t>& seed) {
        dtb_.assign(4096, 0);
        FdtBuilder b(dtb_);
        b.begin_node("");
        b.property_u32("#address-cells", 2);
        b.begin_node("chosen");
        b.property_string("bootargs", "console=ttyS0");
        if (!seed.empty()) b.property("rng-seed", seed);
        b.property_string("stdout-path", "/soc/serial@10000000");
        b.end_node();
        b.end_node();
        dtb_.resize(b.finish().value_or(0));
        ASSERT_FALSE(dtb_.empty());
    }

    FdtProperty chosen_property(const char* name) {
        const Fdt fdt = Fdt::from(dtb_.data(), dtb_.size());
        FdtNode chosen;
        EXPECT_TRUE(fdt.find("/chosen", chosen));
        return fdt.property(chosen, name);
    }

    SeedKey take(bool zkr = false) {
        const Result<SeedKey> key = take_host_entropy(dtb_, zkr);
        EXPECT_TRUE(key.ok());
        return key.value();
    }

    const std::string& log() const { return fake::host_console.output; }

    std::vector<uint8_t> seed32_ = std::vector<uint8_t>(32, 0x5A);
    std::vector<uint8_t> dtb_;
};

TEST_F(HostEntropy, TheHostSeedIsUsedAndWipedInPlace) {
    for (size_t i = 0; i < seed32_.size(); ++i) seed32_[i] = static_cast<uint8_t>(0xC0 + i);
    build_host_dt(seed32_);
    const std::vector<uint8_t> before = dtb_;
    const SeedKey key = take();
    EXPECT_TRUE(key.has_entropy);
    // The property is still there, all zeros; nothing else in the tree changed.
    const FdtProperty seed = chosen_property("rng-seed");
    ASSERT_TRUE(seed.valid());
    ASSERT_EQ(seed.value.size(), 32u);
    for (uint8_t b : seed.value) EXPECT_EQ(b, 0);
    size_t changed = 0;
    for (size_t i = 0; i < dtb_.size(); ++i) changed += dtb_[i] != before[i];
    EXPECT_EQ(changed, 32u);
    EXPECT_EQ(chosen_property("bootargs").string(), "console=ttyS0");
    EXPECT_EQ(chosen_property("stdout-path").string(), "/soc/serial@10000000");
    EXPECT_NE(log().find("guest seeds: key from 32 bytes of host rng-seed (wiped), no Zkr"),
              std::string::npos)
        << log();
    EXPECT_EQ(fake::hart.seed_reads, 0u) << "no Zkr in the DT: seed must not be touched";
}

TEST_F(HostEntropy, ReadingAgainAfterTheWipeGivesAnotherKey) {
    build_host_dt(seed32_);
    const SeedKey first = take();
    const SeedKey second = take();  // the seed is all zeros now
    EXPECT_NE(first.bytes, second.bytes);
}

TEST_F(HostEntropy, DifferentHostSeedsGiveDifferentKeys) {
    build_host_dt(seed32_);
    const SeedKey a = take();
    seed32_[31] ^= 1;
    build_host_dt(seed32_);
    EXPECT_NE(a.bytes, take().bytes);
}

TEST_F(HostEntropy, WithoutAnySourceThereIsNoEntropy) {
    build_host_dt({});
    EXPECT_FALSE(take().has_entropy);
    EXPECT_NE(log().find("warning: no entropy for guest seeds"), std::string::npos) << log();
}

TEST_F(HostEntropy, AShortHostSeedDoesNotCount) {
    build_host_dt(std::vector<uint8_t>(kMinHostSeedBytes - 1, 0x77));
    EXPECT_FALSE(take().has_entropy);
    const FdtProperty seed = chosen_property("rng-seed");
    for (uint8_t b : seed.value) EXPECT_EQ(b, 0) << "wiped all the same";
}

TEST_F(HostEntropy, ZkrSamplesCountWhenTheSeedCsrIsReadable) {
    build_host_dt({});
    fake::hart[Csr::seed] = seed::kOpstEs16 | 0xBEEF;
    EXPECT_TRUE(take(true).has_entropy);
    EXPECT_EQ(fake::hart.seed_reads, kZkrSamples);
    EXPECT_NE(log().find("Zkr seed CSR and the time"), std::string::npos) << log();
}

TEST_F(HostEntropy, ASeedCsrThatTrapsIsTriedOnceAndLeftOut) {
    build_host_dt(seed32_);
    fake::hart.seed_csr_traps = true;
    const SeedKey key = take(true);
    EXPECT_TRUE(key.has_entropy);  // from the host seed
    EXPECT_EQ(fake::hart.seed_reads, 1u);
    EXPECT_NE(log().find("Zkr seed CSR traps in HS-mode (not used)"), std::string::npos) << log();
}

TEST_F(HostEntropy, ADeadOrSilentEntropySourceDoesNotCount) {
    build_host_dt({});
    fake::hart[Csr::seed] = seed::kOpstDead;
    EXPECT_FALSE(take(true).has_entropy);
    EXPECT_EQ(fake::hart.seed_reads, 1u);

    fake::hart.seed_reads = 0;
    fake::hart[Csr::seed] = seed::kOpstWait;
    EXPECT_FALSE(take(true).has_entropy);
    EXPECT_EQ(fake::hart.seed_reads, kZkrPolls) << "polling is bounded";
}

TEST_F(HostEntropy, GarbageIsNotADeviceTree) {
    dtb_.assign(64, 0xFF);
    EXPECT_FALSE(take_host_entropy(dtb_, false).ok());
}

}  // namespace
}  // namespace halyard
