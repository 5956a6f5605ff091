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

/* scause of an environment call from VS-mode, an SBI call: the trap vector
 * sends it down its own path (checked against trap_cause.hpp). */
#define VCPU_EXIT_CAUSE_SBI_CALL 10

/* The guest registers the trap vector saves on every exit, before it calls
 * into C++: every register the C++ calling convention lets a callee change
 * (ra, t0-t6, a0-a7) that compiled code in the image uses, and sp, which the
 * exit path replaces with Halyard's stack. tp arrives through sscratch and is
 * saved on its own. In two groups: an SBI call the fast path answers returns
 * its result in a0 and a1 (VCPU_SBI_RESULT_GPRS), so only the others are
 * reloaded after it. */
#define VCPU_SBI_RESULT_GPRS 10, 11
#define VCPU_SBI_PRESERVED_GPRS 1, 2, 5, 6, 12, 13, 14, 15, 16, 17
#define VCPU_EXIT_SAVED_GPRS VCPU_SBI_RESULT_GPRS, VCPU_SBI_PRESERVED_GPRS
/* Registers no compiled code in the image uses (t2-t6): arch/riscv64 builds
 * it with -ffixed-xN for each, and tools/lib/check-reserved-registers fails
 * the link if any code outside trap_vector.S names one. So they hold the
 * guest's values through the fast path, which need not save them, and are
 * saved only when an exit leaves the fast path for the full handler. */
#define VCPU_RESERVED_GPRS 7, 28, 29, 30, 31
/* The rest, which compiled code preserves (gp is never used by Halyard):
 * saved only when an exit leaves the fast path for the full handler. */
#define VCPU_CALLEE_SAVED_GPRS 3, 8, 9, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27

#endif
