/* SPDX-License-Identifier: Apache-2.0 */
/* One stub per device access form, for mmio_forms.cpp. Each is exactly one
 * load/store/FP/atomic instruction of a fixed encoding, written in assembly
 * so that the compiler cannot pick another one:
 *
 *   uint64_t op_NAME(uintptr_t addr, uint64_t value)
 *
 * `addr` is the device address the access must reach; the stub forms it
 * from a base register and a nonzero immediate where the form has one, so a
 * decoder that used the immediate (htinst zeroes it) would be caught. Loads
 * and atomics preset their destination to `value` and return it after the
 * access (so a skipped or wrong write-back is visible); stores store `value`
 * and return it.
 *
 * After the access every stub executes two single-step increments of t1 of
 * the same size as the access (c.addi after a compressed one, addi after a
 * 32-bit one) and leaves the count in mmio_forms_steps: if whoever emulated
 * or skipped the access moved sepc by the wrong length, a step is skipped
 * or a half instruction executed.
 *
 * Registers: t1 counts steps, t2 stores the count, t0 keeps sp in the
 * sp-relative stubs; nothing callee-saved is touched. */

#include "guest/instruction_forms.inc"

#define SSTATUS_SPP (1 << 8)

    .option norvc
    .text

/* The FP forms; the guest itself is built without F/D. */
.macro FP_FORM insn:vararg
    .option push
    .option arch, +d
    \insn
    .option pop
.endm

.macro C_FP_FORM insn:vararg
    .option push
    .option arch, +d, +c
    \insn
    .option pop
.endm

.macro BEGIN name
    .globl \name
    .type \name, @function
\name:
    li      t1, 0
.endm

.macro STEPS32
    addi    t1, t1, 1
    addi    t1, t1, 1
.endm

.macro STEPS16
    C_FORM  c.addi t1, 1
    C_FORM  c.addi t1, 1
.endm

.macro END
    la      t2, mmio_forms_steps
    sd      t1, 0(t2)
    ret
.endm

/* ---- 32-bit integer loads ------------------------------------------------ */

BEGIN op_lb
    mv      t3, a1
    addi    t0, a0, 16
    lb      t3, -16(t0)
    STEPS32
    mv      a0, t3
END

BEGIN op_lbu
    mv      a5, a1
    addi    a4, a0, -2047
    lbu     a5, 2047(a4)
    STEPS32
    mv      a0, a5
END

BEGIN op_lh
    mv      t4, a1
    addi    a3, a0, 8
    lh      t4, -8(a3)
    STEPS32
    mv      a0, t4
END

BEGIN op_lhu
    mv      t5, a1
    addi    a2, a0, -4
    lhu     t5, 4(a2)
    STEPS32
    mv      a0, t5
END

BEGIN op_lw
    mv      a6, a1
    lw      a6, 0(a0)
    STEPS32
    mv      a0, a6
END

BEGIN op_lwu
    mv      a7, a1
    addi    t0, a0, -12
    lwu     a7, 12(t0)
    STEPS32
    mv      a0, a7
END

BEGIN op_ld
    mv      t6, a1
    addi    t0, a0, 1024
    ld      t6, -1024(t0)
    STEPS32
    mv      a0, t6
END

/* ---- 32-bit integer stores ----------------------------------------------- */

BEGIN op_sb
    mv      t3, a1
    addi    t0, a0, -5
    sb      t3, 5(t0)
    STEPS32
    mv      a0, a1
END

BEGIN op_sh
    mv      t4, a1
    addi    t0, a0, 64
    sh      t4, -64(t0)
    STEPS32
    mv      a0, a1
END

BEGIN op_sw
    mv      a6, a1
    addi    a3, a0, -100
    sw      a6, 100(a3)
    STEPS32
    mv      a0, a1
END

BEGIN op_sd
    mv      t6, a1
    addi    a4, a0, 2040
    sd      t6, -2040(a4)
    STEPS32
    mv      a0, a1
END

/* ---- compressed integer loads and stores (rd'/rs1'/rs2' are x8..x15) ---- */

BEGIN op_c_lw
    mv      a2, a1
    addi    a3, a0, -4
    C_FORM  c.lw a2, 4(a3)
    STEPS16
    mv      a0, a2
END

BEGIN op_c_ld
    mv      a4, a1
    addi    a5, a0, -8
    C_FORM  c.ld a4, 8(a5)
    STEPS16
    mv      a0, a4
