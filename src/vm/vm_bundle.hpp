// SPDX-License-Identifier: Apache-2.0
#pragma once
// The VM bundle: a flattened device tree (written by tools/run, compiled by
// dtc, loaded as the "initrd" so the host DT's /chosen points at it) that
// describes every VM to run and carries their images:
//   / { compatible = "halyard,vm-bundle";
//       vm@0 { compatible = "halyard,vm"; vcpus = <1>;
//              memory-size = /bits/ 64 <bytes>;
//              [mmu-type = "riscv,sv39" | "riscv,sv48" | "riscv,sv57";]
//              [irqchip = "plic" | "aia";]
//              kernel = /incbin/(...); [initrd = ...;] [dtb = ...;]
//              [bootargs = "...";] }; ... };
// mmu-type is what the guest's cpu nodes will say (default Sv39); whether
// the host has it is checked when the VM is created, as whether it has
// the guest interrupt files irqchip "aia" needs (default "plic").

#include <cstdint>
#include <span>

#include "fdt/fdt.hpp"
#include "halyard/guest_layout.hpp"
#include "lib/result.hpp"
#include "memory/g_stage.hpp"
#include "platform/paging_mode.hpp"
#include "vm/vm.hpp"

namespace halyard {

struct VmSpec {
    unsigned vcpus = 1;
    uint64_t memory_size = 0;
    PagingMode paging_mode = PagingMode::kSv39;
    GuestIrqchip irqchip = GuestIrqchip::kPlic;
    VmImage image;
};

// The most guest RAM a VM may ask for: what the G-stage can map above the
// RAM base (guest-physical addresses stay within Sv39x4's 2^41 bytes).
inline constexpr uint64_t kMaxGuestMemorySize =
    GStagePageTable::kGuestPhysicalLimit - guest::kRamBase;

// Fills `specs` in bundle order; returns the number of VMs, or an error after
// logging what is wrong with the bundle (kCapacity: more VMs than `specs`).
// Every memory-size is from 1 byte to kMaxGuestMemorySize.
Result<unsigned> read_vm_bundle(const Fdt& bundle, std::span<VmSpec> specs);

}  // namespace halyard
