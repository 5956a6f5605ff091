#pragma once
// The state behind the fake arch layer: a CSR file, guest instruction memory
// for HLVX reads, and a record of firmware calls. Tests set it up, run the
// portable code, and inspect it.

#include <array>
#include <cstdint>
#include <map>
#include <vector>

#include "halyard/csr_numbers.hpp"
#include "halyard/sbi.hpp"
#include "halyard/vm_cpu_registers.hpp"

namespace halyard::fake {

struct FirmwareCall {
    uint64_t eid, fid, arg0, arg1, arg2;
};

struct HartState {
    std::array<uint64_t, 4096> csr{};
    // Guest virtual address -> halfword, as HLVX.HU would read it. Missing
    // entries fault.
    std::map<uint64_t, uint16_t> guest_instruction_memory;
    std::vector<FirmwareCall> firmware_calls;
    unsigned hfence_gvma_count = 0;
    unsigned hfence_vvma_count = 0;
    unsigned fence_i_count = 0;
    VmCpuRegisters* current_registers = nullptr;  // the vCPU whose exit is being handled

    uint64_t& operator[](Csr c) { return csr[static_cast<unsigned>(c)]; }
    // Places a 16- or 32-bit instruction at `gva`.
    void put_instruction(uint64_t gva, uint32_t insn) {
        guest_instruction_memory[gva] = static_cast<uint16_t>(insn);
        if ((insn & 3) == 3) guest_instruction_memory[gva + 2] = static_cast<uint16_t>(insn >> 16);
    }
};

inline HartState hart;

inline void reset() {
    hart = HartState{};
}

}  // namespace halyard::fake
