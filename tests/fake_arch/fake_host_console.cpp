// SPDX-License-Identifier: Apache-2.0
// Host fake of the host console: output collects in a string, input comes
// from a queue the test fills.

#include "fake_host_console.hpp"

#include "console/host_console.hpp"

namespace halyard {

fake::HostConsole fake::host_console;
std::atomic<bool> fake::host_console_unannounced_input{true};

void host_console_use_uart(const HostUartInfo&) {}

void host_console_write(const char* text, size_t length) {
    fake::host_console.output.append(text, length);
}

bool host_console_may_have_input() {
    return !fake::host_console.input.empty();
}

int host_console_read() {
    if (fake::host_console.input.empty()) return -1;
    char c = fake::host_console.input.front();
    fake::host_console.input.pop_front();
    return static_cast<unsigned char>(c);
}

const std::atomic<bool>& host_console_unannounced_input() {
    return fake::host_console_unannounced_input;
}

void host_console_enable_input_interrupt(uint64_t, unsigned, uint32_t) {}

bool host_console_claim_input_interrupt() {
    const bool pending = fake::host_console.input_interrupt;
    fake::host_console.input_interrupt = false;
    return pending;
}

void host_console_pause_input_interrupt() {
    auto& console = fake::host_console;
    if (console.before_pause != nullptr) console.before_pause(console.before_pause_context);
    console.input_paused = true;
    // As on the target (host_console.cpp): input left behind masks the receive
    // interrupt, and is unannounced until a read unmasks it.
    if (!console.input.empty()) fake::host_console_unannounced_input = true;
}

}  // namespace halyard
