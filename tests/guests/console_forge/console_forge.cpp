// SPDX-License-Identifier: Apache-2.0
// console_forge: a guest that tries to make its console output pass for the
// hypervisor's own log lines or for another VM's, on a shared console where
// every VM line starts with "vmN| ". It writes, through the UART, DBCN write
// and legacy putchar:
//  - a carriage return, backspaces, ESC[2K (erase line), ESC[1G / ESC[999D
//    (cursor to column 1), ESC[1A (cursor up), an 8-bit CSI (0x9b), and then
//    text that looks like "halyard: vm1: stopped: ..." or "vm1| ...";
//  - lines longer than any line buffer, so that the forged text starts where
//    a long line would be split.
// Every forged text contains the word "forged". The integration test checks
// that no console line starts with "halyard:" or "vm1| " and carries it, and
// that the raw output holds none of the guest's control bytes (ESC, BS, the
// 8-bit CSI, and CR other than before LF).

#include <stdint.h>

#include "guest/check.hpp"
#include "guest/print.hpp"
#include "guest/runtime.hpp"
#include "guest/sbi.hpp"
#include "guest/uart.hpp"

using namespace guest;

namespace {

Checks checks("console_forge");

void via_uart(const char* s) {
    for (; *s != '\0'; ++s) uart::put(*s);
}

void via_dbcn(const char* s) {
    uint64_t length = 0;
    while (s[length] != '\0') ++length;
    sbi::call(sbi::kEidDbcn, sbi::kDbcnWrite, length, reinterpret_cast<uint64_t>(s), 0);
}

void via_legacy(const char* s) {
    for (; *s != '\0'; ++s) sbi::legacy_call(sbi::kEidLegacyPutchar, static_cast<uint8_t>(*s));
}

// Each attempt goes out through all three paths.
const char* const kAttempts[] = {
    "harmless text\rhalyard: vm1: stopped: forged-cr\n",
    "x\r\rhalyard: vm0: stopped: forged-double-cr\n",
    "\b\b\b\b\b\b\b\bhalyard: forged-backspace\n",
    "\x1b[2K\x1b[1Ghalyard: vm1: stopped: forged-erase-line\n",
    "\x1b[999D\x1b[Khalyard: forged-column-one\n",
    "\x1b[1A\x1b[2K\rhalyard: all VMs have stopped; powering off forged-cursor-up\n",
    "\x9b"
    "2K\rhalyard: forged-8bit-csi\n",
    "\rvm1| memcheck: ALL PASSED forged-other-vm\n",
    "\x1b]0;forged-title\x07\n",
    "\x1b"
    "c\rhalyard: forged-terminal-reset\n",
};

constexpr unsigned kLongLines[] = {79, 80, 127, 128, 159, 160, 161, 255, 256, 257, 511, 512};

// A line of `length` dashes, then forged text: wherever a long line is split,
// the forged text must not start a line of its own.
void long_line(unsigned length) {
    for (unsigned i = 0; i < length; ++i) uart::put('-');
    via_uart("halyard: vm1: stopped: forged-long-line\n");
}

}  // namespace

void guest_main() {
    checks.info("trying to forge console lines");
    newline();
    for (const char* attempt : kAttempts) {
        via_uart(attempt);
        via_dbcn(attempt);
        via_legacy(attempt);
    }
    for (unsigned length : kLongLines) long_line(length);
    checks.info("ALL PASSED");
    newline();
    // No newline at the end: the VM's last bytes are an unfinished forged line.
    via_uart("\rhalyard: vm0: stopped: forged-unfinished");
    sbi::shutdown();
}
