// SPDX-License-Identifier: Apache-2.0
#pragma once
// The VM bundle: a flattened device tree (written by tools/run, compiled by
// dtc, loaded as the "initrd" so the host DT's /chosen points at it) that
// describes every VM to run and carries their images:
//   / { compatible = "halyard,vm-bundle";
//       vm@0 { compatible = "halyard,vm"; vcpus = <1>;
//              memory-size = /bits/ 64 <bytes>;
//              kernel = /incbin/(...); [initrd = ...;] [dtb = ...;]
//              [bootargs = "...";] }; ... };

#include <cstdint>
#include <span>

#include "fdt/fdt.hpp"
#include "lib/result.hpp"
#include "vm/vm.hpp"

namespace halyard {

struct VmSpec {
    unsigned vcpus = 1;
    uint64_t memory_size = 0;
    VmImage image;
};

// Fills `specs` in bundle order; returns the number of VMs, or an error after
// logging what is wrong with the bundle (kCapacity: more VMs than `specs`).
Result<unsigned> read_vm_bundle(const Fdt& bundle, std::span<VmSpec> specs);

}  // namespace halyard
