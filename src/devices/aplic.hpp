// SPDX-License-Identifier: Apache-2.0
#pragma once
// A RISC-V AIA Advanced PLIC (compatible "riscv,aplic") in MSI delivery mode,
// one per VM, following the AIA specification's chapter 4
// (specs/aia/src/AdvPLIC.adoc; section numbers §4.x below are that chapter's,
// §3.x those of the IMSIC chapter, IMSIC.adoc).
//
// The model is one interrupt domain, the only one a guest sees, with no child
// domains and no IDCs: it converts the VM's wired interrupts (set_source_level,
// one call per change of a device's line) into MSIs to the guest's interrupt
// files, one per vCPU (send_msi). Its guest DT node carries "msi-parent" (so
// Linux drives it in MSI mode) and riscv,num-sources = num_sources().
//
// What the guest finds (and why, where the spec leaves a choice):
// - domaincfg (§4.5.1): DM reads 1 and BE 0, both read-only (MSI delivery,
//   little-endian only); IE is the one writable bit, 0 at reset.
// - Sources 1..num_sources() exist (source 0 never does, §4.1). Unlike Plic,
//   num_sources counts real sources only: it IS the DT's riscv,num-sources.
// - sourcecfg (§4.5.2): D (delegate) cannot be set, since there is no child
//   domain: a write with bit 10 set makes the whole register 0 (inactive), as
//   the spec says for a leaf domain. SM is WARL; the reserved values 2 and 3
//   are taken as 0 (inactive), the one mode the spec guarantees.
// - A sourcecfg write that leaves a source level-sensitive with its rectified
//   input high sets the pending bit (the spec's "might (or might not)", §4.5.2):
//   Linux 6.10 relied on it (its set_type retriggers by setipnum_le only since
//   6.11), so a level interrupt asserted while its mode changed is not lost.
// - target (§4.5.16, MSI mode): Hart Index (31:18) and EIID (10:0, all 11
//   bits kept) are stored; Guest Index (17:12) is read-only 0, since the
//   guest's harts have no H extension of their own. Hart indexes are vCPU
//   indexes: 0..num_harts() - 1.
// - An MSI goes out (§4.9) the moment a source is pending, enabled and IE = 1,
//   and clears its pending bit. One to a hart index >= num_harts() or with
//   EIID 0 is still "sent" as far as the domain is concerned (the pending bit
//   is cleared), but goes where no interrupt file is (no hart) or names no
//   identity (§3.1: 0 is never one; §3.5: the file ignores the write): it is
//   not passed to send_msi. So send_msi sees only hart_index < num_harts() and
//   eiid in 1..2047.
// - genmsi (§4.5.15): the extempore MSI goes out during the write (with the
//   same rules, and whatever IE is), so Busy always reads 0.
// - setipnum_be is implemented (byte-swapped setipnum), setipnum_le too.
// - The MSI address registers (§4.5.3, §4.5.4) are locked (mmsiaddrcfgh.L = 1)
//   from construction on: the guest cannot redirect MSIs, and no guest reset
//   unlocks them. The hypervisor may fill in the fields it wants the guest to
//   see (set_msi_address_config); until it does they read as the spec's
//   "hardwired elsewhere" form, 0 and 0x80000000. Strictly, only a
//   machine-level domain implements them; the guest's one domain stands in for
//   its root domain here. S-mode Linux never touches them: it computes each
//   target's Hart Index from the msi-parent IMSIC's addresses (in the DT), not
//   from these registers; only an M-mode kernel (CONFIG_RISCV_M_MODE) writes
//   mmsiaddrcfg/h at probe, and never reads them back, so the ignored write
//   is harmless.
// - Only naturally aligned 32-bit accesses do anything (§4.5): others read 0
//   and are ignored; so are registers of sources that do not exist and the
//   reserved space.
//
// Concurrency: every vCPU of the VM may access the APLIC at once, and device
// models drive their lines from any hart: one lock guards all of the state.
// send_msi is called with that lock held, in the critical section of the
// access or line change that sent the MSI, so MSIs reach the interrupt files
// in the order the domain sent them (what genmsi's ordering promise, §4.9.3,
// needs) and a pending bit is never seen cleared before its MSI is out. So the
// callback must not call back into this Aplic (it would deadlock), and the
// locks it takes (an interrupt file's) come after this one in the lock order.
// Devices that drive a line with their own lock held (the UART) put their
// lock before this one.

#include <array>
#include <cstdint>

#include "lib/capacity.hpp"
#include "lib/spinlock.hpp"

namespace halyard {

class Aplic {
  public:
    static constexpr uint64_t kSize = 0x4000;  // MMIO window a VM maps (no IDCs in MSI mode)
    static constexpr unsigned kReadBits = 32;  // what read() returns fits 32 bits
    static constexpr unsigned kMaxSources = capacity::kAplicSources;  // sources 1..kMaxSources
    static constexpr unsigned kMaxHarts = 1u << 14;  // the Hart Index field's range (§4.3)

    // Called with the APLIC's lock held, for each MSI the domain sends: to the
    // hart with APLIC hart index `hart_index` (< num_harts()), the interrupt
    // identity `eiid` (1..2047 as the target register holds it; the receiver
    // checks it against its interrupt file). Must not call back into the Aplic.
    using SendMsiFn = void (*)(void* cookie, unsigned hart_index, unsigned eiid);

