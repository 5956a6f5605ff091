// SPDX-License-Identifier: Apache-2.0
#pragma once
// A small vsnprintf for a freestanding hypervisor: %s %c %d %i %u %x %X %p %%,
// with the h/hh/l/ll/z length modifiers, a field width, '0' padding and a
// precision for strings (%.20s, %.*s).

#include <cstdarg>
#include <cstddef>
#include <string_view>

namespace halyard {

// Writes at most capacity-1 characters and a terminating NUL; returns the
// number of characters written (not counting the NUL).
size_t format_string(char* buffer, size_t capacity, const char* format, va_list args);
size_t format_string(char* buffer, size_t capacity, const char* format, ...)
    __attribute__((format(printf, 3, 4)));

// How much of `text` (at most `max` bytes) can be quoted in a log line: the
// bytes before the first one that is not printable ASCII, so that text from
// hostile input (a device tree, a bundle) cannot send control sequences to
// the console. For "%.*s".
int printable_prefix(std::string_view text, int max);

}  // namespace halyard
