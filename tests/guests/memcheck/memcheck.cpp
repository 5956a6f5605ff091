// SPDX-License-Identifier: Apache-2.0
// memcheck: the bystander VM of the hostile tests. It fills all of its RAM
// that it does not run from (below its image, and from the end of its image
// to its DTB) with a pattern that depends on the address and the pass, and
// for `seconds=N` (bootargs, default 10) keeps re-checking it: every pass
// compares each word with the previous pass's pattern and writes the next
// one, so a write from outside (another VM, the hypervisor) between two
// passes is found wherever it lands. About once a second it says so:
//   memcheck: pass N intact
// A mismatch prints the address, what it held and what it should have held,
// and the VM shuts down with a failure. `step=N` (a power of two from 8 to
// 4096, default 8) checks one word in every N bytes instead of all of them:
// step=4096 still touches every page, which is what a test of the G-stage
// mapping of a large VM needs, at 1/512 of the cost of a full sweep.

#include <stdint.h>

#include "guest/bootargs.hpp"
#include "guest/check.hpp"
#include "guest/csr.hpp"
#include "guest/print.hpp"
#include "guest/runtime.hpp"

using namespace guest;

extern "C" char __image_end[];

namespace {

Checks checks("memcheck");

constexpr uint64_t kRamBase = 0x8000'0000;
constexpr uint64_t kImageBase = 0x8020'0000;
constexpr uint64_t kPage = 4096;
constexpr unsigned kMaxReports = 4;

struct Region {
    uint64_t begin;
    uint64_t end;
};

uint64_t pattern(uint64_t address, uint64_t pass) {
    uint64_t x = address * 0x9E37'79B9'7F4A'7C15ull ^ (pass + 1) * 0xD1B5'4A32'D192'ED03ull;
    return x ^ (x >> 29);
}

// One sweep: checks `pass - 1`'s pattern (unless pass is 0) and writes `pass`'s.
// Returns the number of words that did not hold what they should.
uint64_t sweep(const Region& r, uint64_t pass, uint64_t step) {
    uint64_t bad = 0;
    for (uint64_t a = r.begin; a < r.end; a += step) {
        auto* word = reinterpret_cast<volatile uint64_t*>(a);
        if (pass != 0) {
            const uint64_t expected = pattern(a, pass - 1);
            const uint64_t got = *word;
            if (got != expected) {
                if (bad < kMaxReports) {
                    checks.prefix();
                    print("FAIL word at ");
                    print_hex(a);
                    print(" holds ");
                    print_hex(got);
                    print(", expected ");
                    print_hex(expected);
                    newline();
                }
                ++bad;
            }
        }
        *word = pattern(a, pass);
    }
    return bad;
}

}  // namespace

void guest_main() {
    const uint64_t seconds = bootarg_number("seconds", 10);
    uint64_t step = bootarg_number("step", 8);
    // Regions are page aligned: any power of two from a word to a page
    // divides them.
    if (step < 8 || step > kPage || (step & (step - 1)) != 0) step = 8;
    const uint64_t image_end = (reinterpret_cast<uint64_t>(__image_end) + kPage - 1) & ~(kPage - 1);
    // The DTB sits at the end of RAM; leave it (and its page) alone.
    const uint64_t dtb_page = boot_info().dtb & ~(kPage - 1);
    const Region regions[] = {{kRamBase, kImageBase}, {image_end, dtb_page}};

    checks.prefix();
    print("checking ");
    print_dec((kImageBase - kRamBase + dtb_page - image_end) >> 20);
    print(" MiB for ");
    print_dec(seconds);
    print(" s, one word in ");
    print_dec(step);
    print(" bytes");
    newline();

    const uint64_t begin = rdtime();
    uint64_t bad = 0;
    uint64_t pass = 0;
    uint64_t last_report = begin;
    for (;; ++pass) {
        for (const Region& r : regions) bad += sweep(r, pass, step);
        if (bad != 0) break;
        if (pass != 0 && rdtime() - last_report >= kTimebaseHz) {
            last_report = rdtime();
            checks.prefix();
            print("pass ");
            print_dec(pass);
            print(" intact");
            newline();
        }
        // Pass 1 is the first that checks anything: never stop before it,
        // however long pass 0 took (touching a GiB for the first time is
        // slow on a loaded machine).
        if (pass >= 1 && rdtime() - begin >= seconds * kTimebaseHz) break;
    }
    // The last pass's pattern is still unchecked: check it once more.
    if (bad == 0) {
        for (const Region& r : regions) bad += sweep(r, pass + 1, step);
    }
    checks.check_value(bad == 0, bad, "RAM intact (words that changed behind the guest's back)");
    checks.check_value(pass >= 1, pass, "at least one full pass");
    checks.finish();
}
