// SPDX-License-Identifier: Apache-2.0
#pragma once
// Copying and filling memory a 64-bit word at a time whatever the alignment
// of the two addresses: the bodies of the image's memcpy, memmove and memset
// (arch/riscv64/libc_support.cpp), kept here so that the host tests reach
// them. Loading a Linux kernel from the VM bundle is one large copy from a
// source that is rarely 8-byte aligned; a byte loop made it most of boot.
//
// Every load and store is naturally aligned (a misaligned access may trap to
// M-mode and be emulated, or fault), and no byte outside the ranges is read
// or written: when the source and destination disagree in alignment, aligned
// source words are loaded and neighbours merged with shifts.
//
// Each function returns `dst`, as the C functions do, so that they can be
// their callee's tail.
//
// This file's .cpp is compiled with the compiler's loop-to-memcpy rewriting
// off (-fno-tree-loop-distribute-patterns / -fno-builtin): its loops would
// otherwise become calls to memcpy and memset, which call back here.

#include <cstddef>
#include <cstdint>

namespace halyard {

// Copies n bytes from src to dst, lowest address first: right for ranges
// that do not overlap and for overlapping ones with dst below src.
void* copy_forward(void* dst, const void* src, size_t n);

// Copies n bytes from src to dst, highest address first: right for ranges
// that do not overlap and for overlapping ones with dst above src.
void* copy_backward(void* dst, const void* src, size_t n);

// memmove: copies n bytes from src to dst, the ranges may overlap.
void* copy_allowing_overlap(void* dst, const void* src, size_t n);

// memset: sets n bytes at dst to value.
void* fill(void* dst, uint8_t value, size_t n);

}  // namespace halyard
