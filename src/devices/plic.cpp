// SPDX-License-Identifier: Apache-2.0
#include "devices/plic.hpp"

#include "lib/bits.hpp"

namespace halyard {
namespace {

// Register blocks ("Memory Map"); every register is 32 bits wide.
constexpr uint64_t kPriorityBase = 0x000000;  // 4 bytes per source, source 0 reserved
constexpr uint64_t kPendingBase = 0x001000;   // 32 sources per word
constexpr uint64_t kPendingEnd = 0x001080;
constexpr uint64_t kEnableBase = 0x002000;  // one 0x80-byte bit array per context
constexpr uint64_t kEnableStride = 0x80;
constexpr uint64_t kContextBase = 0x200000;  // one 4 KiB page per context
constexpr uint64_t kContextStride = 0x1000;
constexpr uint64_t kThresholdOffset = 0;
constexpr uint64_t kClaimCompleteOffset = 4;
constexpr unsigned kRegisterWidth = 4;
static_assert(kContextBase + Plic::kMaxContexts * kContextStride <= Plic::kSize,
              "every context's registers lie in the window");

// Priorities and thresholds are WARL ("Interrupt Priorities", "Priority
// Thresholds"): we keep three bits, levels 0..7, as QEMU virt does. Linux
// writes 1 to every priority, and 0 or 7 to its thresholds.
constexpr uint32_t kPriorityMask = 0x7;

constexpr unsigned kBitsPerWord = 32;
constexpr unsigned kMaskWords = Plic::kMaxSources / kBitsPerWord;

constexpr unsigned clamp_sources(unsigned n) {
    if (n == 0) return 1;  // id 0 alone: no source exists
    return n < Plic::kMaxSources ? n : Plic::kMaxSources;
}

constexpr unsigned clamp_contexts(unsigned n) {
    return n < Plic::kMaxContexts ? n : Plic::kMaxContexts;
}

// Ids 1..num_sources - 1: bit 0 stands for the non-existent source 0 and is
// hardwired to zero in the pending and enable arrays.
constexpr uint64_t source_mask(unsigned num_sources) {
    const uint64_t below = num_sources >= 64 ? ~uint64_t{0} : (uint64_t{1} << num_sources) - 1;
    return below & ~uint64_t{1};
}

// Word `word` of a bit array packed as the spec packs pending and enable bits:
// id N is bit N % 32 of word N / 32.
uint32_t mask_word(uint64_t mask, uint64_t word) {
    if (word >= kMaskWords) return 0;
    return static_cast<uint32_t>(mask >> (word * kBitsPerWord));
}

uint64_t replace_mask_word(uint64_t mask, uint64_t word, uint32_t value) {
    if (word >= kMaskWords) return mask;
    const unsigned shift = static_cast<unsigned>(word) * kBitsPerWord;
    const uint64_t field = uint64_t{0xffffffff} << shift;
    return (mask & ~field) | (uint64_t{value} << shift);
}

}  // namespace

Plic::Plic(unsigned num_sources, unsigned num_contexts, NotifyFn notify, void* cookie)
    : num_sources_(clamp_sources(num_sources)),
      num_contexts_(clamp_contexts(num_contexts)),
      valid_sources_(source_mask(num_sources_)),
      notify_(notify),
      cookie_(cookie) {}

void Plic::reset() {
    uint32_t changed = 0;
    {
        SpinLockGuard guard(lock_);
        priority_.fill(0);
        enable_.fill(0);
        threshold_.fill(0);
        update_eligibility();
        in_service_ = 0;
        // The gateways start idle, so each line that is high forwards a request.
        pending_ = line_;
        changed = update_outputs();
    }
    notify_changes(changed);
}

uint64_t Plic::read(uint64_t offset, unsigned width) {
    uint64_t value = 0;
    finish_read(read_without_calls(offset, width, value));
    return value;
}

Plic::AfterRead Plic::read_without_calls(uint64_t offset, unsigned width, uint64_t& value) {
    value = 0;
    if (width != kRegisterWidth || offset % kRegisterWidth != 0 || offset >= kSize)
        return AfterRead(0);
    SpinLockGuard guard(lock_);
    value = read_locked(offset);
    return AfterRead(update_outputs());  // a claim takes a request away
}

void Plic::write(uint64_t offset, unsigned width, uint64_t value) {
    finish_write(write_without_calls(offset, width, value));
}

Plic::AfterWrite Plic::write_without_calls(uint64_t offset, unsigned width, uint64_t value) {
    if (width != kRegisterWidth || offset % kRegisterWidth != 0 || offset >= kSize)
        return AfterWrite(0);
    SpinLockGuard guard(lock_);
    write_locked(offset, static_cast<uint32_t>(value));
    return AfterWrite(update_outputs());
}

void Plic::set_source_level(unsigned source, bool level) {
    if (!valid_source(source)) return;
    const SourceMask bit = source_bit(source);
    uint32_t changed = 0;
    {
        SpinLockGuard guard(lock_);
        if (level) {
            line_ |= bit;
            // "Interrupt Gateways": an assertion becomes a request unless one is
            // already pending or in service; while in service, the completion
            // re-examines the line (see complete()).
            if ((in_service_ & bit) == 0) pending_ |= bit;
        } else {
            // The gateway cannot retract a request it has forwarded: a pending
            // bit stays until claimed, and the handler finds nothing to do.
            line_ &= ~bit;
        }
        changed = update_outputs();
    }
    notify_changes(changed);
}

bool Plic::context_output(unsigned context) const {
    if (context >= num_contexts_) return false;
    return ((output_.load(std::memory_order_seq_cst) >> context) & 1) != 0;
}

uint32_t Plic::read_locked(uint64_t offset) {
    // The context registers first: claims are the accesses guests make most.
    if (offset >= kContextBase) {
        const uint64_t context = (offset - kContextBase) / kContextStride;
        if (context >= num_contexts_) return 0;
        const auto c = static_cast<unsigned>(context);
        switch ((offset - kContextBase) % kContextStride) {
            case kThresholdOffset: return threshold_[c];
            case kClaimCompleteOffset: return claim(c);
            default: return 0;  // reserved
        }
    }
    if (offset < kPendingBase) {
        const uint64_t id = (offset - kPriorityBase) / kRegisterWidth;
        return valid_source(id) ? priority_[id] : 0;
    }
    if (offset < kPendingEnd) {
        return mask_word(pending_, (offset - kPendingBase) / kRegisterWidth);
    }
    if (offset >= kEnableBase && offset < kContextBase) {
        const uint64_t context = (offset - kEnableBase) / kEnableStride;
        if (context >= num_contexts_) return 0;
        const uint64_t word = (offset - kEnableBase) % kEnableStride / kRegisterWidth;
        return mask_word(enable_[context], word);
    }
    return 0;  // reserved gap between the pending and enable arrays
}

void Plic::write_locked(uint64_t offset, uint32_t value) {
    // The context registers first: completions are the writes guests make most.
    if (offset >= kContextBase) {
        const uint64_t context = (offset - kContextBase) / kContextStride;
        if (context >= num_contexts_) return;
        const auto c = static_cast<unsigned>(context);
        switch ((offset - kContextBase) % kContextStride) {
            case kThresholdOffset:
                threshold_[c] = static_cast<uint8_t>(value & kPriorityMask);
                update_eligibility();
                break;
            case kClaimCompleteOffset: complete(c, value); break;
            default: break;  // reserved
        }
        return;
    }
    if (offset < kPendingBase) {
        const uint64_t id = (offset - kPriorityBase) / kRegisterWidth;
        if (!valid_source(id)) return;
        priority_[id] = static_cast<uint8_t>(value & kPriorityMask);
        update_eligibility();
        return;
    }
    // The pending array is read-only: software clears a pending bit only by
    // claiming it ("Interrupt Pending Bits").
    if (offset < kPendingEnd) return;
    if (offset >= kEnableBase && offset < kContextBase) {
        const uint64_t context = (offset - kEnableBase) / kEnableStride;
        if (context >= num_contexts_) return;
        const uint64_t word = (offset - kEnableBase) % kEnableStride / kRegisterWidth;
        enable_[context] = replace_mask_word(enable_[context], word, value) & valid_sources_;
        update_eligibility();
    }
}

void Plic::update_eligibility() {
    eligible_contexts_ = 0;
    for (unsigned c = 0; c < num_contexts_; ++c) {
        SourceMask eligible = 0;
        for (SourceMask rest = enable_[c]; rest != 0; rest &= rest - 1) {
            const unsigned id = lowest_set_bit(rest);
            if (priority_[id] > threshold_[c]) eligible |= source_bit(id);
        }
        eligible_[c] = eligible;
        if (eligible != 0) eligible_contexts_ |= uint32_t{1} << c;
    }
}

// The highest-priority source that is pending, enabled for `context`, not in
// service and above the context's threshold; ties go to the lowest id
// ("Interrupt Identifiers"). Priority 0 never qualifies: the threshold is at
// least 0 and the comparison strict ("Interrupt Priorities": "never interrupt").
unsigned Plic::best_source(unsigned context) const {
    SourceMask candidates = pending_ & ~in_service_ & eligible_[context];
    // Usually one source or none: then no priorities need comparing.
    if ((candidates & (candidates - 1)) == 0)
        return candidates != 0 ? lowest_set_bit(candidates) : 0;
    unsigned best = 0;
    unsigned best_priority = threshold_[context];
    // Set bits only, lowest id first: with a strict comparison a tie keeps
    // the lowest id.
    for (; candidates != 0; candidates &= candidates - 1) {
        const unsigned id = lowest_set_bit(candidates);
        if (priority_[id] > best_priority) {
            best = id;
            best_priority = priority_[id];
        }
    }
    return best;
}

// "Interrupt Claim Process". The spec lets a claim ignore the threshold; like
// QEMU's sifive_plic we apply it, so a claim returns exactly what the context's
// EIP announced and a context with its threshold at 7 sees nothing. The source
// stays in service until its completion, so no context (this one or another)
// can claim it again before then.
uint32_t Plic::claim(unsigned context) {
    const unsigned id = best_source(context);
    if (id != 0) {
        pending_ &= ~source_bit(id);
        in_service_ |= source_bit(id);
    }
    return id;
}

// "Interrupt Completion": the id need not match the last claim, but a
// completion for a source not enabled for this context is silently ignored, as
// is one for a source not in service. A line still high is a new request.
void Plic::complete(unsigned context, uint32_t id) {
    if (!valid_source(id)) return;
    const SourceMask bit = source_bit(id);
    if ((enable_[context] & bit) == 0 || (in_service_ & bit) == 0) return;
    in_service_ &= ~bit;
    if ((line_ & bit) != 0) pending_ |= bit;
}

// Recomputes every context's EIP ("Interrupt Notifications"); returns the
// contexts whose EIP changed.
uint32_t Plic::update_outputs() {
    // A context asserts its output while it has an eligible request: most
    // updates (claims, completions, a line going low) leave no request at all.
    const SourceMask requests = pending_ & ~in_service_;
    uint32_t outputs = 0;
    if (requests != 0) {
        for (uint32_t rest = eligible_contexts_; rest != 0; rest &= rest - 1) {
            const unsigned c = lowest_set_bit(rest);
            if ((requests & eligible_[c]) != 0) outputs |= uint32_t{1} << c;
        }
    }
    // Only this lock's holder stores, so the old value cannot move under us.
    const uint32_t changed = outputs ^ output_.load(std::memory_order_relaxed);
    // Sequentially consistent (a fence and a store on RISC-V) only when it
    // changes: see context_output().
    if (changed != 0) output_.store(outputs, std::memory_order_seq_cst);
    return changed;
}

// Outside the lock, so that the callback can kick another hart or call back
// into this PLIC. Each call starts after the change it reports, which is all
// a receiver that reads context_output() as it acts needs (see NotifyFn).
void Plic::notify_changes(uint32_t changed) const {
    if (notify_ == nullptr || changed == 0) return;
    if ((changed & (changed - 1)) != 0) [[unlikely]] {
        notify_each(changed);
        return;
    }
    notify_(cookie_, lowest_set_bit(changed));
}

void Plic::notify_each(uint32_t changed) const {
    for (; changed != 0; changed &= changed - 1) notify_(cookie_, lowest_set_bit(changed));
}

}  // namespace halyard
