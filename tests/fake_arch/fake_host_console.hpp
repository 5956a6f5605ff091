// SPDX-License-Identifier: Apache-2.0
#pragma once

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

}  // namespace halyard::fake
