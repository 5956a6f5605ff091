// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <atomic>
#include <deque>
#include <string>

namespace halyard::fake {

struct HostConsole {
    std::string output;
    std::deque<char> input;
    bool input_interrupt = false;  // the host UART's receive interrupt is pending
    bool input_paused = false;
    // Run when host_console_pause_input_interrupt() starts: what another hart
    // does while this one waits for the console lock to pause.
    void (*before_pause)(void* context) = nullptr;
    void* before_pause_context = nullptr;
};

extern HostConsole host_console;
// What host_console_unannounced_input() returns: true (input is polled) unless
// a test says otherwise. Outside HostConsole, which tests reset by assignment.
extern std::atomic<bool> host_console_unannounced_input;

}  // namespace halyard::fake