    // `num_sources` is the number of the highest source (clamped to
    // kMaxSources; 0 means none); `num_harts` the number of hart indexes MSIs
    // may go to (clamped to kMaxHarts). `send_msi` may be null (MSIs go
    // nowhere). The MSI address registers start locked and hidden.
    Aplic(unsigned num_sources, unsigned num_harts, SendMsiFn send_msi, void* cookie);

    // `offset` is within the window (anything beyond reads 0 and is ignored).
    uint64_t read(uint64_t offset, unsigned width) EXCLUDES(lock_);
    void write(uint64_t offset, unsigned width, uint64_t value) EXCLUDES(lock_);

    // A device's wire into source `source` (1..num_sources(); others are
    // ignored). How a change counts depends on the source's mode (§4.7).
    void set_source_level(unsigned source, bool level) EXCLUDES(lock_);

    // Power-on state: IE = 0, every source inactive (so nothing pending or
    // enabled, every target 0), genmsi 0. The input lines belong to the devices
    // and keep their level. The MSI address registers keep what the hypervisor
    // set and stay locked (§4.5.3: a reset that is not a full system reset must
    // not unlock them).
    void reset() EXCLUDES(lock_);

    // The MSI address configuration the guest reads (§4.5.3, §4.5.4, §4.9.1):
    // `base_ppn` (44 bits) is the page number of the guest-physical address of
    // hart index 0's interrupt file; LHXS, LHXW, HHXS and HHXW lay the others
    // out as the spec's formula does. The same Base PPN and LHXS go into
    // mmsiaddrcfg/h and smsiaddrcfg/h, so that a guest that takes this domain
    // for a machine-level one and one that takes it for a supervisor-level one
    // derive the same addresses. Fields are cut to their widths; L stays 1.
    // Informational: MSIs go to hart indexes (send_msi), never to addresses.
    void set_msi_address_config(uint64_t base_ppn, unsigned lhxs, unsigned lhxw, unsigned hhxs,
                                unsigned hhxw) EXCLUDES(lock_);

    unsigned num_sources() const { return num_sources_; }
    unsigned num_harts() const { return num_harts_; }

  private:
    // Bit arrays packed as the spec packs setip, setie and in_clrip: source i
    // is bit i % 32 of word i / 32 (bit 0 of word 0 stands for no source).
    static constexpr unsigned kWords = kMaxSources / 32 + 1;
    static_assert(kWords <= 32, "the register map has 32 words per bit array");
    using Bits = std::array<uint32_t, kWords>;

    // The helpers below expect the lock held.
    uint32_t read_locked(uint64_t offset) const REQUIRES(lock_);
    void write_locked(uint64_t offset, uint32_t value) REQUIRES(lock_);
    void write_sourcecfg(unsigned source, uint32_t value) REQUIRES(lock_);
    // setip (word `word`, bits `bits`) and setipnum: sets the pending bits
    // software may set (§4.7).
    void set_pending(unsigned word, uint32_t bits) REQUIRES(lock_);
    void set_pending_number(uint32_t source) REQUIRES(lock_);
    uint32_t rectified(unsigned word) const REQUIRES(lock_);
    // Sends an MSI for every source pending and enabled while IE = 1 (§4.9),
    // clearing its pending bit. Called after every change that may make one,
    // so that between accesses no source is both while IE = 1.
    void forward() REQUIRES(lock_);
    // forward() after a change to `source` alone: by that invariant no other
    // source can need an MSI (a device's line change, on every interrupt).
    void forward_source(unsigned source) REQUIRES(lock_);
    void send(uint32_t target) const REQUIRES(lock_);
    void reset_locked() REQUIRES(lock_);

    // Whether `source` is an active source in the domain (a 32-bit value
    // written to a ...num register, say).
    bool active(uint64_t source) const REQUIRES(lock_) {
        return source != 0 && source <= num_sources_ && mode_[source] != 0;
    }

    const unsigned num_sources_;
    const unsigned num_harts_;
    const SendMsiFn send_msi_;
    void* const cookie_;

    SpinLock lock_;

    // Guarded by lock_.
    bool ie_ GUARDED_BY(lock_) = false;  // domaincfg.IE
    // sourcecfg.SM per source (D is always 0): 0, 1 or 4..7; and target. One
    // slot per bit of the bit arrays (index 0 and those past num_sources stay
    // 0), so that no index taken from a bit can run past them.
    std::array<uint8_t, kWords * 32> mode_ GUARDED_BY(lock_){};
    std::array<uint32_t, kWords * 32> target_ GUARDED_BY(lock_){};
    // Derived from mode_: the active sources; those that read their wire
    // (edge and level modes); the inverted ones (Edge0, Level0); the
    // level-sensitive ones.
    Bits active_ GUARDED_BY(lock_){};
    Bits wired_ GUARDED_BY(lock_){};
    Bits inverted_ GUARDED_BY(lock_){};
    Bits level_ GUARDED_BY(lock_){};
    Bits pending_ GUARDED_BY(lock_){};
    Bits enabled_ GUARDED_BY(lock_){};
    Bits wire_ GUARDED_BY(lock_){};  // input levels, whatever the mode
    uint32_t genmsi_ GUARDED_BY(lock_) = 0;
    // mmsiaddrcfg, mmsiaddrcfgh, smsiaddrcfg, smsiaddrcfgh as read.
    std::array<uint32_t, 4> msi_address_ GUARDED_BY(lock_){};
};

}  // namespace halyard
