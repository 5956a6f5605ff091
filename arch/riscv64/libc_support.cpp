// SPDX-License-Identifier: Apache-2.0
// The few C library functions GCC may call even in freestanding code
// (structure copies, zeroing; the copies and fills are word-wise, in
// src/lib/memory_copy.cpp), and the libstdc++ error hooks that header-only
// parts of the standard library reference. Halyard never throws: reaching
// one of those is a bug, so it traps into the host trap path.

#include <cstddef>
#include <cstdint>

#include "lib/memory_copy.hpp"

extern "C" {

void* memcpy(void* dst, const void* src, size_t n) {
    return halyard::copy_forward(dst, src, n);
}

void* memmove(void* dst, const void* src, size_t n) {
    return halyard::copy_allowing_overlap(dst, src, n);
}

void* memset(void* dst, int value, size_t n) {
    return halyard::fill(dst, static_cast<uint8_t>(value), n);
}

int memcmp(const void* a, const void* b, size_t n) {
    auto* x = static_cast<const uint8_t*>(a);
    auto* y = static_cast<const uint8_t*>(b);
    for (size_t i = 0; i < n; ++i)
        if (x[i] != y[i]) return x[i] < y[i] ? -1 : 1;
    return 0;
}

size_t strlen(const char* s) {
    size_t n = 0;
    while (s[n] != '\0') ++n;
    return n;
}

void* memchr(const void* s, int c, size_t n) {
    auto* p = static_cast<const uint8_t*>(s);
    for (size_t i = 0; i < n; ++i)
        if (p[i] == static_cast<uint8_t>(c)) return const_cast<uint8_t*>(p + i);
    return nullptr;
}

}  // extern "C"

namespace std {
[[noreturn]] void __throw_out_of_range_fmt(const char*, ...) {
    __builtin_trap();
}
[[noreturn]] void __throw_length_error(const char*) {
    __builtin_trap();
}
[[noreturn]] void __throw_logic_error(const char*) {
    __builtin_trap();
}
[[noreturn]] void __throw_bad_optional_access() {
    __builtin_trap();
}
}  // namespace std
