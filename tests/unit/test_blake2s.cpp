// SPDX-License-Identifier: Apache-2.0
// Unit tests for BLAKE2s (lib/blake2s.hpp) against published values: RFC
// 7693's BLAKE2s-256("abc") (Appendix B) and its self-test over every digest
// size and keyed/unkeyed message (Appendix E), and keyed vectors of the BLAKE2
// reference's blake2s-kat (key 00 01 .. 1f, message 00 01 .. n-1). The
// expected hex came from Python's hashlib.blake2s, an independent
// implementation, and agrees with the RFC's printed values. Incremental
// hashing must equal one-shot hashing however the message is split.

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "lib/blake2s.hpp"

namespace halyard {
namespace {

std::string hex(std::span<const uint8_t> bytes) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out;
    for (uint8_t b : bytes) {
        out.push_back(kDigits[b >> 4]);
        out.push_back(kDigits[b & 15]);
    }
    return out;
}

std::vector<uint8_t> counting(size_t n) {
    std::vector<uint8_t> bytes(n);
    for (size_t i = 0; i < n; ++i) bytes[i] = static_cast<uint8_t>(i);
    return bytes;
}

std::span<const uint8_t> bytes_of(std::string_view text) {
    return {reinterpret_cast<const uint8_t*>(text.data()), text.size()};
}

std::string digest_hex(std::span<const uint8_t> message, std::span<const uint8_t> key = {},
                       size_t digest_bytes = 32) {
    std::vector<uint8_t> digest(digest_bytes);
    EXPECT_TRUE(blake2s(digest, message, key).ok());
    return hex(digest);
}

TEST(Blake2s, Rfc7693AppendixBAbc) {
    EXPECT_EQ(digest_hex(bytes_of("abc")),
              "508c5e8c327c14e2e1a72ba34eeb452f37458b209ed63a294d999b4c86675982");
}

TEST(Blake2s, EmptyMessageUnkeyed) {
    EXPECT_EQ(digest_hex({}), "69217a3079908094e11121d042354a7c1f55b6482ca1a51e1b250dfd1ed0eef9");
}

// blake2s-kat.txt of the BLAKE2 reference: key = 00 01 .. 1f, in = 00 01 ..
// (n-1). Lengths around the 64-byte block, where the final-block logic lives.
TEST(Blake2s, KeyedReferenceVectors) {
    struct Vector {
        size_t length;
        const char* digest;
    };
    const Vector vectors[] = {
        {0, "48a8997da407876b3d79c0d92325ad3b89cbb754d86ab71aee047ad345fd2c49"},
        {1, "40d15fee7c328830166ac3f918650f807e7e01e177258cdc0a39b11f598066f1"},
        {2, "6bb71300644cd3991b26ccd4d274acd1adeab8b1d7914546c1198bbe9fc9d803"},
        {3, "1d220dbe2ee134661fdf6d9e74b41704710556f2f6e5a091b227697445dbea6b"},
        {31, "b6156f72d380ee9ea6acd190464f2307a5c179ef01fd71f99f2d0f7a57360aea"},
        {32, "c03bc642b20959cbe133a0303e0c1abff3e31ec8e1a328ec8565c36decff5265"},
        {63, "c65382513f07460da39833cb666c5ed82e61b9e998f4b0c4287cee56c3cc9bcd"},
        {64, "8975b0577fd35566d750b362b0897a26c399136df07bababbde6203ff2954ed4"},
        {65, "21fe0ceb0052be7fb0f004187cacd7de67fa6eb0938d927677f2398c132317a8"},
        {127, "ddbfea75cc467882eb3483ce5e2e756a4f4701b76b445519e89f22d60fa86e06"},
        {128, "0c311f38c35a4fb90d651c289d486856cd1413df9b0677f53ece2cd9e477c60a"},
        {129, "46a73a8dd3e70f59d3942c01df599def783c9da82fd83222cd662b53dce7dbdf"},
        {255, "3fb735061abc519dfe979e54c1ee5bfad0a9d858b3315bad34bde999efd724dd"},
    };
    const std::vector<uint8_t> key = counting(32);
    for (const Vector& v : vectors)
        EXPECT_EQ(digest_hex(counting(v.length), key), v.digest) << v.length << " bytes";
}

// RFC 7693 Appendix E: the deterministic sequence its self-test hashes.
std::vector<uint8_t> selftest_sequence(size_t length, uint32_t seed) {
    std::vector<uint8_t> out(length);
    uint32_t a = 0xDEAD4BAD * seed, b = 1;
    for (size_t i = 0; i < length; ++i) {
        const uint32_t t = a + b;
        a = b;
        b = t;
        out[i] = static_cast<uint8_t>(t >> 24);
    }
    return out;
}

// Every digest size the RFC tests, keyed and unkeyed, over empty, short, one
// block, just over a block and multi-block messages, hashed into one digest.
TEST(Blake2s, Rfc7693AppendixESelfTest) {
    Blake2s all(32);
    for (size_t out_length : {16, 20, 28, 32}) {
        for (size_t in_length : {0, 3, 64, 65, 255, 1024}) {
            const std::vector<uint8_t> in =
                selftest_sequence(in_length, static_cast<uint32_t>(in_length));
            std::vector<uint8_t> digest(out_length);
            ASSERT_TRUE(blake2s(digest, in).ok());
            all.update(digest);
            const std::vector<uint8_t> key =
                selftest_sequence(out_length, static_cast<uint32_t>(out_length));
            ASSERT_TRUE(blake2s(digest, in, key).ok());
            all.update(digest);
        }
    }
    std::array<uint8_t, 32> result;
    ASSERT_TRUE(all.finish(result).ok());
    EXPECT_EQ(hex(result), "6a411f08ce25adcdfb02aba641451cec53c598b24f4fc787fbdc88797f4c1dfe");
}

TEST(Blake2s, IncrementalEqualsOneShotForEverySplit) {
    const std::vector<uint8_t> message = counting(200);
    const std::vector<uint8_t> key = counting(32);
    for (size_t length : {0, 1, 63, 64, 65, 128, 129, 200}) {
        const std::span<const uint8_t> m(message.data(), length);
        const std::string expected = digest_hex(m, key);
        for (size_t split = 0; split <= length; ++split) {
            Blake2s hash(32, key);
            hash.update(m.first(split));
            hash.update({});
            hash.update(m.subspan(split));
            std::array<uint8_t, 32> digest;
            ASSERT_TRUE(hash.finish(digest).ok());
            ASSERT_EQ(hex(digest), expected) << length << " bytes split at " << split;
        }
    }
}

TEST(Blake2s, ParametersOutOfRangeAreRefused) {
    std::array<uint8_t, 33> big{};
    std::array<uint8_t, 32> out{};
    EXPECT_EQ(blake2s(std::span(out).first(0), {}).error(), Error::kInvalidInput);
    EXPECT_EQ(blake2s(big, {}).error(), Error::kInvalidInput);
    EXPECT_EQ(blake2s(out, {}, big).error(), Error::kInvalidInput);
    Blake2s hash(32);
    EXPECT_EQ(hash.finish(std::span(out).first(31)).error(), Error::kTooLarge);
}

// The digest size is in the parameter block: a shorter digest is a hash of
// its own, not a prefix of the longer one (value from hashlib).
TEST(Blake2s, ShorterDigestIsItsOwnHash) {
    EXPECT_EQ(digest_hex(bytes_of("abc"), {}, 16), "aa4938119b1dc7b87cbad0ffd200d0ae");
}

TEST(Blake2s, WipeSecretZeroes) {
    std::array<uint8_t, 7> secret = {1, 2, 3, 4, 5, 6, 7};
    wipe_secret(secret);
    for (uint8_t b : secret) EXPECT_EQ(b, 0);
}

}  // namespace
}  // namespace halyard
