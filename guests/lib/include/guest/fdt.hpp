// SPDX-License-Identifier: Apache-2.0
#pragma once
// A flattened-device-tree walker for guests (Devicetree Specification,
// "Flattened Devicetree (DTB) Format"): the structure block's tokens, each
// handed to a visitor, with every offset kept within the blob's total size.

#include <stdint.h>

namespace guest::fdt {

inline constexpr uint32_t kMagic = 0xD00DFEED;

inline uint32_t read_be32(uintptr_t addr) {
    const auto* p = reinterpret_cast<const volatile uint8_t*>(addr);
    return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}

// `cells` (at most 2) big-endian 32-bit cells as one number.
inline uint64_t read_cells(uintptr_t at, uint32_t cells) {
    uint64_t value = 0;
    for (uint32_t i = 0; i < cells; ++i) value = (value << 32) | read_be32(at + 4 * i);
    return value;
}

inline bool equals(const char* a, const char* b) {
    while (*a != '\0' && *a == *b) {
        ++a;
        ++b;
    }
    return *a == *b;
}

// True if the node name `name` is `base` or starts with "base@".
inline bool node_is(const char* name, const char* base) {
    while (*base != '\0' && *name == *base) {
        ++name;
        ++base;
    }
    return *base == '\0' && (*name == '\0' || *name == '@');
}

// True if the string list `value` (`length` bytes) holds `wanted`.
inline bool string_list_has(uintptr_t value, uint32_t length, const char* wanted) {
    const char* p = reinterpret_cast<const char*>(value);
    const char* end = p + length;
    while (p < end) {
        if (equals(p, wanted)) return true;
        while (p < end && *p != '\0') ++p;
        ++p;
    }
    return false;
}

// Walks the tree at `blob` (which must start with kMagic). The visitor has
//   void begin_node(const char* name, int depth);  // the root is depth 1
//   void end_node(int depth);                      // the depth it closes
//   void property(const char* name, uintptr_t value, uint32_t length, int depth);
// Returns false for a malformed structure (the visitor may have seen part).
template <typename Visitor>
bool walk(uintptr_t blob, Visitor& visitor) {
    const uintptr_t limit = blob + read_be32(blob + 4);
    const uintptr_t structure = blob + read_be32(blob + 8);
    const uintptr_t strings = blob + read_be32(blob + 12);
    constexpr uint32_t kBeginNode = 1, kEndNode = 2, kProp = 3, kNop = 4, kEnd = 9;
    const auto align4 = [](uintptr_t p) { return (p + 3) & ~uintptr_t{3}; };
    int depth = 0;
    for (uintptr_t p = structure; p + 4 <= limit;) {
        const uint32_t token = read_be32(p);
        p += 4;
        if (token == kBeginNode) {
            const char* name = reinterpret_cast<const char*>(p);
            uintptr_t end = p;
            while (end < limit && *reinterpret_cast<const char*>(end) != '\0') ++end;
            p = align4(end + 1);
            visitor.begin_node(name, ++depth);
        } else if (token == kEndNode) {
            visitor.end_node(depth);
            if (--depth < 0) return false;
        } else if (token == kProp) {
            const uint32_t length = read_be32(p);
            const char* name = reinterpret_cast<const char*>(strings + read_be32(p + 4));
            const uintptr_t value = p + 8;
            p = align4(value + length);
            if (p > limit) return false;
            visitor.property(name, value, length, depth);
        } else if (token == kEnd) {
            return depth == 0;
        } else if (token != kNop) {
            return false;
        }
    }
    return false;
}

}  // namespace guest::fdt
