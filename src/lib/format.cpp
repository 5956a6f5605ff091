// SPDX-License-Identifier: Apache-2.0
#include "lib/format.hpp"

#include <cstdint>

namespace halyard {
namespace {

class Writer {
  public:
    Writer(char* buffer, size_t capacity) : buffer_(buffer), capacity_(capacity) {}
    void put(char c) {
        if (length_ + 1 < capacity_) buffer_[length_++] = c;
    }
    size_t finish() {
        if (capacity_ > 0) buffer_[length_] = '\0';
        return length_;
    }

  private:
    char* buffer_;
    size_t capacity_;
    size_t length_ = 0;
};

void put_number(Writer& out, uint64_t value, unsigned base, bool upper, bool negative,
                unsigned width, char pad) {
    char digits[24];
    unsigned count = 0;
    const char* alphabet = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    do {
        digits[count++] = alphabet[value % base];
        value /= base;
    } while (value != 0);
    unsigned total = count + (negative ? 1 : 0);
    if (negative && pad == '0') out.put('-');
    for (; total < width; ++total) out.put(pad);
    if (negative && pad != '0') out.put('-');
    while (count > 0) out.put(digits[--count]);
}

}  // namespace

size_t format_string(char* buffer, size_t capacity, const char* format, va_list args) {
    Writer out(buffer, capacity);
    for (const char* p = format; *p != '\0'; ++p) {
        if (*p != '%') {
            out.put(*p);
            continue;
        }
        ++p;
        char pad = ' ';
        if (*p == '0') {
            pad = '0';
            ++p;
        }
        unsigned width = 0;
        while (*p >= '0' && *p <= '9') width = width * 10 + static_cast<unsigned>(*p++ - '0');
        // Precision limits %s only ("%.20s", "%.*s").
        size_t precision = ~size_t{0};
        if (*p == '.') {
            ++p;
            if (*p == '*') {
                precision = static_cast<size_t>(va_arg(args, int));
                ++p;
            } else {
                precision = 0;
                while (*p >= '0' && *p <= '9')
                    precision = precision * 10 + static_cast<size_t>(*p++ - '0');
            }
        }
        int longs = 0;  // -2 hh, -1 h, 0 int, 1 long, 2 long long / size_t
        for (;; ++p) {
            if (*p == 'l')
                ++longs;
            else if (*p == 'z')
                longs = 2;
            else if (*p == 'h')
                --longs;
            else
                break;
        }
        switch (*p) {
            case 'd':
            case 'i': {
                int64_t v = longs >= 1 ? va_arg(args, long long) : va_arg(args, int);
                if (longs == -1) v = static_cast<short>(v);
                if (longs <= -2) v = static_cast<signed char>(v);
                uint64_t magnitude =
                    v < 0 ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
                put_number(out, magnitude, 10, false, v < 0, width, pad);
                break;
            }
            case 'u':
            case 'x':
            case 'X': {
                uint64_t v = longs >= 1 ? va_arg(args, unsigned long long) : va_arg(args, unsigned);
                if (longs == -1) v = static_cast<uint16_t>(v);
                if (longs <= -2) v = static_cast<uint8_t>(v);
                put_number(out, v, *p == 'u' ? 10 : 16, *p == 'X', false, width, pad);
                break;
            }
            case 'p':
                out.put('0');
                out.put('x');
                put_number(out, reinterpret_cast<uintptr_t>(va_arg(args, void*)), 16, false, false,
                           width, pad);
                break;
            case 'c': out.put(static_cast<char>(va_arg(args, int))); break;
            case 's': {
                const char* s = va_arg(args, const char*);
                if (s == nullptr) s = "(null)";
                size_t length = 0;
                while (length < precision && s[length] != '\0') ++length;
                for (size_t i = length; i < width; ++i) out.put(' ');
                for (size_t i = 0; i < length; ++i) out.put(s[i]);
                break;
            }
            case '%': out.put('%'); break;
            case '\0': return out.finish();
            default: out.put('%'); out.put(*p);
        }
    }
    return out.finish();
}

size_t format_string(char* buffer, size_t capacity, const char* format, ...) {
    va_list args;
    va_start(args, format);
    size_t n = format_string(buffer, capacity, format, args);
    va_end(args);
    return n;
}

int printable_prefix(std::string_view text, int max) {
    int length = 0;
    while (length < max && static_cast<size_t>(length) < text.size() &&
           text[static_cast<size_t>(length)] >= ' ' && text[static_cast<size_t>(length)] <= '~')
        ++length;
    return length;
}

}  // namespace halyard
