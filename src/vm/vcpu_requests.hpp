// SPDX-License-Identifier: Apache-2.0
#pragma once
// Cross-hart requests between vCPUs of a VM. Each vCPU is pinned to its own
// physical hart, so an IPI or a remote fence for another vCPU is a request
// bit set on that vCPU plus a host IPI to its hart; the hart takes the IPI as
// a VM exit (supervisor software interrupt) and handles its bits.

#include <cstdint>

#include "vm/vcpu.hpp"

namespace halyard {

// Whether `vcpu` is on its hart (started; a suspended vCPU waits there too).
bool vcpu_is_running(const Vcpu& vcpu);

// Sends `target`'s hart a host IPI (whatever it is doing).
void send_host_ipi(const Vcpu& target);

// Sets `request` on `target` and sends its hart an IPI, if it is running
// (requests to a vCPU that is not running are dropped).
void signal_vcpu(Vcpu& target, uint32_t request);

// Posts `request` to `target`. When `target` is `self` (the caller's own
// vCPU), the request is handled at once. Requests to a vCPU that is not
// running are dropped (it has no guest TLB or pending interrupt to act on).
void post_vcpu_request(Vcpu& self, Vcpu& target, uint32_t request);

// Waits until `target` has taken every request posted to it (it carries them
// out before it runs guest code again), handling
// `self`'s own meanwhile (two vCPUs fencing each other must not deadlock).
// Gives up when `target` stops running or `self` must stop (its pending IPI
// then stops it as soon as it re-enters the guest).
void wait_for_vcpu_requests(Vcpu& self, Vcpu& target);

// Handles this vCPU's pending requests on its own hart. Returns false when
// the vCPU must stop running (its VM is stopping or rebooting): that is read
// from the VM's state, so no request can hide it.
bool handle_vcpu_requests(Vcpu& self);

// `target`'s PLIC context output changed: its virtual external interrupt
// (VSEIP) is set to the output's level as it is when read, at once when
// `target` is the vCPU whose exit this hart is handling, else by request (its
// hart reads the level when it takes the request). Calls may overlap and come
// late (Plic::NotifyFn): reading the level on the vCPU's own hart, one call
// at a time, leaves VSEIP at the current level.
void external_interrupt_changed(Vcpu& target);

// The level of `vcpu`'s PLIC context output, which VSEIP must follow.
bool external_interrupt_level(const Vcpu& vcpu);

}  // namespace halyard
