/* SPDX-License-Identifier: Apache-2.0 */
/* Device accesses whose exact instruction and registers matter, so they are
 * written in assembly: the register sweeps (every x0..x31 as load destination
 * and as store source) and the compressed load/store forms, written with
 * explicit c. mnemonics so the assembler cannot pick another encoding.
 *
 * Nothing here expects a trap; the runtime's trap handler runs on its own
 * stack (sscratch), so even sp pointing at the UART would be survivable. */

#include "guest/instruction_forms.inc"

#define SENTINEL -1
#define LSR 5
#define THRE 0x20

    /* Plain mnemonics assemble to 32-bit encodings only; the compressed
     * forms are requested explicitly inside .option rvc blocks (C_FORM). */
    .option norvc
    .text

/* Saves / restores everything the sweeps clobber beyond the caller-saved
 * registers: ra, gp, tp, s0..s11 (and sp by construction). */
.macro SAVE_ALL
    addi    sp, sp, -128
    sd      ra, 0(sp)
    sd      gp, 8(sp)
    sd      tp, 16(sp)
    sd      s0, 24(sp)
    sd      s1, 32(sp)
    .irp n, 18,19,20,21,22,23,24,25,26,27
    sd      x\n, (8 * (\n - 13))(sp)   /* s2..s11 at 40..112 */
    .endr
.endm

.macro RESTORE_ALL
    ld      ra, 0(sp)
    ld      gp, 8(sp)
    ld      tp, 16(sp)
    ld      s0, 24(sp)
    ld      s1, 32(sp)
    .irp n, 18,19,20,21,22,23,24,25,26,27
    ld      x\n, (8 * (\n - 13))(sp)
    .endr
    addi    sp, sp, 128
.endm

/* void sweep_lb_into_every_register(uintptr_t addr, uint64_t out[32])
 * For each xN: xN = -1; lb xN, 0(addr); out[N] = xN. */
    .globl sweep_lb_into_every_register
sweep_lb_into_every_register:
    SAVE_ALL
    mv      t0, a0              /* t0 = device address, t1 = out */
    mv      t1, a1

    lb      x0, 0(t0)           /* must leave x0 alone */
    sd      x0, 0(t1)

    .irp n, 1,3,4,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    li      x\n, SENTINEL
    lb      x\n, 0(t0)
    sd      x\n, (8 * \n)(t1)
    .endr

    mv      t2, sp              /* x2: sp itself as destination */
    li      sp, SENTINEL
    lb      sp, 0(t0)
    sd      sp, 16(t1)
    mv      sp, t2

    mv      t2, t0              /* x5: the address register is the destination */
    li      t0, SENTINEL
    lb      t0, 0(t2)
    sd      t0, 40(t1)
    mv      t0, t2

    mv      t2, t1              /* x6 */
    li      t1, SENTINEL
    lb      t1, 0(t0)
    sd      t1, 48(t2)
    mv      t1, t2

    RESTORE_ALL
    ret

/* void sweep_sb_from_every_register(uintptr_t addr, uint64_t out[32])
 * For each xN: xN = 0x12345600 + 0x80 + N; sb xN, 0(addr);
 * out[N] = lbu 0(addr). Only the low byte may reach the device. */
    .globl sweep_sb_from_every_register
sweep_sb_from_every_register:
    SAVE_ALL
    mv      t0, a0
    mv      t1, a1

    li      t2, 0xEE            /* x0: the device must see 0 afterwards */
    sb      t2, 0(t0)
    sb      x0, 0(t0)
    lbu     t2, 0(t0)
    sd      t2, 0(t1)

    .irp n, 1,3,4,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    li      x\n, (0x12345600 + 0x80 + \n)
    sb      x\n, 0(t0)
    lbu     t2, 0(t0)
    sd      t2, (8 * \n)(t1)
    .endr

    mv      t3, sp              /* x2 */
    li      sp, (0x12345600 + 0x80 + 2)
    sb      sp, 0(t0)
    mv      sp, t3
    lbu     t2, 0(t0)
    sd      t2, 16(t1)

    mv      t3, t0              /* x5: the address register is the source */
    li      t0, (0x12345600 + 0x80 + 5)
    sb      t0, 0(t3)
    mv      t0, t3
    lbu     t2, 0(t0)
    sd      t2, 40(t1)

    mv      t3, t1              /* x6 */
    li      t1, (0x12345600 + 0x80 + 6)
    sb      t1, 0(t0)
    mv      t1, t3
    lbu     t2, 0(t0)
    sd      t2, 48(t1)

    RESTORE_ALL
    ret

/* Waits until the UART at \base can take a byte (clobbers \tmp). */
.macro WAIT_THRE base, tmp
1:  lbu     \tmp, LSR(\base)
    andi    \tmp, \tmp, THRE
    beqz    \tmp, 1b
.endm

/* uint64_t c_lw_offset4(uintptr_t uart): c.lw a5, 4(s0), a5 preset to -1 */
    .globl c_lw_offset4
c_lw_offset4:
    addi    sp, sp, -16
    sd      s0, 0(sp)
    mv      s0, a0
    li      a5, SENTINEL
    C_FORM  c.lw    a5, 4(s0)
    mv      a0, a5
    ld      s0, 0(sp)
    addi    sp, sp, 16
    ret

/* uint64_t c_ld_offset0(uintptr_t uart): c.ld s1, 0(a4), s1 preset to -1 */
    .globl c_ld_offset0
