// SPDX-License-Identifier: Apache-2.0
#include "guest/print.hpp"

#include "guest/uart.hpp"

namespace guest {

void print_char(char c) {
    uart::put(c);
}

void print(const char* s) {
    for (; *s != '\0'; ++s) {
        if (*s == '\n') uart::put('\r');
        uart::put(*s);
    }
}

void newline() {
    print("\n");
}

void print_hex(uint64_t value) {
    print("0x");
    int shift = 60;
    while (shift > 0 && ((value >> shift) & 0xF) == 0) shift -= 4;
    for (; shift >= 0; shift -= 4) print_char("0123456789abcdef"[(value >> shift) & 0xF]);
}

void print_dec(uint64_t value) {
    char digits[20];
    int n = 0;
    do {
        digits[n++] = static_cast<char>('0' + value % 10);
        value /= 10;
    } while (value != 0);
    while (n > 0) print_char(digits[--n]);
}

void print_signed(int64_t value) {
    if (value < 0) {
        print_char('-');
        print_dec(0 - static_cast<uint64_t>(value));
    } else {
        print_dec(static_cast<uint64_t>(value));
    }
}

void print_fixed2(uint64_t value_x100) {
    print_dec(value_x100 / 100);
    print_char('.');
    print_char(static_cast<char>('0' + value_x100 % 100 / 10));
    print_char(static_cast<char>('0' + value_x100 % 10));
}

}  // namespace guest
