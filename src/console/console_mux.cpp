// SPDX-License-Identifier: Apache-2.0
#include "console/console_mux.hpp"

#include <cstring>

#include "console/console_lock.hpp"
#include "console/host_console.hpp"
#include "vm/vm.hpp"

namespace halyard {
namespace {

// Written once at boot, before any vCPU runs; read-only afterwards.
unsigned g_vm_count = 1;
Vm* g_input_vm = nullptr;

constexpr char kCaret = '^';
constexpr char kDelete = 0x7f;

bool is_control(char c) {
    const auto byte = static_cast<unsigned char>(c);
    return byte < 0x20 || c == kDelete;
}

void put(void* context, char c) {
    Vm& vm = *static_cast<Vm*>(context);
    if (g_vm_count <= 1) {
        // The only VM owns the terminal: its bytes pass unchanged, one at a
        // time under the console lock so that log lines stay whole.
        ConsoleLockGuard guard;
        host_console_write(&c, 1);
        return;
    }
    vm.console_line.put(vm.name, c);
}

int get(void* context) {
    const Vm& vm = *static_cast<Vm*>(context);
    if (g_vm_count > 1 && vm.index != 0) return -1;
    // Any vCPU of vm0 may read: the host UART's receive path is shared state.
    ConsoleLockGuard guard;
    return host_console_read();
}

}  // namespace

void ConsoleLineBuffer::put(const char* prefix, char c) {
    SpinLockGuard guard(lock_);
    if (c == '\n') {
        write_line(prefix);
        return;
    }
    // CR would return the cursor to the prefix: the line ends with CR LF anyway.
    if (c == '\r') return;
    // Room for the widest rendering (two characters) or the line goes out now.
    if (length_ + 2 > kCapacity) write_line(prefix);
    if (c == '\t' || !is_control(c)) {
        append(c);
    } else {
        // Caret notation, as terminals echo control keys: ESC is "^[", DEL "^?".
        append(kCaret);
        append(static_cast<char>(c ^ 0x40));
    }
}

void ConsoleLineBuffer::flush(const char* prefix) {
    SpinLockGuard guard(lock_);
    if (length_ != 0) write_line(prefix);
}

void ConsoleLineBuffer::append(char c) {
    text_[length_++] = c;
}

void ConsoleLineBuffer::write_line(const char* prefix) {
    {
        ConsoleLockGuard guard;
        host_console_write(prefix, std::strlen(prefix));
        host_console_write("| ", 2);
        host_console_write(text_, length_);
        host_console_write("\r\n", 2);
    }
    length_ = 0;
}

ConsoleBackend host_console_backend_for(Vm& vm) {
    return ConsoleBackend{put, get, &vm};
}

void console_mux_set_vm_count(unsigned count) {
    g_vm_count = count;
}

void console_mux_flush(Vm& vm) {
    if (g_vm_count > 1) vm.console_line.flush(vm.name);
}

void console_mux_set_input_vm(Vm* vm) {
    g_input_vm = vm;
}

void console_mux_input_ready() {
    if (g_input_vm == nullptr) return;
    g_input_vm->uart.poll_input();
    // Still more than the guest's UART holds: wait until it reads some.
    ConsoleLockGuard guard;
    host_console_pause_input_interrupt();
}

}  // namespace halyard
