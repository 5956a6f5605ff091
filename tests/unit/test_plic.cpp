// SPDX-License-Identifier: Apache-2.0
// Unit tests for the virtual PLIC. Register offsets are spelled out here from
// the PLIC specification's memory map rather than taken from the model.

#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <barrier>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "devices/plic.hpp"
#include "lib/spinlock.hpp"

namespace halyard {
namespace {

constexpr uint64_t priority_reg(uint64_t id) {
    return 0x000000 + 4 * id;
}
constexpr uint64_t pending_reg(uint64_t word) {
    return 0x001000 + 4 * word;
}
constexpr uint64_t enable_reg(uint64_t context, uint64_t word) {
    return 0x002000 + 0x80 * context + 4 * word;
}
constexpr uint64_t threshold_reg(uint64_t context) {
    return 0x200000 + 0x1000 * context;
}
constexpr uint64_t claim_reg(uint64_t context) {
    return 0x200004 + 0x1000 * context;
}

// (context, level): a notification and the level the callback read.
using Event = std::pair<unsigned, bool>;
using Events = std::vector<Event>;

// 40 sources (ids 1..39, so the second pending/enable word is partly used)
// and two contexts.
class PlicTest : public testing::Test {
  protected:
    static constexpr unsigned kSources = 40;
    static constexpr unsigned kContexts = 2;

    static void record(void* cookie, unsigned context) {
        auto& self = *static_cast<PlicTest*>(cookie);
        self.events.emplace_back(context, self.plic.context_output(context));
    }

    uint32_t rd(uint64_t offset) { return static_cast<uint32_t>(plic.read(offset, 4)); }
    void wr(uint64_t offset, uint64_t value) { plic.write(offset, 4, value); }

    // Sets `id`'s priority and adds it to `context`'s enables.
    void route(unsigned id, unsigned priority, unsigned context) {
        wr(priority_reg(id), priority);
        const uint64_t reg = enable_reg(context, id / 32);
        wr(reg, rd(reg) | (uint32_t{1} << (id % 32)));
    }
    void disable(unsigned id, unsigned context) {
        const uint64_t reg = enable_reg(context, id / 32);
        wr(reg, rd(reg) & ~(uint32_t{1} << (id % 32)));
    }
    bool pending(unsigned id) { return ((rd(pending_reg(id / 32)) >> (id % 32)) & 1) != 0; }
    uint32_t claim(unsigned context) { return rd(claim_reg(context)); }
    void complete(unsigned context, uint32_t id) { wr(claim_reg(context), id); }
    // Returns the recorded notifications and forgets them.
    Events take_events() { return std::exchange(events, {}); }

