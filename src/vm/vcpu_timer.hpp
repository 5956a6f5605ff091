// SPDX-License-Identifier: Apache-2.0
#pragma once
// The guest's supervisor timer. With Sstc the guest's deadline goes straight
// into vstimecmp and the hardware raises VSTIP itself: no exit per tick.
// Without Sstc, Halyard arms the host timer through the firmware and injects
// VSTIP (hvip) when it fires.

#include <cstdint>

#include "vm/vcpu.hpp"

namespace halyard {

void vcpu_set_timer(Vcpu& vcpu, uint64_t deadline);
void vcpu_timer_fired(Vcpu& vcpu);
// The vCPU stops: no deadline of its may wake its hart any more.
void vcpu_timer_cancel(Vcpu& vcpu);

}  // namespace halyard
