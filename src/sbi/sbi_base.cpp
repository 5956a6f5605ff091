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
            // EIDs are 32-bit signed values; the register may carry junk above.
            return SbiResult::success(
                SbiExtensions::implements(sbi_arg(vcpu, 0) & 0xFFFFFFFFull) ? 1 : 0);
        case sbi::kBaseGetMvendorid: return SbiResult::success(g_machine_ids.mvendorid);
        case sbi::kBaseGetMarchid: return SbiResult::success(g_machine_ids.marchid);
        case sbi::kBaseGetMimpid: return SbiResult::success(g_machine_ids.mimpid);
        default: return SbiResult::error_code(sbi::kErrNotSupported);
    }
}

}  // namespace halyard
