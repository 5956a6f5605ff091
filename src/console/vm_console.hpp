// SPDX-License-Identifier: Apache-2.0
#pragma once
// A VM's console: where the bytes its UART (or SBI console calls) write go, and
// where the bytes it reads come from. The backend is chosen when the VM is
// built (the host console on the target, a buffer in unit tests).

#include <atomic>

namespace halyard {

// put and get may be called by several harts at once (a VM's vCPUs, through
// its UART and its SBI console calls): the backend serializes them.
struct ConsoleBackend {
    void (*put)(void* context, char c);  // deliver one byte of guest output
    int (*get)(void* context);           // next byte of guest input, or -1 if none waits
    void* context;
    // Null, or a flag the backend keeps true while input may be waiting that
    // it will not announce: false means any input arrives through the
    // backend's interrupt, which pushes it to the VM (Uart16550::poll_input),
    // so a device need not ask on every register read.
    const std::atomic<bool>* unannounced_input = nullptr;
};

class VmConsole {
  public:
    constexpr VmConsole() = default;
    explicit constexpr VmConsole(ConsoleBackend backend) : backend_(backend) {}

    void put(char c) {
        if (backend_.put != nullptr) backend_.put(backend_.context, c);
    }
    int get() { return backend_.get != nullptr ? backend_.get(backend_.context) : -1; }
    // For a device that looks for input as the guest reads it: false while
    // the backend says any input will be announced (get() would return -1).
    bool may_have_input() const {
        const std::atomic<bool>* unannounced = backend_.unannounced_input;
        return unannounced == nullptr || unannounced->load(std::memory_order_relaxed);
    }

  private:
    ConsoleBackend backend_{nullptr, nullptr, nullptr};
};

}  // namespace halyard
