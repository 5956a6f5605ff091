// SPDX-License-Identifier: Apache-2.0
#pragma once
// The state behind the fake arch layer: a CSR file, guest instruction memory
// for HLVX reads, and a record of firmware calls. Tests set it up, run the
// portable code, and inspect it.
//
// Each thread is a hart of its own (`hart` is thread_local), so SMP paths run
// on real threads: a host IPI (firmware sbi_send_ipi) marks the target hart
// id in `ipi_pending`; the target sees it as sip.SSIP at its next wait for
// interrupt or when its test guest looks for pending interrupts. Entering a
// guest calls the hart's `enter_guest_hook`, where a test plays the guest.

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
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
    // How many times Halyard read an instruction from guest memory (HLVX),
    // whether or not the read faulted.
    unsigned guest_instruction_reads = 0;
    // The scause a read of a missing entry traps with: a load page fault (13,
    // the guest's own page table does not map it), unless a test says other.
    uint64_t guest_read_fault_cause = 13;
    std::vector<FirmwareCall> firmware_calls;
    unsigned hfence_gvma_count = 0;
    unsigned hfence_vvma_count = 0;
    unsigned fence_i_count = 0;
    // Zkr: whether reading seed traps (mseccfg.SSEED clear), and how many
    // reads were tried. Its value is csr[Csr::seed].
    bool seed_csr_traps = false;
    unsigned seed_reads = 0;
    VmCpuRegisters* current_registers = nullptr;  // the vCPU whose exit is being handled
    uint64_t hart_id = 0;                         // this thread's host hart id (IPIs)
    // Called by arch::enter_guest; must not return (see test_lifecycle_threads).
    void (*enter_guest_hook)(VmCpuRegisters& regs) = nullptr;

    uint64_t& operator[](Csr c) { return csr[static_cast<unsigned>(c)]; }
    // Places a 16- or 32-bit instruction at `gva`.
    void put_instruction(uint64_t gva, uint32_t insn) {
        guest_instruction_memory[gva] = static_cast<uint16_t>(insn);
        if ((insn & 3) == 3) guest_instruction_memory[gva + 2] = static_cast<uint16_t>(insn >> 16);
    }
};

inline thread_local HartState hart;

inline constexpr unsigned kMaxFakeHarts = 64;
inline std::array<std::atomic<bool>, kMaxFakeHarts> ipi_pending{};

// Moves an IPI sent to this thread's hart into its sip.SSIP.
inline void take_ipi() {
    if (hart.hart_id < kMaxFakeHarts && ipi_pending[hart.hart_id].exchange(false))
        hart[Csr::sip] |= uint64_t{1} << 1;
}

// MSIs sent (arch::send_msi) by any hart, in order.
struct Msi {
    uint64_t interrupt_file;
    uint32_t identity;
};
inline std::mutex msis_lock;
inline std::vector<Msi> msis;

inline void reset() {
    hart = HartState{};
    for (auto& pending : ipi_pending) pending.store(false);
    std::lock_guard<std::mutex> guard(msis_lock);
    msis.clear();
}

}  // namespace halyard::fake
