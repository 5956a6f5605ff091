// SPDX-License-Identifier: Apache-2.0
#pragma once
// The seeds every guest finds in its device tree at each boot
// (/chosen/rng-seed and /chosen/kaslr-seed), derived with BLAKE2s from the
// host's entropy in two steps:
//
//   extract: seed key = BLAKE2s-256("halyard seed key v1", inputs), unkeyed,
//            once per machine boot, over the host DT's rng-seed, Zkr samples
//            and the time; each input tagged and length-prefixed, so that no
//            two different sets of inputs hash the same bytes.
//   expand:  block i = BLAKE2s-256 keyed with the seed key over
//            (label, VM number, boot count, time, i): a PRF in counter mode.
//            The label separates rng-seed from kaslr-seed; (VM number, boot
//            count) is never the same twice in one machine boot, so no two
//            VM boots get the same seeds, and nothing a guest learns about
//            its own seeds tells it anything about another's or the key.
//
// The key lives in Halyard's memory, never in a guest's; whoever holds it
// can compute every seed, so the raw inputs are wiped once they went in.

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "lib/blake2s.hpp"
#include "lib/result.hpp"

namespace halyard {

struct SeedKey {
    std::array<uint8_t, 32> bytes{};
    // Whether entropy went into the key (a host rng-seed or Zkr samples), not
    // only the time: without it the seeds would be guessable, and a guest
    // that trusts its rng-seed must not be given one.
    bool has_entropy = false;
};

// What an input to the seed key is; its tag in the hashed message.
enum class SeedSource : uint8_t { kHostRngSeed = 1, kZkrSamples = 2, kTime = 3 };

class SeedKeyExtractor {
  public:
    SeedKeyExtractor();
    // `bytes` from `source`; `is_entropy` says whether it is unpredictable
    // (the time is not).
    void add(SeedSource source, std::span<const uint8_t> bytes, bool is_entropy);
    void add_u64(SeedSource source, uint64_t value);  // little-endian, not entropy
    Result<SeedKey> finish();

  private:
    Blake2s hash_;
    bool has_entropy_ = false;
};

struct GuestSeeds {
    // Linux credits /chosen/rng-seed as entropy; 64 bytes, twice the 32 that
    // QEMU gives a guest it boots directly.
    std::array<uint8_t, 64> rng_seed{};
    uint64_t kaslr_seed = 0;
};

// The seeds of boot number `boot_count` of VM `vm_index`; `time` (rdtime)
// goes in as well, so that a key reused by mistake still yields fresh seeds.
Result<GuestSeeds> derive_guest_seeds(const SeedKey& key, uint32_t vm_index, uint64_t boot_count,
                                      uint64_t time);

}  // namespace halyard
