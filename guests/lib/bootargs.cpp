// SPDX-License-Identifier: Apache-2.0
#include "guest/bootargs.hpp"

#include "guest/runtime.hpp"

namespace guest {
namespace {

constexpr uint32_t kFdtMagic = 0xd00d'feed;
constexpr uint32_t kBeginNode = 1;
constexpr uint32_t kEndNode = 2;
constexpr uint32_t kProp = 3;
constexpr uint32_t kNop = 4;

uint32_t be32(const uint8_t* p) {
    return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}

bool equal(const char* a, const char* b) {
    while (*a != '\0' && *a == *b) {
        ++a;
        ++b;
    }
    return *a == *b;
}

// Position just after "key=" at a word start in `s`, or nullptr.
const char* find_value(const char* s, const char* key) {
    for (const char* word = s; *word != '\0'; ++word) {
        if (word != s && word[-1] != ' ') continue;
        const char* k = key;
        const char* p = word;
        while (*k != '\0' && *p == *k) {
            ++k;
            ++p;
        }
        if (*k == '\0' && *p == '=') return p + 1;
    }
    return nullptr;
}

}  // namespace

// Walks the structure block for the property "bootargs" of the node
// "chosen" directly under the root. The DTB comes from the hypervisor, which
// the tests trust; the walk still stops at the block's end.
const char* bootargs() {
    const auto* fdt = reinterpret_cast<const uint8_t*>(boot_info().dtb);
    if (fdt == nullptr || be32(fdt) != kFdtMagic) return "";
    const uint8_t* structs = fdt + be32(fdt + 8);
    const char* strings = reinterpret_cast<const char*>(fdt + be32(fdt + 12));
    const uint32_t size = be32(fdt + 36);
    int depth = 0;
    bool in_chosen = false;
    uint32_t offset = 0;
    while (offset + 4 <= size) {
        const uint32_t token = be32(structs + offset);
        offset += 4;
        if (token == kBeginNode) {
            const char* name = reinterpret_cast<const char*>(structs + offset);
            ++depth;
            in_chosen = depth == 2 && equal(name, "chosen");
            while (offset < size && structs[offset] != 0) ++offset;
            offset = (offset + 1 + 3) & ~3u;
        } else if (token == kEndNode) {
            --depth;
            in_chosen = false;
        } else if (token == kProp) {
            if (offset + 8 > size) break;
            const uint32_t length = be32(structs + offset);
            const char* name = strings + be32(structs + offset + 4);
            const char* value = reinterpret_cast<const char*>(structs + offset + 8);
            if (in_chosen && equal(name, "bootargs")) return value;
            offset = (offset + 8 + length + 3) & ~3u;
        } else if (token != kNop) {
            break;
        }
    }
    return "";
}

uint64_t bootarg_number(const char* key, uint64_t fallback) {
    const char* p = find_value(bootargs(), key);
    if (p == nullptr || *p < '0' || *p > '9') return fallback;
    uint64_t value = 0;
    for (; *p >= '0' && *p <= '9'; ++p) value = value * 10 + static_cast<uint64_t>(*p - '0');
    return value;
}

bool bootarg_is(const char* key, const char* value) {
    const char* p = find_value(bootargs(), key);
    if (p == nullptr) return false;
    while (*value != '\0' && *p == *value) {
        ++p;
        ++value;
    }
    return *value == '\0' && (*p == '\0' || *p == ' ');
}

}  // namespace guest
