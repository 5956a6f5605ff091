// SPDX-License-Identifier: Apache-2.0
#pragma once
// The one read of the host's entropy, at boot, before any VM exists: the host
// DT's /chosen/rng-seed (QEMU's virt machine puts 32 random bytes there and
// OpenSBI passes the tree on), the Zkr seed CSR when HS-mode may read it, and
// the time. They become the seed key every guest's rng-seed and kaslr-seed
// are derived from (lib/seed_kdf.hpp); only the key stays in memory.

#include <cstdint>
#include <span>

#include "lib/result.hpp"
#include "lib/seed_kdf.hpp"

namespace halyard {

// Zkr samples read at boot: 64 ES16 samples are 1024 raw bits, so the key
// gets its 256 bits even if each raw bit carries only a quarter of one.
inline constexpr unsigned kZkrSamples = 64;
// Polls of the seed CSR before giving up on a source that keeps answering
// WAIT or BIST.
inline constexpr unsigned kZkrPolls = 64 * 1024;
// A host rng-seed shorter than this (128 bits) is hashed in but not counted
// as entropy.
inline constexpr size_t kMinHostSeedBytes = 16;

// Derives the seed key from `host_dtb` (the whole host device tree, writable)
// and, when `hart_has_zkr` (the boot hart's DT names zkr), the seed CSR; logs
// one line saying what went in. The rng-seed property's value is overwritten
// with zeros in place once hashed, so no copy of it is left in memory, the
// host DT included (Halyard never maps the host DT into a guest: boot reserves
// its range before any guest RAM is allocated; the wipe keeps the seed out of
// reach all the same). kInvalidInput if `host_dtb` is not a device tree.
Result<SeedKey> take_host_entropy(std::span<uint8_t> host_dtb, bool hart_has_zkr);

}  // namespace halyard
