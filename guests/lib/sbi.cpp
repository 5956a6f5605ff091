// SPDX-License-Identifier: Apache-2.0
#include "guest/sbi.hpp"

namespace guest::sbi {

const char* impl_name(uint64_t id) {
    switch (id) {
        case 0: return "Berkeley Boot Loader";
        case kImplOpenSbi: return "OpenSBI";
        case 2: return "Xvisor";
        case kImplKvm: return "KVM";
        case 4: return "RustSBI";
        case kImplHalyard: return "Halyard";
        default: return nullptr;
    }
}

SbiRet shutdown(uint32_t reason) {
    return call(kEidSrst, kSrstReset, kResetShutdown, reason);
}

}  // namespace guest::sbi
