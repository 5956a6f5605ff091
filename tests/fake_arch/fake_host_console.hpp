#pragma once

#include <deque>
#include <string>

namespace halyard::fake {

struct HostConsole {
    std::string output;
    std::deque<char> input;
};

extern HostConsole host_console;

}  // namespace halyard::fake
