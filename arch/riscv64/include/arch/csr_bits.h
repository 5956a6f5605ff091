/* SPDX-License-Identifier: Apache-2.0 */
/* The CSR bits Halyard's assembly sets and clears, for trap_vector.S and
 * hypervisor_insns.S; the C++ side has them in halyard/csr_numbers.hpp, and
 * arch/hart.hpp checks that the two agree. */
#ifndef HALYARD_ARCH_CSR_BITS_H
#define HALYARD_ARCH_CSR_BITS_H
#define HALYARD_HSTATUS_SPV (1 << 7)
#define HALYARD_HSTATUS_SPVP (1 << 8)
#define HALYARD_SSTATUS_SPP (1 << 8)
#endif
