// SPDX-License-Identifier: Apache-2.0
#include "sbi/sbi_base.hpp"

#include <array>

#include "sbi/sbi_extensions.hpp"

namespace halyard {
namespace {

// Every BASE function but probe_extension answers a value fixed at boot, so
// one table indexed by function ID answers them all with one load (the
// probe's slot is never read). The machine IDs are filled in before any
// guest runs.
std::array<uint64_t, sbi::kBaseGetMimpid + 1> g_fixed_answers = [] {
    std::array<uint64_t, sbi::kBaseGetMimpid + 1> answers{};
    answers[sbi::kBaseGetSpecVersion] = sbi::kSpecVersion;
    answers[sbi::kBaseGetImplId] = sbi::kHalyardImplId;
    answers[sbi::kBaseGetImplVersion] = SbiBase::kImplVersion;
    return answers;
}();

}  // namespace

void SbiBase::set_machine_ids(const MachineIds& ids) {
    g_fixed_answers[sbi::kBaseGetMvendorid] = ids.mvendorid;
    g_fixed_answers[sbi::kBaseGetMarchid] = ids.marchid;
    g_fixed_answers[sbi::kBaseGetMimpid] = ids.mimpid;
}

SbiResult SbiBase::call(Vcpu&, const SbiCall& ecall) {
    if (ecall.fid == sbi::kBaseProbeExtension) {
        // The argument is a `long` (ext-base.adoc), compared in full as
        // dispatch compares all of a7: an EID probed as present must be one a
        // call with that a7 reaches, and junk in the upper half names no
        // extension.
        return SbiResult::success(SbiExtensions::implements(ecall.arg(0)) ? 1 : 0);
    }
    if (ecall.fid < g_fixed_answers.size()) return SbiResult::success(g_fixed_answers[ecall.fid]);
    return SbiResult::error_code(sbi::kErrNotSupported);
}

}  // namespace halyard
