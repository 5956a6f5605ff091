// SPDX-License-Identifier: Apache-2.0
#pragma once
// Per-hart hypervisor state: what is delegated to guests, which counters
// they may read, the trap vector, and what the hart's G-stage supports.

#include <cstdint>

namespace halyard {

struct HartCapabilities {
    bool sv39x4 = false;   // G-stage: hgatp Sv39x4
    bool vs_sv39 = false;  // VS-stage: vsatp Sv39, which every guest may be offered
    unsigned vmid_bits = 0;
    bool guest_interrupt_file = false;  // AIA: hgeie keeps bit 1 (GEILEN >= 1)
};

// `console_input`: this hart takes the console UART's interrupt (SEIE).
// Returns the henvcfg bits this hart kept of those Halyard asks for (ADUE
// included when the hart lets it be switched), for probe_hart_capabilities.
uint64_t setup_hypervisor_csrs(bool host_has_sstc, bool console_input);
// What the boot hart supports (G-stage, VMIDs, guest features); records the
// machine features guests may switch through FWFT.
HartCapabilities probe_hart_capabilities(uint64_t kept_envcfg);

}  // namespace halyard
