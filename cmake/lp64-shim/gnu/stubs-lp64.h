/* SPDX-License-Identifier: Apache-2.0 */
/* Debian's riscv64 glibc headers only ship gnu/stubs-lp64d.h, but libstdc++'s
 * headers reach <gnu/stubs.h> even in freestanding code, which asks for the
 * soft-float ABI's file when building with -mabi=lp64 (Halyard has no F/D).
 * Halyard uses no libc function, so the list of unimplemented ones is empty. */
