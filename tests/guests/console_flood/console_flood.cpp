// SPDX-License-Identifier: Apache-2.0
// console_flood: every vCPU of the VM writes to the console at the same time
// through all four ways a guest has (SBI DBCN write, DBCN write_byte, legacy
// console_putchar, the UART's THR) while it toggles the UART's IER, which makes
// the UART raise and drop its interrupt line on every line.
//
// vCPU k, channel c writes `rounds=N` (bootargs, default 150) lines of
// kLineLength copies of the letter 'a' + 4k + c (lower case: no run of them
// can spell a word the tests forbid, such as FAIL), each ended by '\n' alone.
// Bytes of different vCPUs may interleave on the VM's serial line; what the
// hypervisor must keep is the bytes themselves: the integration test counts
// every letter in this VM's console lines and expects exactly the number this
// guest announces ("expect N of each of ...") before it starts. It also
// checks that no vm0 line holds anything but those letters, and that no other
// VM's line holds one of them.

#include <stdint.h>

#include "guest/bootargs.hpp"
#include "guest/check.hpp"
#include "guest/csr.hpp"
#include "guest/mmio.hpp"
#include "guest/print.hpp"
#include "guest/sbi.hpp"
#include "guest/smp.hpp"
#include "guest/uart.hpp"

using namespace guest;

namespace {

Checks checks("console_flood");

constexpr unsigned kLineLength = 24;
constexpr unsigned kChannels = 4;
constexpr uint8_t kIerThre = 0x02;  // transmitter-empty interrupt
constexpr uint64_t kStartTimeout = 2 * kTimebaseHz;
// Only to stop a hang: under TCG on a loaded 2-core host, five vCPU threads
// contending for the console lock have taken over 60 s (lock-holder
// preemption), so the wait is long and the harness's timeout longer still.
constexpr uint64_t kFloodTimeout = 110 * kTimebaseHz;

uint64_t g_rounds = 0;
unsigned g_vcpus = 1;
volatile uint64_t g_go = 0;            // set once every vCPU is up: all start together
volatile uint64_t g_ready = 0;         // vCPUs waiting for g_go
volatile uint64_t g_done = 0;          // vCPUs finished flooding
volatile uint64_t g_errors = 0;        // SBI calls that failed
volatile uint64_t g_short_writes = 0;  // DBCN writes that took fewer bytes (retried)

void dbcn_write(const char* text, unsigned length) {
    unsigned sent = 0;
    while (sent < length) {
        const sbi::SbiRet r = sbi::call(sbi::kEidDbcn, sbi::kDbcnWrite, length - sent,
                                        reinterpret_cast<uint64_t>(text + sent), 0);
        if (r.error != sbi::kSuccess) {
            smp::atomic_add(&g_errors, 1);
            return;
        }
        if (r.value < length - sent) smp::atomic_add(&g_short_writes, 1);
        sent += static_cast<unsigned>(r.value);
    }
}

void put_byte(unsigned channel, char c) {
    switch (channel) {
        case 1:
            if (sbi::call(sbi::kEidDbcn, sbi::kDbcnWriteByte, static_cast<uint8_t>(c)).error != 0)
                smp::atomic_add(&g_errors, 1);
            break;
        case 2: sbi::legacy_call(sbi::kEidLegacyPutchar, static_cast<uint8_t>(c)); break;
        default: uart::put(c); break;
    }
}

void flood(unsigned hart) {
    char line[kLineLength + 1];
    smp::atomic_add(&g_ready, 1);
    while (smp::atomic_load(&g_go) == 0) {
    }
    for (uint64_t round = 0; round < g_rounds; ++round) {
        for (unsigned channel = 0; channel < kChannels; ++channel) {
            const char letter = static_cast<char>('a' + kChannels * hart + channel);
            for (unsigned i = 0; i < kLineLength; ++i) line[i] = letter;
            line[kLineLength] = '\n';
            // IER on and off: the UART's interrupt line toggles under the flood.
            mmio_write8(uart::kBase + uart::kIer, (round + channel) % 2 == 0 ? kIerThre : 0);
            if (channel == 0) {
                dbcn_write(line, kLineLength + 1);
            } else {
                for (char c : line) put_byte(channel, c);
            }
        }
    }
    mmio_write8(uart::kBase + uart::kIer, 0);
    smp::atomic_add(&g_done, 1);
}

}  // namespace

void guest_main() {
    g_rounds = bootarg_number("rounds", 150);
    // vCPUs this VM has: start 1, 2, ... until HSM says there is no such hart.
    while (g_vcpus < smp::kMaxHarts && smp::status(g_vcpus) >= 0) ++g_vcpus;

    checks.prefix();
    print("expect ");
    print_dec(g_rounds * kLineLength);
    print(" of each of ");
    for (unsigned i = 0; i < g_vcpus * kChannels; ++i) print_char(static_cast<char>('a' + i));
    newline();

    for (unsigned hart = 1; hart < g_vcpus; ++hart) {
        const int64_t error = smp::start(hart, flood);
        if (error != sbi::kSuccess) checks.check_error(error, sbi::kSuccess, "hart_start");
    }
    const uint64_t begin = rdtime();
    while (smp::atomic_load(&g_ready) < g_vcpus - 1 && rdtime() - begin < kStartTimeout) {
    }
    smp::atomic_store(&g_go, 1);
    flood(0);
    while (smp::atomic_load(&g_done) < g_vcpus && rdtime() - begin < kFloodTimeout) {
    }

    checks.check_eq(smp::atomic_load(&g_done), g_vcpus, "every vCPU finished its flood");
    checks.check_eq(smp::atomic_load(&g_errors), 0, "SBI console calls that failed");
    checks.prefix();
    print("DBCN writes that were short (retried): ");
    print_dec(smp::atomic_load(&g_short_writes));
    newline();
    checks.finish();
}
