// SPDX-License-Identifier: Apache-2.0
#include "lib/blake2s.hpp"

#include <bit>

namespace halyard {
namespace {

// The initialization vector is SHA-256's (RFC 7693, section 2.6).
constexpr std::array<uint32_t, 8> kIv = {0x6A09E667, 0xBB67AE85, 0x3C6EF372, 0xA54FF53A,
                                         0x510E527F, 0x9B05688C, 0x1F83D9AB, 0x5BE0CD19};

// The message word schedule of each of BLAKE2s's ten rounds (section 2.7).
constexpr uint8_t kSigma[10][16] = {
    {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15},
    {14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3},
    {11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4},
    {7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8},
    {9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13},
    {2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9},
    {12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11},
    {13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10},
    {6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5},
    {10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0},
};

// Byte order is little-endian throughout BLAKE2, whatever the host's.
uint32_t load_le32(const uint8_t* p) {
    return uint32_t{p[0]} | uint32_t{p[1]} << 8 | uint32_t{p[2]} << 16 | uint32_t{p[3]} << 24;
}

// The mixing function G with BLAKE2s's rotations 16, 12, 8, 7 (section 3.1).
void mix(std::array<uint32_t, 16>& v, unsigned a, unsigned b, unsigned c, unsigned d, uint32_t x,
         uint32_t y) {
    v[a] = v[a] + v[b] + x;
    v[d] = std::rotr(v[d] ^ v[a], 16);
    v[c] = v[c] + v[d];
    v[b] = std::rotr(v[b] ^ v[c], 12);
    v[a] = v[a] + v[b] + y;
    v[d] = std::rotr(v[d] ^ v[a], 8);
    v[c] = v[c] + v[d];
    v[b] = std::rotr(v[b] ^ v[c], 7);
}

}  // namespace

Blake2s::Blake2s(size_t digest_bytes, std::span<const uint8_t> key)
    : digest_bytes_(digest_bytes),
      valid_(digest_bytes >= 1 && digest_bytes <= kMaxDigestBytes && key.size() <= kMaxKeyBytes) {
    if (!valid_) return;
    h_ = kIv;
    // Parameter block word 0: digest length, key length, fanout 1, depth 1.
    h_[0] ^=
        0x01010000u | static_cast<uint32_t>(key.size()) << 8 | static_cast<uint32_t>(digest_bytes);
    if (!key.empty()) {
        // A key is the first block, zero-padded (section 3.3).
        std::array<uint8_t, kBlockBytes> block{};
        for (size_t i = 0; i < key.size(); ++i) block[i] = key[i];
        update(block);
        wipe_secret(block);
    }
}

Blake2s::~Blake2s() {
    // The chaining value of a keyed hash is as good as the key for anyone
    // who holds it: nothing of it outlives the object.
    wipe_secret(buffer_);
    volatile uint32_t* h = h_.data();
    for (size_t i = 0; i < h_.size(); ++i) h[i] = 0;
}

void Blake2s::compress(const uint8_t* block, bool last) {
    std::array<uint32_t, 16> m;
    for (unsigned i = 0; i < 16; ++i) m[i] = load_le32(block + 4 * i);
    std::array<uint32_t, 16> v;
    for (unsigned i = 0; i < 8; ++i) {
        v[i] = h_[i];
        v[i + 8] = kIv[i];
    }
    v[12] ^= static_cast<uint32_t>(bytes_compressed_);
    v[13] ^= static_cast<uint32_t>(bytes_compressed_ >> 32);
    if (last) v[14] = ~v[14];
    for (const auto& s : kSigma) {
        mix(v, 0, 4, 8, 12, m[s[0]], m[s[1]]);
        mix(v, 1, 5, 9, 13, m[s[2]], m[s[3]]);
        mix(v, 2, 6, 10, 14, m[s[4]], m[s[5]]);
        mix(v, 3, 7, 11, 15, m[s[6]], m[s[7]]);
        mix(v, 0, 5, 10, 15, m[s[8]], m[s[9]]);
        mix(v, 1, 6, 11, 12, m[s[10]], m[s[11]]);
        mix(v, 2, 7, 8, 13, m[s[12]], m[s[13]]);
        mix(v, 3, 4, 9, 14, m[s[14]], m[s[15]]);
    }
    for (unsigned i = 0; i < 8; ++i) h_[i] ^= v[i] ^ v[i + 8];
}

void Blake2s::update(std::span<const uint8_t> data) {
    if (!valid_) return;
    // A full buffer is compressed only once more data follows: the last
    // block must be compressed with the final flag, by finish().
    for (const uint8_t byte : data) {
        if (buffered_ == kBlockBytes) {
            bytes_compressed_ += kBlockBytes;
            compress(buffer_.data(), false);
            buffered_ = 0;
        }
        buffer_[buffered_++] = byte;
    }
}

Status Blake2s::finish(std::span<uint8_t> out) {
    if (!valid_) return Error::kInvalidInput;
    if (out.size() < digest_bytes_) return Error::kTooLarge;
    bytes_compressed_ += buffered_;
    for (size_t i = buffered_; i < kBlockBytes; ++i) buffer_[i] = 0;
    compress(buffer_.data(), true);
    for (size_t i = 0; i < digest_bytes_; ++i)
        out[i] = static_cast<uint8_t>(h_[i / 4] >> (8 * (i % 4)));
    valid_ = false;
    return ok();
}

Status blake2s(std::span<uint8_t> digest, std::span<const uint8_t> message,
               std::span<const uint8_t> key) {
    Blake2s hash(digest.size(), key);
    hash.update(message);
    return hash.finish(digest);
}

void wipe_secret(std::span<uint8_t> bytes) {
    volatile uint8_t* p = bytes.data();
    for (size_t i = 0; i < bytes.size(); ++i) p[i] = 0;
}

}  // namespace halyard
