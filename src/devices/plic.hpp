// SPDX-License-Identifier: Apache-2.0
#pragma once
// The platform-level interrupt controller a guest finds at 0x0c00_0000 on QEMU
// virt (compatible "sifive,plic-1.0.0", "riscv,plic0"), one per VM, following
// the RISC-V PLIC specification (specs/plic/riscv-plic.adoc).
//
// Context i is the S-mode context of vCPU i: the guest DTB's interrupts-extended
// lists <&cpuN_intc 9> in vCPU order, so there are no M-mode contexts. Interrupt
// ids run from 1 to num_sources - 1 (the guest DTB's riscv,ndev is
// num_sources - 1); id 0 means "no interrupt".
//
// Every input is level-triggered (as QEMU virt's devices are). Each source has a
// gateway ("Interrupt Gateways"): the first assertion of the line sets the
// pending bit; after a claim the source is in service and the gateway forwards
// nothing more until the completion, when a line still high pends it again.
//
// Several harts may access one PLIC at once (each vCPU runs on its own hart):
// one lock guards the state, and `notify` runs after it is released.

#include <array>
#include <atomic>
#include <cstdint>

#include "lib/capacity.hpp"
#include "lib/spinlock.hpp"

namespace halyard {

class Plic {
  public:
    // MMIO window size a VM maps: QEMU virt's, up to the APLIC a VM with AIA
    // finds at 0x0d00_0000 (guest::kAplicBase).
    static constexpr uint64_t kSize = 0x600000;
    static constexpr unsigned kReadBits = 32;  // what read() returns fits 32 bits
    static constexpr unsigned kMaxSources =
        capacity::kPlicSources;  // interrupt ids 1..63 (0 means "none")
    static constexpr unsigned kMaxContexts = capacity::kPlicContexts;

    // Called after a context's external-interrupt output changed (with the
    // internal lock released), with `context` = vCPU index: the callback reads
    // the level itself, context_output(), when it acts on it. A call says only
    // "look again": every change is followed by a call that starts after it,
    // but calls may overlap, arrive for changes already undone, or find a
    // level another hart's change has already replaced. So a receiver that
    // reads the level as it acts, one action at a time per context (its
    // vCPU's hart), always ends at the current level; no ordering between
    // harts is needed. The callback may call back into this Plic.
    using NotifyFn = void (*)(void* cookie, unsigned context);

    // `num_sources` counts id 0 too (clamped to 1..kMaxSources); `num_contexts`
    // is clamped to kMaxContexts. `notify` may be null.
    Plic(unsigned num_sources, unsigned num_contexts, NotifyFn notify, void* cookie);

    // `offset` is within the window. Every register is 32 bits wide ("Memory
    // Map"): only naturally aligned 32-bit accesses do anything; any other
    // width or alignment reads 0 and its writes are ignored. Registers of
    // sources or contexts that do not exist, and the reserved space between
    // blocks, read 0 and ignore writes.
    uint64_t read(uint64_t offset, unsigned width) EXCLUDES(lock_);
    void write(uint64_t offset, unsigned width, uint64_t value) EXCLUDES(lock_);

    // What an access left for after the lock: the contexts whose output
    // changed, to notify. One word, so that it takes one register.
    class AfterAccess {
      public:
        bool any() const { return changed_ != 0; }

      private:
        friend class Plic;
        explicit AfterAccess(uint32_t changed) : changed_(changed) {}
        uint32_t changed_;
    };
    using AfterRead = AfterAccess;
    using AfterWrite = AfterAccess;
    // read() and write() in two parts each, the access under the lock and the
    // notification after it, so that the exit fast path makes the
    // notification, if any, a tail call: no call returns into the access, so
    // its frame holds only the registers the PLIC's own code needs.
    AfterRead read_without_calls(uint64_t offset, unsigned width, uint64_t& value) EXCLUDES(lock_);
    void finish_read(AfterRead after) const { notify_changes(after.changed_); }
    AfterWrite write_without_calls(uint64_t offset, unsigned width, uint64_t value) EXCLUDES(lock_);
    void finish_write(AfterWrite after) const { notify_changes(after.changed_); }

