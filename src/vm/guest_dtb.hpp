// SPDX-License-Identifier: Apache-2.0
#pragma once
// The device tree a VM's guest receives in a1: its memory, its vCPUs (ISA of
// the host minus what a guest may not use), the host's timebase, its UART
// and /chosen (bootargs, stdout-path, initrd).

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "lib/capacity.hpp"
#include "lib/result.hpp"
#include "vm/vcpu_features.hpp"

namespace halyard {

struct GuestDtbSpec {
    uint64_t ram_base;
    uint64_t ram_size;
    unsigned vcpu_count;
    std::string_view host_isa;  // riscv,isa of the host hart
    std::string_view mmu_type;  // of the host hart; empty for "riscv,sv39"
    uint32_t timebase_frequency;
    std::string_view bootargs;
    uint64_t initrd_start;  // 0 when there is no initrd
    uint64_t initrd_end;
};

// Longest host riscv,isa string Halyard passes on (QEMU 10's is ~400).
inline constexpr size_t kMaxIsaLength = capacity::kIsaLength;

// The guest's ISA string: the host's single letters without H, and of its
// multi-letter extensions only those a guest can use in VS-mode: an
// allowlist of extensions that need nothing from Halyard, plus those that
// need a henvcfg bit `machine` says the hart kept (Sstc, Svpbmt, Zicbom,
// Zicboz), and Svadu (as Svade, plus Svadu when FWFT can switch it).
// Returns the length written (NUL-terminated); kTooLarge if `out` is too small.
Result<size_t> guest_isa_string(std::string_view host_isa, const MachineFeatures& machine,
                                std::span<char> out);

// Builds the DTB into `out`; returns its size. kTooLarge if it does not fit,
// kCapacity (logged) if the host's ISA string is longer than Halyard passes on.
Result<size_t> build_guest_dtb(const GuestDtbSpec& spec, std::span<uint8_t> out);

}  // namespace halyard
