/* SPDX-License-Identifier: Apache-2.0 */
/* huge_image: a kernel file whose Linux Image header (Documentation/arch/
 * riscv/boot-image-header.rst in Linux) says the image needs
 * 0xffff_ffff_ffff_f000 bytes of memory: RAM base + 2 MiB plus that wraps
 * around 2^64 to an address below the load address. A hypervisor that adds
 * without checking finds that the image "fits" and starts it. It must refuse
 * the VM instead; if it does not, the code behind the header says so on the
 * console and shuts the VM down. */

#define SBI_EID_LEGACY_PUTCHAR 0x01
#define SBI_EID_SRST 0x53525354

    .option norvc
    .section .text.start, "ax"
    .globl _start
_start:
    j       real_start          /* code0 */
    nop                         /* code1 */
    .dword  0x200000            /* text_offset */
    .dword  0xfffffffffffff000  /* image_size: the lie */
    .dword  0                   /* flags */
    .word   2                   /* version 0.2 */
    .word   0                   /* res1 */
    .dword  0                   /* res2 */
    .ascii  "RISCV\0\0\0"       /* magic (deprecated) */
    .ascii  "RSC\x05"           /* magic2 */
    .word   0                   /* res3 */

real_start:
    lla     s0, message
1:  lbu     a0, 0(s0)
    beqz    a0, 2f
    li      a7, SBI_EID_LEGACY_PUTCHAR
    ecall
    addi    s0, s0, 1
    j       1b
2:  li      a7, SBI_EID_SRST
    li      a6, 0               /* system_reset */
    li      a0, 0               /* shutdown */
    li      a1, 0               /* no reason */
    ecall
3:  wfi
    j       3b

    .section .rodata
message:
    .asciz  "huge_image: the kernel ran although its header claims 2^64 bytes\r\n"
