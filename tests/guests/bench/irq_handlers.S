/* SPDX-License-Identifier: Apache-2.0 */
/* The bench guest's interrupt handlers, one per measured round trip, each
 * installed in stvec (direct mode) only while its loop runs (bench.cpp).
 * They are written in assembly so that what a round trip costs is the
 * hardware's or the hypervisor's work plus a fixed, small handler, the same
 * instructions natively and under Halyard:
 *
 *   bench_uart_irq_handler   supervisor external interrupt: PLIC claim, UART
 *                            IER = 0 (the THR-empty interrupt's line drops),
 *                            PLIC complete
 *   bench_uart_aia_irq_handler  the same with AIA: claim from the IMSIC
 *                            interrupt file (stopei), UART IER = 0; an MSI
 *                            needs no completion
 *   bench_timer_irq_handler  supervisor timer interrupt: SBI set_timer(-1)
 *   bench_ipi_irq_handler    supervisor software interrupt: clear sip.SSIP
 *
 * Each counts the interrupts it handled in bench_irq_handled (the UART one
 * only when the claim named the UART), so bench.cpp can check that every
 * raise arrived once. Anything but the expected interrupt goes to the
 * runtime's guest_trap_vector with every register as it was, which reports
 * the unexpected trap and powers off.
 *
 * Invariants: sscratch holds the top of the runtime's trap stack (start.S),
 * so each handler swaps it with sp, saves what it uses below it and swaps
 * back; every register but the ones the SBI call returns in is preserved,
 * and those (a0, a1) are saved too, so the interrupted loop sees nothing. */

#define SCAUSE_INTERRUPT_SHIFT 63
#define IRQ_SUPERVISOR_SOFTWARE 1
#define IRQ_SUPERVISOR_TIMER 5
#define IRQ_SUPERVISOR_EXTERNAL 9

#define UART_BASE 0x10000000
#define UART_IER 1
#define UART_PLIC_SOURCE 10
#define UART_EIID 10            /* the identity bench.cpp has the APLIC send */
#define CSR_STOPEI 0x15C

#define SBI_EID_TIME 0x54494D45
#define SBI_TIME_SET_TIMER 0

#define SIP_SSIP (1 << IRQ_SUPERVISOR_SOFTWARE)

#define FRAME_SIZE 64

    .option norvc       /* fixed encodings: the figures must not depend on compression */

/* Enter: sp = trap stack, t0 and t1 saved; branch to `unexpected` unless
 * scause is the interrupt `code`. */
.macro ENTER code, unexpected
    csrrw   sp, sscratch, sp
    addi    sp, sp, -FRAME_SIZE
    sd      t0, 0(sp)
    sd      t1, 8(sp)
    csrr    t0, scause
    li      t1, (1 << SCAUSE_INTERRUPT_SHIFT) | \code
    bne     t0, t1, \unexpected
.endm

/* Leave: restore t0 and t1, give sp back, return to the interrupted code. */
.macro LEAVE
    ld      t0, 0(sp)
    ld      t1, 8(sp)
    addi    sp, sp, FRAME_SIZE
    csrrw   sp, sscratch, sp
    sret
.endm

/* bench_irq_handled += t0 (t1 is scratch). */
.macro COUNT
    la      t1, bench_irq_handled
    amoadd.d zero, t0, (t1)
.endm

    .text

    .balign 4
    .globl bench_uart_irq_handler
bench_uart_irq_handler:
    ENTER   IRQ_SUPERVISOR_EXTERNAL, unexpected_interrupt
    sd      t2, 16(sp)
    ld      t0, bench_plic_claim        /* this hart's S-mode claim/complete register */
    lw      t1, 0(t0)                   /* claim */
    li      t2, UART_BASE
    sb      zero, UART_IER(t2)          /* mask: the UART drops its line */
    sw      t1, 0(t0)                   /* complete what was claimed */
    addi    t0, t1, -UART_PLIC_SOURCE
    seqz    t0, t0                      /* 1 when the claim named the UART */
    COUNT
    ld      t2, 16(sp)
    LEAVE

    .balign 4
    .globl bench_uart_aia_irq_handler
bench_uart_aia_irq_handler:
    ENTER   IRQ_SUPERVISOR_EXTERNAL, unexpected_interrupt
    sd      t2, 16(sp)
    csrrw   t1, CSR_STOPEI, zero        /* claim: identity in bits 26:16 */
    li      t2, UART_BASE
    sb      zero, UART_IER(t2)          /* mask: the UART drops its line */
    srli    t1, t1, 16
    addi    t0, t1, -UART_EIID
    seqz    t0, t0                      /* 1 when the claim named the UART's identity */
    COUNT
    ld      t2, 16(sp)
    LEAVE

    .balign 4
    .globl bench_timer_irq_handler
bench_timer_irq_handler:
    ENTER   IRQ_SUPERVISOR_TIMER, unexpected_interrupt
    sd      a0, 16(sp)
    sd      a1, 24(sp)
    sd      a6, 32(sp)
    sd      a7, 40(sp)
    li      a7, SBI_EID_TIME
    li      a6, SBI_TIME_SET_TIMER
    li      a0, -1                      /* no deadline: STIP drops */
    ecall
    li      t0, 1
    COUNT
    ld      a0, 16(sp)
    ld      a1, 24(sp)
    ld      a6, 32(sp)
    ld      a7, 40(sp)
    LEAVE

    .balign 4
    .globl bench_ipi_irq_handler
bench_ipi_irq_handler:
    ENTER   IRQ_SUPERVISOR_SOFTWARE, unexpected_interrupt
    li      t0, SIP_SSIP
    csrc    sip, t0                     /* acknowledge the IPI */
    li      t0, 1
    COUNT
    LEAVE

/* Not the interrupt this handler is for: undo ENTER and let the runtime's
 * vector report it (it reads scause, sepc and stval itself). */
unexpected_interrupt:
    ld      t0, 0(sp)
    ld      t1, 8(sp)
    addi    sp, sp, FRAME_SIZE
    csrrw   sp, sscratch, sp
    j       guest_trap_vector
