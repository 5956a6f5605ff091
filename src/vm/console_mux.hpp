// SPDX-License-Identifier: Apache-2.0
#pragma once
// The host console shared by every VM. With one VM its bytes pass straight
// through (an interactive guest needs its prompt without a newline, and its
// terminal escapes). With several, each VM's output is gathered per line and
// written whole, prefixed "vmN| ", so lines of different VMs never interleave;
// control bytes are made visible (ESC as "^[", CR dropped; C1 controls and
// bytes that are not well-formed UTF-8 as "\x9b") so that no guest can move the
// cursor over a prefix or forge a line of Halyard's own log; console input
// then goes to vm0 only.
//
// Concurrency: any vCPU of a VM may write to its console at any time (UART THR,
// SBI DBCN, legacy putchar). The VM's line buffer has its own lock; a full line
// goes out under the host console lock (inner), a fair lock, so a flooding VM
// delays another VM's output by at most one line per VM.

#include <cstddef>
#include <cstdint>

#include "console/vm_console.hpp"
#include "lib/spinlock.hpp"

namespace halyard {

class Vm;

class ConsoleLineBuffer {
  public:
    static constexpr size_t kCapacity = 160;

    // Appends guest byte `c` (made visible if it is a control byte); writes
    // the line out, prefixed with `prefix`, at a newline or when full.
    void put(const char* prefix, char c) EXCLUDES(lock_);
    // Writes out an unfinished line (when the VM stops or reboots).
    void flush(const char* prefix) EXCLUDES(lock_);

  private:
    static constexpr size_t kMaxSequence = 4;  // bytes of one UTF-8 character

    void put_ascii(const char* prefix, char c) REQUIRES(lock_);
    void end_sequence(const char* prefix) REQUIRES(lock_);
    void put_escaped(const char* prefix, uint8_t byte) REQUIRES(lock_);
    void reserve(const char* prefix, size_t room) REQUIRES(lock_);
    void append(char c) REQUIRES(lock_);
    void write_line(const char* prefix) REQUIRES(lock_);

    SpinLock lock_;
    char text_[kCapacity] GUARDED_BY(lock_) = {};
    size_t length_ GUARDED_BY(lock_) = 0;
    // A UTF-8 character being received: its bytes so far and its length.
    uint8_t sequence_[kMaxSequence] GUARDED_BY(lock_) = {};
    size_t sequence_length_ GUARDED_BY(lock_) = 0;
    size_t sequence_expected_ GUARDED_BY(lock_) = 0;
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
