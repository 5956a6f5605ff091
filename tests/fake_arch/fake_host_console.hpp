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
};

extern HostConsole host_console;
// What host_console_unannounced_input() returns: true (input is polled) unless
// a test says otherwise. Outside HostConsole, which tests reset by assignment.
extern std::atomic<bool> host_console_unannounced_input;

}  // namespace halyard::fake
