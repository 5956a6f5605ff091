// SPDX-License-Identifier: Apache-2.0
#pragma once
// Building a VM from its spec: guest RAM, G-stage tables, devices, console,
// the image loaded into RAM and the vCPUs at their reset state.

#include <cstdint>
#include <span>

#include "lib/result.hpp"
#include "memory/physical_allocator.hpp"
#include "platform/host_platform.hpp"
#include "platform/paging_mode.hpp"
#include "vm/vm.hpp"
#include "vm/vm_bundle.hpp"

namespace halyard {

// An error after logging why (not enough memory, image too large, a paging
// mode the host lacks, ...). The VM's RAM is placed as `placement` says.
Status create_vm(Vm& vm, unsigned index, uint16_t vmid, const VmSpec& spec,
                 PhysicalAllocator& allocator, const HostPlatform& platform,
                 RamPlacement placement = RamPlacement::kPreferGigapages);

// kPreferGigapages when every VM's RAM still fits with it (tried on a copy
// of `allocator`, in bundle order as boot creates them), else
// kTwoMiBAligned: a VM placed at a GiB boundary leaves a gap below it, and
// large pages must never cost a later VM its place.
RamPlacement choose_ram_placement(const PhysicalAllocator& allocator,
                                  std::span<const VmSpec> specs);

// The RAM a VM gets for its bundle's memory-size: rounded up to 2 MiB.
// kTooLarge past what the guest-physical space holds (the bundle reader
// refuses that already; this keeps the rounding from wrapping).
Result<uint64_t> guest_ram_size(uint64_t memory_size);

// The VS-stage modes a VM may be given on this machine: those the first host
// hart's mmu-type promises (paging_modes_of_mmu_type) that vsatp also keeps
// (machine_features().vs_paging_modes, probed at boot).
PagingModes guest_paging_modes(const HostPlatform& platform);

// A VM with AIA (GuestIrqchip::kAia): gives each vCPU the guest interrupt
// file of the hart it was assigned (Vcpu::host_hart_id) and maps it into the
// VM at guest::kImsicBase + vCPU index * 4 KiB. Nothing for a VM with the
// PLIC. An error after a log line if a hart has no such file.
Status attach_interrupt_files(Vm& vm, const HostPlatform& platform);

// Copies kernel, initrd and DTB into guest RAM and resets
// every vCPU. Used at creation and when the guest reboots.
Status load_vm_image(Vm& vm, const HostPlatform& platform);

// A vCPU's registers and guest CSR image at reset: pc at the kernel entry,
// a0 = its hart id, a1 = the DTB, VS-mode with paging off.
void reset_vcpu(Vcpu& vcpu);

}  // namespace halyard
