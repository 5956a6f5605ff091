/* SPDX-License-Identifier: Apache-2.0 */
/* Entry of a vCPU started with SBI HSM hart_start (guest/smp.hpp).
 *
 * The SBI HSM contract: a0 = hart id, a1 = opaque (here: the vCPU's
 * HartContext), satp = 0, sstatus.SIE = 0. The context gives the stack and the
 * trap stack; the trap vector is the runtime's own (start.S), which finds its
 * stack through sscratch exactly as on the boot vCPU.
 *
 * HartContext layout (smp.cpp): 0 stack top, 8 trap stack top. */

    .text
    .balign 4
    .globl guest_secondary_entry
guest_secondary_entry:
    ld      sp, 0(a1)
    ld      t0, 8(a1)
    csrw    sscratch, t0
    lla     t0, guest_trap_vector
    csrw    stvec, t0
    csrw    sie, zero
    csrci   sstatus, 2
    call    guest_secondary_main   /* (hart id, context); never returns */
1:  wfi
    j       1b
