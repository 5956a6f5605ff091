/* SPDX-License-Identifier: Apache-2.0 */
/* Entry point and trap vector of the bare-metal guest runtime.
 *
 * Boot contract (Halyard, or OpenSBI natively): entered at the first byte of
 * the image in S-mode (VS-mode under Halyard) with a0 = hart id, a1 = physical
 * address of the DTB, satp = 0 (bare addressing), interrupts disabled.
 *
 * Invariants of the trap vector:
 *  - sscratch always holds the top of the trap stack while guest code runs,
 *    so a trap is handled correctly even when the interrupted code had pointed
 *    sp at a device (the sp-relative MMIO tests do exactly that); while the
 *    handler runs it holds a point 2 KiB below the frame, so that a trap in
 *    the handler itself still finds usable stack;
 *  - the frame layout matches struct TrapFrame in include/guest/trap.hpp:
 *    x0..x31 at 8*n (x0 slot holds 0, x2 slot holds the interrupted sp),
 *    then sepc, scause, stval;
 *  - every register is restored from the frame, so the handler may edit any
 *    of them (and sepc) to decide how the interrupted code continues.
 */

#define FRAME_SEPC   (32 * 8)
#define FRAME_SCAUSE (33 * 8)
#define FRAME_STVAL  (34 * 8)
#define FRAME_SIZE   (36 * 8)   /* rounded up to keep sp 16-byte aligned */

    .section .text.start, "ax"
    .globl _start
_start:
    /* Deliberately the very first instruction: the bench guest reports how
     * much time passed between QEMU starting and the guest's first step. */
    rdtime  s2
    mv      s0, a0
    mv      s1, a1

    lla     sp, __stack_top
    lla     t0, __trap_stack_top
    csrw    sscratch, t0
    lla     t0, guest_trap_vector
    csrw    stvec, t0
    csrw    sie, zero
    csrci   sstatus, 2          /* SIE = 0: traps only, never interrupts */

    lla     t0, __bss_start
    lla     t1, __bss_end
1:  bgeu    t0, t1, 2f
    sd      zero, 0(t0)
    addi    t0, t0, 8
    j       1b
2:
    mv      a0, s0
    mv      a1, s1
    mv      a2, s2
    call    guest_runtime_start /* never returns */
3:  wfi
    j       3b

    .text
    .balign 4                   /* stvec direct mode needs 4-byte alignment */
    .globl guest_trap_vector
guest_trap_vector:
    csrrw   sp, sscratch, sp    /* sp = trap stack, sscratch = interrupted sp */
    addi    sp, sp, -FRAME_SIZE
    sd      x0, 0(sp)
    sd      x1, 8(sp)
    .irp n, 3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    sd      x\n, (8 * \n)(sp)
    .endr
    csrr    t0, sscratch
    sd      t0, 16(sp)
    /* A trap inside the handler (a bug) must not land on the interrupted sp:
     * it gets the trap stack below the 2 KiB the handler itself may use. */
    addi    t0, sp, -2048
    csrw    sscratch, t0
    csrr    t0, sepc
    sd      t0, FRAME_SEPC(sp)
    csrr    t0, scause
    sd      t0, FRAME_SCAUSE(sp)
    csrr    t0, stval
    sd      t0, FRAME_STVAL(sp)

    mv      a0, sp
    call    guest_trap_dispatch

    ld      t0, FRAME_SEPC(sp)
    csrw    sepc, t0
    addi    t0, sp, FRAME_SIZE
    csrw    sscratch, t0        /* trap stack is empty again */
    ld      x1, 8(sp)
    .irp n, 3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    ld      x\n, (8 * \n)(sp)
    .endr
    ld      sp, 16(sp)          /* last: the interrupted sp */
    sret
