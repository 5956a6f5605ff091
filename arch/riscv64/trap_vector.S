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
 * A guest exit saves x1..x31, sepc and scause into VmCpuRegisters, switches
 * to this hart's stack (VmCpuRegisters::hyp_stack_top) and calls
 * halyard_vmexit(regs), which returns the VmCpuRegisters to run next; the
 * entry path then restores everything and sret's (hstatus.SPV and
 * sstatus.SPP, set by the trap, select VS-mode or VU-mode). */

#include "halyard/vm_cpu_registers_offsets.h"

#define GPR(n) (VCPU_REGS_GPR_BASE + (n) * 8)

/* Every guest register except a0 (x10), which travels through sscratch.
 * One list for save and restore so that they cannot drift apart. */
.macro for_each_guest_gpr_but_a0 op
    .irp n, 1,2,3,4,5,6,7,8,9,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    \op     x\n, GPR(\n)(a0)
    .endr
.endm

    .section .text.trap, "ax"
    .balign 4
    .globl halyard_trap_vector
halyard_trap_vector:
    csrrw   a0, sscratch, a0
    beqz    a0, host_trap_entry
    for_each_guest_gpr_but_a0 sd
    csrr    t0, sscratch
    sd      t0, GPR(10)(a0)
    csrr    t1, sepc
    sd      t1, VCPU_REGS_SEPC(a0)
    csrr    t2, scause
    sd      t2, VCPU_REGS_SCAUSE(a0)
    csrw    sscratch, zero
    mv      tp, a0
    ld      sp, VCPU_REGS_HYP_STACK_TOP(a0)
    call    halyard_vmexit
    /* fall through with a0 = the registers to resume */

    .globl halyard_enter_guest
halyard_enter_guest:
    ld      t0, VCPU_REGS_SEPC(a0)
    csrw    sepc, t0
    csrw    sscratch, a0
    for_each_guest_gpr_but_a0 ld
    ld      a0, GPR(10)(a0)
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
    csrrw   a0, sscratch, a0      /* a0 back, sscratch 0 again */
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
