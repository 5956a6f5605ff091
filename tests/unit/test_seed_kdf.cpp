// SPDX-License-Identifier: Apache-2.0
// Unit tests for the guest seeds (lib/seed_kdf.hpp): the seed key's
// extraction from tagged, length-prefixed inputs, and each boot's rng-seed
// and kaslr-seed derived from it: stable for equal inputs, distinct for every
// VM, boot, time and key.

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <set>
#include <vector>

#include "lib/seed_kdf.hpp"

namespace halyard {
namespace {

SeedKey key_from(std::vector<uint8_t> host_seed, uint64_t time = 1234) {
    SeedKeyExtractor extractor;
    extractor.add(SeedSource::kHostRngSeed, host_seed, true);
    extractor.add_u64(SeedSource::kTime, time);
    const Result<SeedKey> key = extractor.finish();
    EXPECT_TRUE(key.ok());
    return key.value();
}

GuestSeeds seeds_of(const SeedKey& key, uint32_t vm, uint64_t boot, uint64_t time = 99) {
    const Result<GuestSeeds> seeds = derive_guest_seeds(key, vm, boot, time);
    EXPECT_TRUE(seeds.ok());
    return seeds.value();
}

std::vector<uint8_t> bytes(std::initializer_list<uint8_t> list) {
    return std::vector<uint8_t>(list);
}

// ---------------------------------------------------------------- extract

TEST(SeedKey, EqualInputsGiveEqualKeys) {
    EXPECT_EQ(key_from(bytes({1, 2, 3})).bytes, key_from(bytes({1, 2, 3})).bytes);
}

TEST(SeedKey, EveryInputChangesTheKey) {
    const SeedKey base = key_from(bytes({1, 2, 3}), 5);
    EXPECT_NE(base.bytes, key_from(bytes({1, 2, 4}), 5).bytes);
    EXPECT_NE(base.bytes, key_from(bytes({1, 2, 3}), 6).bytes);
}

// Inputs are tagged and length-prefixed: moving bytes from one input to the
// next, or giving them another source, is a different key.
TEST(SeedKey, InputBoundariesAndSourcesAreUnambiguous) {
    auto key = [](SeedSource first, std::vector<uint8_t> a, std::vector<uint8_t> b) {
        SeedKeyExtractor extractor;
        extractor.add(first, a, true);
        extractor.add(SeedSource::kZkrSamples, b, true);
        return extractor.finish().value().bytes;
    };
    EXPECT_NE(key(SeedSource::kHostRngSeed, bytes({1, 2}), bytes({3})),
              key(SeedSource::kHostRngSeed, bytes({1}), bytes({2, 3})));
    EXPECT_NE(key(SeedSource::kHostRngSeed, bytes({1}), bytes({2})),
              key(SeedSource::kTime, bytes({1}), bytes({2})));
}

TEST(SeedKey, OnlyUnpredictableInputsCountAsEntropy) {
    SeedKeyExtractor time_only;
    time_only.add_u64(SeedSource::kTime, 77);
    time_only.add(SeedSource::kHostRngSeed, {}, true);  // an empty seed is none
    EXPECT_FALSE(time_only.finish().value().has_entropy);
    EXPECT_TRUE(key_from(bytes({9})).has_entropy);
}

// ----------------------------------------------------------------- expand

TEST(GuestSeeds, EqualInputsGiveEqualSeeds) {
    const SeedKey key = key_from(bytes({1, 2, 3}));
    const GuestSeeds a = seeds_of(key, 0, 1), b = seeds_of(key, 0, 1);
    EXPECT_EQ(a.rng_seed, b.rng_seed);
    EXPECT_EQ(a.kaslr_seed, b.kaslr_seed);
}

// Every (VM, boot) pair of a machine gets seeds of its own, and neither seed
// repeats in the other: the labels separate them.
TEST(GuestSeeds, DistinctForEveryVmAndBoot) {
    const SeedKey key = key_from(bytes({1, 2, 3}));
    std::set<std::array<uint8_t, 64>> rng_seeds;
    std::set<uint64_t> kaslr_seeds;
    std::set<std::array<uint8_t, 32>> halves;
    for (uint32_t vm = 0; vm < 8; ++vm) {
        for (uint64_t boot = 1; boot <= 16; ++boot) {
            const GuestSeeds seeds = seeds_of(key, vm, boot);
            rng_seeds.insert(seeds.rng_seed);
            kaslr_seeds.insert(seeds.kaslr_seed);
            std::array<uint8_t, 32> low, high;
            std::copy_n(seeds.rng_seed.begin(), 32, low.begin());
            std::copy_n(seeds.rng_seed.begin() + 32, 32, high.begin());
            halves.insert(low);
            halves.insert(high);
        }
    }
    EXPECT_EQ(rng_seeds.size(), 8u * 16u);
    EXPECT_EQ(kaslr_seeds.size(), 8u * 16u);
    EXPECT_EQ(halves.size(), 2u * 8u * 16u) << "the two blocks of a seed must differ";
}

TEST(GuestSeeds, TheTimeAndTheKeyChangeThem) {
    const SeedKey key = key_from(bytes({1, 2, 3}));
    EXPECT_NE(seeds_of(key, 0, 1, 100).rng_seed, seeds_of(key, 0, 1, 101).rng_seed);
    EXPECT_NE(seeds_of(key, 0, 1).rng_seed, seeds_of(key_from(bytes({1, 2, 4})), 0, 1).rng_seed);
}

// VM 1 boot 0 and VM 0 boot 2^32 must not collide through a sloppy encoding.
TEST(GuestSeeds, FieldsDoNotRunIntoEachOther) {
    const SeedKey key = key_from(bytes({1}));
    EXPECT_NE(seeds_of(key, 1, 0).rng_seed, seeds_of(key, 0, uint64_t{1} << 32).rng_seed);
    EXPECT_NE(seeds_of(key, 0, 1, 0).rng_seed, seeds_of(key, 0, 0, 1).rng_seed);
}

}  // namespace
}  // namespace halyard
