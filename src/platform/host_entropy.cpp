// SPDX-License-Identifier: Apache-2.0
#include "platform/host_entropy.hpp"

#include <array>

#include "arch/csr.hpp"
#include "arch/hart.hpp"
#include "console/log.hpp"
#include "fdt/fdt.hpp"

namespace halyard {
namespace {

enum class ZkrOutcome { kNotPresent, kTraps, kDead, kStalled, kRead };

struct ZkrSamples {
    std::array<uint8_t, 2 * kZkrSamples> bytes{};
    unsigned count = 0;
    ZkrOutcome outcome = ZkrOutcome::kNotPresent;
};

// Polls the seed CSR until kZkrSamples ES16 samples arrived, it traps, it is
// DEAD, or kZkrPolls polls passed (BIST and WAIT mean "not yet").
void read_zkr(ZkrSamples& out) {
    for (unsigned poll = 0; poll < kZkrPolls && out.count < kZkrSamples; ++poll) {
        uint64_t value = 0;
        if (!arch::read_seed_csr(value)) {
            out.outcome = ZkrOutcome::kTraps;
            return;
        }
        const uint64_t opst = value & seed::kOpstMask;
        if (opst == seed::kOpstDead) {
            out.outcome = ZkrOutcome::kDead;
            return;
        }
        if (opst != seed::kOpstEs16) continue;
        out.bytes[2 * out.count] = static_cast<uint8_t>(value);
        out.bytes[2 * out.count + 1] = static_cast<uint8_t>(value >> 8);
        ++out.count;
    }
    out.outcome = out.count == kZkrSamples ? ZkrOutcome::kRead : ZkrOutcome::kStalled;
}

const char* describe(ZkrOutcome outcome) {
    switch (outcome) {
        case ZkrOutcome::kNotPresent: return "no Zkr";
        case ZkrOutcome::kTraps: return "Zkr seed CSR traps in HS-mode (not used)";
        case ZkrOutcome::kDead: return "Zkr entropy source DEAD (not used)";
        case ZkrOutcome::kStalled: return "Zkr gave too few samples (not used)";
        case ZkrOutcome::kRead: return "Zkr seed CSR";
    }
    return "";
}

}  // namespace

Result<SeedKey> take_host_entropy(std::span<uint8_t> host_dtb, bool hart_has_zkr) {
    const Fdt fdt = Fdt::from(host_dtb.data(), host_dtb.size());
    if (!fdt.valid()) {
        log("error: no device tree to take the host's entropy from");
        return Error::kInvalidInput;
    }
    SeedKeyExtractor extractor;

    // The host seed is hashed straight from the tree, then wiped there.
    std::span<uint8_t> host_seed;
    FdtNode chosen;
    if (fdt.find("/chosen", chosen)) {
        const FdtProperty property = fdt.property(chosen, "rng-seed");
        const uint8_t* value = property.value.data();
        if (property.valid() && value >= host_dtb.data() &&
            property.value.size() <= host_dtb.size() - static_cast<size_t>(value - host_dtb.data()))
            host_seed = host_dtb.subspan(static_cast<size_t>(value - host_dtb.data()),
                                         property.value.size());
    }
    const bool host_seed_counts = host_seed.size() >= kMinHostSeedBytes;
    extractor.add(SeedSource::kHostRngSeed, host_seed, host_seed_counts);
    wipe_secret(host_seed);

    ZkrSamples zkr;
    if (hart_has_zkr) read_zkr(zkr);
    extractor.add(SeedSource::kZkrSamples, std::span(zkr.bytes).first(2 * zkr.count),
                  zkr.outcome == ZkrOutcome::kRead);
    wipe_secret(zkr.bytes);

    extractor.add_u64(SeedSource::kTime, arch::csr_read<Csr::time>());
    const Result<SeedKey> key = extractor.finish();
    if (!key) return key;

    if (key.value().has_entropy)
        log("guest seeds: key from %zu bytes of host rng-seed (wiped), %s and the time",
            host_seed.size(), describe(zkr.outcome));
    else
        log("warning: no entropy for guest seeds (host rng-seed: %zu bytes, %zu needed; %s): "
            "guests get no rng-seed or kaslr-seed",
            host_seed.size(), kMinHostSeedBytes, describe(zkr.outcome));
    return key;
}

}  // namespace halyard
