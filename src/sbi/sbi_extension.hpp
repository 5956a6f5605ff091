#pragma once
// The shape of an SBI extension offered to guests. An extension is a type
// with:
//   static constexpr ExitReason kReason;          // how its calls are counted
//   static bool handles(uint64_t eid);            // the EID(s) it implements
//   static SbiResult call(Vcpu&, uint64_t eid, uint64_t fid);  // arguments in a0..a5
// and one line in sbi_extensions.hpp. Nothing else changes to add one.

#include <cstdint>

#include "halyard/sbi.hpp"
#include "vm/vcpu.hpp"

namespace halyard {

enum class SbiOutcome : uint8_t {
    kReturn,        // a0 = error, a1 = value
    kReturnLegacy,  // legacy (v0.1) calls return one value in a0 only
    kShutdownVm,
    kRebootVm,
};

struct SbiResult {
    sbi::SbiRet ret{sbi::kSuccess, 0};
    SbiOutcome outcome = SbiOutcome::kReturn;

    static SbiResult success(uint64_t value = 0) { return {{sbi::kSuccess, value}}; }
    static SbiResult error(int64_t code) { return {{code, 0}}; }
    static SbiResult legacy(int64_t a0) { return {{a0, 0}, SbiOutcome::kReturnLegacy}; }
};

// Argument registers of the current call.
inline uint64_t sbi_arg(const Vcpu& vcpu, unsigned n) { return vcpu.regs.gpr[kA0 + n]; }

}  // namespace halyard
