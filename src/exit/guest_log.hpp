// SPDX-License-Identifier: Apache-2.0
#pragma once
// Log lines caused by a guest's behaviour ("vm0: vcpu0: ..."). Each vCPU has
// a budget, so a guest that misbehaves in a loop cannot flood the console.

#include "vm/vcpu.hpp"

namespace halyard {

void guest_log(Vcpu& vcpu, const char* format, ...) __attribute__((format(printf, 2, 3)));

}  // namespace halyard
