// SPDX-License-Identifier: Apache-2.0
// console_input: console input through every path a guest has. After printing
// its prompt it expects the 12 bytes "ABCDEFGHIJKL" (a trailing newline is
// tolerated) on the console and reads them
//   bytes 0-3  from the UART (poll LSR.DR, read RBR),
//   bytes 4-7  through the legacy SBI console getchar (EID 0x02),
//   bytes 8-11 through SBI DBCN read (or legacy getchar when DBCN is absent),
// then checks that every path reports "nothing waiting". The integration test
// sends the bytes once it sees the prompt (tests/integration/run_and_check.sh
// --send-after).

#include <stdint.h>

#include "guest/check.hpp"
#include "guest/csr.hpp"
#include "guest/mmio.hpp"
#include "guest/print.hpp"
#include "guest/runtime.hpp"
#include "guest/sbi.hpp"
#include "guest/uart.hpp"

using namespace guest;

namespace {

Checks checks("console_input");

constexpr char kExpected[] = "ABCDEFGHIJKL";
constexpr uint64_t kTimeoutTicks = 20 * kTimebaseHz;  // per byte

bool g_dbcn = false;

int read_uart() {
    return uart::try_get();
}

int read_legacy() {
    const int64_t c = sbi::legacy_call(sbi::kEidLegacyGetchar);
    return c < 0 ? -1 : static_cast<int>(c & 0xFF);
}

int read_dbcn() {
    static uint8_t byte;
    const sbi::SbiRet r =
        sbi::call(sbi::kEidDbcn, sbi::kDbcnRead, 1, reinterpret_cast<uint64_t>(&byte), 0);
    if (r.error != sbi::kSuccess || r.value == 0) return -1;
    return byte;
}

// Polls `source` until a byte arrives or the timeout passes.
int wait_for_byte(int (*source)()) {
    const uint64_t start = rdtime();
    while (rdtime() - start < kTimeoutTicks) {
        const int c = source();
        if (c >= 0) return c;
    }
    return -1;
}

void read_group(const char* what, int (*source)(), int first) {
    char got[5] = {};
    bool ok = true;
    for (int i = 0; i < 4; ++i) {
        const int c = wait_for_byte(source);
        if (c < 0) {
            ok = false;
            break;
        }
        got[i] = static_cast<char>(c);
        ok = ok && c == kExpected[first + i];
    }
    checks.prefix();
    print("received via ");
    print(what);
    print(": \"");
    print(got);
    print("\"");
    newline();
    checks.check(ok, what);
}

}  // namespace

void guest_main() {
    g_dbcn = sbi::has_extension(sbi::kEidDbcn);
    checks.prefix();
    print("ready for input: type ");
    print(kExpected);
    newline();

    read_group("UART RBR bytes 0-3", read_uart, 0);
    read_group("legacy getchar bytes 4-7", read_legacy, 4);
    if (g_dbcn) {
        read_group("DBCN read bytes 8-11", read_dbcn, 8);
    } else {
        checks.skip("DBCN read bytes 8-11", "DBCN not available; read by legacy getchar");
        read_group("legacy getchar bytes 8-11", read_legacy, 8);
    }

    // A newline typed after the text is not part of the test.
    const uint64_t settle = rdtime();
    while (rdtime() - settle < kTimebaseHz / 5) {
        const int c = uart::try_get();
        if (c >= 0 && c != '\n' && c != '\r') {
            checks.check(false, "no unexpected extra input");
            break;
        }
    }

    const uint8_t lsr = mmio_read8(uart::kBase + uart::kLsr);
    checks.check((lsr & uart::kLsrDataReady) == 0, "UART LSR.DR clear once everything is read");
    checks.check_signed(sbi::legacy_call(sbi::kEidLegacyGetchar), -1,
                        "legacy getchar with nothing waiting -> -1");
    if (g_dbcn) {
        static uint8_t buffer[4] = {0xEE, 0xEE, 0xEE, 0xEE};
        const sbi::SbiRet r = sbi::call(sbi::kEidDbcn, sbi::kDbcnRead, sizeof(buffer),
                                        reinterpret_cast<uint64_t>(buffer), 0);
        checks.check(r.error == sbi::kSuccess && r.value == 0 && buffer[0] == 0xEE,
                     "DBCN read with nothing waiting -> 0 bytes");
    } else {
        checks.skip("DBCN read with nothing waiting -> 0 bytes", "DBCN not available");
    }
    checks.finish();
}
