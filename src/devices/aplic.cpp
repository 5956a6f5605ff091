// SPDX-License-Identifier: Apache-2.0
#include "devices/aplic.hpp"

#include "halyard/aia_registers.hpp"
#include "lib/bits.hpp"

namespace halyard {
namespace {

// The registers of the first 16 KiB of a domain's control region and their
// fields (halyard/aia_registers.hpp); all 32 bits wide.
using namespace aplic;
constexpr unsigned kRegisterWidth = 4;

// domaincfg (§4.5.1): bits 31:24 read 0x80, DM reads 1 (MSI delivery mode
// only) and BE (bit 0) reads 0 (little-endian only); IE is the one writable bit.
constexpr uint32_t kDomaincfgFixed = 0x80000000u | kDomaincfgDm;

// sourcecfg (§4.5.2): D is bit 10, SM bits 2:0.
constexpr uint32_t kSourcecfgD = 1u << 10;
constexpr uint32_t kSourcecfgSm = 0x7;

// target in MSI delivery mode (§4.5.16) and genmsi (§4.5.15): EIID keeps all
// 11 bits (the largest interrupt file has 2047 identities, §3.1). Guest Index
// (17:12) and genmsi's Busy (12) read 0.
constexpr uint32_t kHartIndexMask = 0x3fff;
constexpr uint32_t kEiidMask = 0x7ff;
constexpr uint32_t kTargetWritable = (kHartIndexMask << kHartIndexShift) | kEiidMask;

// mmsiaddrcfgh (§4.5.3): L in bit 31, HHXS 28:24, LHXS 22:20, HHXW 18:16,
// LHXW 15:12, High Base PPN 11:0. smsiaddrcfgh (§4.5.4): LHXS and High Base
// PPN at the same places.
constexpr uint32_t kMsiAddressLocked = 1u << 31;
constexpr uint64_t kBasePpnMask = (uint64_t{1} << 44) - 1;

constexpr unsigned clamp(unsigned n, unsigned limit) {
    return n < limit ? n : limit;
}

constexpr uint32_t byte_swapped(uint32_t v) {
    // Spelled out: without Zbb a bswap builtin may become a libgcc call.
    return (v >> 24) | ((v >> 8) & 0xff00u) | ((v << 8) & 0xff0000u) | (v << 24);
}

}  // namespace

Aplic::Aplic(unsigned num_sources, unsigned num_harts, SendMsiFn send_msi, void* cookie)
    : num_sources_(clamp(num_sources, kMaxSources)),
      num_harts_(clamp(num_harts, kMaxHarts)),
      send_msi_(send_msi),
      cookie_(cookie) {
    SpinLockGuard guard(lock_);
    reset_locked();
    // Locked, fields hidden (§4.5.3: "read-only values zero and 0x80000000").
    msi_address_ = {0, kMsiAddressLocked, 0, 0};
}

void Aplic::reset() {
    SpinLockGuard guard(lock_);
    reset_locked();
}

// Every source inactive, so every pending and enable bit and every target is
// 0 (§4.6 leaves all but domaincfg UNSPECIFIED; this is the state Linux's
// probe would leave anyway). wire_ and msi_address_ are kept.
void Aplic::reset_locked() {
    ie_ = false;
    mode_.fill(0);
    target_.fill(0);
    active_ = {};
    wired_ = {};
    inverted_ = {};
    level_ = {};
    pending_ = {};
    enabled_ = {};
    genmsi_ = 0;
}

void Aplic::set_msi_address_config(uint64_t base_ppn, unsigned lhxs, unsigned lhxw, unsigned hhxs,
                                   unsigned hhxw) {
    base_ppn &= kBasePpnMask;
    const auto low = static_cast<uint32_t>(base_ppn);
    const auto high = static_cast<uint32_t>(base_ppn >> 32);
    const uint32_t lhxs_field = (lhxs & 0x7u) << 20;
    const uint32_t geometry =
        ((hhxs & 0x1fu) << 24) | ((hhxw & 0x7u) << 16) | ((lhxw & 0xfu) << 12);
    SpinLockGuard guard(lock_);
    msi_address_ = {low, kMsiAddressLocked | geometry | lhxs_field | high, low, lhxs_field | high};
}

uint64_t Aplic::read(uint64_t offset, unsigned width) {
    if (width != kRegisterWidth || offset % kRegisterWidth != 0 || offset >= kSize) return 0;
    SpinLockGuard guard(lock_);
    return read_locked(offset);
}

void Aplic::write(uint64_t offset, unsigned width, uint64_t value) {
    if (width != kRegisterWidth || offset % kRegisterWidth != 0 || offset >= kSize) return;
    SpinLockGuard guard(lock_);
    // A 32-bit register: a store hands over the whole source register.
    write_locked(offset, static_cast<uint32_t>(value));
}

void Aplic::set_source_level(unsigned source, bool level) {
    if (source == 0 || source > num_sources_) return;
    const unsigned word = source / 32;
    const uint32_t bit = uint32_t{1} << (source % 32);
    SpinLockGuard guard(lock_);
    const uint32_t before = rectified(word) & bit;
    if (level) {
        wire_[word] |= bit;
    } else {
        wire_[word] &= ~bit;
    }
    const uint32_t after = rectified(word) & bit;
    // §4.7: in edge and level modes a low-to-high transition of the rectified
    // input sets the pending bit (inactive and detached sources read 0, so
    // they never see one); in level modes a low rectified input clears it.
    if (before == 0 && after != 0) pending_[word] |= bit;
    if (after == 0 && (level_[word] & bit) != 0) pending_[word] &= ~bit;
    forward_source(source);
}

// §4.5.2: the rectified input is the wire XOR "inverted" for edge and level
// modes, and 0 for inactive and detached sources.
uint32_t Aplic::rectified(unsigned word) const {
    return (wire_[word] ^ inverted_[word]) & wired_[word];
}

uint32_t Aplic::read_locked(uint64_t offset) const {
    if (offset == kDomaincfg) return kDomaincfgFixed | (ie_ ? kDomaincfgIe : 0);
    if (offset < kSourcecfgEnd) {
        const uint64_t source = (offset - kSourcecfgBase) / kRegisterWidth + 1;
        return source <= num_sources_ ? mode_[source] : 0;
    }
    if (offset >= kTargetBase) {
        const uint64_t source = (offset - kTargetBase) / kRegisterWidth + 1;
        return source <= num_sources_ ? target_[source] : 0;
    }
    if (offset >= kMsiAddressBase && offset < kMsiAddressEnd)
        return msi_address_[(offset - kMsiAddressBase) / kRegisterWidth];
    if (offset == kGenmsi) return genmsi_;  // Busy (bit 12) is always 0
    // The bit arrays: words past the implemented sources read 0. The ...num
    // registers, clrie and setipnum_le/be read 0 (§4.5.6 to §4.5.14).
    const uint64_t word = offset % 0x100 / kRegisterWidth;
    if (word >= kWords) return 0;
    const auto w = static_cast<unsigned>(word);
    switch (offset - word * kRegisterWidth) {
        case kSetipBase: return pending_[w];
        case kInClripBase: return rectified(w);
        case kSetieBase: return enabled_[w];
        default: return 0;
    }
}

void Aplic::write_locked(uint64_t offset, uint32_t value) {
    if (offset == kDomaincfg) {
        // Only IE is writable; DM and BE are read-only (WARL with one value).
        ie_ = (value & kDomaincfgIe) != 0;
    } else if (offset < kSourcecfgEnd) {
        const uint64_t source = (offset - kSourcecfgBase) / kRegisterWidth + 1;
        if (source > num_sources_) return;
        write_sourcecfg(static_cast<unsigned>(source), value);
    } else if (offset >= kTargetBase) {
        // §4.5.16: read-only 0 while the source is inactive.
        const uint64_t source = (offset - kTargetBase) / kRegisterWidth + 1;
        if (active(source)) target_[source] = value & kTargetWritable;
        return;  // pending and enable bits are untouched: nothing to forward
    } else if (offset == kGenmsi) {
        // §4.5.15: an extempore MSI, sent whatever IE is. It leaves at once, so
        // Busy is never seen set and no write finds it busy.
        genmsi_ = value & kTargetWritable;
        send(genmsi_);
        return;
    } else if (offset == kSetipnum || offset == kSetipnumLe) {
        set_pending_number(value);
    } else if (offset == kSetipnumBe) {
        set_pending_number(byte_swapped(value));
    } else if (offset == kClripnum) {
        if (active(value)) pending_[value / 32] &= ~(uint32_t{1} << (value % 32));
        return;
    } else if (offset == kSetienum) {
        if (active(value)) enabled_[value / 32] |= uint32_t{1} << (value % 32);
    } else if (offset == kClrienum) {
        if (active(value)) enabled_[value / 32] &= ~(uint32_t{1} << (value % 32));
        return;
    } else {
        // The bit arrays; the MSI address registers are locked, and the rest
        // is reserved (§4.5: writes to read-only bytes are ignored).
        const uint64_t word = offset % 0x100 / kRegisterWidth;
        const uint64_t base = offset - word * kRegisterWidth;
        if (word >= kWords) return;
        const auto w = static_cast<unsigned>(word);
        switch (base) {
            case kSetipBase: set_pending(w, value); break;
            case kInClripBase: pending_[w] &= ~(value & active_[w]); return;
            case kSetieBase: enabled_[w] |= value & active_[w]; break;
            case kClrieBase: enabled_[w] &= ~value; return;
            default: return;
        }
    }
    forward();
}

void Aplic::write_sourcecfg(unsigned source, uint32_t value) {
    // A leaf domain: D = 1 sets the whole register to 0 (§4.5.2). SM is WARL:
    // the reserved values 2 and 3 become Inactive, the mode always supported.
    uint32_t mode = (value & kSourcecfgD) != 0 ? kInactive : value & kSourcecfgSm;
    if (mode == 2 || mode == 3) mode = kInactive;
    mode_[source] = static_cast<uint8_t>(mode);

    const unsigned w = source / 32;
    const uint32_t bit = uint32_t{1} << (source % 32);
    auto assign = [bit](uint32_t& word, bool set) { word = set ? word | bit : word & ~bit; };
    assign(active_[w], mode != kInactive);
    assign(wired_[w], mode >= kEdge1);
    assign(inverted_[w], mode == kEdge0 || mode == kLevel0);
    assign(level_[w], mode == kLevel1 || mode == kLevel0);

    if (mode == kInactive) {
        // §4.5.2: an inactive source's pending and enable bits and its target
        // are read-only 0; they stay 0 when it is made active again.
        pending_[w] &= ~bit;
        enabled_[w] &= ~bit;
        target_[source] = 0;
        return;
    }
    if ((level_[w] & bit) != 0) {
        // §4.7, level modes in MSI delivery mode: never pending while the
        // rectified input is low. While it is high we pend it: the spec's
        // "might" (§4.5.2), which Linux 6.10 depended on (see the header).
        assign(pending_[w], (rectified(w) & bit) != 0);
    }
    // Edge and detached modes keep their pending bit: a write to sourcecfg
    // clears one only when it makes the source inactive (§4.5.2).
}

// §4.7: software sets the pending bit of any active source, except a
// level-sensitive one whose rectified input is low.
void Aplic::set_pending(unsigned word, uint32_t bits) {
    const uint32_t settable = active_[word] & (~level_[word] | rectified(word));
    pending_[word] |= bits & settable;
}

void Aplic::set_pending_number(uint32_t source) {
    if (!active(source)) return;  // §4.5.6: not an active source, ignored
    set_pending(source / 32, uint32_t{1} << (source % 32));
}

// §4.9: "An MSI is sent for a specific source only when the source's
// corresponding pending and enable bits are both one and the IE field of
// register domaincfg is also one. If and when an MSI is sent, the source's
// interrupt pending bit is cleared." Lowest source first.
void Aplic::forward() {
    if (!ie_) return;
    for (unsigned w = 0; w < kWords; ++w) {
        for (uint32_t ready = pending_[w] & enabled_[w]; ready != 0; ready &= ready - 1) {
            const unsigned bit = lowest_set_bit(ready);
            pending_[w] &= ~(uint32_t{1} << bit);
            send(target_[w * 32 + bit]);
        }
    }
}

void Aplic::forward_source(unsigned source) {
    const unsigned w = source / 32;
    const uint32_t bit = uint32_t{1} << (source % 32);
    if (!ie_ || (pending_[w] & enabled_[w] & bit) == 0) return;
    pending_[w] &= ~bit;
    send(target_[source]);
}

// An MSI to hart index `target` 31:18 with data EIID 10:0 (§4.9.1). One to a
// hart index no vCPU has, or with EIID 0 (never an interrupt identity, §3.1;
// an interrupt file ignores it, §3.5), goes nowhere: it is not passed on.
void Aplic::send(uint32_t target) const {
    const unsigned hart = target >> kHartIndexShift;
    const unsigned eiid = target & kEiidMask;
    if (hart >= num_harts_ || eiid == 0 || send_msi_ == nullptr) return;
    send_msi_(cookie_, hart, eiid);
}

}  // namespace halyard