    Events events;
    Plic plic{kSources, kContexts, &record, this};
};

// ---- construction and power-on state ------------------------------------------------

TEST_F(PlicTest, PowerOnStateIsAllZero) {
    EXPECT_EQ(plic.num_sources(), kSources);
    EXPECT_EQ(plic.num_contexts(), kContexts);
    for (unsigned id = 0; id < Plic::kMaxSources; ++id) EXPECT_EQ(rd(priority_reg(id)), 0u) << id;
    EXPECT_EQ(rd(pending_reg(0)), 0u);
    EXPECT_EQ(rd(pending_reg(1)), 0u);
    for (unsigned c = 0; c < kContexts; ++c) {
        EXPECT_EQ(rd(enable_reg(c, 0)), 0u);
        EXPECT_EQ(rd(enable_reg(c, 1)), 0u);
        EXPECT_EQ(rd(threshold_reg(c)), 0u);
        EXPECT_EQ(claim(c), 0u);
        EXPECT_FALSE(plic.context_output(c));
    }
    EXPECT_TRUE(events.empty());
}

TEST(PlicConstruction, CountsAreClampedToTheLimits) {
    Plic big{1000, 100, nullptr, nullptr};
    EXPECT_EQ(big.num_sources(), Plic::kMaxSources);
    EXPECT_EQ(big.num_contexts(), Plic::kMaxContexts);
    Plic none{0, 1, nullptr, nullptr};
    EXPECT_EQ(none.num_sources(), 1u);  // id 0 only: no source exists
    none.set_source_level(1, true);
    EXPECT_EQ(none.read(pending_reg(0), 4), 0u);
}

TEST(PlicConstruction, FullSizeUsesEveryIdAndContext) {
    Plic plic{Plic::kMaxSources, Plic::kMaxContexts, nullptr, nullptr};
    const unsigned last = Plic::kMaxSources - 1;
    const unsigned context = Plic::kMaxContexts - 1;
    plic.write(enable_reg(context, 0), 4, 0xffffffff);
    plic.write(enable_reg(context, 1), 4, 0xffffffff);
    EXPECT_EQ(plic.read(enable_reg(context, 0), 4), 0xfffffffeu);  // bit 0 is id 0
    EXPECT_EQ(plic.read(enable_reg(context, 1), 4), 0xffffffffu);
    plic.write(priority_reg(last), 4, 1);
    plic.set_source_level(last, true);
    EXPECT_EQ(plic.read(pending_reg(1), 4), 0x80000000u);
    EXPECT_TRUE(plic.context_output(context));
    EXPECT_EQ(plic.read(claim_reg(context), 4), last);  // works without a notify callback
}

// ---- priorities ------------------------------------------------------------------------

TEST_F(PlicTest, PriorityIsWarlWithThreeBits) {
    wr(priority_reg(1), 5);
    EXPECT_EQ(rd(priority_reg(1)), 5u);
    wr(priority_reg(1), 0xffffffff);
    EXPECT_EQ(rd(priority_reg(1)), 7u);
    wr(priority_reg(1), 8);  // only bits 2:0 are writable
    EXPECT_EQ(rd(priority_reg(1)), 0u);
    wr(priority_reg(1), 0x1'0000'0003);  // a 32-bit register: upper value bits are dropped
    EXPECT_EQ(rd(priority_reg(1)), 3u);
}

TEST_F(PlicTest, EachSourceHasItsOwnPriority) {
    for (unsigned id = 1; id < kSources; ++id) wr(priority_reg(id), id);
    for (unsigned id = 1; id < kSources; ++id) EXPECT_EQ(rd(priority_reg(id)), id % 8) << id;
}

TEST_F(PlicTest, PriorityOfSourceZeroAndMissingSourcesReadsZero) {
    wr(priority_reg(0), 7);
    EXPECT_EQ(rd(priority_reg(0)), 0u);
    for (unsigned id = kSources; id < 1024; ++id) {
        wr(priority_reg(id), 7);
        EXPECT_EQ(rd(priority_reg(id)), 0u) << id;
    }
}

// ---- pending bits ----------------------------------------------------------------------

TEST_F(PlicTest, PendingBitsFollowTheSpecPacking) {
    plic.set_source_level(3, true);
    plic.set_source_level(35, true);
    EXPECT_EQ(rd(pending_reg(0)), 1u << 3);
    EXPECT_EQ(rd(pending_reg(1)), 1u << (35 - 32));
    for (unsigned word = 2; word < 32; ++word) EXPECT_EQ(rd(pending_reg(word)), 0u) << word;
}

TEST_F(PlicTest, PendingBitsAreReadOnly) {
    wr(pending_reg(0), 0xffffffff);
    wr(pending_reg(1), 0xffffffff);
    EXPECT_EQ(rd(pending_reg(0)), 0u);
    EXPECT_EQ(rd(pending_reg(1)), 0u);
    plic.set_source_level(6, true);
    plic.set_source_level(6, false);
    wr(pending_reg(0), 0);  // a write cannot clear one either
    EXPECT_EQ(rd(pending_reg(0)), 1u << 6);
}

TEST_F(PlicTest, SourceZeroAndMissingSourcesNeverPend) {
    plic.set_source_level(0, true);
    plic.set_source_level(kSources, true);
    plic.set_source_level(Plic::kMaxSources, true);
    plic.set_source_level(1000, true);
    EXPECT_EQ(rd(pending_reg(0)), 0u);
    EXPECT_EQ(rd(pending_reg(1)), 0u);
}

// ---- enables ---------------------------------------------------------------------------

TEST_F(PlicTest, EnablesAreKeptPerContext) {
    wr(enable_reg(0, 0), 0x0000f0f0);
    wr(enable_reg(1, 0), 0x12345678);
    wr(enable_reg(1, 1), 0x000000a5);
    EXPECT_EQ(rd(enable_reg(0, 0)), 0x0000f0f0u);
    EXPECT_EQ(rd(enable_reg(0, 1)), 0u);
    EXPECT_EQ(rd(enable_reg(1, 0)), 0x12345678u);
    EXPECT_EQ(rd(enable_reg(1, 1)), 0x000000a5u);
}

TEST_F(PlicTest, EnableBitsForIdZeroAndMissingSourcesReadZero) {
    wr(enable_reg(0, 0), 0xffffffff);
    wr(enable_reg(0, 1), 0xffffffff);
    EXPECT_EQ(rd(enable_reg(0, 0)), 0xfffffffeu);
    EXPECT_EQ(rd(enable_reg(0, 1)), 0x000000ffu);  // ids 32..39
    for (unsigned word = 2; word < 32; ++word) {
        wr(enable_reg(0, word), 0xffffffff);
        EXPECT_EQ(rd(enable_reg(0, word)), 0u) << word;
    }
}

TEST_F(PlicTest, EnablesOfMissingContextsReadZero) {
    for (unsigned c = kContexts; c < 64; ++c) {
        wr(enable_reg(c, 0), 0xffffffff);
        EXPECT_EQ(rd(enable_reg(c, 0)), 0u) << c;
    }
    EXPECT_EQ(rd(enable_reg(0, 0)), 0u);  // nothing spilled into the real contexts
    EXPECT_EQ(rd(enable_reg(1, 0)), 0u);
}

// ---- thresholds ------------------------------------------------------------------------

TEST_F(PlicTest, ThresholdIsWarlWithThreeBitsPerContext) {
    wr(threshold_reg(0), 3);
    wr(threshold_reg(1), 0xffffffff);
    EXPECT_EQ(rd(threshold_reg(0)), 3u);
    EXPECT_EQ(rd(threshold_reg(1)), 7u);
    wr(threshold_reg(0), 9);
    EXPECT_EQ(rd(threshold_reg(0)), 1u);
    wr(threshold_reg(kContexts), 5);
    EXPECT_EQ(rd(threshold_reg(kContexts)), 0u);
}

TEST_F(PlicTest, ThresholdMasksPrioritiesAtOrBelowIt) {
    route(2, 3, 0);
    route(4, 4, 0);
    plic.set_source_level(2, true);
    wr(threshold_reg(0), 4);
    EXPECT_FALSE(plic.context_output(0));
    EXPECT_EQ(claim(0), 0u);
    plic.set_source_level(4, true);
    EXPECT_FALSE(plic.context_output(0));  // equal to the threshold is masked too
    wr(threshold_reg(0), 3);
    EXPECT_TRUE(plic.context_output(0));
    EXPECT_EQ(claim(0), 4u);
    EXPECT_FALSE(plic.context_output(0));  // source 2 (priority 3) is still masked
    EXPECT_EQ(claim(0), 0u);
    wr(threshold_reg(0), 0);
    EXPECT_TRUE(plic.context_output(0));
    EXPECT_EQ(claim(0), 2u);
}

TEST_F(PlicTest, PriorityZeroNeverInterrupts) {
    route(5, 0, 0);
    plic.set_source_level(5, true);
    EXPECT_TRUE(pending(5));
    EXPECT_FALSE(plic.context_output(0));
    EXPECT_EQ(claim(0), 0u);
    wr(priority_reg(5), 1);  // the request was kept and now shows
    EXPECT_TRUE(plic.context_output(0));
    EXPECT_EQ(claim(0), 5u);
}

// ---- claim and complete ----------------------------------------------------------------

TEST_F(PlicTest, ClaimsHighestPriorityFirstAndLowestIdOnTies) {
    route(9, 1, 0);
    route(5, 2, 0);
    route(3, 2, 0);
    route(36, 6, 0);
    route(7, 6, 0);
    for (unsigned id : {9u, 5u, 3u, 36u, 7u}) plic.set_source_level(id, true);
    EXPECT_EQ(claim(0), 7u);
    EXPECT_EQ(claim(0), 36u);
    EXPECT_EQ(claim(0), 3u);
    EXPECT_EQ(claim(0), 5u);
    EXPECT_EQ(claim(0), 9u);
    EXPECT_EQ(claim(0), 0u);
}

TEST_F(PlicTest, ClaimSkipsSourcesNotEnabledForTheContext) {
    route(8, 5, 1);  // enabled on context 1 only
    route(10, 1, 0);
    plic.set_source_level(8, true);
    plic.set_source_level(10, true);
    EXPECT_EQ(claim(0), 10u);
    EXPECT_EQ(claim(0), 0u);
    EXPECT_TRUE(pending(8));
    EXPECT_EQ(claim(1), 8u);
}

TEST_F(PlicTest, ClaimClearsPendingAndInServiceBlocksRedelivery) {
    route(12, 1, 0);
    plic.set_source_level(12, true);
    EXPECT_TRUE(pending(12));
    EXPECT_EQ(claim(0), 12u);
    EXPECT_FALSE(pending(12));
    EXPECT_FALSE(plic.context_output(0));
    // New assertions while in service are held back by the gateway.
    plic.set_source_level(12, false);
    plic.set_source_level(12, true);
    EXPECT_FALSE(pending(12));
    EXPECT_FALSE(plic.context_output(0));
    EXPECT_EQ(claim(0), 0u);
    complete(0, 12);
    EXPECT_TRUE(pending(12));
    EXPECT_TRUE(plic.context_output(0));
    EXPECT_EQ(claim(0), 12u);
}

TEST_F(PlicTest, LevelSourceRependsAfterCompleteOnlyWhileHigh) {
    route(20, 2, 0);
    plic.set_source_level(20, true);
    EXPECT_EQ(claim(0), 20u);
    complete(0, 20);  // still high: a new request at once
    EXPECT_TRUE(pending(20));
    EXPECT_TRUE(plic.context_output(0));
    EXPECT_EQ(claim(0), 20u);
    plic.set_source_level(20, false);  // the handler serviced the device
    complete(0, 20);
    EXPECT_FALSE(pending(20));
    EXPECT_FALSE(plic.context_output(0));
    EXPECT_EQ(claim(0), 0u);
    plic.set_source_level(20, true);  // idle gateway: the next assertion pends
    EXPECT_TRUE(pending(20));
}

TEST_F(PlicTest, DroppedLineDoesNotRetractAPendingRequest) {
    route(14, 1, 0);
    plic.set_source_level(14, true);
    plic.set_source_level(14, false);
    EXPECT_TRUE(pending(14));
    EXPECT_TRUE(plic.context_output(0));
    EXPECT_EQ(claim(0), 14u);
    complete(0, 14);
    EXPECT_FALSE(pending(14));
}

TEST_F(PlicTest, CompleteOfIdNotEnabledForTheContextIsIgnored) {
    route(4, 1, 0);
    plic.set_source_level(4, true);
    EXPECT_EQ(claim(0), 4u);
    complete(1, 4);  // context 1 does not enable source 4
    EXPECT_FALSE(pending(4));
    disable(4, 0);
    complete(0, 4);  // nor, now, does context 0
    EXPECT_FALSE(pending(4));
    route(4, 1, 0);
    EXPECT_FALSE(plic.context_output(0));  // still in service
    complete(0, 4);
    EXPECT_TRUE(pending(4));
    EXPECT_EQ(claim(0), 4u);
}

TEST_F(PlicTest, CompleteNeedNotComeFromTheClaimingContext) {
    // The spec does not tie a completion to the claim that preceded it.
    route(6, 1, 0);
    route(6, 1, 1);
    plic.set_source_level(6, true);
    EXPECT_EQ(claim(0), 6u);
    complete(1, 6);
    EXPECT_TRUE(pending(6));
}

TEST_F(PlicTest, CompleteOfBogusIdsIsIgnored) {
    route(2, 1, 0);
    plic.set_source_level(2, true);
    EXPECT_EQ(claim(0), 2u);
    complete(0, 0);
    complete(0, kSources);
    complete(0, Plic::kMaxSources);
    complete(0, 0xffffffff);
    complete(0, 3);  // a real source, but not in service
    EXPECT_FALSE(pending(2));
    EXPECT_FALSE(pending(3));
    EXPECT_EQ(claim(0), 0u);
    complete(0, 2);
    EXPECT_EQ(claim(0), 2u);
}

TEST_F(PlicTest, TwoContextsEnabledForOneSourceClaimItOnce) {
    route(11, 3, 0);
    route(11, 3, 1);
    plic.set_source_level(11, true);
    EXPECT_TRUE(plic.context_output(0));
    EXPECT_TRUE(plic.context_output(1));  // multicast
    EXPECT_EQ(claim(1), 11u);
    EXPECT_FALSE(plic.context_output(0));
    EXPECT_FALSE(plic.context_output(1));
    EXPECT_EQ(claim(0), 0u);  // the loser finds nothing
    plic.set_source_level(11, false);
    complete(1, 11);
    EXPECT_EQ(claim(0), 0u);
    EXPECT_EQ(claim(1), 0u);
}

// ---- notifications ---------------------------------------------------------------------

TEST_F(PlicTest, NotifyReportsExactlyTheLevelChanges) {
    route(1, 1, 0);
    route(2, 2, 0);
    EXPECT_TRUE(take_events().empty());  // programming alone changes nothing
    plic.set_source_level(1, true);
    EXPECT_EQ(take_events(), (Events{{0, true}}));
    plic.set_source_level(2, true);  // already high
    plic.set_source_level(1, true);
    EXPECT_TRUE(take_events().empty());
    EXPECT_EQ(claim(0), 2u);  // source 1 keeps the output high
    EXPECT_TRUE(take_events().empty());
    EXPECT_EQ(claim(0), 1u);
    EXPECT_EQ(take_events(), (Events{{0, false}}));
    EXPECT_EQ(claim(0), 0u);
    plic.set_source_level(2, false);
    complete(0, 2);
    EXPECT_TRUE(take_events().empty());
    complete(0, 1);  // line 1 is still high
    EXPECT_EQ(take_events(), (Events{{0, true}}));
    EXPECT_TRUE(plic.context_output(0));
}

TEST_F(PlicTest, NotifyNamesTheContextWhoseOutputChanged) {
    route(30, 1, 1);
    plic.set_source_level(30, true);
    EXPECT_EQ(take_events(), (Events{{1, true}}));
    EXPECT_FALSE(plic.context_output(0));
    route(30, 1, 0);
    EXPECT_EQ(take_events(), (Events{{0, true}}));
    EXPECT_EQ(claim(0), 30u);
    EXPECT_EQ(take_events(), (Events{{0, false}, {1, false}}));
}

TEST_F(PlicTest, ProgrammingRegistersRaisesAndLowersTheOutput) {
    plic.set_source_level(3, true);
    wr(priority_reg(3), 2);
    EXPECT_TRUE(take_events().empty());  // not enabled yet
    wr(enable_reg(0, 0), 1u << 3);
    EXPECT_EQ(take_events(), (Events{{0, true}}));
    wr(threshold_reg(0), 2);
    EXPECT_EQ(take_events(), (Events{{0, false}}));
    wr(priority_reg(3), 3);
    EXPECT_EQ(take_events(), (Events{{0, true}}));
    wr(priority_reg(3), 0);
    EXPECT_EQ(take_events(), (Events{{0, false}}));
    wr(priority_reg(3), 7);
    EXPECT_EQ(take_events(), (Events{{0, true}}));
    wr(enable_reg(0, 0), 0);
    EXPECT_EQ(take_events(), (Events{{0, false}}));
}

TEST(PlicNotify, CallbackMayCallBackIntoThePlic) {
    // An "instant handler": on a rising output it claims, services the device
    // (which drops the line) and completes, all from inside the callback.
    struct Harness {
        Plic* plic = nullptr;
        Events events;
        std::vector<uint32_t> claimed;
    } h;
    auto notify = [](void* cookie, unsigned context) {
        auto& self = *static_cast<Harness*>(cookie);
        const bool level = self.plic->context_output(context);
        self.events.emplace_back(context, level);
        if (!level) return;
        const auto id = static_cast<uint32_t>(self.plic->read(claim_reg(context), 4));
        self.claimed.push_back(id);
        self.plic->set_source_level(id, false);
        self.plic->write(claim_reg(context), 4, id);
    };
    Plic plic{8, 1, notify, &h};
    h.plic = &plic;
    plic.write(priority_reg(5), 4, 1);
    plic.write(enable_reg(0, 0), 4, 1u << 5);
    plic.set_source_level(5, true);
    EXPECT_EQ(h.events, (Events{{0, true}, {0, false}}));
    EXPECT_EQ(h.claimed, (std::vector<uint32_t>{5}));
    EXPECT_FALSE(plic.context_output(0));
}

// ---- access width, alignment, reserved space -------------------------------------------

TEST_F(PlicTest, OnlyAlignedWordAccessesDoAnything) {
    route(9, 5, 0);
    plic.set_source_level(9, true);
    for (unsigned width : {1u, 2u, 8u}) {
        EXPECT_EQ(plic.read(priority_reg(9), width), 0u) << width;
        plic.write(priority_reg(9), width, 1);
        EXPECT_EQ(plic.read(claim_reg(0), width), 0u) << width;  // no claim happened
        plic.write(threshold_reg(0), width, 7);
    }
    EXPECT_EQ(plic.read(priority_reg(9) + 1, 4), 0u);  // misaligned
    plic.write(priority_reg(9) + 2, 4, 1);
    EXPECT_EQ(plic.read(claim_reg(0) + 2, 4), 0u);
    EXPECT_EQ(rd(priority_reg(9)), 5u);
    EXPECT_EQ(rd(threshold_reg(0)), 0u);
    EXPECT_TRUE(pending(9));
    EXPECT_EQ(claim(0), 9u);
    plic.write(claim_reg(0), 2, 9);  // a half-word completion is ignored too
    EXPECT_FALSE(pending(9));
    complete(0, 9);
    EXPECT_TRUE(pending(9));
}

TEST_F(PlicTest, ReservedAndMissingContextRegistersReadZero) {
    route(2, 1, 0);
    route(2, 1, 1);
    plic.set_source_level(2, true);
    // Between the pending array and the enables, and after the enables.
    for (uint64_t offset : {0x1080ull, 0x1ffcull, 0x1f1f80ull, 0x1ffffcull}) {
        plic.write(offset, 4, 0xffffffff);
        EXPECT_EQ(rd(offset), 0u) << std::hex << offset;
    }
    // The rest of a context's page.
    for (uint64_t offset : {0x200008ull, 0x200ffcull}) {
        plic.write(offset, 4, 2);
        EXPECT_EQ(rd(offset), 0u) << std::hex << offset;
    }
    // Contexts that do not exist have no claim/complete.
    for (unsigned c = kContexts; c < 16; ++c) {
        EXPECT_EQ(claim(c), 0u) << c;
        complete(c, 2);
        wr(threshold_reg(c), 1);
        EXPECT_EQ(rd(threshold_reg(c)), 0u);
    }
    EXPECT_EQ(rd(0x3fff004), 0u);  // the spec's last context
    EXPECT_EQ(plic.read(Plic::kSize, 4), 0u);
    EXPECT_EQ(plic.read(~uint64_t{3}, 4), 0u);
    plic.write(Plic::kSize + claim_reg(0), 4, 0);
    EXPECT_TRUE(pending(2));
    EXPECT_TRUE(plic.context_output(0));
    EXPECT_EQ(claim(0), 2u);
}

// ---- reset -----------------------------------------------------------------------------

TEST_F(PlicTest, ResetRestoresPowerOnStateAndKeepsInputLines) {
    route(3, 4, 0);
    route(33, 2, 1);
    wr(threshold_reg(1), 1);
    plic.set_source_level(3, true);
    plic.set_source_level(33, true);
    EXPECT_EQ(claim(0), 3u);  // in service across the reset
    plic.set_source_level(33, false);
    take_events();
    ASSERT_TRUE(plic.context_output(1));

    plic.reset();
    EXPECT_EQ(take_events(), (Events{{1, false}}));
    for (unsigned id = 1; id < kSources; ++id) EXPECT_EQ(rd(priority_reg(id)), 0u) << id;
    for (unsigned c = 0; c < kContexts; ++c) {
        EXPECT_EQ(rd(enable_reg(c, 0)), 0u);
        EXPECT_EQ(rd(enable_reg(c, 1)), 0u);
        EXPECT_EQ(rd(threshold_reg(c)), 0u);
        EXPECT_FALSE(plic.context_output(c));
    }
    // Line 3 is still high, so its idle gateway forwards it again; line 33
    // dropped, so its old request is gone.
    EXPECT_EQ(rd(pending_reg(0)), 1u << 3);
    EXPECT_EQ(rd(pending_reg(1)), 0u);
    route(3, 1, 0);
    EXPECT_EQ(take_events(), (Events{{0, true}}));
    EXPECT_EQ(claim(0), 3u);
}

// ---- several harts at once -------------------------------------------------------------

// A receiver as Halyard's vCPUs are (external_interrupt_changed): each
// context's level is read and applied one call at a time, as a vCPU's hart
// does (its own exits, or the requests other harts post to it). Calls from
// several threads may overlap, come late or find nothing changed; what must
// hold is that once the changes stop, the level applied last is the current
// one.
struct ConcurrentNotifications {
    static void notify(void* cookie, unsigned context) {
        auto& self = *static_cast<ConcurrentNotifications*>(cookie);
        SpinLockGuard hart(self.hart[context]);
        self.level[context] = self.plic->context_output(context);
        ++self.calls;
    }
    const Plic* plic = nullptr;
    std::array<SpinLock, Plic::kMaxContexts> hart;
    std::array<std::atomic<bool>, Plic::kMaxContexts> level{};
    std::atomic<unsigned> calls{0};
};

constexpr auto kRaceTimeout = std::chrono::seconds(30);

// A device raises kEvents events on source 1 (level-triggered: the line is high
// while events are outstanding); two vCPUs whose contexts both enable source 1
// wait for their notified EIP, then race to claim, service one event, and
// complete. Every claim must find an event (no spurious or double delivery),
// no two handlers may run at once, and every event must be serviced (a lost
// interrupt or a lost notification would leave the handlers waiting).
TEST(PlicConcurrency, ClaimCompleteRaceBetweenContexts) {
    constexpr unsigned kEvents = 20000;
    ConcurrentNotifications notes;
    Plic plic{2, 2, &ConcurrentNotifications::notify, &notes};
    notes.plic = &plic;
    for (unsigned c = 0; c < 2; ++c) plic.write(enable_reg(c, 0), 4, 1u << 1);
    plic.write(priority_reg(1), 4, 1);

    std::mutex device_lock;
    unsigned outstanding = 0;  // guarded by device_lock
    std::atomic<unsigned> serviced{0};
    std::atomic<bool> in_handler{false};
    std::atomic<unsigned> double_claims{0}, spurious_claims{0}, foreign_ids{0};
    std::atomic<bool> timed_out{false};
    std::array<std::atomic<unsigned>, 2> claims{};
    const auto deadline = std::chrono::steady_clock::now() + kRaceTimeout;

    auto vcpu = [&](unsigned context) {
        while (serviced.load() < kEvents) {
            if (std::chrono::steady_clock::now() > deadline) {
                timed_out = true;
                return;
            }
            if (!notes.level[context].load()) {
                std::this_thread::yield();
                continue;
            }
            const auto id = static_cast<uint32_t>(plic.read(claim_reg(context), 4));
            if (id == 0) {  // the other vCPU was faster
                std::this_thread::yield();
                continue;
            }
            if (id != 1) ++foreign_ids;
            if (in_handler.exchange(true)) ++double_claims;
            ++claims[context];
            {
                std::lock_guard<std::mutex> guard(device_lock);
                if (outstanding == 0) {
                    ++spurious_claims;
                } else {
                    --outstanding;
                    ++serviced;
                }
                plic.set_source_level(1, outstanding > 0);
            }
            in_handler = false;
            plic.write(claim_reg(context), 4, id);
        }
    };
    auto device = [&] {
        for (unsigned i = 0; i < kEvents; ++i) {
            std::lock_guard<std::mutex> guard(device_lock);
            ++outstanding;
            plic.set_source_level(1, true);
        }
    };

    std::thread t0(vcpu, 0u), t1(vcpu, 1u), td(device);
    td.join();
    t0.join();
    t1.join();

    EXPECT_FALSE(timed_out.load()) << "serviced " << serviced.load() << " of " << kEvents;
    EXPECT_EQ(serviced.load(), kEvents);
    EXPECT_EQ(claims[0].load() + claims[1].load(), kEvents);  // one claim per event
    EXPECT_EQ(double_claims.load(), 0u);
    EXPECT_EQ(spurious_claims.load(), 0u);
    EXPECT_EQ(foreign_ids.load(), 0u);
    EXPECT_EQ(plic.read(pending_reg(0), 4), 0u);
    for (unsigned c = 0; c < 2; ++c) {
        EXPECT_FALSE(plic.context_output(c));
        EXPECT_FALSE(notes.level[c].load());  // the level applied last is the current one
    }
}

// Two vCPUs hammer claim/complete on a source whose line stays high: the
// source must always be either pending or in service with exactly one owner.
TEST(PlicConcurrency, HammeringClaimCompleteOnAlwaysHighSource) {
    constexpr unsigned kRounds = 50000;
    ConcurrentNotifications notes;
    Plic plic{4, 2, &ConcurrentNotifications::notify, &notes};
    notes.plic = &plic;
    for (unsigned c = 0; c < 2; ++c) plic.write(enable_reg(c, 0), 4, 1u << 3);
    plic.write(priority_reg(3), 4, 2);
    plic.set_source_level(3, true);

    std::atomic<bool> owned{false};
    std::atomic<unsigned> double_claims{0};
    std::array<unsigned, 2> claims{};
    auto vcpu = [&](unsigned context) {
        for (unsigned i = 0; i < kRounds; ++i) {
            const auto id = static_cast<uint32_t>(plic.read(claim_reg(context), 4));
            if (id == 0) continue;
            if (owned.exchange(true)) ++double_claims;
            ++claims[context];
            owned = false;
            plic.write(claim_reg(context), 4, id);
        }
    };
    std::thread t0(vcpu, 0u), t1(vcpu, 1u);
    t0.join();
    t1.join();

    EXPECT_EQ(double_claims.load(), 0u);
    EXPECT_GT(claims[0] + claims[1], 0u);
    // Every completion re-pended the high line: nothing was lost.
    EXPECT_EQ(plic.read(pending_reg(0), 4), 1u << 3);
    for (unsigned c = 0; c < 2; ++c) {
        EXPECT_TRUE(plic.context_output(c));
        EXPECT_TRUE(notes.level[c].load());
    }
    EXPECT_EQ(plic.read(claim_reg(1), 4), 3u);
}

// Many harts change one context's output at once; once they stop, the level
// applied last must be the current one.
TEST(PlicConcurrency, TheLastLevelAppliedIsCurrentUnderContention) {
    constexpr unsigned kThreads = 4;
    constexpr unsigned kToggles = 20000;
    ConcurrentNotifications notes;
    Plic plic{8, 1, &ConcurrentNotifications::notify, &notes};
    notes.plic = &plic;
    plic.write(enable_reg(0, 0), 4, 0xfe);
    for (unsigned id = 1; id <= kThreads; ++id) plic.write(priority_reg(id), 4, 1);

    // Each thread owns one source and flips it between pending and claimed via
    // its priority and the line; the claims may take anyone's source, so all
    // the threads fight over context 0's output.
    auto worker = [&](unsigned id) {
        for (unsigned i = 0; i < kToggles; ++i) {
            plic.set_source_level(id, (i & 1) == 0);
            const auto claimed = static_cast<uint32_t>(plic.read(claim_reg(0), 4));
            if (claimed != 0) plic.write(claim_reg(0), 4, claimed);
        }
        plic.set_source_level(id, false);
    };
    std::vector<std::thread> threads;
    for (unsigned id = 1; id <= kThreads; ++id) threads.emplace_back(worker, id);
    for (auto& t : threads) t.join();

    EXPECT_GT(notes.calls.load(), 0u);
    EXPECT_EQ(notes.level[0].load(), plic.context_output(0));
    // Drain what is left: afterwards the output is low and so is the level applied last.
    while (const auto id = static_cast<uint32_t>(plic.read(claim_reg(0), 4))) {
        plic.write(claim_reg(0), 4, id);
    }
    EXPECT_FALSE(plic.context_output(0));
    EXPECT_FALSE(notes.level[0].load());
}

// Several harts change their own context's output at the same moment, round
// after round; once they have all finished a round, every context's level
// applied last must be its current level. Unlike the tests above, nothing runs
// after the contended changes that could apply a lost one late.
TEST(PlicConcurrency, TheLastLevelAppliedIsCurrentAfterEveryContendedRound) {
    constexpr unsigned kThreads = 4;
    constexpr unsigned kRounds = 20000;
    ConcurrentNotifications notes;
    Plic plic{8, kThreads, &ConcurrentNotifications::notify, &notes};
    notes.plic = &plic;
    for (unsigned c = 0; c < kThreads; ++c) {
        plic.write(enable_reg(c, 0), 4, 1u << (c + 1));
        plic.set_source_level(c + 1, true);
    }
    std::atomic<unsigned> stale{0};
    std::barrier sync(kThreads, [&]() noexcept {
        for (unsigned c = 0; c < kThreads; ++c)
            if (notes.level[c].load() != plic.context_output(c)) ++stale;
    });
    auto worker = [&](unsigned c) {
        for (unsigned r = 0; r < kRounds; ++r) {
            plic.write(priority_reg(c + 1), 4, (r & 1) == 0 ? 1 : 0);  // output c toggles
            sync.arrive_and_wait();
        }
    };
    std::vector<std::thread> threads;
    for (unsigned c = 0; c < kThreads; ++c) threads.emplace_back(worker, c);
    for (auto& t : threads) t.join();
    EXPECT_EQ(stale.load(), 0u);
}

}  // namespace
}  // namespace halyard
