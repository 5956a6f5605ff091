/* SPDX-License-Identifier: Apache-2.0 */
/* H-extension instructions used from C++: guest-memory reads that may fault,
 * and the hypervisor TLB fences; and the Zkr seed CSR read, which may trap. */

#include "arch/csr_bits.h"

    .option arch, +h
    .section .text, "ax"

/* halyard_read_guest_instruction: a1 = guest_va in, the instruction out;
 * called with `jal t0` (arch::read_guest_instruction), not the C calling
 * convention, and changes only a0 and t1 besides (after a fault: the trap's
 * scause and the address that faulted): so the exit fast path,
 * which reads the instruction of every device access, needs no frame of its
 * own (no ra to save, and its live values stay in the other temporaries).
 * a1 both ways: the fast path has the guest's pc there (its second argument)
 * and wants the instruction in a register that is not its first.
 * Only while Halyard handles a guest's exit: hstatus.SPVP then holds the
 * guest's privilege, which HLVX reads with, and the guest's sret needs
 * hstatus.SPV = 1 and sstatus.SPP = SPVP.
 * Reads the guest instruction at guest_va through both translation stages
 * with execute permission (HLVX.HU): one halfword, and a second one only for
 * a 32-bit encoding (bits 1:0 = 11), since the next one may not be mapped.
 * Returns the instruction zero-extended, or ~0 if a read faulted: the host
 * trap path (halyard_host_trap), which preserves every register, then
 * resumes at the fixup.
 * That trap came from HS-mode, so its sret left hstatus.SPV = 0 and
 * sstatus.SPP = U; SPVP, which a trap from V=0 leaves alone, still holds the
 * guest's privilege. The fixup puts SPV and SPP back as the guest's exit left
 * them, or the next guest entry would not return to the guest's mode.
 * (Halyard reserves t2-t6 for the guest's values, see
 * vm_cpu_registers_offsets.h.) */
    .globl halyard_read_guest_instruction
    .globl halyard_guest_read_fault_site_low
    .globl halyard_guest_read_fault_site_high
    .globl halyard_guest_read_fixup
halyard_read_guest_instruction:
halyard_guest_read_fault_site_low:
    hlvx.hu a0, (a1)
    andi    t1, a0, 3
    addi    t1, t1, -3
    bnez    t1, 1f
    addi    a1, a1, 2
halyard_guest_read_fault_site_high:
    hlvx.hu t1, (a1)
    slli    t1, t1, 16
    or      a1, a0, t1
    jr      t0
1:  mv      a1, a0
    jr      t0
halyard_guest_read_fixup:
    mv      t1, a1                 /* the address the HLVX read */
    li      a0, HALYARD_HSTATUS_SPV
    csrs    hstatus, a0
    li      a0, HALYARD_SSTATUS_SPP
    csrc    sstatus, a0
    csrr    a1, hstatus
    andi    a1, a1, HALYARD_HSTATUS_SPVP   /* the same bit as sstatus.SPP */
    csrs    sstatus, a1
    csrr    a0, scause             /* the HLVX's: the host trap path took no other */
    li      a1, -1
    jr      t0

/* uint64_t halyard_read_seed_csr(void)
 * Polls the Zkr entropy source once. Zkr requires a read-write access
 * (csrrw; a plain csrr traps), and HS-mode may use seed only when M-mode set
 * mseccfg.SSEED (OpenSBI 1.4 and later do, on a hart with Zkr; 1.1 does not),
 * which HS-mode cannot read: the one way to know is to try. An access that is
 * not allowed is an illegal-instruction trap; the host trap path
 * (halyard_host_trap) then resumes at the fixup, which returns ~0: seed is 32
 * bits wide, so ~0 is never a value it reads. sstatus and hstatus are
 * restored as in halyard_guest_read_fixup. */
    .globl halyard_read_seed_csr
    .globl halyard_seed_read_fault_site
    .globl halyard_seed_read_fixup
halyard_read_seed_csr:
    csrr    a1, sstatus
    csrr    a2, hstatus
halyard_seed_read_fault_site:
    csrrw   a0, 0x015, zero
    ret
halyard_seed_read_fixup:
    csrw    sstatus, a1
    csrw    hstatus, a2
    li      a0, -1
    ret

/* void halyard_hfence_gvma_vmid(uint64_t vmid): drop G-stage translations of one VM. */
    .globl halyard_hfence_gvma_vmid
halyard_hfence_gvma_vmid:
    hfence.gvma zero, a0
    ret

/* void halyard_hfence_vvma_all(void): drop VS-stage translations of the current VMID. */
    .globl halyard_hfence_vvma_all
halyard_hfence_vvma_all:
    hfence.vvma zero, zero
    ret
