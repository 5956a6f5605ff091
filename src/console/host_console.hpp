#pragma once
// The machine's own console (the host UART from the device tree, or the
// firmware's console until that is known). Halyard's log and the guests'
// consoles are multiplexed onto it. The host build links a fake
// (tests/fake_arch/fake_host_console.cpp) that records output.

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
// The next byte typed on the console, or -1 when none waits.
int host_console_read();

}  // namespace halyard
