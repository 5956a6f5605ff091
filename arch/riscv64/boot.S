/* SPDX-License-Identifier: Apache-2.0 */
/* Boot entry from the SBI firmware.
 *
 * Invariants on entry (SBI boot protocol / Linux boot protocol):
 *   a0 = hart id, a1 = physical address of the host device tree,
 *   S-mode (HS when the hart has the H extension), satp = 0, interrupts off.
 * Secondary harts enter at halyard_secondary_entry through SBI HSM
 * hart_start with a1 = their slot number (the opaque argument).
 *
 * Only the first hart to reach _start is the cold boot. OpenSBI 1.1 can send
 * a hart Halyard starts through HSM here instead, with the firmware's own
 * boot arguments: its hart_start publishes START_PENDING before it stores the
 * start address, and a hart already waiting can leave with the stale one.
 * Such a stray hart must not clear BSS or boot again: it looks its slot up by
 * hart id in halyard_slot_hart_ids (filled by the boot hart before it starts
 * any hart) and continues as a secondary start.
 *
 * The image starts with a Linux RISC-V "Image" header so that QEMU -kernel,
 * OpenSBI fw_jump and U-Boot booti all load it at RAM base + 2 MiB. */

#include "arch/stack.h"

    .option norvc                 /* the header's first word must be a 4-byte jump */
    .section .text.head, "ax"
    .globl _start
_start:
    j       boot_hart_entry       /* code0 */
    .word   0                     /* code1 */
    .dword  0x200000              /* text_offset: load at RAM base + 2 MiB */
    .dword  __halyard_image_size  /* image_size: what a loader must reserve */
    .dword  0                     /* flags: little endian, page size unspecified */
    .word   2                     /* version 0.2 */
    .word   0                     /* res1 */
    .dword  0                     /* res2 */
    .ascii  "RISCV\0\0\0"         /* magic (deprecated) */
    .ascii  "RSC\x05"             /* magic2 */
    .word   0                     /* res3 */
    .option rvc

    .section .text.boot, "ax"
boot_hart_entry:
    csrw    sie, zero
    csrw    sscratch, zero
    la      t0, halyard_cold_boot_claimed
    li      t1, 1
    amoswap.w.aqrl t1, t1, (t0)
    bnez    t1, stray_hart
    /* Clear BSS (the stacks live elsewhere, see linker/halyard.ld). */
    la      t0, __bss_start
    la      t1, __bss_end
1:  bgeu    t0, t1, 2f
    sd      zero, 0(t0)
    addi    t0, t0, 8
    j       1b
2:  li      a2, 0                 /* the boot hart takes slot 0 */
    li      a3, 0                 /* not a secondary start */
    j       enter_cxx

/* A hart that reached _start after the cold boot: find its slot (a0 = its
 * hart id), as if it had entered at halyard_secondary_entry. */
stray_hart:
    la      t0, halyard_slot_hart_ids
    li      a2, 1                 /* slot 0 is the boot hart's */
    li      a4, HALYARD_MAX_HARTS
1:  bgeu    a2, a4, park          /* not a hart Halyard started */
    slli    t1, a2, 3
    add     t1, t1, t0
    ld      t1, 0(t1)
    beq     t1, a0, 2f
    addi    a2, a2, 1
    j       1b
2:  li      a1, 0
    li      a3, 1
    j       enter_cxx

    .globl halyard_secondary_entry
halyard_secondary_entry:
    csrw    sie, zero
    csrw    sscratch, zero
    mv      a2, a1                /* slot chosen by the boot hart */
    li      a1, 0
    li      a3, 1                 /* a secondary start */

/* a0 = hart id, a1 = host FDT (boot hart) or 0, a2 = slot, a3 = 1 for a
 * hart started through HSM (slot 0 too, when vm0's first vCPU restarts). */
enter_cxx:
    li      tp, 0                 /* no vCPU has exited on this hart yet */
    li      t0, HALYARD_MAX_HARTS
    bgeu    a2, t0, park
    la      sp, halyard_hart_stacks
    addi    t1, a2, 1
    li      t0, HALYARD_HART_STACK_SIZE
    mul     t1, t1, t0
    add     sp, sp, t1            /* stacks grow down from the end of the slot's area */
    call    halyard_boot_hart     /* never returns */
park:
    wfi
    j       park

    /* Not in BSS: it must survive the cold boot's clearing of BSS. */
    .section .data
    .balign 4
halyard_cold_boot_claimed:
    .word   0

    /* Hart id of each slot's hart (all ones: none), written by the boot hart. */
    .balign 8
    .globl halyard_slot_hart_ids
halyard_slot_hart_ids:
    .fill   HALYARD_MAX_HARTS, 8, 0xffffffffffffffff

    .section .bss.noclear.stacks, "aw", @nobits
    .balign 16
    .globl halyard_hart_stacks
halyard_hart_stacks:
    .space  HALYARD_HART_STACK_SIZE * HALYARD_MAX_HARTS
