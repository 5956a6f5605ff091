// SPDX-License-Identifier: Apache-2.0
#pragma once
// Building a VM from its spec: guest RAM, G-stage tables, devices, console,
// the image loaded into RAM and the vCPUs at their reset state.

#include <cstdint>

#include "lib/result.hpp"
#include "memory/physical_allocator.hpp"
#include "platform/host_platform.hpp"
#include "vm/vm.hpp"
#include "vm/vm_bundle.hpp"

namespace halyard {

// An error after logging why (not enough memory, image too large, ...).
Status create_vm(Vm& vm, unsigned index, uint16_t vmid, const VmSpec& spec,
                 PhysicalAllocator& allocator, const HostPlatform& platform);

// Copies kernel, initrd and DTB into guest RAM and resets
// every vCPU. Used at creation and when the guest reboots.
Status load_vm_image(Vm& vm, const HostPlatform& platform);

// A vCPU's registers and guest CSR image at reset: pc at the kernel entry,
// a0 = its hart id, a1 = the DTB, VS-mode with paging off.
void reset_vcpu(Vcpu& vcpu);

}  // namespace halyard
