// SPDX-License-Identifier: Apache-2.0
#pragma once
// BLAKE2s (RFC 7693): the 32-bit member of the BLAKE2 hash family, keyed or
// not, with digests of 1 to 32 bytes. It is what Halyard derives each guest's
// boot seeds with (lib/seed_kdf.hpp): small, fast without 64-bit multiplies
// or tables, and a MAC/PRF when keyed, with no HMAC construction around it.
//
// Only the sequential mode with the default parameter block (fanout 1, depth
// 1, no salt or personalization) is implemented; domain separation is the
// caller's, in the message.

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "lib/result.hpp"

namespace halyard {

class Blake2s {
  public:
    static constexpr size_t kBlockBytes = 64;
    static constexpr size_t kMaxDigestBytes = 32;
    static constexpr size_t kMaxKeyBytes = 32;

    // A hash producing `digest_bytes` bytes, keyed with `key` (empty: not
    // keyed). Parameters out of range (a digest of 0 or more than 32 bytes, a
    // key of more than 32) make finish() fail with kInvalidInput.
    explicit Blake2s(size_t digest_bytes = kMaxDigestBytes, std::span<const uint8_t> key = {});
    ~Blake2s();
    Blake2s(const Blake2s&) = delete;
    Blake2s& operator=(const Blake2s&) = delete;

    void update(std::span<const uint8_t> data);
    // Writes the digest to the first digest_bytes bytes of `out`; kTooLarge if
    // `out` is shorter. The hash cannot be updated afterwards.
    Status finish(std::span<uint8_t> out);

  private:
    void compress(const uint8_t* block, bool last);

    std::array<uint32_t, 8> h_{};
    uint64_t bytes_compressed_ = 0;  // the counter t, a 64-bit byte count
    std::array<uint8_t, kBlockBytes> buffer_{};
    size_t buffered_ = 0;
    size_t digest_bytes_;
    bool valid_;
};

// One-shot BLAKE2s: a digest of digest.size() bytes of `message`, keyed with
// `key` (empty: not keyed). kInvalidInput for sizes out of range.
Status blake2s(std::span<uint8_t> digest, std::span<const uint8_t> message,
               std::span<const uint8_t> key = {});

// Overwrites `bytes` with zeros through volatile stores, so that the compiler
// cannot drop the writes as dead: for key material about to go out of scope.
void wipe_secret(std::span<uint8_t> bytes);

}  // namespace halyard
