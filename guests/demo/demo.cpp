// SPDX-License-Identifier: Apache-2.0
// The demo guest that `tools/run` boots by default: greets the user on the
// UART, says what it learned about its virtual machine (boot registers, device
// tree, SBI implementation) and powers off through SBI SRST.

#include <stdint.h>

#include "fdt.hpp"
#include "guest/csr.hpp"
#include "guest/fdt.hpp"
#include "guest/print.hpp"
#include "guest/runtime.hpp"
#include "guest/sbi.hpp"
#include "guest/trap.hpp"

using namespace guest;

namespace {

void label(const char* text) {
    print("  ");
    print(text);
}

// Reads the FDT magic under a trap expectation, so a bad a1 is reported
// instead of crashing the demo.
bool dtb_readable(uint64_t dtb, uint32_t& magic) {
    if (dtb == 0 || (dtb & 3) != 0) return false;
    expect_trap();
    uint64_t value = 0;
    asm volatile("lwu %0, 0(%1)" : "+r"(value) : "r"(dtb) : "memory");
    if (take_trap().taken) return false;
    magic = guest::fdt::read_be32(dtb);
    return true;
}

void describe_dtb(uint64_t dtb) {
    label("device tree:    ");
    print_hex(dtb);
    uint32_t magic = 0;
    if (!dtb_readable(dtb, magic)) {
        print(" (not readable)");
        newline();
        return;
    }
    if (magic != guest::fdt::kMagic) {
        print(" (no FDT magic: ");
        print_hex(magic);
        print(")");
        newline();
        return;
    }
    demo::MachineSummary m;
    if (!demo::summarize_fdt(dtb, m)) {
        print(" (malformed)");
        newline();
        return;
    }
    print(", ");
    print_dec(m.total_size);
    print(" bytes");
    newline();
    if (m.model != nullptr) {
        label("machine model:  ");
        print(m.model);
        newline();
    }
    if (m.compatible != nullptr) {
        label("compatible:     ");
        print(m.compatible);
        newline();
    }
    if (m.memory_size != 0) {
        label("memory:         ");
        print_dec(m.memory_size >> 20);
        print(" MiB at ");
        print_hex(m.memory_base);
        newline();
    }
    label("CPUs:           ");
    print_dec(m.cpu_count);
    if (m.timebase_hz != 0) {
        print(", timebase ");
        print_dec(m.timebase_hz);
        print(" Hz");
    }
    newline();
}

void describe_sbi() {
    const sbi::SbiRet version = sbi::spec_version();
    const sbi::SbiRet id = sbi::impl_id();
    const sbi::SbiRet impl_version = sbi::impl_version();
    label("SBI:            specification v");
    print_dec(sbi::version_major(version.value));
    print(".");
    print_dec(sbi::version_minor(version.value));
    newline();
    label("SBI firmware:   ");
    const char* name = sbi::impl_name(id.value);
    print(name != nullptr ? name : "unknown implementation");
    print(" (id ");
    print_hex(id.value);
    print("), version ");
    print_hex(impl_version.value);
    newline();

    label("extensions:     ");
    struct Named {
        uint64_t eid;
        const char* name;
    };
    constexpr Named kExtensions[] = {
        {sbi::kEidTime, "TIME"},
        {sbi::kEidIpi, "IPI"},
        {sbi::kEidRfence, "RFENCE"},
        {sbi::kEidHsm, "HSM"},
        {sbi::kEidSrst, "SRST"},
        {sbi::kEidDbcn, "DBCN"},
        {sbi::kEidHalyard, "Halyard-stats"},
    };
    print("BASE");
    for (const Named& e : kExtensions) {
        if (sbi::has_extension(e.eid)) {
            print(" ");
            print(e.name);
        }
    }
    newline();
}

}  // namespace

void guest_main() {
    const BootInfo& boot = boot_info();
    newline();
    print("Hello from a Halyard guest!");
    newline();
    label("hart id:        ");
    print_dec(boot.hart_id);
    newline();
    describe_dtb(boot.dtb);
    describe_sbi();
    label("running on:     ");
    print(under_halyard() ? "Halyard (VS-mode)" : "the SBI firmware alone (no hypervisor)");
    newline();
    label("first step at:  ");
    // value_x100 of milliseconds: ticks * 1000 * 100 / timebase.
    print_fixed2(boot.first_time * 100'000 / kTimebaseHz);
    print(" ms after the machine started (time ");
    print_dec(boot.first_time);
    print(")");
    newline();
    print("Goodbye: shutting down through SBI SRST.");
    newline();
    const sbi::SbiRet r = sbi::shutdown();
    print("demo: SRST shutdown returned error ");
    print_signed(r.error);
    newline();
}
