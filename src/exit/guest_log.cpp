// SPDX-License-Identifier: Apache-2.0
#include "exit/guest_log.hpp"

#include <cstdarg>

#include "console/log.hpp"
#include "lib/format.hpp"
#include "vm/vm.hpp"

namespace halyard {

void guest_log(Vcpu& vcpu, const char* format, ...) {
    if (vcpu.log_budget == 0) return;
    --vcpu.log_budget;
    char message[200];
    va_list args;
    va_start(args, format);
    format_string(message, sizeof(message), format, args);
    va_end(args);
    log("%s: vcpu%u: %s", vcpu.vm->name, vcpu.id, message);
    if (vcpu.log_budget == 0)
        log("%s: vcpu%u: further guest-caused messages suppressed", vcpu.vm->name, vcpu.id);
}

}  // namespace halyard
