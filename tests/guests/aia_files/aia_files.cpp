// SPDX-License-Identifier: Apache-2.0
// aia_files: a guest in a VM with AIA (tools/run irqchip=aia, 2 vCPUs) that
// uses its IMSIC interrupt files and APLIC as a driver would and as an
// attacker would, then reboots with its files dirty:
//   - an MSI to its own file, seen in stopei, claimed once;
//   - an MSI from vCPU 0 to vCPU 1's file, taken there (no exit: an IPI);
//   - the page past its last vCPU's file: loads and stores are access
//     faults (no other hart's file is reachable); its own file's page is not
//     executable (instruction access fault);
//   - APLIC targets and genmsi naming hart indexes it has not, or identities
//     its files do not implement: nothing arrives anywhere;
//   - after an SRST reboot with every register of the file set, the file is
//     as at reset: delivery off, threshold 0, nothing pending or enabled.
// The boot counter lives at the base of RAM, below the image, which a reboot
// does not reload (as in the reboot guest).

#include <stdint.h>

#include "guest/check.hpp"
#include "guest/csr.hpp"
#include "guest/mmio.hpp"
#include "guest/print.hpp"
#include "guest/runtime.hpp"
#include "guest/sbi.hpp"
#include "guest/smp.hpp"
#include "guest/trap.hpp"

using namespace guest;

