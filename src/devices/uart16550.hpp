// SPDX-License-Identifier: Apache-2.0
#pragma once
// The ns16550a UART a guest finds at 0x1000_0000 on QEMU virt: eight byte-wide
// registers (reg-shift 0) in a small MMIO window, backed by the VM's console.
// It is a 16550A (TI/National PC16550D): after reset a 16450 with one-byte
// holding registers; FCR0 turns on the 16-byte receive and transmit FIFOs,
// IIR bits 7:6 then read 11 (how drivers tell a 16550A from a 16550 with
// broken FIFOs) and received data interrupts at the trigger level FCR7:6
// selects (1, 4, 8 or 14 bytes), or as a character timeout below it.
//
// Transmission is instantaneous: a THR write reaches the console at once, so
// the transmit FIFO, THR and the shift register are always empty (LSR.THRE and
// LSR.TEMT stay set) and a THR-empty interrupt follows every write. A driver
// that fills the FIFO per THRE (Linux writes 16 bytes) finds room for all of
// them; the transmit FIFO needs no storage of its own.
// Reception pulls from the console only while the receive FIFO has room, so
// console input is never lost; an overrun can only come from loopback.
//
// Concurrency: every vCPU of the VM may access the UART at once, and console
// input arrives from the console hart: one lock guards all of its state. One
// exception: an LSR read that would change nothing is answered without the
// lock, from a copy of LSR's two varying bits published whenever they change
// (line_status_; the argument is at Uart16550::read_without_lock). A console
// driver reads LSR before every byte it writes, and a polling one (U-Boot at
// its prompt) reads little else.
// The interrupt line is driven (the PLIC called) with the lock held, in the
// critical section of the access that moved it, so the PLIC's lock nests
// inside this one and levels reach it in order.

#include <array>
#include <atomic>
#include <cstdint>

#include "console/vm_console.hpp"
#include "lib/spinlock.hpp"

namespace halyard {

class Uart16550 {
  public:
    static constexpr uint64_t kSize = 0x100;  // MMIO window size a VM maps
    static constexpr unsigned kReadBits = 8;  // what read() returns fits a byte
    // write_without_calls is small enough for the exit's frameless first
    // stage to hold it (see writes_in_first_stage in handle_guest_page_fault).
    static constexpr bool kWritesInExitFirstStage = true;

    explicit Uart16550(VmConsole& console);

    // `offset` is within the window. The registers are one byte wide: a wider
    // access reads the addressed register zero-extended, or writes its low byte.
    // So every value read is below 2^kReadBits.
    uint64_t read(uint64_t offset, unsigned width) EXCLUDES(lock_);
    // read() without the lock, for the reads that change nothing (an LSR read,
    // while there is no overrun to clear and no console input to pull in):
    // true and `value` set if it is one. read() tries it first; the exit fast
    // path calls it on its own, so that the rest of read() is not in its way.
    [[gnu::always_inline]] bool read_without_lock(uint64_t offset, uint64_t& value) const;
    void write(uint64_t offset, unsigned width, uint64_t value) EXCLUDES(lock_);

    // What write_without_calls left to finish_write: a write to THR (DLL
    // while LCR.DLAB is set), IER (DLM), FCR or MCR, whole. Nothing, for the
    // others (LCR, SCR, the read-only and empty offsets). One word, so that it
    // takes one register.
    class AfterWrite {
      public:
        bool any() const { return bits_ != 0; }

      private:
        friend class Uart16550;
        static constexpr uint32_t kWhole = 0x800;  // bits 10:8 the offset, 7:0 the byte
        // THR's write, and the writes that may move the interrupt line.
        static constexpr bool left_whole(uint64_t offset) {
            return offset < 8 && ((0x17u >> offset) & 1) != 0;  // offsets 0, 1, 2, 4
        }
        static AfterWrite whole(uint64_t offset, uint8_t byte) {
            return AfterWrite(kWhole | static_cast<uint32_t>(offset) << 8 | byte);
        }
        explicit AfterWrite(uint32_t bits) : bits_(bits) {}
        uint64_t offset() const { return (bits_ >> 8) & 7; }
        uint8_t byte() const { return static_cast<uint8_t>(bits_); }
        uint32_t bits_;
    };
    // write() in two parts, so that the common write makes no call (the exit
    // fast path then finishes it without a frame): write_without_calls makes
    // the writes that touch nothing else (LCR, SCR) under the lock, and
    // leaves the rest to finish_write (for AfterWrite::any()), which makes
    // them whole in one critical section: a THR byte goes to the console
    // before any vCPU can see THR empty again, as a serial line sends bytes
    // in the order they left THR, and the interrupt line moves with the write
    // that moved it, so that levels reach the PLIC in order when several
    // vCPUs write at once.
    AfterWrite write_without_calls(uint64_t offset, unsigned width, uint64_t value) EXCLUDES(lock_);
    void finish_write(AfterWrite after) EXCLUDES(lock_);

    void reset() EXCLUDES(lock_);       // power-on state; the console is untouched
    void poll_input() EXCLUDES(lock_);  // move waiting console input into the receive FIFO
    // Level of the interrupt line (not gated by MCR.OUT2).
    bool interrupt_pending() EXCLUDES(lock_);
    // Pops a byte already in the receive FIFO (-1 if none): the SBI console
    // calls read the same serial line, so they must see these bytes first.
    int take_received_byte() EXCLUDES(lock_);

    // Wires the UART's interrupt output: `set_level` is called with the new
    // level whenever it changes (a PLIC input), with the UART's lock held.
    using IrqLineFn = void (*)(void* cookie, bool level);
    void connect_irq(IrqLineFn set_level, void* cookie) EXCLUDES(lock_);

