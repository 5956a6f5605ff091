// SPDX-License-Identifier: Apache-2.0
#pragma once
// The guest-physical memory map every VM sees. It mirrors QEMU virt so that
// software built for that board runs unchanged (see the README's memory map).

#include <cstdint>

namespace halyard::guest {

inline constexpr uint64_t kPlicBase = 0x0C000000;
// A VM with AIA (tools/run irqchip=aia) has an APLIC and IMSIC interrupt
// files instead of the PLIC: QEMU virt's supervisor-level APLIC domain and
// S-level IMSIC, one 4 KiB interrupt file per vCPU in vCPU order.
inline constexpr uint64_t kAplicBase = 0x0D000000;
inline constexpr uint64_t kImsicBase = 0x28000000;
inline constexpr uint64_t kImsicFileSize = 0x1000;
inline constexpr uint64_t kUartBase = 0x10000000;
inline constexpr uint32_t kUartIrq = 10;
inline constexpr uint32_t kUartClockHz = 3686400;
inline constexpr uint64_t kRamBase = 0x80000000;
// Linux Image convention: the kernel (or any raw binary) runs from RAM + 2 MiB.
inline constexpr uint64_t kKernelOffset = 0x200000;
inline constexpr uint64_t kKernelEntry = kRamBase + kKernelOffset;
inline constexpr uint64_t kDtbMaxSize = 64 * 1024;

}  // namespace halyard::guest
