// SPDX-License-Identifier: Apache-2.0
#pragma once
// Delivering an exception to the guest exactly as the hardware would have,
// had it been taken in VS-mode: vsepc/vscause/vstval and vsstatus updated,
// execution resumed at vstvec in VS-mode.

#include <cstdint>

#include "halyard/trap_cause.hpp"
#include "vm/vcpu.hpp"

namespace halyard {

void inject_exception(Vcpu& vcpu, Exception cause, uint64_t tval);

}  // namespace halyard
