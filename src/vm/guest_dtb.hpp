#pragma once
// The device tree a VM's guest receives in a1: its memory, its vCPUs (ISA of
// the host minus what a guest may not use), the host's timebase, its UART
// and /chosen (bootargs, stdout-path, initrd).

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

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

// The guest's ISA string: the host's without the H extension. Returns the
// length written (NUL-terminated), 0 if `out` is too small.
size_t guest_isa_string(std::string_view host_isa, std::span<char> out);

// Builds the DTB into `out`; returns its size, 0 if it does not fit.
size_t build_guest_dtb(const GuestDtbSpec& spec, std::span<uint8_t> out);

}  // namespace halyard
