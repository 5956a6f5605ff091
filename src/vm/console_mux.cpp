// SPDX-License-Identifier: Apache-2.0
#include "vm/console_mux.hpp"

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
    if (!host_console_may_have_input()) return -1;
    // Any vCPU of vm0 may read: the host UART's receive path is shared state.
    ConsoleLockGuard guard;
    return host_console_read();
}

// Bytes of the length of the UTF-8 character `lead` starts (0: not a lead
// byte). C0 and C1 would be overlong two-byte forms, F5 to FF beyond U+10FFFF.
size_t utf8_sequence_length(uint8_t lead) {
    if (lead >= 0xc2 && lead <= 0xdf) return 2;
    if (lead >= 0xe0 && lead <= 0xef) return 3;
    if (lead >= 0xf0 && lead <= 0xf4) return 4;
    return 0;
}

// Whether a complete sequence is a character a terminal only prints: not an
// overlong form, a surrogate or beyond U+10FFFF, and not a C1 control
// (U+0080 to U+009F: U+009B is the one-character CSI).
bool utf8_printable(const uint8_t* bytes, size_t length) {
    const uint8_t lead = bytes[0], second = bytes[1];
    if (length == 2) return lead != 0xc2 || second >= 0xa0;
    if (lead == 0xe0) return second >= 0xa0;
    if (lead == 0xed) return second < 0xa0;
    if (lead == 0xf0) return second >= 0x90;
    if (lead == 0xf4) return second < 0x90;
    return true;
}

}  // namespace

void ConsoleLineBuffer::put(const char* prefix, char c) {
    SpinLockGuard guard(lock_);
    const auto byte = static_cast<uint8_t>(c);
    if (sequence_expected_ != 0) {
        if ((byte & 0xc0) == 0x80) {
            sequence_[sequence_length_++] = byte;
            if (sequence_length_ == sequence_expected_) end_sequence(prefix);
            return;
        }
        end_sequence(prefix);  // cut short: its bytes are shown escaped
    }
    if (byte < 0x80) {
        put_ascii(prefix, c);
        return;
    }
    sequence_expected_ = utf8_sequence_length(byte);
    if (sequence_expected_ == 0) {
        put_escaped(prefix, byte);
        return;
    }
    sequence_[0] = byte;
    sequence_length_ = 1;
}

void ConsoleLineBuffer::put_ascii(const char* prefix, char c) {
    if (c == '\n') {
        write_line(prefix);
        return;
    }
    // CR would return the cursor to the prefix: the line ends with CR LF anyway.
    if (c == '\r') return;
    reserve(prefix, 2);
    if (c == '\t' || !is_control(c)) {
        append(c);
    } else {
        // Caret notation, as terminals echo control keys: ESC is "^[", DEL "^?".
        append(kCaret);
        append(static_cast<char>(c ^ 0x40));
    }
}

// A UTF-8 sequence ends, complete or not: printable characters pass whole,
// anything else byte by byte as "\xNN".
void ConsoleLineBuffer::end_sequence(const char* prefix) {
    const size_t length = sequence_length_;
    const bool complete = length == sequence_expected_;
    sequence_length_ = sequence_expected_ = 0;
    if (complete && utf8_printable(sequence_, length)) {
        reserve(prefix, length);
        for (size_t i = 0; i < length; ++i) append(static_cast<char>(sequence_[i]));
        return;
    }
    for (size_t i = 0; i < length; ++i) put_escaped(prefix, sequence_[i]);
}

void ConsoleLineBuffer::put_escaped(const char* prefix, uint8_t byte) {
    static constexpr char kHex[] = "0123456789abcdef";
    reserve(prefix, 4);
    append('\\');
    append('x');
    append(kHex[byte >> 4]);
    append(kHex[byte & 0xf]);
}

// Room for `room` more characters, or the line goes out now.
void ConsoleLineBuffer::reserve(const char* prefix, size_t room) {
    if (length_ + room > kCapacity) write_line(prefix);
}

void ConsoleLineBuffer::flush(const char* prefix) {
    SpinLockGuard guard(lock_);
    if (sequence_expected_ != 0) end_sequence(prefix);
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
    return ConsoleBackend{put, get, &vm, &host_console_unannounced_input()};
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
    {
        // Still more than the guest's UART holds: wait until it reads some.
        ConsoleLockGuard guard;
        host_console_pause_input_interrupt();
    }
    // Another vCPU may have drained the UART before the pause, while reads did
    // not look for input (it was still announced); nothing would then make
    // the guest read again. Filling it once more after the pause closes that
    // window: from the pause on, reads look for input themselves.
    g_input_vm->uart.poll_input();
}

}  // namespace halyard