    // Level-triggered input from a device model: the source is pending while
    // high (re-pended after completion if still high, per the spec's gateway
    // rules). Dropping the line does not retract a request already pending.
    void set_source_level(unsigned source, bool level) EXCLUDES(lock_);

    // The current level of that context's EIP. Sequentially consistent with
    // the store that changes it, for receivers that pair it with a store of
    // their own (a vCPU being entered: see vcpu_is_running).
    bool context_output(unsigned context) const;
    unsigned num_sources() const { return num_sources_; }
    unsigned num_contexts() const { return num_contexts_; }

    // Power-on state: priorities, enables and thresholds 0, nothing pending or
    // in service. The input lines belong to the devices and keep their level,
    // so a line that is high is pending again at once.
    void reset() EXCLUDES(lock_);

  private:
    using SourceMask = uint64_t;  // bit n stands for interrupt id n
    static_assert(kMaxSources <= 64, "one 64-bit mask holds every source");
    static_assert(kMaxContexts <= 32, "one 32-bit mask holds every context's output");

    // The helpers below expect the spinlock held.
    uint32_t read_locked(uint64_t offset) REQUIRES(lock_);
    void write_locked(uint64_t offset, uint32_t value) REQUIRES(lock_);
    unsigned best_source(unsigned context) const
        REQUIRES(lock_);  // 0 if none exceeds the threshold
    uint32_t claim(unsigned context) REQUIRES(lock_);
    void complete(unsigned context, uint32_t id) REQUIRES(lock_);
    // The contexts whose output changed (bit c for context c).
    uint32_t update_outputs() REQUIRES(lock_);
    // Recomputes eligible_ and eligible_contexts_ from the enables, priorities
    // and thresholds; called whenever one of them is written.
    void update_eligibility() REQUIRES(lock_);

    // Calls notify_ for each context in `changed`; with the spinlock released.
    // Usually one context changes: the loop over several is out of line, so
    // that its registers are not the exit fast path's to save.
    void notify_changes(uint32_t changed) const;
    [[gnu::noinline]] void notify_each(uint32_t changed) const;

    bool valid_source(uint64_t id) const { return id != 0 && id < num_sources_; }
    SourceMask source_bit(uint64_t id) const { return SourceMask{1} << id; }

    const unsigned num_sources_;
    const unsigned num_contexts_;
    const SourceMask valid_sources_;  // bits 1..num_sources - 1
    const NotifyFn notify_;
    void* const cookie_;

    SpinLock lock_;

    // Guarded by lock_.
    std::array<uint8_t, kMaxSources> priority_ GUARDED_BY(lock_){};
    std::array<SourceMask, kMaxContexts> enable_ GUARDED_BY(lock_){};
    std::array<uint8_t, kMaxContexts> threshold_ GUARDED_BY(lock_){};
    // Derived from the three arrays above, which guests write at set-up time,
    // so that the updates every claim, completion and line change makes need
    // no priority comparisons: the sources context c would take, enabled for
    // it with a priority above its threshold; and bit c set while that is any.
    std::array<SourceMask, kMaxContexts> eligible_ GUARDED_BY(lock_){};
    uint32_t eligible_contexts_ GUARDED_BY(lock_) = 0;
    SourceMask pending_ GUARDED_BY(lock_) = 0;     // IP bits of the PLIC core
    SourceMask in_service_ GUARDED_BY(lock_) = 0;  // claimed, completion not yet received
    SourceMask line_ GUARDED_BY(lock_) = 0;        // input levels at the gateways

    // Bit c is context c's EIP; written under lock_, read without it.
    std::atomic<uint32_t> output_{0};
};

}  // namespace halyard
