/* SPDX-License-Identifier: Apache-2.0 */
/* The trap vector and guest entry: the whole VM-exit path in assembly.
 *
 * Invariants:
 *   - While a guest runs on this hart, sscratch holds the address of that
 *     vCPU's VmCpuRegisters. While Halyard itself runs, sscratch is 0. That
 *     is how a trap tells "from the guest" from "from Halyard".
 *   - Halyard runs with sstatus.SIE = 0: interrupts reach HS-mode only while
 *     a guest runs (for V=1 they are always enabled), so they arrive here as
 *     exits, never in the middle of Halyard.
 *   - Halyard does not use gp. While it handles an exit, tp holds the
 *     VmCpuRegisters of the vCPU that exited (arch::current_vcpu_registers());
 *     the guest's gp and tp are saved and restored with the other registers.
 *
 * Every exit takes the fast path first: it saves only the registers compiled
 * code may change (VCPU_EXIT_SAVED_GPRS, and tp; the image is built never to
 * touch VCPU_RESERVED_GPRS, see vm_cpu_registers_offsets.h), switches to this hart's
 * stack (VmCpuRegisters::hyp_stack_top) and calls
 * halyard_vmexit_fast(regs, scause, sepc) (src/exit/vmexit_entry.cpp).
 *   - It returns 0 when it handled the exit (the frequent SBI calls and
 *     device accesses) without touching the registers that were not saved:
 *     those still hold the guest's values, as the calling convention
 *     preserved them. It set sepc itself; the saved registers are reloaded
 *     and the guest resumes.
 *   - Anything else returns nonzero, having changed none of the guest's
 *     registers; it fills in regs->sepc and regs->trap (scause, and for a
 *     guest-page fault stval, htval and htinst; see try_fast_exit for the
 *     one exit it may decline after doing work). The rest of the
 *     guest's registers (VCPU_RESERVED_GPRS, VCPU_CALLEE_SAVED_GPRS) are saved too, and
 *     halyard_vmexit(regs) returns the VmCpuRegisters to run next; the entry
 *     path then restores everything and sret's (hstatus.SPV and
 *     sstatus.SPP, set by the trap, select VS-mode or VU-mode). */

#include "halyard/vm_cpu_registers_offsets.h"

#define GPR(n) (VCPU_REGS_GPR_BASE + (n) * 8)

/* op (sd or ld) on each register of a list, at its slot in VmCpuRegisters
 * (addressed by `base`). One list per group, shared by save and restore, so
 * that they cannot drift apart. */
.macro for_each_gpr op, base, list:vararg
    .irp n, \list
    \op     x\n, GPR(\n)(\base)
    .endr
.endm

    .section .text.trap, "ax"
    .balign 4
    .globl halyard_trap_vector
halyard_trap_vector:
    csrrw   tp, sscratch, tp          /* tp = the vCPU's registers, or 0 */
    beqz    tp, host_trap_entry
    for_each_gpr sd, tp, VCPU_EXIT_SAVED_GPRS
    csrr    t0, sscratch              /* the guest's tp */
    sd      t0, GPR(4)(tp)
    csrw    sscratch, zero            /* Halyard runs */
    ld      sp, VCPU_REGS_HYP_STACK_TOP(tp)
    mv      a0, tp
    csrr    a1, scause
    csrr    a2, sepc
    call    halyard_vmexit_fast
    bnez    a0, full_exit
    csrw    sscratch, tp              /* the guest runs again */
    for_each_gpr ld, tp, VCPU_EXIT_SAVED_GPRS
    ld      tp, GPR(4)(tp)
    sret

full_exit:
    for_each_gpr sd, tp, VCPU_RESERVED_GPRS
    for_each_gpr sd, tp, VCPU_CALLEE_SAVED_GPRS
    mv      a0, tp
    call    halyard_vmexit
    /* fall through with a0 = the registers to resume */

    .globl halyard_enter_guest
halyard_enter_guest:
    mv      tp, a0
    ld      t0, VCPU_REGS_SEPC(tp)
    csrw    sepc, t0
    csrw    sscratch, tp
    for_each_gpr ld, tp, VCPU_EXIT_SAVED_GPRS
    for_each_gpr ld, tp, VCPU_RESERVED_GPRS
    for_each_gpr ld, tp, VCPU_CALLEE_SAVED_GPRS
    ld      tp, GPR(4)(tp)
    sret

/* A trap taken in HS-mode itself: a bug in Halyard, or a guest-memory access
 * with HLVX that faulted (halyard_host_trap moves sepc to its fixup). */
#define HOST_FRAME_SIZE (38 * 8)
#define HOST_FRAME_SEPC (32 * 8)
#define HOST_FRAME_SCAUSE (33 * 8)
#define HOST_FRAME_STVAL (34 * 8)
#define HOST_FRAME_HTVAL (35 * 8)
#define HOST_FRAME_HTINST (36 * 8)

.macro for_each_host_gpr op
    .irp n, 1,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    \op     x\n, ((\n) * 8)(sp)
    .endr
.endm

host_trap_entry:
    csrrw   tp, sscratch, tp      /* tp back, sscratch 0 again */
    addi    sp, sp, -HOST_FRAME_SIZE
    for_each_host_gpr sd
    addi    t0, sp, HOST_FRAME_SIZE
    sd      t0, (2 * 8)(sp)       /* sp before the trap */
    csrr    t0, sepc
    sd      t0, HOST_FRAME_SEPC(sp)
    csrr    t0, scause
    sd      t0, HOST_FRAME_SCAUSE(sp)
    csrr    t0, stval
    sd      t0, HOST_FRAME_STVAL(sp)
    csrr    t0, 0x643             /* htval */
    sd      t0, HOST_FRAME_HTVAL(sp)
    csrr    t0, 0x64A             /* htinst */
    sd      t0, HOST_FRAME_HTINST(sp)
    mv      a0, sp
    call    halyard_host_trap
    ld      t0, HOST_FRAME_SEPC(sp)
    csrw    sepc, t0
    for_each_host_gpr ld
    addi    sp, sp, HOST_FRAME_SIZE
    sret
