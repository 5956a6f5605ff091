// SPDX-License-Identifier: Apache-2.0
#pragma once
// Per-vCPU state of the machine features a guest switches through SBI FWFT
// (src/sbi/sbi_fwft.cpp), what this machine lets Halyard offer of them, and
// the guest's henvcfg, which combines both. The values live in hart CSRs
// (henvcfg.ADUE) and in the firmware's own per-hart FWFT state (misaligned
// exception delegation), so they are loaded whenever the vCPU enters its
// hart and changed at once when the guest sets them.

#include <cstdint>

#include "platform/paging_mode.hpp"

namespace halyard {

struct Vcpu;

struct VcpuFeatures {
    // FWFT MISALIGNED_EXC_DELEG: 1 = the guest takes its own misaligned
    // load/store exceptions; 0 = the firmware below emulates the accesses.
    bool misaligned_exc_deleg = false;
    // FWFT PTE_AD_HW_UPDATING: henvcfg.ADUE (Svadu) for the guest's
    // VS-stage page tables; reset value 0 (page faults, as Svade).
    bool pte_ad_hw_updating = false;
    uint32_t locked = 0;  // bit n: feature n locked until the vCPU is reset
};

// What the harts of this machine support, found at boot (hart_setup).
struct MachineFeatures {
    // henvcfg bits Halyard enables for every guest that the hart kept
    // (WARL): PBMTE, CBIE, CBCFE, CBZE, STCE.
    uint64_t guest_envcfg = 0;
    bool svadu = false;                     // henvcfg.ADUE is writable
    bool misaligned_deleg_control = false;  // the firmware's FWFT offers it
    // The VS-stage modes vsatp keeps (WARL). Sv39 until probed: every hart
    // Halyard runs on has it (boot checks).
    PagingModes vs_paging_modes = PagingModes::up_to(PagingMode::kSv39);
};

void set_machine_features(const MachineFeatures& features);
const MachineFeatures& machine_features();

// The henvcfg value the vCPU runs with.
uint64_t vcpu_henvcfg(const Vcpu& vcpu);
// Loads the vCPU's feature state into this hart (henvcfg and the
// firmware's misaligned delegation). Called when the vCPU enters its hart.
void load_vcpu_features(const Vcpu& vcpu);
// Applies a changed misaligned-delegation choice on this hart; false if the
// firmware refused.
bool apply_misaligned_exc_deleg(bool delegate);

}  // namespace halyard
