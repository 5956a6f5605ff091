/* H-extension instructions used from C++: guest-memory reads that may fault,
 * and the hypervisor TLB fences. */

    .option arch, +h
    .section .text, "ax"

/* uint64_t halyard_hlvx_hu(uint64_t guest_va, uint16_t* out)
 * Reads a halfword of guest instruction memory through both translation
 * stages with execute permission. If the read faults, the host trap path
 * (halyard_host_trap) resumes at halyard_hlvx_hu_fixup, which returns 0.
 * That trap was taken from HS-mode, so its sret left sstatus.SPP and
 * hstatus.SPV describing HS-mode: the fixup restores both (saved in t2/t3,
 * which the host trap path preserves), or the next guest entry would not
 * return to the guest's mode. */
    .globl halyard_hlvx_hu
    .globl halyard_hlvx_hu_fault_site
    .globl halyard_hlvx_hu_fixup
halyard_hlvx_hu:
    csrr    t2, sstatus
    csrr    t3, hstatus
halyard_hlvx_hu_fault_site:
    hlvx.hu t0, (a0)
    sh      t0, 0(a1)
    li      a0, 1
    ret
halyard_hlvx_hu_fixup:
    csrw    sstatus, t2
    csrw    hstatus, t3
    li      a0, 0
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
