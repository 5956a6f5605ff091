// SPDX-License-Identifier: Apache-2.0
// Boot glue: what _start hands over, static constructors, shutdown, and the
// few C library functions the compiler may call on its own.

#include "guest/runtime.hpp"

#include <stddef.h>

#include "guest/print.hpp"
#include "guest/sbi.hpp"

namespace guest {
namespace {

BootInfo g_boot;
const char* g_name = "guest";
int g_under_halyard = -1;  // -1: not probed yet

}  // namespace

const BootInfo& boot_info() {
    return g_boot;
}

bool under_halyard() {
    if (g_under_halyard < 0) g_under_halyard = sbi::has_extension(sbi::kEidHalyard) ? 1 : 0;
    return g_under_halyard == 1;
}

void set_guest_name(const char* name) {
    g_name = name;
}
const char* guest_name() {
    return g_name;
}

void halt(const char* message, bool failed) {
    print(g_name);
    print(": ");
    print(message);
    newline();
    sbi::SbiRet r = sbi::shutdown(failed ? sbi::kReasonSystemFailure : sbi::kReasonNone);
    print(g_name);
    print(": SRST shutdown returned error ");
    print_signed(r.error);
    print(", halting");
    newline();
    for (;;) asm volatile("wfi");
}

}  // namespace guest

extern "C" {

using InitFunction = void (*)();
extern InitFunction __init_array_start[];
extern InitFunction __init_array_end[];

[[noreturn]] void guest_runtime_start(uint64_t hart_id, uint64_t dtb, uint64_t first_time) {
    guest::g_boot = guest::BootInfo{hart_id, dtb, first_time};
    for (InitFunction* f = __init_array_start; f != __init_array_end; ++f) (*f)();
    guest_main();
    guest::halt("guest_main returned, shutting down", false);
}

// GCC may emit calls to these even in freestanding code (aggregate copies,
// zero-initialisation), so the runtime provides them.
void* memset(void* dst, int value, size_t n) {
    auto* d = static_cast<unsigned char*>(dst);
    for (size_t i = 0; i < n; ++i) d[i] = static_cast<unsigned char>(value);
    return dst;
}

void* memcpy(void* dst, const void* src, size_t n) {
    auto* d = static_cast<unsigned char*>(dst);
    const auto* s = static_cast<const unsigned char*>(src);
    for (size_t i = 0; i < n; ++i) d[i] = s[i];
    return dst;
}

void* memmove(void* dst, const void* src, size_t n) {
    auto* d = static_cast<unsigned char*>(dst);
    const auto* s = static_cast<const unsigned char*>(src);
    if (d < s) {
        for (size_t i = 0; i < n; ++i) d[i] = s[i];
    } else {
        for (size_t i = n; i > 0; --i) d[i - 1] = s[i - 1];
    }
    return dst;
}

int memcmp(const void* a, const void* b, size_t n) {
    const auto* x = static_cast<const unsigned char*>(a);
    const auto* y = static_cast<const unsigned char*>(b);
    for (size_t i = 0; i < n; ++i) {
        if (x[i] != y[i]) return x[i] < y[i] ? -1 : 1;
    }
    return 0;
}

}  // extern "C"
