// SPDX-License-Identifier: Apache-2.0
#include "sbi/sbi_dbcn.hpp"

#include "vm/vm.hpp"

namespace halyard {
namespace {

// The buffer [base, base + length) per the spec's "shared memory physical
// address range" rules: every byte must be guest RAM, else INVALID_PARAM.
bool buffer_in_ram(const Vm& vm, uint64_t base, uint64_t length) {
    return vm.ram.contains(base, length);
}

// Bytes one write takes at most. The spec lets a write be partial ("the
// number of bytes written", callers loop), and a bounded call keeps a vCPU
// from spending unbounded time in HS-mode: a VM that is stopped or rebooted
// must see its vCPUs leave within one short exit.
constexpr uint64_t kMaxWriteBytes = 512;

SbiResult write(Vcpu& vcpu, uint64_t length, uint64_t base) {
    Vm& vm = *vcpu.vm;
    if (!buffer_in_ram(vm, base, length)) return SbiResult::error_code(sbi::kErrInvalidParam);
    const uint64_t count = length < kMaxWriteBytes ? length : kMaxWriteBytes;
    const uint8_t* bytes = vm.ram.host_pointer(base);
    for (uint64_t i = 0; i < count; ++i) vm.console.put(static_cast<char>(bytes[i]));
    return SbiResult::success(count);
}

SbiResult read(Vcpu& vcpu, uint64_t length, uint64_t base) {
    Vm& vm = *vcpu.vm;
    if (!buffer_in_ram(vm, base, length)) return SbiResult::error_code(sbi::kErrInvalidParam);
    uint8_t* bytes = vm.ram.host_pointer(base);
    uint64_t count = 0;
    while (count < length) {
        int c = vm.read_console_input();
        if (c < 0) break;
        bytes[count++] = static_cast<uint8_t>(c);
    }
    return SbiResult::success(count);
}

}  // namespace

SbiResult SbiDbcn::call(Vcpu& vcpu, const SbiCall& ecall) {
    // On RV64 the address is base_lo alone; base_hi must be zero.
    const uint64_t length = ecall.arg(0);
    const uint64_t base_lo = ecall.arg(1);
    const uint64_t base_hi = ecall.arg(2);
    switch (ecall.fid) {
        case sbi::kDbcnWrite:
            if (base_hi != 0) return SbiResult::error_code(sbi::kErrInvalidParam);
            return write(vcpu, length, base_lo);
        case sbi::kDbcnRead:
            if (base_hi != 0) return SbiResult::error_code(sbi::kErrInvalidParam);
            return read(vcpu, length, base_lo);
        case sbi::kDbcnWriteByte:
            vcpu.vm->console.put(static_cast<char>(ecall.arg(0) & 0xFF));
            return SbiResult::success();
        default: return SbiResult::error_code(sbi::kErrNotSupported);
    }
}

}  // namespace halyard
