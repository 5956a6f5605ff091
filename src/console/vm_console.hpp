// SPDX-License-Identifier: Apache-2.0
#pragma once
// A VM's console: where the bytes its UART (or SBI console calls) write go, and
// where the bytes it reads come from. The backend is chosen when the VM is
// built (the host console on the target, a buffer in unit tests).

namespace halyard {

struct ConsoleBackend {
    void (*put)(void* context, char c);  // deliver one byte of guest output
    int (*get)(void* context);           // next byte of guest input, or -1 if none waits
    void* context;
};

class VmConsole {
  public:
    constexpr VmConsole() = default;
    explicit constexpr VmConsole(ConsoleBackend backend) : backend_(backend) {}

    void put(char c) {
        if (backend_.put != nullptr) backend_.put(backend_.context, c);
    }
    int get() { return backend_.get != nullptr ? backend_.get(backend_.context) : -1; }

  private:
    ConsoleBackend backend_{nullptr, nullptr, nullptr};
};

}  // namespace halyard