END

BEGIN op_c_sw
    addi    a3, a0, -124
    C_FORM  c.sw a1, 124(a3)
    STEPS16
    mv      a0, a1
END

BEGIN op_c_sd
    addi    a3, a0, -248
    C_FORM  c.sd a1, 248(a3)
    STEPS16
    mv      a0, a1
END

/* The sp-relative forms point sp at the device for exactly one instruction;
 * the trap handler has a stack of its own (sscratch). */

BEGIN op_c_lwsp
    mv      t6, a1
    mv      t0, sp
    addi    sp, a0, -8
    C_FORM  c.lwsp t6, 8(sp)
    STEPS16
    mv      sp, t0
    mv      a0, t6
END

BEGIN op_c_ldsp
    mv      t5, a1
    mv      t0, sp
    addi    sp, a0, -16
    C_FORM  c.ldsp t5, 16(sp)
    STEPS16
    mv      sp, t0
    mv      a0, t5
END

BEGIN op_c_swsp
    mv      t0, sp
    addi    sp, a0, -12
    C_FORM  c.swsp a1, 12(sp)
    STEPS16
    mv      sp, t0
    mv      a0, a1
END

BEGIN op_c_sdsp
    mv      t0, sp
    addi    sp, a0, -24
    C_FORM  c.sdsp a1, 24(sp)
    STEPS16
    mv      sp, t0
    mv      a0, a1
END

/* ---- Zcb byte and halfword forms (c-st-ext "Zcb"), as .2byte: this
 * binutils predates Zcb. Only for a hart that has Zcb (mmio_forms.cpp probes
 * with zcb_probe); rd'/rs2' a2/a1, rs1' a3. ------------------------------------ */

BEGIN op_c_lbu
    mv      a2, a1
    addi    a3, a0, -3
    .2byte  0x82f0                      /* c.lbu a2, 3(a3) */
    STEPS16
    mv      a0, a2
END

BEGIN op_c_lhu
    mv      a2, a1
    addi    a3, a0, -2
    .2byte  0x86b0                      /* c.lhu a2, 2(a3) */
    STEPS16
    mv      a0, a2
END

BEGIN op_c_lh
    mv      a2, a1
    addi    a3, a0, -2
    .2byte  0x86f0                      /* c.lh a2, 2(a3) */
    STEPS16
    mv      a0, a2
END

BEGIN op_c_sb
    addi    a3, a0, -3
    .2byte  0x8aec                      /* c.sb a1, 3(a3) */
    STEPS16
    mv      a0, a1
END

BEGIN op_c_sh
    addi    a3, a0, -2
    .2byte  0x8eac                      /* c.sh a1, 2(a3) */
    STEPS16
    mv      a0, a1
END

/* uint64_t zcb_probe(const uint8_t* byte): c.lbu of a RAM byte; a hart
 * without Zcb raises an illegal-instruction exception instead. */
    .globl zcb_probe
zcb_probe:
    mv      a3, a0
    li      a2, -1
    .2byte  0x8290                      /* c.lbu a2, 0(a3) */
    mv      a0, a2
    ret

/* ---- floating point (sstatus.FS must be on): the result is the FP
 * register's bits, preset from `value` ------------------------------------- */

BEGIN op_flw
    FP_FORM fmv.d.x fa0, a1
    FP_FORM flw     fa0, 0(a0)
    STEPS32
    FP_FORM fmv.x.d a0, fa0
END

BEGIN op_fld
    FP_FORM fmv.d.x ft3, a1
    addi    t0, a0, -16
    FP_FORM fld     ft3, 16(t0)
    STEPS32
    FP_FORM fmv.x.d a0, ft3
END

BEGIN op_fsw
    FP_FORM fmv.d.x fa1, a1
    FP_FORM fsw     fa1, 0(a0)
    STEPS32
    mv      a0, a1
END

BEGIN op_fsd
    FP_FORM fmv.d.x fs1, a1
    addi    t0, a0, 8
    FP_FORM fsd     fs1, -8(t0)
    STEPS32
    mv      a0, a1
END

BEGIN op_c_fld
    FP_FORM fmv.d.x fa2, a1
    addi    a3, a0, -8
    C_FP_FORM c.fld fa2, 8(a3)
    STEPS16
    FP_FORM fmv.x.d a0, fa2
END

BEGIN op_c_fsd
    FP_FORM fmv.d.x fa3, a1
    C_FP_FORM c.fsd fa3, 0(a0)
    STEPS16
    mv      a0, a1
