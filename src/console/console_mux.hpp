#pragma once
// The host console shared by every VM. With one VM its bytes pass straight
// through (an interactive guest needs its prompt without a newline). With
// several, each VM's output is gathered per line and written whole, prefixed
// "vmN| ", so lines of different VMs never interleave; console input then
// goes to vm0 only.

#include <cstddef>

#include "console/vm_console.hpp"

namespace halyard {

class Vm;

struct ConsoleLineBuffer {
    static constexpr size_t kCapacity = 160;
    char text[kCapacity];
    size_t length = 0;
};

// The backend that connects `vm`'s console to the host console.
ConsoleBackend host_console_backend_for(Vm& vm);
// How many VMs share the console (set once all VMs exist).
void console_mux_set_vm_count(unsigned count);
// Writes out what a VM left without a final newline (when it stops).
void console_mux_flush(Vm& vm);
// The VM that receives console input (vm0).
void console_mux_set_input_vm(Vm* vm);
// Console input arrived (host UART interrupt): hand it to the input VM's UART,
// which raises its interrupt through the VM's PLIC.
void console_mux_input_ready();

}  // namespace halyard
