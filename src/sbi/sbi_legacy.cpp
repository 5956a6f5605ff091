// SPDX-License-Identifier: Apache-2.0
#include "sbi/sbi_legacy.hpp"

#include "vm/lifecycle.hpp"
#include "vm/vcpu_timer.hpp"
#include "vm/vm.hpp"

namespace halyard {

SbiResult SbiLegacy::call(Vcpu& vcpu, const SbiCall& ecall) {
    switch (ecall.eid) {
        case sbi::kEidLegacySetTimer:
            vcpu_set_timer(vcpu, ecall.arg(0));
            return SbiResult::legacy(ecall, 0);
        case sbi::kEidLegacyConsolePutchar:
            vcpu.vm->console.put(static_cast<char>(ecall.arg(0)));
            return SbiResult::legacy(ecall, 0);
        case sbi::kEidLegacyConsoleGetchar:
            return SbiResult::legacy(ecall, vcpu.vm->read_console_input());
        default: shutdown_vm_from(vcpu);  // kEidLegacyShutdown
    }
}

}  // namespace halyard
