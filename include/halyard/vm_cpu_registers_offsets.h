/* SPDX-License-Identifier: Apache-2.0 */
/* Byte offsets into VmCpuRegisters used by the trap vector and guest entry.
 * Plain C preprocessor so that the assembly in arch/riscv64 can include it; every value is
 * checked against the C++ layout with static_assert in vm_cpu_registers.hpp. */
#ifndef HALYARD_VM_CPU_REGISTERS_OFFSETS_H
#define HALYARD_VM_CPU_REGISTERS_OFFSETS_H

#define VCPU_REGS_GPR_BASE 0 /* x0..x31, 8 bytes each (x0 slot unused) */
#define VCPU_REGS_SEPC 256
#define VCPU_REGS_SCAUSE 264
#define VCPU_REGS_STVAL 272
#define VCPU_REGS_HTVAL 280
#define VCPU_REGS_HTINST 288
#define VCPU_REGS_HYP_STACK_TOP 296
#define VCPU_REGS_SIZE 400

#endif