namespace {

Checks checks("aia_files");

constexpr uint64_t kMagic = 0x4149'4146'494C'4553ull;
struct Persistent {
    uint64_t magic;
    uint64_t boot;
};
auto* const g_persistent = reinterpret_cast<volatile Persistent*>(0x8000'0000);

// The VM's layout (README, "What a guest sees"): vCPU i's file at
// 0x2800_0000 + 4 KiB * i, the APLIC at 0x0d00_0000.
constexpr uintptr_t kImsic = 0x2800'0000, kFileSize = 0x1000;
constexpr uintptr_t kAplic = 0x0d00'0000;
constexpr uintptr_t kGenmsi = 0x3000, kDomaincfg = 0, kSetienum = 0x1EDC;
constexpr uint32_t kDomaincfgIe = 1u << 8;
constexpr unsigned kUartSource = 10;
constexpr uint64_t kEidelivery = 0x70, kEithreshold = 0x72, kEip0 = 0x80, kEie0 = 0xC0;

uint64_t read_file_register(uint64_t reg) {
    uint64_t value;
    asm volatile("csrw 0x150, %1\n csrr %0, 0x151" : "=r"(value) : "r"(reg) : "memory");
    return value;
}
void write_file_register(uint64_t reg, uint64_t value) {
    asm volatile("csrw 0x150, %0\n csrw 0x151, %1" : : "r"(reg), "r"(value) : "memory");
}
uint64_t top() {
    uint64_t value;
    asm volatile("csrr %0, 0x15C" : "=r"(value) : : "memory");
    return value;
}
uint64_t claim() {
    uint64_t value;
    asm volatile("csrrw %0, 0x15C, zero" : "=r"(value) : : "memory");
    return value;
}
constexpr uint64_t topei(uint64_t identity) {
    return identity << 16 | identity;
}

void enable_file(uint64_t identities) {
    write_file_register(kEidelivery, 1);
    write_file_register(kEithreshold, 0);
    write_file_register(kEie0, identities);
}

volatile uint64_t g_vcpu1_claimed;
volatile uint64_t g_vcpu1_ready;

void vcpu1(unsigned) {
    enable_file(uint64_t{1} << 7);
    smp::atomic_store(&g_vcpu1_ready, 1);
    const uint64_t start = rdtime();
    while (top() == 0 && rdtime() - start < 5 * kTimebaseHz) {
    }
    smp::atomic_store(&g_vcpu1_claimed, claim());
}

void own_file() {
    enable_file(uint64_t{1} << 5 | uint64_t{1} << 6);
    checks.check_eq(top(), 0, "nothing pending at first");
    mmio_write32(kImsic, 5);  // seteipnum_le of this vCPU's file
    checks.check_eq(top(), topei(5), "an MSI to its own file: stopei names it");
    checks.check_eq(claim(), topei(5), "claimed");
    checks.check_eq(top(), 0, "once");
}

void other_vcpus_file() {
    if (!checks.check_eq(static_cast<uint64_t>(smp::start(1, vcpu1)), 0, "vCPU 1 starts")) return;
    const uint64_t start = rdtime();
    while (smp::atomic_load(&g_vcpu1_ready) == 0 && rdtime() - start < 5 * kTimebaseHz) {
    }
    mmio_write32(kImsic + kFileSize, 7);
    smp::wait_for_status(1, sbi::kHsmStopped, 5 * kTimebaseHz);
    checks.check_eq(smp::atomic_load(&g_vcpu1_claimed), topei(7),
                    "an MSI from vCPU 0 to vCPU 1's file arrives there");
    checks.check_eq(top(), 0, "and not here");
}

void beyond_the_files() {
    const uintptr_t past = kImsic + 2 * kFileSize;  // the VM has 2 vCPUs
    uint64_t value = 0x5EA7;
    expect_trap();
    asm volatile("lw %0, 0(%1)" : "+r"(value) : "r"(past) : "memory");
    TrapRecord t = take_trap();
    checks.check(t.taken && t.scause == kCauseLoadAccessFault && t.stval == past,
                 "a load past the last vCPU's file is a load access fault");
    expect_trap();
    asm volatile("sw %0, 0(%1)" : : "r"(uint64_t{6}), "r"(past) : "memory");
    t = take_trap();
    checks.check(t.taken && t.scause == kCauseStoreAccessFault && t.stval == past,
                 "a store there is a store access fault");
    expect_trap(Resume::kReturnAddress);
    asm volatile("jalr ra, 0(%0)" : : "r"(kImsic) : "ra", "memory");
    t = take_trap();
    checks.check(t.taken && t.scause == kCauseInsnAccessFault && t.stval == kImsic,
                 "its own file's page is not executable");
    checks.check_eq(top(), 0, "none of it made an interrupt");
}

void aplic_to_nowhere() {
    // The UART's source to a hart index the VM has not; genmsi to the last
    // hart index and to identities beyond the files' 255.
    mmio_write32(kAplic + 4 * kUartSource, 6);  // level high
    mmio_write32(kAplic + 0x3000 + 4 * kUartSource, 5u << 18 | 6);
    mmio_write32(kAplic + kSetienum, kUartSource);
    mmio_write32(kAplic + kDomaincfg, kDomaincfgIe);
    mmio_write8(0x1000'0001, 0x02);  // UART IER = THR empty: the line rises
    mmio_write8(0x1000'0001, 0);
    mmio_write32(kAplic + kGenmsi, 16383u << 18 | 6);
    mmio_write32(kAplic + kGenmsi, 0u << 18 | 2047);
    mmio_write32(kAplic + kGenmsi, 0u << 18 | 256);
    checks.check_eq(top(), 0, "MSIs to hart indexes or identities the VM has not arrive nowhere");
    mmio_write32(kAplic + kGenmsi, 0u << 18 | 6);
    checks.check_eq(claim(), topei(6), "while one to this vCPU with identity 6 arrives");
}

[[noreturn]] void dirty_and_reboot() {
    write_file_register(kEie0, ~uint64_t{0});
    write_file_register(kEie0 + 2, ~uint64_t{0});
    write_file_register(kEip0, ~uint64_t{0});
    write_file_register(kEithreshold, 3);
    mmio_write32(kImsic, 20);
    print("aia_files: rebooting with the file dirty\n");
    g_persistent->boot = 1;
    sbi::call(sbi::kEidSrst, sbi::kSrstReset, sbi::kResetColdReboot, 0);
    checks.check(false, "SRST reboot returned");
    checks.finish();
}

void after_reboot() {
    checks.check_eq(read_file_register(kEidelivery), 0, "after a reboot: delivery off");
    checks.check_eq(read_file_register(kEithreshold), 0, "threshold 0");
    checks.check_eq(read_file_register(kEie0), 0, "eie0 clear");
    checks.check_eq(read_file_register(kEie0 + 2), 0, "eie2 clear");
    checks.check_eq(read_file_register(kEip0), 0, "eip0 clear");
    checks.check_eq(top(), 0, "nothing to claim");
}

}  // namespace

void guest_main() {
    set_guest_name("aia_files");
    if (!under_halyard()) {
        checks.skip("everything", "needs a VM with irqchip=aia");
        checks.finish();
    }
    if (g_persistent->magic != kMagic) {
        g_persistent->magic = kMagic;
        g_persistent->boot = 0;
    }
    if (g_persistent->boot == 0) {
        own_file();
        other_vcpus_file();
        beyond_the_files();
        aplic_to_nowhere();
        if (checks.failures() == 0) dirty_and_reboot();
    } else {
        after_reboot();
    }
    checks.finish();
}
