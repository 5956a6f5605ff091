// SPDX-License-Identifier: Apache-2.0
// Word-at-a-time copy and fill. The plan for a copy of at least
// kByteLoopBelow bytes:
//   1. copy bytes until the destination is 8-byte aligned;
//   2. if the source is now aligned too, copy whole words;
//      else the source is `offset` (1..7) bytes past a word boundary: keep
//      the bytes up to its next boundary in a register (the carry), then
//      load each aligned source word and store the carry merged with the
//      word's low bytes, keeping its high bytes as the next carry;
//   3. copy the remaining bytes (fewer than 8, or up to 15 after a merge).
// A backward copy does the same from the ends. Only source words that lie
// entirely inside the source range are loaded (the carry's first bytes are
// read one by one), so no byte outside either range is touched.

#include "lib/memory_copy.hpp"

#include <bit>

namespace halyard {
namespace {

static_assert(std::endian::native == std::endian::little,
              "the merges below put the lower address in the low-order bytes");

// A word that may hold bytes of any object (the copies are untyped).
using Word [[gnu::may_alias]] = uint64_t;
constexpr size_t kWordBytes = sizeof(Word);
constexpr uintptr_t kWordMask = kWordBytes - 1;
constexpr unsigned kWordBits = 64;

// Shorter copies and fills go byte by byte: aligning the destination and
// setting up a merge would cost about as much as the byte loop they replace.
// It must leave at least a word's worth of bytes once the destination is
// aligned (up to 7 bytes), so that the merges' first carry lies in range.
constexpr size_t kByteLoopBelow = 16;
static_assert(kByteLoopBelow >= 2 * kWordBytes - 1);

uintptr_t address(const void* p) {
    return reinterpret_cast<uintptr_t>(p);
}

void copy_bytes_forward(uint8_t* d, const uint8_t* s, size_t n) {
    for (; n != 0; --n) *d++ = *s++;
}

// d_end and s_end point one past the last byte to copy.
void copy_bytes_backward(uint8_t* d_end, const uint8_t* s_end, size_t n) {
    for (; n != 0; --n) *--d_end = *--s_end;
}

// The n (< 8) bytes at p as the low-order bytes of a word, the rest zero.
uint64_t gather_bytes(const uint8_t* p, size_t n) {
    uint64_t word = 0;
    for (size_t i = 0; i < n; ++i) word |= uint64_t{p[i]} << (8 * i);
    return word;
}

// Both pointers aligned. Unrolled by four: the loop overhead (two pointer
// increments and a branch) is otherwise as large as the copy itself.
void copy_words_forward(Word* d, const Word* s, size_t words) {
    for (; words >= 4; words -= 4, d += 4, s += 4) {
        d[0] = s[0];
        d[1] = s[1];
        d[2] = s[2];
        d[3] = s[3];
    }
    for (; words != 0; --words) *d++ = *s++;
}

// d_end and s_end aligned, one past the last word to copy.
void copy_words_backward(Word* d_end, const Word* s_end, size_t words) {
    for (; words >= 4; words -= 4, d_end -= 4, s_end -= 4) {
        d_end[-1] = s_end[-1];
        d_end[-2] = s_end[-2];
        d_end[-3] = s_end[-3];
        d_end[-4] = s_end[-4];
    }
    for (; words != 0; --words) *--d_end = *--s_end;
}

// Stores `words` words at d from a source stream that is `offset_bits` / 8
// bytes past a word boundary: `carry` holds the stream's next 8 - offset
// bytes in its low-order bytes (the rest zero) and s the aligned words that
// follow them. Each word is loaded before the store that might overwrite it
// when the ranges overlap with d below the source.
void merge_words_forward(Word* d, const Word* s, size_t words, uint64_t carry,
                         unsigned offset_bits) {
    const unsigned carry_bits = kWordBits - offset_bits;
    for (; words >= 4; words -= 4, d += 4, s += 4) {
        const uint64_t w0 = s[0];
        d[0] = carry | w0 << carry_bits;
        const uint64_t w1 = s[1];
        d[1] = w0 >> offset_bits | w1 << carry_bits;
        const uint64_t w2 = s[2];
        d[2] = w1 >> offset_bits | w2 << carry_bits;
        const uint64_t w3 = s[3];
        d[3] = w2 >> offset_bits | w3 << carry_bits;
        carry = w3 >> offset_bits;
    }
    for (; words != 0; --words) {
        const uint64_t w = *s++;
        *d++ = carry | w << carry_bits;
        carry = w >> offset_bits;
    }
}

// The mirror image: stores `words` words below d_end from a source stream
// that ends `offset_bits` / 8 bytes past a word boundary; `carry` holds those
// last bytes in its low-order bytes and s_end points at the boundary. The
// carry's bytes above them are shifted out, so they need not be zero.
void merge_words_backward(Word* d_end, const Word* s_end, size_t words, uint64_t carry,
                          unsigned offset_bits) {
    const unsigned carry_bits = kWordBits - offset_bits;
    for (; words >= 4; words -= 4, d_end -= 4, s_end -= 4) {
        const uint64_t w1 = s_end[-1];
        d_end[-1] = w1 >> offset_bits | carry << carry_bits;
        const uint64_t w2 = s_end[-2];
        d_end[-2] = w2 >> offset_bits | w1 << carry_bits;
        const uint64_t w3 = s_end[-3];
        d_end[-3] = w3 >> offset_bits | w2 << carry_bits;
        const uint64_t w4 = s_end[-4];
        d_end[-4] = w4 >> offset_bits | w3 << carry_bits;
        carry = w4;
    }
    for (; words != 0; --words) {
        const uint64_t w = *--s_end;
        *--d_end = w >> offset_bits | carry << carry_bits;
        carry = w;
    }
}

Word* as_words(uint8_t* p) {
    return reinterpret_cast<Word*>(p);
}
const Word* as_words(const uint8_t* p) {
    return reinterpret_cast<const Word*>(p);
}

}  // namespace

void* copy_forward(void* dst, const void* src, size_t n) {
    auto* d = static_cast<uint8_t*>(dst);
    auto* s = static_cast<const uint8_t*>(src);
    if (n >= kByteLoopBelow) {
        const size_t head = (0 - address(d)) & kWordMask;
        copy_bytes_forward(d, s, head);
        d += head;
        s += head;
        n -= head;
        const size_t offset = address(s) & kWordMask;
        size_t words;
        if (offset == 0) {
            words = n / kWordBytes;
            copy_words_forward(as_words(d), as_words(s), words);
        } else {
            // n >= kByteLoopBelow - 7 > lead: the carry's bytes are in range.
            const size_t lead = kWordBytes - offset;
            words = (n - lead) / kWordBytes;
            merge_words_forward(as_words(d), as_words(s + lead), words, gather_bytes(s, lead),
                                static_cast<unsigned>(8 * offset));
        }
        d += words * kWordBytes;
        s += words * kWordBytes;
        n -= words * kWordBytes;
    }
    copy_bytes_forward(d, s, n);
    return dst;
}

void* copy_backward(void* dst, const void* src, size_t n) {
    auto* d_end = static_cast<uint8_t*>(dst) + n;
    auto* s_end = static_cast<const uint8_t*>(src) + n;
    if (n >= kByteLoopBelow) {
        const size_t tail = address(d_end) & kWordMask;
        copy_bytes_backward(d_end, s_end, tail);
        d_end -= tail;
        s_end -= tail;
        n -= tail;
        const size_t offset = address(s_end) & kWordMask;
        size_t words;
        if (offset == 0) {
            words = n / kWordBytes;
            copy_words_backward(as_words(d_end), as_words(s_end), words);
        } else {
            const uint8_t* boundary = s_end - offset;
            words = (n - offset) / kWordBytes;
            merge_words_backward(as_words(d_end), as_words(boundary), words,
                                 gather_bytes(boundary, offset), static_cast<unsigned>(8 * offset));
        }
        d_end -= words * kWordBytes;
        s_end -= words * kWordBytes;
        n -= words * kWordBytes;
    }
    copy_bytes_backward(d_end, s_end, n);
    return dst;
}

void* copy_allowing_overlap(void* dst, const void* src, size_t n) {
    if (dst == src) return dst;
    // Unsigned: dst below src wraps to a huge distance, so the forward copy
    // takes every case but a destination starting inside the source.
    if (address(dst) - address(src) >= n) return copy_forward(dst, src, n);
    return copy_backward(dst, src, n);
}

void* fill(void* dst, uint8_t value, size_t n) {
    auto* d = static_cast<uint8_t*>(dst);
    if (n >= kByteLoopBelow) {
        const size_t head = (0 - address(d)) & kWordMask;
        for (size_t i = 0; i < head; ++i) *d++ = value;
        n -= head;
        const uint64_t pattern = 0x0101010101010101ull * value;
        Word* w = as_words(d);
        size_t words = n / kWordBytes;
        for (; words >= 4; words -= 4, w += 4) {
            w[0] = pattern;
            w[1] = pattern;
            w[2] = pattern;
            w[3] = pattern;
        }
        for (; words != 0; --words) *w++ = pattern;
        d += n / kWordBytes * kWordBytes;
        n %= kWordBytes;
    }
    for (; n != 0; --n) *d++ = value;
    return dst;
}

}  // namespace halyard
