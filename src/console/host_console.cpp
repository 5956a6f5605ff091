// Target implementation of the host console: a polled ns16550 found in the
// host device tree, or the firmware's console before (or without) one.

#include "console/host_console.hpp"

#include "arch/firmware.hpp"

namespace halyard {
namespace {

constexpr unsigned kThr = 0;  // transmit holding (write) / receive buffer (read)
constexpr unsigned kLsr = 5;
constexpr uint8_t kLsrDataReady = 0x01;
constexpr uint8_t kLsrThrEmpty = 0x20;

HostUartInfo g_uart;

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

int host_console_read() {
    if (g_uart.base == 0) {
        sbi::SbiRet ret = arch::firmware_call(sbi::kEidLegacyConsoleGetchar, 0);
        return ret.error < 0 ? -1 : static_cast<int>(ret.error & 0xFF);
    }
    if ((uart_read(kLsr) & kLsrDataReady) == 0) return -1;
    return uart_read(kThr);
}

}  // namespace halyard
