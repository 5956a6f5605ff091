#pragma once
// One lock for everything written to the host console, so a log line and a
// guest's output never interleave mid-line across harts.

#include <atomic>

namespace halyard {

inline std::atomic_flag g_console_lock = ATOMIC_FLAG_INIT;

class ConsoleLockGuard {
  public:
    ConsoleLockGuard() {
        while (g_console_lock.test_and_set(std::memory_order_acquire)) {
        }
    }
    ~ConsoleLockGuard() { g_console_lock.clear(std::memory_order_release); }
    ConsoleLockGuard(const ConsoleLockGuard&) = delete;
    ConsoleLockGuard& operator=(const ConsoleLockGuard&) = delete;
};

}  // namespace halyard
