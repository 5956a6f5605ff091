#pragma once
// The ns16550a UART a guest finds at 0x1000_0000 on QEMU virt: eight byte-wide
// registers (reg-shift 0) in a small MMIO window, backed by the VM's console.
//
// Transmission is instantaneous: a THR write reaches the console at once, so
// THR and the transmitter are always empty (LSR.THRE and LSR.TEMT stay set).
// Reception pulls from the console only while the receive FIFO has room, so
// console input is never lost; an overrun can only come from loopback.

#include <array>
#include <cstdint>

#include "console/vm_console.hpp"

namespace halyard {

class Uart16550 {
  public:
    static constexpr uint64_t kSize = 0x100;  // MMIO window size a VM maps

    explicit Uart16550(VmConsole& console);

    // `offset` is within the window. The registers are one byte wide: a wider
    // access reads the addressed register zero-extended, or writes its low byte.
    uint64_t read(uint64_t offset, unsigned width);
    void write(uint64_t offset, unsigned width, uint64_t value);

    void reset();                    // power-on state; the console is untouched
    void poll_input();               // move waiting console input into the receive FIFO
    bool interrupt_pending() const;  // level of the interrupt line (not gated by MCR.OUT2)
    // Pops a byte already in the receive FIFO (-1 if none): the SBI console
    // calls read the same serial line, so they must see these bytes first.
    int take_received_byte();

    // Wires the UART's interrupt output: `set_level` is called with the new
    // level whenever it changes (a PLIC input).
    using IrqLineFn = void (*)(void* cookie, bool level);
    void connect_irq(IrqLineFn set_level, void* cookie);

  private:
    static constexpr unsigned kFifoDepth = 16;

    void pull_input_if_empty();
    uint64_t read_register(uint64_t offset, unsigned width);
    void write_register(uint64_t offset, unsigned width, uint64_t value);
    void update_irq_line();
    uint8_t read_rbr();
    uint8_t read_iir();
    uint8_t read_lsr();
    uint8_t read_msr();
    void write_thr(uint8_t value);
    void write_ier(uint8_t value);
    void write_fcr(uint8_t value);
    void write_mcr(uint8_t value);

    bool fifo_enabled() const;
    bool loopback() const;
    unsigned rx_capacity() const;
    unsigned rx_trigger_level() const;
    void receive(uint8_t byte);
    void clear_rx();
    uint8_t interrupt_id() const;
    uint8_t modem_inputs() const;

    VmConsole& console_;

    std::array<uint8_t, kFifoDepth> rx_{};
    uint8_t rx_head_ = 0;
    uint8_t rx_count_ = 0;

    uint8_t ier_ = 0;
    uint8_t fcr_ = 0;  // FIFO enable and receive trigger bits; FCR itself is write-only
    uint8_t lcr_ = 0;
    uint8_t mcr_ = 0;
    uint8_t scr_ = 0;
    uint8_t dll_ = 0;
    uint8_t dlm_ = 0;
    uint8_t msr_deltas_ = 0;     // MSR bits 3:0, cleared when MSR is read
    bool overrun_ = false;       // LSR.OE, cleared when LSR is read
    bool thre_pending_ = false;  // THR-empty interrupt latched, see write_ier()
    IrqLineFn irq_line_ = nullptr;
    void* irq_cookie_ = nullptr;
    bool irq_level_ = false;
};

}  // namespace halyard
