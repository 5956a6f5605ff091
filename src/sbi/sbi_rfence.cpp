// SPDX-License-Identifier: Apache-2.0
#include "sbi/sbi_rfence.hpp"

#include "sbi/hart_mask.hpp"
#include "vm/vcpu_requests.hpp"

namespace halyard {
namespace {

enum RfenceFid : uint64_t {
    kRemoteFenceI = 0,
    kRemoteSfenceVma = 1,
    kRemoteSfenceVmaAsid = 2,
};

}  // namespace

SbiResult SbiRfence::call(Vcpu& vcpu, const SbiCall& ecall) {
    uint32_t request = 0;
    switch (ecall.fid) {
        case kRemoteFenceI: request = kRequestFenceI; break;
        case kRemoteSfenceVma:
        case kRemoteSfenceVmaAsid: request = kRequestFlushGuestTlb; break;
        default: return SbiResult::error_code(sbi::kErrNotSupported);  // hfence.* (3 to 6)
    }
    Vm& vm = *vcpu.vm;
    const uint64_t mask = ecall.arg(0), base = ecall.arg(1);
    if (!for_each_vcpu_in_hart_mask(
            vm, mask, base, [&](Vcpu& target) { post_vcpu_request(vcpu, target, request); }))
        return SbiResult::error_code(sbi::kErrInvalidParam);
    for_each_vcpu_in_hart_mask(vm, mask, base,
                               [&](Vcpu& target) { wait_for_vcpu_requests(vcpu, target); });
    return SbiResult::success();
}

}  // namespace halyard