c_ld_offset0:
    addi    sp, sp, -16
    sd      s1, 0(sp)
    mv      a4, a0
    li      s1, SENTINEL
    C_FORM  c.ld    s1, 0(a4)
    mv      a0, s1
    ld      s1, 0(sp)
    addi    sp, sp, 16
    ret

/* void c_sw_offset0(uintptr_t uart, uint64_t value): c.sw a1, 0(a0) */
    .globl c_sw_offset0
c_sw_offset0:
    WAIT_THRE a0, t0
    C_FORM  c.sw    a1, 0(a0)
    ret

/* void c_sd_offset0(uintptr_t uart, uint64_t value): c.sd a1, 0(a0) */
    .globl c_sd_offset0
c_sd_offset0:
    WAIT_THRE a0, t0
    C_FORM  c.sd    a1, 0(a0)
    ret

/* The sp-relative forms point sp at the UART for exactly one instruction;
 * nothing in between uses the stack, and interrupts are off. */

/* uint64_t c_lwsp_offset4(uintptr_t uart): c.lwsp t6, 4(sp), t6 preset to -1 */
    .globl c_lwsp_offset4
c_lwsp_offset4:
    mv      t0, sp
    mv      sp, a0
    li      t6, SENTINEL
    C_FORM  c.lwsp  t6, 4(sp)
    mv      sp, t0
    mv      a0, t6
    ret

/* uint64_t c_ldsp_offset0(uintptr_t uart): c.ldsp s11, 0(sp), s11 preset to -1 */
    .globl c_ldsp_offset0
c_ldsp_offset0:
    addi    sp, sp, -16
    sd      s11, 0(sp)
    mv      t0, sp
    mv      sp, a0
    li      s11, SENTINEL
    C_FORM  c.ldsp  s11, 0(sp)
    mv      sp, t0
    mv      a0, s11
    ld      s11, 0(sp)
    addi    sp, sp, 16
    ret

/* void c_swsp_offset0(uintptr_t uart, uint64_t value): c.swsp a1, 0(sp) */
    .globl c_swsp_offset0
c_swsp_offset0:
    WAIT_THRE a0, t0
    mv      t0, sp
    mv      sp, a0
    C_FORM  c.swsp  a1, 0(sp)
    mv      sp, t0
    ret

/* void c_sdsp_offset0(uintptr_t uart, uint64_t value): c.sdsp a1, 0(sp) */
    .globl c_sdsp_offset0
c_sdsp_offset0:
    WAIT_THRE a0, t0
    mv      t0, sp
    mv      sp, a0
    C_FORM  c.sdsp  a1, 0(sp)
    mv      sp, t0
    ret

/* uint64_t ld_base_is_destination(uintptr_t uart): ld t6, 0(t6) */
    .globl ld_base_is_destination
ld_base_is_destination:
    mv      t6, a0
    ld      t6, 0(t6)
    mv      a0, t6
    ret

/* uint64_t lw_into_x0(uintptr_t uart): lw x0, 4(a0); returns x0 */
    .globl wide_loads_into_x0
wide_loads_into_x0:
    lw      x0, 4(a0)
    ld      x0, 0(a0)
    lhu     x0, 2(a0)
    mv      a0, x0
    ret

/* The value exits_keep_every_register puts in xN before its exits. */
#define KEEP(n) (0x5eed0000 + (n) * 0x101)

/* void exits_keep_every_register(uintptr_t uart, uint64_t out[32])
 * Fills every register but sp with KEEP(n) (a2 = uart instead), takes six
 * exits in a row and writes each register's value afterwards to out[n]:
 *   sb   t2, 7(a2)                (SCR write from a reserved register: full exit)
 *   lbu  t3, 7(a2)                (SCR read into a reserved register: full exit)
 *   ecall BASE get_spec_version   (SBI fast path: a0 = 0, a1 = version)
 *   sb   a1, 7(a2)                (SCR write, device fast path)
 *   lbu  a0, 5(a2)                (LSR read, device fast path)
 *   ecall EID 0x0bad0e1d          (unknown: full exit, a0 = -2, a1 = 0)
 * Every other register must come back as it was, and t3 as the low byte of
 * KEEP(7). Under Halyard, t2-t6 stay live in the hardware registers through
 * the fast path (never saved), so a hypervisor routine that touched one
 * would show here: the fast-path exits come after the last write to t3. */
    .globl exits_keep_every_register
exits_keep_every_register:
    SAVE_ALL
    addi    sp, sp, -16
    sd      a1, 0(sp)           /* out */
    mv      a2, a0
    .irp n, 1,3,4,5,6,7,8,9,10,11,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    li      x\n, KEEP(\n)
    .endr
    sb      t2, 7(a2)           /* full exit: SCR = KEEP(7) & 0xff */
    lbu     t3, 7(a2)           /* full exit: t3 = that, kept through what follows */
    li      a7, 0x10            /* BASE */
    li      a6, 0               /* get_spec_version */
    ecall
    sb      a1, 7(a2)
    lbu     a0, 5(a2)
    li      a7, 0x0bad0e1d
    ecall
    /* out[n] = xn: t0 is stored first, then used for out. */
    sd      t0, 8(sp)
    ld      t0, 0(sp)
    .irp n, 1,3,4,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    sd      x\n, (8 * \n)(t0)
    .endr
    sd      zero, 0(t0)
    sd      zero, 16(t0)        /* sp: not compared */
    ld      t1, 8(sp)
    sd      t1, 40(t0)
    addi    sp, sp, 16
    RESTORE_ALL
    ret
