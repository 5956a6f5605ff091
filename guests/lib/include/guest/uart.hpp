// SPDX-License-Identifier: Apache-2.0
#pragma once
// Polled driver for the 16550 at 0x1000_0000 (QEMU virt layout, reg-shift 0,
// byte-wide registers). Under Halyard every register access traps and is
// emulated; natively it is QEMU's own UART.

#include <stdint.h>

namespace guest::uart {

inline constexpr uintptr_t kBase = 0x1000'0000;
inline constexpr uintptr_t kRbrThr = 0;  // receive buffer (read) / transmit holding (write)
inline constexpr uintptr_t kIer = 1;     // interrupt enable
inline constexpr uintptr_t kIirFcr = 2;  // interrupt identification (read) / FIFO control (write)
inline constexpr uintptr_t kLcr = 3;     // line control
inline constexpr uintptr_t kMcr = 4;     // modem control
inline constexpr uintptr_t kLsr = 5;     // line status
inline constexpr uintptr_t kMsr = 6;     // modem status
inline constexpr uintptr_t kScr = 7;     // scratch

inline constexpr uint8_t kLsrDataReady = 1u << 0;
inline constexpr uint8_t kLsrThrEmpty = 1u << 5;

// Waits for THRE, then writes the byte.
void put(char c);
// Returns the next received byte, or -1 when LSR.DR says none waits.
int try_get();

}  // namespace guest::uart
