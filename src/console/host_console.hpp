// SPDX-License-Identifier: Apache-2.0
#pragma once
// The machine's own console (the host UART from the device tree, or the
// firmware's console until that is known). Halyard's log and the guests'
// consoles are multiplexed onto it. The host build links a fake
// (tests/fake_arch/fake_host_console.cpp) that records output.

#include <atomic>
#include <cstddef>
#include <cstdint>

namespace halyard {

struct HostUartInfo {
    uint64_t base = 0;
    unsigned reg_shift = 0;
    unsigned reg_io_width = 1;
};

void host_console_use_uart(const HostUartInfo& uart);
void host_console_write(const char* text, size_t length);
// The next byte typed on the console, or -1 when none waits. Callers on
// several harts serialise it with the console lock.
int host_console_read();
// False when no byte can be waiting (a lock-free look at the UART's line
// status, so guests polling an idle console do not take the console lock).
bool host_console_may_have_input();

// True while input may be waiting that no interrupt will announce: always
// while input is polled (no host PLIC, or the firmware's console), and while
// the receive interrupt is paused. False otherwise: input then comes through
// host_console_claim_input_interrupt.
const std::atomic<bool>& host_console_unannounced_input();

// Console input by interrupt: the host UART's receive interrupt, routed
// through the host PLIC to S-mode context `plic_context` (this hart's).
void host_console_enable_input_interrupt(uint64_t plic_base, unsigned plic_context, uint32_t irq);
// The same through AIA: the host's supervisor-level APLIC domain at
// `aplic_base` sends the receive interrupt as an MSI to this hart's S-level
// interrupt file (`hart_index`: its APLIC hart index). False, with nothing
// changed but the source's mode, if the firmware left the source to another
// domain.
bool host_console_enable_input_msi(uint64_t aplic_base, unsigned hart_index, uint32_t irq);
// On a supervisor external interrupt: claims it at the host PLIC and
// completes it, or claims it from the interrupt file; true if it was the
// console's (input is waiting).
bool host_console_claim_input_interrupt();
// Masks the receive interrupt while nobody can take the input (the guest's
// UART is full); the next host_console_read() unmasks it.
void host_console_pause_input_interrupt();

}  // namespace halyard
