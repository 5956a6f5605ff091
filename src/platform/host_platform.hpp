// SPDX-License-Identifier: Apache-2.0
#pragma once
// What Halyard learns about the machine from the host device tree: nothing
// about the board is hard-coded.

#include <array>
#include <cstdint>
#include <string_view>

#include "console/host_console.hpp"
#include "fdt/fdt.hpp"
#include "lib/capacity.hpp"
#include "lib/result.hpp"
#include "lib/seed_kdf.hpp"
#include "platform/hart_isa.hpp"

namespace halyard {

struct MemoryRange {
    uint64_t base = 0;
    uint64_t size = 0;
    uint64_t end() const { return base + size; }
    bool overlaps(uint64_t b, uint64_t s) const { return b < end() && base < b + s; }
};

// The cache-block sizes of the CMO extensions, from a cpu node's
// riscv,cbom-block-size, riscv,cboz-block-size and riscv,cbop-block-size. A
// size is only known if its property is one cell holding a power of two no
// larger than a page; 0 otherwise (absent, or not a block size any hart has).
struct CacheBlockSizes {
    uint32_t cbom = 0;  // Zicbom: cbo.clean, cbo.flush, cbo.inval
    uint32_t cboz = 0;  // Zicboz: cbo.zero
    uint32_t cbop = 0;  // Zicbop: prefetch.*
};

struct HostHart {
    uint64_t hart_id = 0;
    int plic_s_context = -1;  // this hart's S-mode context of the host PLIC, if any
    // The physical address of this hart's first guest interrupt file at the
    // host's S-level IMSIC (AIA), the one a vCPU on this hart gets; 0 if none.
    uint64_t guest_interrupt_file = 0;
    // Its hart index at that IMSIC (its place in the IMSIC's
    // interrupts-extended): what APLIC target registers name; -1 if none.
    int imsic_hart_index = -1;
    HartIsa isa;  // riscv,isa-base + riscv,isa-extensions, or riscv,isa
    // e.g. "riscv,sv48": the widest paging mode the hart has, which bounds
    // what a VM may be offered (paging_modes_of_mmu_type; Sv39 by default).
    std::string_view mmu_type;
    CacheBlockSizes cache_blocks;
};

struct HostPlatform {
    // Capacities. RAM beyond kMaxMemoryRanges is left unused (with a log
    // line); a DT with more reserved ranges than kMaxReservedRanges is refused,
    // since a dropped reservation could become guest RAM. Harts beyond
    // kMaxHarts are left unused (with a log line).
    static constexpr unsigned kMaxHarts = capacity::kHostHarts;
    static constexpr unsigned kMaxMemoryRanges = capacity::kMemoryRanges;
    static constexpr unsigned kMaxReservedRanges = capacity::kReservedRanges;

    std::array<MemoryRange, kMaxMemoryRanges> memory{};
    unsigned memory_count = 0;
    std::array<MemoryRange, kMaxReservedRanges> reserved{};  // /reserved-memory and /memreserve/
    unsigned reserved_count = 0;

    std::array<HostHart, kMaxHarts> harts{};
    unsigned hart_count = 0;
    uint32_t timebase_frequency = 0;

    HostUartInfo uart{};
    uint32_t uart_clock_frequency = 0;
    uint32_t uart_irq = 0;   // its interrupt at the host PLIC (0: none)
    uint64_t plic_base = 0;  // the host PLIC ("riscv,plic0" / "sifive,plic-1.0.0")
    // The interrupt identities each guest interrupt file implements (the
    // S-level IMSIC's riscv,num-guest-ids, else riscv,num-ids); 0 without.
    uint32_t guest_interrupt_ids = 0;
    // The supervisor-level APLIC domain (AIA) that sends MSIs to that IMSIC.
    uint64_t aplic_base = 0;
    MemoryRange initrd{};             // /chosen linux,initrd-start/end: the VM bundle
    uint64_t test_finisher_base = 0;  // "sifive,test0" exit device, when present
    // What every guest's boot seeds are derived from: set once at boot by
    // take_host_entropy (platform/host_entropy.hpp), not by
    // read_host_platform; read-only from then on.
    SeedKey guest_seed_key{};

    const HostHart* hart(uint64_t hart_id) const;
};

// Fills `platform` from the host DT; an error (after a log line) if the DT
// lacks something Halyard cannot run without (kInvalidInput) or describes more
// reserved memory ranges than it can hold (kCapacity). A hart whose ISA
// description is unusable is still listed (HostHart::isa says why): it only
// matters if Halyard runs on it, and boot checks that.
Status read_host_platform(const Fdt& fdt, HostPlatform& platform);

}  // namespace halyard
