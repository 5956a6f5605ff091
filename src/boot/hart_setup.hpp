#pragma once
// Per-hart hypervisor state: what is delegated to guests, which counters
// they may read, the trap vector, and what the hart's G-stage supports.

#include <cstdint>

namespace halyard {

struct HartCapabilities {
    bool sv39x4 = false;
    unsigned vmid_bits = 0;
};

void setup_hypervisor_csrs(bool host_has_sstc);
HartCapabilities probe_hart_capabilities();

}  // namespace halyard
