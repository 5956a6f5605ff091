// SPDX-License-Identifier: Apache-2.0
#include "lib/seed_kdf.hpp"

#include <string_view>

namespace halyard {
namespace {

std::span<const uint8_t> bytes_of(std::string_view text) {
    return {reinterpret_cast<const uint8_t*>(text.data()), text.size()};
}

template <size_t N>
void put_le(std::array<uint8_t, N>& out, size_t& at, uint64_t value, unsigned bytes) {
    for (unsigned i = 0; i < bytes; ++i) out[at++] = static_cast<uint8_t>(value >> (8 * i));
}

// Labels end in a NUL, so that no label is a prefix of another's message.
constexpr char kExtract[] = "halyard seed key v1";
constexpr char kRngSeed[] = "halyard guest rng-seed v1";
constexpr char kKaslrSeed[] = "halyard guest kaslr-seed v1";
constexpr std::string_view kExtractLabel{kExtract, sizeof(kExtract)};
constexpr std::string_view kRngSeedLabel{kRngSeed, sizeof(kRngSeed)};
constexpr std::string_view kKaslrSeedLabel{kKaslrSeed, sizeof(kKaslrSeed)};

// Fills `out` with blocks of BLAKE2s-256(key, label || context || block number).
Status expand(const SeedKey& key, std::string_view label, std::span<const uint8_t> context,
              std::span<uint8_t> out) {
    for (uint32_t block = 0; out.size() > size_t{block} * 32; ++block) {
        Blake2s prf(32, key.bytes);
        prf.update(bytes_of(label));
        prf.update(context);
        std::array<uint8_t, 4> counter{};
        size_t at = 0;
        put_le(counter, at, block, 4);
        prf.update(counter);
        std::array<uint8_t, 32> digest;
        const Status done = prf.finish(digest);
        if (!done) return done;
        const std::span<uint8_t> rest = out.subspan(size_t{block} * 32);
        for (size_t i = 0; i < digest.size() && i < rest.size(); ++i) rest[i] = digest[i];
        wipe_secret(digest);
    }
    return ok();
}

}  // namespace

SeedKeyExtractor::SeedKeyExtractor() : hash_(32) {
    hash_.update(bytes_of(kExtractLabel));
}

void SeedKeyExtractor::add(SeedSource source, std::span<const uint8_t> bytes, bool is_entropy) {
    std::array<uint8_t, 9> header{};
    size_t at = 0;
    header[at++] = static_cast<uint8_t>(source);
    put_le(header, at, bytes.size(), 8);
    hash_.update(header);
    hash_.update(bytes);
    has_entropy_ = has_entropy_ || (is_entropy && !bytes.empty());
}

void SeedKeyExtractor::add_u64(SeedSource source, uint64_t value) {
    std::array<uint8_t, 8> bytes{};
    size_t at = 0;
    put_le(bytes, at, value, 8);
    add(source, bytes, false);
}

Result<SeedKey> SeedKeyExtractor::finish() {
    SeedKey key;
    const Status done = hash_.finish(key.bytes);
    if (!done) return done.error();
    key.has_entropy = has_entropy_;
    return key;
}

Result<GuestSeeds> derive_guest_seeds(const SeedKey& key, uint32_t vm_index, uint64_t boot_count,
                                      uint64_t time) {
    std::array<uint8_t, 20> context{};
    size_t at = 0;
    put_le(context, at, vm_index, 4);
    put_le(context, at, boot_count, 8);
    put_le(context, at, time, 8);
    GuestSeeds seeds;
    if (const Status done = expand(key, kRngSeedLabel, context, seeds.rng_seed); !done)
        return done.error();
    std::array<uint8_t, 8> kaslr{};
    if (const Status done = expand(key, kKaslrSeedLabel, context, kaslr); !done)
        return done.error();
    for (unsigned i = 0; i < kaslr.size(); ++i) seeds.kaslr_seed |= uint64_t{kaslr[i]} << (8 * i);
    return seeds;
}

}  // namespace halyard
