#include "console/console_mux.hpp"

#include <cstring>

#include "console/console_lock.hpp"
#include "console/host_console.hpp"
#include "vm/vm.hpp"

namespace halyard {
namespace {

unsigned g_vm_count = 1;
Vm* g_input_vm = nullptr;

void write_line(Vm& vm) {
    ConsoleLineBuffer& line = vm.console_line;
    ConsoleLockGuard guard;
    host_console_write(vm.name, std::strlen(vm.name));
    host_console_write("| ", 2);
    host_console_write(line.text, line.length);
    line.length = 0;
}

void put(void* context, char c) {
    Vm& vm = *static_cast<Vm*>(context);
    if (g_vm_count <= 1) {
        host_console_write(&c, 1);
        return;
    }
    ConsoleLineBuffer& line = vm.console_line;
    line.text[line.length++] = c;
    if (c == '\n' || line.length == ConsoleLineBuffer::kCapacity) write_line(vm);
}

int get(void* context) {
    const Vm& vm = *static_cast<Vm*>(context);
    if (g_vm_count > 1 && vm.index != 0) return -1;
    return host_console_read();
}

}  // namespace

ConsoleBackend host_console_backend_for(Vm& vm) {
    return ConsoleBackend{put, get, &vm};
}

void console_mux_set_vm_count(unsigned count) {
    g_vm_count = count;
}

void console_mux_flush(Vm& vm) {
    ConsoleLineBuffer& line = vm.console_line;
    if (line.length == 0) return;
    // End the unfinished line so the next one starts at the margin.
    if (line.length + 2 <= ConsoleLineBuffer::kCapacity) {
        line.text[line.length++] = '\r';
        line.text[line.length++] = '\n';
    }
    write_line(vm);
}

void console_mux_set_input_vm(Vm* vm) {
    g_input_vm = vm;
}

void console_mux_input_ready() {
    if (g_input_vm == nullptr) return;
    g_input_vm->uart.poll_input();
    // Still more than the guest's UART holds: wait until it reads some.
    host_console_pause_input_interrupt();
}

}  // namespace halyard
