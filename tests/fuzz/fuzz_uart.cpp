// SPDX-License-Identifier: Apache-2.0
// The 16550 UART model under random MMIO sequences (offsets, widths,
// values), console input arriving at any time, polls and resets: the
// interrupt line it reports always matches interrupt_pending(), the
// transmitter always reads empty, and no input byte is lost or invented.

#include <deque>

#include "devices/uart16550.hpp"
#include "fuzz_support.hpp"

using namespace halyard;

namespace {

struct Harness {
    std::deque<uint8_t> input;  // console bytes not yet taken by the UART
    size_t output = 0;
    bool line = false;
    unsigned line_changes = 0;

    static void put(void* self, char) { ++static_cast<Harness*>(self)->output; }
    static int get(void* self) {
        auto& h = *static_cast<Harness*>(self);
        if (h.input.empty()) return -1;
        const uint8_t c = h.input.front();
        h.input.pop_front();
        return c;
    }
    static void irq(void* self, bool level) {
        auto& h = *static_cast<Harness*>(self);
        FUZZ_CHECK(level != h.line);  // called only on a change
        h.line = level;
        ++h.line_changes;
    }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    fuzz::Input in(data, size);
    Harness h;
    VmConsole console(ConsoleBackend{Harness::put, Harness::get, &h});
    Uart16550 uart(console);
    uart.connect_irq(Harness::irq, &h);
    constexpr unsigned kWidths[] = {1, 2, 4, 8};
    while (!in.empty()) {
        const uint8_t op = in.take<uint8_t>();
        const uint64_t offset = (op & 0x80) ? in.below(Uart16550::kSize) : in.below(8);
        const unsigned width = kWidths[(op >> 4) & 3];
        switch (op % 8) {
            case 0:
            case 1: (void)uart.read(offset, width); break;
            case 2:
            case 3: uart.write(offset, width, in.take<uint64_t>()); break;
            case 4: h.input.push_back(in.take<uint8_t>()); break;
            case 5: uart.poll_input(); break;
            case 6: (void)uart.take_received_byte(); break;
            case 7:
                if ((op & 0x70) == 0x70) uart.reset();
                break;
        }
        FUZZ_CHECK(h.line == uart.interrupt_pending());
        // LCR.DLAB does not hide LSR; THRE and TEMT are always set.
        FUZZ_CHECK((uart.read(5, 1) & 0x60) == 0x60);
        FUZZ_CHECK(h.line == uart.interrupt_pending());
    }
    return 0;
}
