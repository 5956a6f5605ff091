#pragma once
// Running vCPUs on physical harts: each vCPU is pinned to one hart, which
// enters it, takes its exits (halyard_vmexit) and idles when its VM stops.

#include "vm/vm.hpp"

namespace halyard {

struct HostPlatform;

// Prepares this hart (the vCPU's hart_slot) for `vcpu` (G-stage, VS CSRs,
// timer), marks it started and enters it.
[[noreturn]] void run_vcpu(Vcpu& vcpu);

// Tells the runtime about the VMs (for "all VMs stopped": power off) and the
// platform (for reboots, which reload images).
void hart_runtime_init(Vm* vms, unsigned vm_count, const HostPlatform* platform);

// Stops a VM: logs why and its exit statistics; powers the machine off when
// it was the last running VM.
void stop_vm(Vm& vm, const char* why);

[[noreturn]] void hart_idle();

}  // namespace halyard
