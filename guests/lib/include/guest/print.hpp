// SPDX-License-Identifier: Apache-2.0
#pragma once
// Minimal formatted output on the UART. Lines end in "\r\n" so an interactive
// terminal (QEMU -nographic puts it in raw mode) shows them properly.

#include <stdint.h>

namespace guest {

void print(const char* s);
void print_char(char c);
void print_hex(uint64_t value);  // 0x-prefixed, no leading zeros
void print_dec(uint64_t value);
void print_signed(int64_t value);
// value_x100 / 100 with exactly two decimals: 1234 -> "12.34".
void print_fixed2(uint64_t value_x100);
void newline();

}  // namespace guest
