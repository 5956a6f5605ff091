// SPDX-License-Identifier: Apache-2.0
// Target implementation of the host console: a polled ns16550 found in the
// host device tree, or the firmware's console before (or without) one.

#include "console/host_console.hpp"

#include "arch/csr.hpp"
#include "arch/firmware.hpp"
#include "halyard/aia_registers.hpp"

namespace halyard {
namespace {

constexpr unsigned kThr = 0;  // transmit holding (write) / receive buffer (read)
constexpr unsigned kLsr = 5;
constexpr uint8_t kLsrDataReady = 0x01;
constexpr uint8_t kLsrThrEmpty = 0x20;

HostUartInfo g_uart;

constexpr unsigned kIer = 1;
constexpr uint8_t kIerReceivedData = 0x01;

struct InputInterrupt {
    volatile uint32_t* claim = nullptr;  // this hart's PLIC claim/complete register
    bool msi = false;  // with AIA instead: an MSI to this hart's S-level interrupt file
    uint32_t irq = 0;
    bool paused = false;
};
// The identity the console's MSIs carry in this hart's S-level interrupt file.
constexpr uint32_t kConsoleMsiIdentity = 1;
InputInterrupt g_input;
// host_console_unannounced_input(): written under the console lock, read
// without it. A reader that still sees false after the pause set it true
// leaves the input where it is; console_mux_input_ready() then polls once
// more after pausing, so that input cannot be left behind.
std::atomic<bool> g_unannounced_input{true};

uint8_t uart_read(unsigned reg) {
    uint64_t address = g_uart.base + (static_cast<uint64_t>(reg) << g_uart.reg_shift);
    if (g_uart.reg_io_width == 4)
        return static_cast<uint8_t>(*reinterpret_cast<volatile uint32_t*>(address));
    return *reinterpret_cast<volatile uint8_t*>(address);
}

void uart_write(unsigned reg, uint8_t value) {
    uint64_t address = g_uart.base + (static_cast<uint64_t>(reg) << g_uart.reg_shift);
    if (g_uart.reg_io_width == 4)
        *reinterpret_cast<volatile uint32_t*>(address) = value;
    else
        *reinterpret_cast<volatile uint8_t*>(address) = value;
}

void put_byte(char c) {
    if (g_uart.base == 0) {
        arch::firmware_console_putchar(c);
        return;
    }
    while ((uart_read(kLsr) & kLsrThrEmpty) == 0) {
    }
    uart_write(kThr, static_cast<uint8_t>(c));
}

}  // namespace

void host_console_use_uart(const HostUartInfo& uart) {
    g_uart = uart;
}

void host_console_write(const char* text, size_t length) {
    for (size_t i = 0; i < length; ++i) put_byte(text[i]);
}

bool host_console_may_have_input() {
    if (g_uart.base == 0 || g_input.paused) return true;
    return (uart_read(kLsr) & kLsrDataReady) != 0;
}

int host_console_read() {
    if (g_input.paused) {
        g_input.paused = false;
        g_unannounced_input.store(false, std::memory_order_relaxed);
        uart_write(kIer, kIerReceivedData);
    }
    if (g_uart.base == 0) {
        sbi::SbiRet ret = arch::firmware_call(sbi::kEidLegacyConsoleGetchar, 0);
        return ret.error < 0 ? -1 : static_cast<int>(ret.error & 0xFF);
    }
    if ((uart_read(kLsr) & kLsrDataReady) == 0) return -1;
    return uart_read(kThr);
}

// PLIC register layout (../shared/specs/plic): priorities at 4 * id, enables
// at 0x2000 + 0x80 * context, threshold and claim/complete at
// 0x200000 + 0x1000 * context.
void host_console_enable_input_interrupt(uint64_t plic_base, unsigned plic_context, uint32_t irq) {
    if (g_uart.base == 0 || irq == 0 || irq >= 1024) return;
    auto reg = [&](uint64_t offset) {
        return reinterpret_cast<volatile uint32_t*>(plic_base + offset);
    };
    *reg(4ull * irq) = 1;
    volatile uint32_t* enable = reg(0x2000 + 0x80ull * plic_context + 4 * (irq / 32));
    *enable = *enable | (1u << (irq % 32));
    *reg(0x200000 + 0x1000ull * plic_context) = 0;
    g_input.claim = reg(0x200004 + 0x1000ull * plic_context);
    g_input.irq = irq;
    uart_write(kIer, kIerReceivedData);
    g_unannounced_input.store(false, std::memory_order_relaxed);
}

// AIA (halyard/aia_registers.hpp): the APLIC domain's registers and this
// hart's S-level interrupt file, reached through siselect/sireg.
// A claim does not re-pend the source (AdvPLIC.adoc, "Special consideration
// for level-sensitive interrupt sources"): the line always falls between two
// interrupts, since console_mux_input_ready drains the UART or masks its
// receive interrupt, and host_console_read unmasks it; so a new byte or the
// unmask is a rising edge, which pends it again. (QEMU 7.2's APLIC pends a
// source on setipnum even while its line is low, and reads in_clrip as all
// ones, so neither of the spec's two ways would work there.)
bool host_console_enable_input_msi(uint64_t aplic_base, unsigned hart_index, uint32_t irq) {
    if (g_uart.base == 0 || irq == 0 || irq >= 1024 || hart_index >= (1u << 14)) return false;
    auto reg = [&](uint64_t offset) {
        return reinterpret_cast<volatile uint32_t*>(aplic_base + offset);
    };
    auto write_file_register = [](uint64_t select, uint64_t value) {
        arch::csr_write<Csr::siselect>(select);
        arch::csr_write<Csr::sireg>(value);
    };
    // A source the firmware did not delegate to this domain reads 0.
    *reg(aplic::sourcecfg(irq)) = aplic::kLevel1;
    if (*reg(aplic::sourcecfg(irq)) != aplic::kLevel1) return false;
    write_file_register(imsic::kEidelivery, 1);
    write_file_register(imsic::kEithreshold, 0);
    // eie0: only the console's identity.
    write_file_register(imsic::kEie0, uint64_t{1} << kConsoleMsiIdentity);
    *reg(aplic::target(irq)) = hart_index << aplic::kHartIndexShift | kConsoleMsiIdentity;
    *reg(aplic::kSetienum) = irq;
    *reg(aplic::kDomaincfg) = aplic::kDomaincfgIe | aplic::kDomaincfgDm;
    g_input.msi = true;
    g_input.irq = irq;
    uart_write(kIer, kIerReceivedData);
    g_unannounced_input.store(false, std::memory_order_relaxed);
    return true;
}

bool host_console_claim_input_interrupt() {
    if (g_input.msi) {
        const uint64_t top = arch::csr_swap<Csr::stopei>(0);  // claims it
        return top >> imsic::kTopeiIdentityShift == kConsoleMsiIdentity;
    }
    if (g_input.claim == nullptr) return false;
    const uint32_t id = *g_input.claim;
    if (id != 0) *g_input.claim = id;
    return id == g_input.irq && id != 0;
}

void host_console_pause_input_interrupt() {
    if ((uart_read(kLsr) & kLsrDataReady) == 0) return;  // nothing left: no need
    g_input.paused = true;
    g_unannounced_input.store(true, std::memory_order_relaxed);
    uart_write(kIer, 0);
}

const std::atomic<bool>& host_console_unannounced_input() {
    return g_unannounced_input;
}

}  // namespace halyard
