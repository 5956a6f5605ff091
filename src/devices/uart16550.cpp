// SPDX-License-Identifier: Apache-2.0
#include "devices/uart16550.hpp"

// Register behaviour follows the PC16550D datasheet (TI SNLS378, "8.0
// Registers"): the FIFO Control Register, Table IV (interrupt control
// functions), the Line Status Register and "FIFO Interrupt Mode Operation".

namespace halyard {
namespace {

// Register offsets (reg-shift 0). Offsets 0 and 1 are the divisor latch
// (DLL/DLM) instead while LCR.DLAB is set.
constexpr uint64_t kRbrThr = 0;
constexpr uint64_t kIer = 1;
constexpr uint64_t kIirFcr = 2;
constexpr uint64_t kLcr = 3;
constexpr uint64_t kMcr = 4;
constexpr uint64_t kMsr = 6;
constexpr uint64_t kScr = 7;

constexpr uint8_t kIerRxData = 0x01;
constexpr uint8_t kIerThrEmpty = 0x02;
constexpr uint8_t kIerLineStatus = 0x04;
constexpr uint8_t kIerModemStatus = 0x08;
constexpr uint8_t kIerMask = 0x0f;  // bits 7:4 are always zero on a 16550

// IIR interrupt identification (bits 3:0), highest priority first.
constexpr uint8_t kIirLineStatus = 0x06;
constexpr uint8_t kIirRxData = 0x04;
constexpr uint8_t kIirRxTimeout = 0x0c;
constexpr uint8_t kIirThrEmpty = 0x02;
constexpr uint8_t kIirModemStatus = 0x00;
constexpr uint8_t kIirNone = 0x01;
constexpr uint8_t kIirFifosEnabled = 0xc0;

// FCR bit 2 (clear the transmit FIFO) has nothing to clear, bit 3 (DMA mode)
// only changes the RXRDY/TXRDY pins, and bits 5:4 are reserved on a 16550A
// (bit 5 is the 16750's 64-byte FIFO): none of them is kept.
constexpr uint8_t kFcrEnable = 0x01;
constexpr uint8_t kFcrClearRx = 0x02;
constexpr uint8_t kFcrTriggerMask = 0xc0;

constexpr uint8_t kLcrDlab = 0x80;

constexpr uint8_t kMcrDtr = 0x01;
constexpr uint8_t kMcrRts = 0x02;
constexpr uint8_t kMcrOut1 = 0x04;
constexpr uint8_t kMcrOut2 = 0x08;
constexpr uint8_t kMcrLoop = 0x10;
constexpr uint8_t kMcrMask = 0x1f;  // bits 7:5 are always zero on a 16550

constexpr uint8_t kMsrDeltaCts = 0x01;
constexpr uint8_t kMsrDeltaDsr = 0x02;
constexpr uint8_t kMsrTrailingRi = 0x04;
constexpr uint8_t kMsrDeltaDcd = 0x08;
constexpr uint8_t kMsrCts = 0x10;
constexpr uint8_t kMsrDsr = 0x20;
constexpr uint8_t kMsrRi = 0x40;
constexpr uint8_t kMsrDcd = 0x80;
// Outside loopback the line looks like a connected terminal, as on QEMU, so
// guests that wait for CTS/DSR/DCD are not stalled.
constexpr uint8_t kConnectedInputs = kMsrCts | kMsrDsr | kMsrDcd;

}  // namespace

// The highest-priority enabled source, as Table IV ranks them: line status,
// then received data (trigger level reached or character timeout, same
// level), then THR empty, then modem status.
inline uint8_t Uart16550::interrupt_id() const {
    if ((ier_ & kIerLineStatus) != 0 && overrun_) return kIirLineStatus;
    if ((ier_ & kIerRxData) != 0 && rx_count_ > 0) {
        // In FIFO mode "received data available" means the trigger level is
        // reached, and it clears as soon as the FIFO drops below it. Below it
        // a real FIFO reports a character timeout once nothing has entered or
        // left it for four character times. We have no clock and input
        // arrives in bursts, so that time counts as already elapsed.
        const bool below_trigger = fifo_enabled() && rx_count_ < rx_trigger_level();
        return below_trigger ? kIirRxTimeout : kIirRxData;
    }
    if ((ier_ & kIerThrEmpty) != 0 && thre_pending_) return kIirThrEmpty;
    if ((ier_ & kIerModemStatus) != 0 && msr_deltas_ != 0) return kIirModemStatus;
    return kIirNone;
}

inline void Uart16550::set_rx_count(unsigned count) {
    rx_count_ = static_cast<uint8_t>(count);
    publish_line_status();
}

inline void Uart16550::set_overrun(bool overrun) {
    overrun_ = overrun;
    publish_line_status();
}

inline uint8_t Uart16550::line_status() const {
    return static_cast<uint8_t>((rx_count_ > 0 ? kLsrDataReady : 0) | (overrun_ ? kLsrOverrun : 0));
}

inline void Uart16550::publish_line_status() {
    line_status_.store(line_status(), std::memory_order_relaxed);
}

inline bool Uart16550::irq_level() const {
    return interrupt_id() != kIirNone;
}

// Tells the interrupt controller about level changes only.
inline void Uart16550::update_irq_line() {
    const bool level = irq_level();
    if (level == irq_level_ || irq_line_ == nullptr) return;
    irq_level_ = level;
    irq_line_(irq_cookie_, level);
}

Uart16550::Uart16550(VmConsole& console) : console_(console) {
    SpinLockGuard guard(lock_);
    reset_locked();
}

void Uart16550::reset() {
    SpinLockGuard guard(lock_);
    reset_locked();
}

void Uart16550::reset_locked() {
    clear_rx();
    ier_ = fcr_ = lcr_ = mcr_ = scr_ = dll_ = dlm_ = 0;
    msr_deltas_ = 0;
    set_overrun(false);
    thre_pending_ = false;
    update_irq_line();
}

uint64_t Uart16550::read(uint64_t offset, unsigned width) {
    if (uint64_t value = 0; read_without_lock(offset, value)) [[likely]]
        return value;
    SpinLockGuard guard(lock_);
    const uint64_t value = read_register(offset, width);
    update_irq_line();
    return value;
}

void Uart16550::write(uint64_t offset, unsigned width, uint64_t value) {
    const AfterWrite after = write_without_calls(offset, width, value);
    if (after.any()) finish_write(after);
}

// `width` does not matter: a wider write writes its low byte.
Uart16550::AfterWrite Uart16550::write_without_calls(uint64_t offset,
                                                     [[maybe_unused]] unsigned width,
                                                     uint64_t value) {
    const auto byte = static_cast<uint8_t>(value);
    if (AfterWrite::left_whole(offset)) return AfterWrite::whole(offset, byte);
    SpinLockGuard guard(lock_);
    switch (offset) {
        case kLcr: lcr_ = byte; break;
        case kScr: scr_ = byte; break;
        // LSR and MSR are read-only (writes are factory test modes), and
        // nothing decodes in the rest of the window.
        default: break;
    }
    return AfterWrite(0);
}

void Uart16550::finish_write(AfterWrite after) {
    SpinLockGuard guard(lock_);
    write_left_whole(after.offset(), after.byte());
    update_irq_line();
}

void Uart16550::connect_irq(IrqLineFn set_level, void* cookie) {
    SpinLockGuard guard(lock_);
    irq_line_ = set_level;
    irq_cookie_ = cookie;
    irq_level_ = false;
    update_irq_line();
}

uint64_t Uart16550::read_register(uint64_t offset, [[maybe_unused]] unsigned width) {
    const bool dlab = (lcr_ & kLcrDlab) != 0;
    switch (offset) {
        case kRbrThr: return dlab ? dll_ : read_rbr();
        case kIer: return dlab ? dlm_ : ier_;
        case kIirFcr: return read_iir();
        case kLcr: return lcr_;
        case kMcr: return mcr_;
        case kLsr: return read_lsr();
        case kMsr: return read_msr();
        case kScr: return scr_;
        default: return 0;  // rest of the window: nothing decodes there
    }
}

// The writes AfterWrite::left_whole names, which finish_write makes whole:
// THR's, and those that may change an interrupt source (IER itself, the
// receiver, the modem status deltas).
inline void Uart16550::write_left_whole(uint64_t offset, uint8_t byte) {
    const bool dlab = (lcr_ & kLcrDlab) != 0;
    switch (offset) {
        case kRbrThr:
            if (dlab) {
                dll_ = byte;
            } else {
                write_thr(byte);
            }
            break;
        case kIer:
            if (dlab) {
                dlm_ = byte;
            } else {
                write_ier(byte);
            }
            break;
        case kIirFcr: write_fcr(byte); break;
        case kMcr: write_mcr(byte); break;
        default: break;  // not left whole
    }
}

void Uart16550::poll_input() {
    SpinLockGuard guard(lock_);
    // In loopback the receiver hears only the transmitter; console input waits.
    if (!loopback()) {
        while (rx_count_ < rx_capacity()) {
            const int c = console_.get();
            if (c < 0) break;
            receive(static_cast<uint8_t>(c));
        }
    }
    update_irq_line();
}

bool Uart16550::interrupt_pending() {
    SpinLockGuard guard(lock_);
    return interrupt_id() != kIirNone;
}

// Register reads pull console input one byte at a time, only once the guest
// has consumed what the receiver holds: bytes the guest has not asked for
// stay with the console, where the VM's SBI console calls can still read them.
// (The console is asked before loopback is: it rarely may have input.)
inline void Uart16550::pull_input_if_empty() {
    if (rx_count_ == 0 && console_.may_have_input() && !loopback()) pull_one_byte();
}

void Uart16550::pull_one_byte() {
    const int c = console_.get();
    if (c >= 0) receive(static_cast<uint8_t>(c));
}

int Uart16550::take_received_byte() {
    SpinLockGuard guard(lock_);
    const int byte = pop_received_byte();
    update_irq_line();
    return byte;
}

int Uart16550::pop_received_byte() {
    if (rx_count_ == 0) return -1;
    const uint8_t byte = rx_[rx_head_];
    rx_head_ = static_cast<uint8_t>((rx_head_ + 1) % kFifoDepth);
    set_rx_count(rx_count_ - 1u);
    return byte;
}

uint8_t Uart16550::read_rbr() {
    pull_input_if_empty();  // a guest may read RBR without checking LSR first
    const int byte = pop_received_byte();
    return byte < 0 ? 0 : static_cast<uint8_t>(byte);
}

uint8_t Uart16550::read_iir() {
    // A driver without an interrupt line (Linux 8250 with no IRQ) polls IIR
    // for received data, so input must arrive here too.
    pull_input_if_empty();
    const uint8_t id = interrupt_id();
    // Reading IIR acknowledges THR-empty only when it is the reported source;
    // every other source is cleared by servicing it (RBR, LSR or MSR reads).
    if (id == kIirThrEmpty) thre_pending_ = false;
    // Bits 7:6 are both set while FCR0 is (Linux's autoconfig reads 11 as a
    // 16550A); bits 5:4 are always zero.
    return static_cast<uint8_t>(id | (fifo_enabled() ? kIirFifosEnabled : 0));
}

uint8_t Uart16550::read_lsr() {
    pull_input_if_empty();
    // THRE: THR (in FIFO mode the transmit FIFO) is empty; TEMT: so is the
    // shift register. Both hold at once here (see write_thr). DR: the
    // receiver buffer or FIFO holds a byte. Parity, framing and break errors
    // (bits 4:2, and bit 7 in FIFO mode) never happen on this line.
    const auto lsr = static_cast<uint8_t>(kLsrThrEmpty | kLsrTransmitterEmpty | line_status());
    if (overrun_) set_overrun(false);
    return lsr;
}

uint8_t Uart16550::read_msr() {
    const uint8_t msr = modem_inputs() | msr_deltas_;
    msr_deltas_ = 0;
    return msr;
}

void Uart16550::write_thr(uint8_t value) {
    if (loopback()) {
        receive(value);
    } else {
        console_.put(static_cast<char>(value));
    }
    // Writing THR clears a THR-empty interrupt, but the byte leaves at once and
    // THR (the transmit FIFO) is empty again, which raises a new one: the 8250
    // driver's transmit loop relies on that to be called for the next chunk.
    thre_pending_ = true;
}

void Uart16550::write_ier(uint8_t value) {
    const auto enabled = static_cast<uint8_t>(value & kIerMask);
    // Enabling ETBEI while THR is empty (always, here) raises THR-empty even if
    // an IIR read acknowledged it before: Linux's startup probe (UART_BUG_THRE)
    // and its start_tx path depend on that edge.
    if ((enabled & kIerThrEmpty) != 0 && (ier_ & kIerThrEmpty) == 0) thre_pending_ = true;
    ier_ = enabled;
}

void Uart16550::write_fcr(uint8_t value) {
    const bool enable = (value & kFcrEnable) != 0;
    if (enable != fifo_enabled()) {
        // Switching between FIFO and 16450 mode empties both FIFOs, and "the
        // first transmitter interrupt after changing FCR0 will be immediate,
        // if it is enabled" (the latch is gated by IER.ETBEI in interrupt_id).
        clear_rx();
        thre_pending_ = true;
    }
    if (!enable) {
        fcr_ = 0;  // the other bits are only programmed while FCR0 is set
        return;
    }
    // Clearing the receive FIFO drops its bytes, and with them its trigger
    // level and timeout indications; the shift register is not involved.
    if ((value & kFcrClearRx) != 0) clear_rx();
    fcr_ = static_cast<uint8_t>(value & (kFcrEnable | kFcrTriggerMask));
}

void Uart16550::write_mcr(uint8_t value) {
    const uint8_t before = modem_inputs();
    mcr_ = static_cast<uint8_t>(value & kMcrMask);
    const uint8_t after = modem_inputs();
    const auto changed = static_cast<uint8_t>(before ^ after);
    if ((changed & kMsrCts) != 0) msr_deltas_ |= kMsrDeltaCts;
    if ((changed & kMsrDsr) != 0) msr_deltas_ |= kMsrDeltaDsr;
    if ((changed & kMsrDcd) != 0) msr_deltas_ |= kMsrDeltaDcd;
    // TERI reports only the trailing edge of RI (on to off).
    if ((before & kMsrRi) != 0 && (after & kMsrRi) == 0) msr_deltas_ |= kMsrTrailingRi;
}

bool Uart16550::fifo_enabled() const {
    return (fcr_ & kFcrEnable) != 0;
}

bool Uart16550::loopback() const {
    return (mcr_ & kMcrLoop) != 0;
}

unsigned Uart16550::rx_capacity() const {
    return fifo_enabled() ? kFifoDepth : 1;
}

unsigned Uart16550::rx_trigger_level() const {
    constexpr std::array<uint8_t, 4> kLevels{1, 4, 8, 14};
    return kLevels[fcr_ >> 6];
}

void Uart16550::receive(uint8_t byte) {
    if (rx_count_ == rx_capacity()) {
        set_overrun(true);  // LSR.OE is set as soon as it happens
        // A 16450 holding register is overwritten by the new character; a full
        // FIFO keeps its contents and the character in the shift register is
        // lost ("overwritten, but not transferred to the FIFO").
        if (!fifo_enabled()) rx_[rx_head_] = byte;
        return;
    }
    rx_[(rx_head_ + rx_count_) % kFifoDepth] = byte;
    set_rx_count(rx_count_ + 1u);
}

void Uart16550::clear_rx() {
    rx_head_ = 0;
    set_rx_count(0);
}

uint8_t Uart16550::modem_inputs() const {
    if (!loopback()) return kConnectedInputs;
    // Loopback wires the modem outputs back to the inputs.
    uint8_t inputs = 0;
    if ((mcr_ & kMcrRts) != 0) inputs |= kMsrCts;
    if ((mcr_ & kMcrDtr) != 0) inputs |= kMsrDsr;
    if ((mcr_ & kMcrOut1) != 0) inputs |= kMsrRi;
    if ((mcr_ & kMcrOut2) != 0) inputs |= kMsrDcd;
    return inputs;
}

}  // namespace halyard
