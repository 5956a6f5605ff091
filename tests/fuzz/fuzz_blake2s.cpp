// SPDX-License-Identifier: Apache-2.0
// BLAKE2s (lib/blake2s.hpp): any digest size and key length, valid or not,
// and any message fed in arbitrary pieces must give exactly what the one-shot
// function gives for the whole message, or both must refuse the parameters.
// The buffering around the 64-byte block (the last block is compressed only
// by finish) is where incremental hashing goes wrong; AddressSanitizer
// watches the buffer and the output span.

#include <array>
#include <vector>

#include "fuzz_support.hpp"
#include "lib/blake2s.hpp"

using namespace halyard;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    fuzz::Input in(data, size);
    // One past each limit, so that refusals are exercised too.
    const size_t digest_bytes = static_cast<size_t>(in.below(Blake2s::kMaxDigestBytes + 2));
    const size_t key_bytes = static_cast<size_t>(in.below(Blake2s::kMaxKeyBytes + 2));
    std::array<uint16_t, 8> pieces;
    for (uint16_t& piece : pieces) piece = in.take<uint16_t>() % 200;
    const std::vector<uint8_t> key = [&] {
        const std::span<const uint8_t> bytes = in.take_bytes(key_bytes);
        std::vector<uint8_t> padded(bytes.begin(), bytes.end());
        padded.resize(key_bytes, 0);
        return padded;
    }();
    const std::span<const uint8_t> message = in.take_bytes(in.remaining());

    // The output buffers hold exactly digest_bytes, so a write past the
    // digest is a heap overflow.
    std::vector<uint8_t> whole(digest_bytes);
    const Status one_shot = blake2s(whole, message, key);

    Blake2s hash(digest_bytes, key);
    size_t at = 0;
    for (uint16_t piece : pieces) {
        const size_t n = piece < message.size() - at ? piece : message.size() - at;
        hash.update(message.subspan(at, n));
        at += n;
    }
    hash.update(message.subspan(at));
    std::vector<uint8_t> pieced(digest_bytes);
    const Status incremental = hash.finish(pieced);

    const bool valid = digest_bytes >= 1 && digest_bytes <= Blake2s::kMaxDigestBytes &&
                       key_bytes <= Blake2s::kMaxKeyBytes;
    FUZZ_CHECK(one_shot.ok() == valid);
    FUZZ_CHECK(incremental.ok() == valid);
    if (valid) FUZZ_CHECK(whole == pieced);
    return 0;
}
