/* SPDX-License-Identifier: Apache-2.0 */
/* Per-hart stacks: shared by boot.S and the C++ that records each hart's stack top. */
#ifndef HALYARD_ARCH_STACK_H
#define HALYARD_ARCH_STACK_H
#define HALYARD_MAX_HARTS 8
#define HALYARD_HART_STACK_SIZE 16384
#endif
