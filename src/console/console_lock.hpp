// SPDX-License-Identifier: Apache-2.0
#pragma once
// One lock for everything written to the host console, so a log line and a
// guest's line never interleave mid-line across harts. It is the innermost
// lock: nothing else is taken while it is held.

#include "lib/spinlock.hpp"

namespace halyard {

inline SpinLock g_console_lock;

class SCOPED_CAPABILITY ConsoleLockGuard {
  public:
    ConsoleLockGuard() ACQUIRE(g_console_lock) { g_console_lock.lock(); }
    ~ConsoleLockGuard() RELEASE(g_console_lock) { g_console_lock.unlock(); }
    ConsoleLockGuard(const ConsoleLockGuard&) = delete;
    ConsoleLockGuard& operator=(const ConsoleLockGuard&) = delete;
};

}  // namespace halyard