END

BEGIN op_c_fldsp
    FP_FORM fmv.d.x ft0, a1
    mv      t0, sp
    addi    sp, a0, -32
    C_FP_FORM c.fldsp ft0, 32(sp)
    STEPS16
    mv      sp, t0
    FP_FORM fmv.x.d a0, ft0
END

BEGIN op_c_fsdsp
    FP_FORM fmv.d.x ft1, a1
    mv      t0, sp
    mv      sp, a0
    C_FP_FORM c.fsdsp ft1, 0(sp)
    STEPS16
    mv      sp, t0
    mv      a0, a1
END

/* ---- atomics: rd preset to `value`, rs2 = zero (an AMO that were performed
 * would leave the device as it was) ------------------------------------------ */

BEGIN op_lr_w
    mv      t3, a1
    lr.w    t3, (a0)
    STEPS32
    mv      a0, t3
END

BEGIN op_lr_d
    mv      t3, a1
    lr.d.aq t3, (a0)
    STEPS32
    mv      a0, t3
END

BEGIN op_sc_w
    mv      t3, a1
    sc.w    t3, zero, (a0)
    STEPS32
    mv      a0, t3
END

BEGIN op_sc_d
    mv      t3, a1
    sc.d.rl t3, zero, (a0)
    STEPS32
    mv      a0, t3
END

BEGIN op_amoor_w
    mv      t3, a1
    amoor.w t3, zero, (a0)
    STEPS32
    mv      a0, t3
END

BEGIN op_amoadd_d
    mv      t3, a1
    amoadd.d.aqrl t3, zero, (a0)
    STEPS32
    mv      a0, t3
END

BEGIN op_amoswap_w
    mv      a4, a1
    amoswap.w a4, a1, (a0)
    STEPS32
    mv      a0, a4
END

/* ---- VU-mode ---------------------------------------------------------------
 * uint64_t run_in_user_mode(uint64_t (*fn)(uintptr_t, uint64_t),
 *                           uintptr_t addr, uint64_t value)
 * Calls fn(addr, value) in U-mode (VU-mode under Halyard, bare addressing)
 * and returns its result. fn returns to user_mode_exit, whose ECALL comes
 * back through user_trap_vector; every other trap (the accesses a test
 * expects to fault) goes on to the runtime's guest_trap_vector, which
 * records it and returns to U-mode after the faulting instruction. */

    .globl run_in_user_mode
run_in_user_mode:
    addi    sp, sp, -112
    sd      ra, 0(sp)
    sd      s0, 8(sp)
    sd      s1, 16(sp)
    .irp n, 18,19,20,21,22,23,24,25,26,27
    sd      x\n, (8 * (\n - 15))(sp)   /* s2..s11 at 24..96 */
    .endr
    la      t0, kernel_sp
    sd      sp, 0(t0)
    la      t0, user_trap_vector
    csrw    stvec, t0
    csrw    sepc, a0
    li      t0, SSTATUS_SPP
    csrc    sstatus, t0                 /* sret goes to U-mode */
    mv      a0, a1
    mv      a1, a2
    la      ra, user_mode_exit
    sret

user_mode_exit:                         /* U-mode */
    ecall
    j       user_mode_exit              /* not reached */

    .balign 4                           /* stvec direct mode */
user_trap_vector:
    csrrw   sp, sscratch, sp            /* sp = empty trap stack */
    sd      t0, -8(sp)
    csrr    t0, scause
    addi    t0, t0, -8                  /* environment call from U-mode */
    bnez    t0, 1f
    csrrw   sp, sscratch, sp            /* sscratch = trap stack again */
    la      t0, guest_trap_vector
    csrw    stvec, t0
    la      t0, kernel_sp
    ld      sp, 0(t0)
    ld      ra, 0(sp)
    ld      s0, 8(sp)
    ld      s1, 16(sp)
    .irp n, 18,19,20,21,22,23,24,25,26,27
    ld      x\n, (8 * (\n - 15))(sp)
    .endr
    addi    sp, sp, 112
    ret                                 /* a0: fn's result, untouched by ECALL */
1:  ld      t0, -8(sp)
    csrrw   sp, sscratch, sp
    j       guest_trap_vector

    .bss
    .balign 8
kernel_sp:
    .dword  0
    .globl mmio_forms_steps
mmio_forms_steps:
    .dword  0
