// SPDX-License-Identifier: Apache-2.0
#include "sbi/sbi_base.hpp"

#include "sbi/sbi_extensions.hpp"

namespace halyard {
namespace {
MachineIds g_machine_ids;
}

void SbiBase::set_machine_ids(const MachineIds& ids) {
    g_machine_ids = ids;
}

SbiResult SbiBase::call(Vcpu& vcpu, uint64_t, uint64_t fid) {
    switch (fid) {
        case sbi::kBaseGetSpecVersion: return SbiResult::success(sbi::kSpecVersion);
        case sbi::kBaseGetImplId: return SbiResult::success(sbi::kHalyardImplId);
        case sbi::kBaseGetImplVersion: return SbiResult::success(kImplVersion);
        case sbi::kBaseProbeExtension:
            // The argument is a `long` (ext-base.adoc), compared in full as
            // dispatch compares all of a7: an EID probed as present must be
            // one a call with that a7 reaches, and junk in the upper half
            // names no extension.
            return SbiResult::success(SbiExtensions::implements(sbi_arg(vcpu, 0)) ? 1 : 0);
        case sbi::kBaseGetMvendorid: return SbiResult::success(g_machine_ids.mvendorid);
        case sbi::kBaseGetMarchid: return SbiResult::success(g_machine_ids.marchid);
        case sbi::kBaseGetMimpid: return SbiResult::success(g_machine_ids.mimpid);
        default: return SbiResult::error_code(sbi::kErrNotSupported);
    }
}

}  // namespace halyard
