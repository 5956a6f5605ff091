// SPDX-License-Identifier: Apache-2.0
#pragma once
// The device tree a VM's guest receives in a1: its memory, its vCPUs (the
// guest ISA of vm/guest_isa.hpp, written both as riscv,isa and as
// riscv,isa-base + riscv,isa-extensions, and the paging mode the VM was
// given as mmu-type), the host's timebase, its interrupt controller (a PLIC,
// or an APLIC and IMSIC interrupt files), its UART and /chosen (bootargs,
// stdout-path, initrd, rng-seed and kaslr-seed).

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "lib/result.hpp"
#include "lib/seed_kdf.hpp"
#include "platform/host_platform.hpp"
#include "platform/paging_mode.hpp"
#include "vm/guest_isa.hpp"

namespace halyard {

struct GuestDtbSpec {
    uint64_t ram_base;
    uint64_t ram_size;
    unsigned vcpu_count;
    GuestIsa isa;                  // what every vCPU is told it has
    CacheBlockSizes cache_blocks;  // the host hart's (0: unknown)
    uint32_t timebase_frequency;
    std::string_view bootargs;
    uint64_t initrd_start;  // 0 when there is no initrd
    uint64_t initrd_end;
    // This boot's /chosen/rng-seed and kaslr-seed; null: none (no entropy).
    const GuestSeeds* seeds;
    PagingMode mmu = PagingMode::kSv39;  // every cpu node's mmu-type
    // AIA (an APLIC and an IMSIC interrupt file per vCPU) instead of the
    // PLIC, with that many interrupt identities per file.
    bool aia = false;
    uint32_t interrupt_ids = 0;
};

// Builds the DTB into `out`; returns its size. kTooLarge if it does not fit,
// kInvalidInput if the ISA has no base "i" (nothing a guest could run on).
Result<size_t> build_guest_dtb(const GuestDtbSpec& spec, std::span<uint8_t> out);

}  // namespace halyard
