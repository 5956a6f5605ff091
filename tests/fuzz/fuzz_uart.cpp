// SPDX-License-Identifier: Apache-2.0
// The 16550A UART model under random MMIO sequences (offsets, widths,
// values), console input arriving at any time, announced or not (while it is
// announced, LSR reads that change nothing skip the lock), polls and resets: the
// interrupt line it reports always matches interrupt_pending(), the
// transmitter always reads empty, IIR, LSR, IER and MCR only ever show bits a
// 16550A has, and console input reaches the guest in order, never invented
// and never dropped by an overrun (only loopback can overrun the receiver;
// a reset or an FCR clear may drop what the FIFO holds).

#include <atomic>
#include <deque>

#include "devices/uart16550.hpp"
#include "fuzz_support.hpp"

using namespace halyard;

namespace {

constexpr uint64_t kRbr = 0, kIer = 1, kIir = 2, kLcr = 3, kMcr = 4, kLsr = 5;

struct Harness {
    std::deque<uint8_t> input;  // console bytes not yet taken by the UART
    std::deque<uint8_t> taken;  // taken by the UART, not yet seen by the guest
    size_t taken_total = 0;
    size_t output = 0;
    bool line = false;
    unsigned line_changes = 0;

    static void put(void* self, char) { ++static_cast<Harness*>(self)->output; }
    static int get(void* self) {
        auto& h = *static_cast<Harness*>(self);
        if (h.input.empty()) return -1;
        const uint8_t c = h.input.front();
        h.input.pop_front();
        h.taken.push_back(c);
        ++h.taken_total;
        return c;
    }
    static void irq(void* self, bool level) {
        auto& h = *static_cast<Harness*>(self);
        FUZZ_CHECK(level != h.line);  // called only on a change
        h.line = level;
        ++h.line_changes;
    }

    // The guest got `byte` from the console: it must be the oldest byte the
    // UART took that the guest has not seen, or one after bytes a FIFO clear
    // or reset dropped (those drop whole FIFO contents, never reorder).
    void delivered(uint8_t byte) {
        while (!taken.empty() && taken.front() != byte) taken.pop_front();
        FUZZ_CHECK(!taken.empty());
        taken.pop_front();
    }
};

// An IIR value a 16550A can give: bits 5:4 zero, bits 7:6 both clear (16450
// mode) or both set (FIFO mode), one of Table IV's identifications, and a
// character timeout only in FIFO mode.
bool valid_iir(uint8_t iir) {
    const uint8_t fifo_bits = iir & 0xc0;
    const uint8_t id = iir & 0x0f;
    if ((iir & 0x30) != 0 || (fifo_bits != 0 && fifo_bits != 0xc0)) return false;
    if (id == 0x0c) return fifo_bits == 0xc0;
    return id == 0x01 || id == 0x06 || id == 0x04 || id == 0x02 || id == 0x00;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    fuzz::Input in(data, size);
    Harness h;
    // While false, the console announces its input (poll_input brings it)
    // and register reads do not ask for it: LSR reads that change nothing are
    // then answered without the UART's lock (Uart16550::read_without_lock).
    std::atomic<bool> unannounced{true};
    VmConsole console(ConsoleBackend{Harness::put, Harness::get, &h, &unannounced});
    Uart16550 uart(console);
    uart.connect_irq(Harness::irq, &h);
    constexpr unsigned kWidths[] = {1, 2, 4, 8};
    bool ever_loopback = false;  // once set, received bytes may come from THR
    bool data_ready = false;     // LSR.DR as last read
    while (!in.empty()) {
        const uint8_t op = in.take<uint8_t>();
        const uint64_t offset = (op & 0x80) ? in.below(Uart16550::kSize) : in.below(8);
        const unsigned width = kWidths[(op >> 4) & 3];
        // LCR reads have no side effects: DLAB decides what offsets 0 and 1 are.
        const bool dlab = (uart.read(kLcr, 1) & 0x80) != 0;
        switch (op % 8) {
            case 0:
            case 1: {
                const size_t taken_before = h.taken_total;
                const auto value = static_cast<uint8_t>(uart.read(offset, width));
                if (offset == kIir) FUZZ_CHECK(valid_iir(value));
                if (offset == kIer && !dlab) FUZZ_CHECK((value & 0xf0) == 0);
                if (offset == kMcr) FUZZ_CHECK((value & 0xe0) == 0);
                // An RBR read delivers the oldest byte when data was waiting or
                // the read itself took a byte from the console.
                const bool got_byte = data_ready || h.taken_total != taken_before;
                if (offset == kRbr && !dlab && got_byte && !ever_loopback) h.delivered(value);
                break;
            }
            case 2:
            case 3: {
                const auto value = in.take<uint64_t>();
                if (offset == kMcr && (value & 0x10) != 0) ever_loopback = true;
                uart.write(offset, width, value);
                break;
            }
            case 4: h.input.push_back(in.take<uint8_t>()); break;
            case 5: uart.poll_input(); break;
            case 6: {
                const int byte = uart.take_received_byte();
                if (byte >= 0 && !ever_loopback) h.delivered(static_cast<uint8_t>(byte));
                break;
            }
            case 7:
                if ((op & 0x70) == 0x70) uart.reset();
                if ((op & 0x70) == 0x60) unannounced = !unannounced;
                break;
        }
        FUZZ_CHECK(h.line == uart.interrupt_pending());
        // LCR.DLAB does not hide LSR; THRE and TEMT are always set, the
        // error bits (PE, FE, BI, FIFO error) never, and console input alone
        // never overruns the receiver.
        const auto lsr = static_cast<uint8_t>(uart.read(kLsr, 1));
        FUZZ_CHECK((lsr & 0x60) == 0x60);
        FUZZ_CHECK((lsr & 0x9c) == 0);
        if (!ever_loopback) FUZZ_CHECK((lsr & 0x02) == 0);
        data_ready = (lsr & 0x01) != 0;
        FUZZ_CHECK(h.line == uart.interrupt_pending());
    }
    return 0;
}
