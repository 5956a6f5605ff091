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
 * Every exit takes a fast path first: it saves only the registers compiled
 * code may change (VCPU_EXIT_SAVED_GPRS, and tp; the image is built never to
 * touch VCPU_RESERVED_GPRS, see vm_cpu_registers_offsets.h) and switches to
 * this hart's stack (VmCpuRegisters::hyp_stack_top). Then, by scause:
 *   - An SBI call goes to halyard_vmexit_sbi (src/exit/vmexit_entry.cpp)
 *     with the guest's a0-a7 untouched: they are the C calling convention's
 *     argument registers, so the call and its arguments arrive as arguments,
 *     and a0 and a1 are not saved. It answers in a0/a1, which the guest
 *     resumes with (the sepc CSR is past the ecall), or with a positive a0
 *     (no SBI error is positive) for a call the full exit takes, having
 *     saved the guest's a0 and a1 itself; the trap vector then fills in
 *     regs->sepc and regs->trap.scause.
 *   - Every other exit saves a0 and a1 and goes to
 *     halyard_vmexit_fast(regs, sepc, scause).
 *     It returns 0 when it handled the exit (device accesses, host timer
 *     interrupts and IPIs); it set sepc itself and the guest resumes.
 *     Anything else returns nonzero with regs->sepc and regs->trap filled in
 *     (scause, and for a guest-page fault stval, htval and htinst; see
 *     try_fast_exit for the one exit it may decline after doing work).
 * Either way the fast path changes no guest register it did not save (the
 * calling convention preserves those, or nothing touches them), and a
 * declined exit has changed none. The full exit saves the rest of the guest's
 * registers (VCPU_RESERVED_GPRS, VCPU_CALLEE_SAVED_GPRS) and halyard_vmexit(regs)
 * returns the VmCpuRegisters to run next; the entry path then restores
 * everything and sret's (hstatus.SPV and sstatus.SPP, set by the trap, select
 * VS-mode or VU-mode). */

#include "arch/csr_bits.h"
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
    for_each_gpr sd, tp, VCPU_SBI_PRESERVED_GPRS
    csrrw   t0, sscratch, zero        /* the guest's tp; Halyard runs */
    sd      t0, GPR(4)(tp)
    ld      sp, VCPU_REGS_HYP_STACK_TOP(tp)
    csrr    t0, scause
    li      t1, VCPU_EXIT_CAUSE_SBI_CALL
    bne     t0, t1, fast_exit
    call    halyard_vmexit_sbi        /* a0-a7 as the guest left them */
    bgtz    a0, sbi_full_exit
    csrw    sscratch, tp              /* the guest runs again, */
    for_each_gpr ld, tp, VCPU_SBI_PRESERVED_GPRS  /* with the answer in a0/a1 */
    ld      tp, GPR(4)(tp)
    sret

fast_exit:
    for_each_gpr sd, tp, VCPU_SBI_RESULT_GPRS
    mv      a0, tp
    csrr    a1, sepc
    mv      a2, t0                    /* scause */
    call    halyard_vmexit_fast
    bnez    a0, full_exit
    csrw    sscratch, tp              /* the guest runs again */
    for_each_gpr ld, tp, VCPU_EXIT_SAVED_GPRS
    ld      tp, GPR(4)(tp)
    sret

sbi_full_exit:
    csrr    t0, sepc
    sd      t0, VCPU_REGS_SEPC(tp)
    li      t0, VCPU_EXIT_CAUSE_SBI_CALL
    sd      t0, VCPU_REGS_SCAUSE(tp)
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
    /* Back to HS-mode. A trap from HS-mode sets hstatus.SPV to 0 (the
     * H extension: SPV is written with V on every trap into HS-mode), but
     * QEMU 7.2 leaves it as it was: 1 while Halyard handles a guest's exit,
     * and this sret would then enter the guest at Halyard's fixup. The
     * fixup itself sets SPV back for the guest. */
    li      t0, HALYARD_HSTATUS_SPV
    csrc    hstatus, t0
    for_each_host_gpr ld
    addi    sp, sp, HOST_FRAME_SIZE
    sret