  private:
    static constexpr unsigned kFifoDepth = 16;
    // What read_without_lock needs of the register map (the rest is in the .cpp).
    static constexpr uint64_t kLsr = 5;
    static constexpr uint8_t kLsrDataReady = 0x01;
    static constexpr uint8_t kLsrOverrun = 0x02;
    static constexpr uint8_t kLsrThrEmpty = 0x20;
    static constexpr uint8_t kLsrTransmitterEmpty = 0x40;

    void reset_locked() REQUIRES(lock_);
    int pop_received_byte() REQUIRES(lock_);
    void pull_input_if_empty() REQUIRES(lock_);
    void pull_one_byte() REQUIRES(lock_);
    uint64_t read_register(uint64_t offset, unsigned width) REQUIRES(lock_);
    // A write AfterWrite::left_whole names (the interrupt line not moved).
    [[gnu::always_inline]] void write_left_whole(uint64_t offset, uint8_t byte) REQUIRES(lock_);
    // The level the interrupt line should have.
    [[gnu::always_inline]] bool irq_level() const REQUIRES(lock_);
    [[gnu::always_inline]] void update_irq_line() REQUIRES(lock_);
    // The only ways rx_count_ and overrun_ change: each publishes them to
    // line_status_.
    void set_rx_count(unsigned count) REQUIRES(lock_);
    void set_overrun(bool overrun) REQUIRES(lock_);
    void publish_line_status() REQUIRES(lock_);
    uint8_t line_status() const REQUIRES(lock_);  // LSR.DR and LSR.OE as they are
    uint8_t read_rbr() REQUIRES(lock_);
    uint8_t read_iir() REQUIRES(lock_);
    uint8_t read_lsr() REQUIRES(lock_);
    uint8_t read_msr() REQUIRES(lock_);
    void write_thr(uint8_t value) REQUIRES(lock_);
    void write_ier(uint8_t value) REQUIRES(lock_);
    void write_fcr(uint8_t value) REQUIRES(lock_);
    void write_mcr(uint8_t value) REQUIRES(lock_);

    bool fifo_enabled() const REQUIRES(lock_);
    bool loopback() const REQUIRES(lock_);
    unsigned rx_capacity() const REQUIRES(lock_);
    unsigned rx_trigger_level() const REQUIRES(lock_);
    void receive(uint8_t byte) REQUIRES(lock_);
    void clear_rx() REQUIRES(lock_);
    // Inlined: every register access ends by recomputing the interrupt line.
    [[gnu::always_inline]] uint8_t interrupt_id() const REQUIRES(lock_);
    uint8_t modem_inputs() const REQUIRES(lock_);

    VmConsole& console_;

    SpinLock lock_;

    std::array<uint8_t, kFifoDepth> rx_ GUARDED_BY(lock_){};
    uint8_t rx_head_ GUARDED_BY(lock_) = 0;
    uint8_t rx_count_ GUARDED_BY(lock_) = 0;  // changed only by set_rx_count

    uint8_t ier_ GUARDED_BY(lock_) = 0;
    // FIFO enable and receive trigger bits as last programmed; FCR itself is
    // write-only (reads at its offset return IIR).
    uint8_t fcr_ GUARDED_BY(lock_) = 0;
    uint8_t lcr_ GUARDED_BY(lock_) = 0;
    uint8_t mcr_ GUARDED_BY(lock_) = 0;
    uint8_t scr_ GUARDED_BY(lock_) = 0;
    uint8_t dll_ GUARDED_BY(lock_) = 0;
    uint8_t dlm_ GUARDED_BY(lock_) = 0;
    uint8_t msr_deltas_ GUARDED_BY(lock_) = 0;     // MSR bits 3:0, cleared when MSR is read
    bool overrun_ GUARDED_BY(lock_) = false;       // LSR.OE; changed only by set_overrun
    bool thre_pending_ GUARDED_BY(lock_) = false;  // THR-empty interrupt latched, see write_ier()
    IrqLineFn irq_line_ GUARDED_BY(lock_) = nullptr;
    void* irq_cookie_ GUARDED_BY(lock_) = nullptr;
    bool irq_level_ GUARDED_BY(lock_) = false;
    // LSR.DR and LSR.OE (rx_count_ > 0 and overrun_) as of their last change:
    // written only with lock_ held (publish_line_status), read without it
    // (read_without_lock).
    std::atomic<uint8_t> line_status_{0};
};

// An LSR read changes nothing while there is no overrun to clear (LSR.OE)
// and no console input to pull in (pull_input_if_empty): the receiver holds a
// byte (LSR.DR), or the console announces its input (poll_input brings it in
// under the lock). Such a read is answered from line_status_: DR and OE change
// only under the lock and are published as they change, so it holds LSR as a
// locked read at that moment would find it. The console flag is read a moment
// apart from it; input arriving is seen by nothing until it is pulled in, so a
// read that missed it is a read from just before it came.
// Relaxed loads suffice: whatever makes the guest's read come after a change
// (its own earlier access, another vCPU's through the guest's own
// synchronization, or the interrupt that told it) orders the change's store
// before the load.
inline bool Uart16550::read_without_lock(uint64_t offset, uint64_t& value) const {
    if (offset != kLsr) return false;
    const uint8_t line_status = line_status_.load(std::memory_order_relaxed);
    if ((line_status & kLsrOverrun) != 0) return false;
    if ((line_status & kLsrDataReady) == 0 && console_.may_have_input()) return false;
    value = line_status | kLsrThrEmpty | kLsrTransmitterEmpty;
    return true;
}

}  // namespace halyard
