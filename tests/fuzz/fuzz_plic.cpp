// SPDX-License-Identifier: Apache-2.0
// The PLIC model under random MMIO sequences from several contexts (vCPUs),
// with device lines rising and falling: a claim returns 0 or a source that
// was pending, enabled for that context, above its threshold and of the
// highest priority; notify is called exactly when a context's output
// changes, so the level read at each context's last call is always
// context_output(); reading never changes what a second read returns.

#include "devices/plic.hpp"
#include "fuzz_support.hpp"

using namespace halyard;

namespace {

constexpr uint64_t kPending = 0x1000, kEnable = 0x2000, kEnableStride = 0x80;
constexpr uint64_t kContext = 0x200000, kContextStride = 0x1000;

struct Reported {
    const Plic* plic = nullptr;
    bool level[Plic::kMaxContexts] = {};
    unsigned contexts = 0;
};

// On one thread every call reports a change: the level it reads differs from
// the one read at the call before.
void notify(void* cookie, unsigned context) {
    auto& r = *static_cast<Reported*>(cookie);
    FUZZ_CHECK(context < r.contexts);
    const bool level = r.plic->context_output(context);
    FUZZ_CHECK(level != r.level[context]);
    r.level[context] = level;
}

bool bit(Plic& plic, uint64_t base, unsigned id) {
    return (plic.read(base + (id / 32) * 4, 4) >> (id % 32) & 1) != 0;
}

// What a claim by `context` may return: the enabled pending source of the
// highest priority (lowest id among equals) above the threshold, or 0.
unsigned expected_claim(Plic& plic, unsigned context) {
    const uint64_t threshold = plic.read(kContext + context * kContextStride, 4);
    unsigned best = 0;
    uint64_t best_priority = 0;
    for (unsigned id = 1; id < plic.num_sources(); ++id) {
        if (!bit(plic, kPending, id) || !bit(plic, kEnable + context * kEnableStride, id)) continue;
        const uint64_t priority = plic.read(id * 4, 4);
        if (priority > threshold && priority > best_priority) {
            best = id;
            best_priority = priority;
        }
    }
    return best;
}

uint64_t interesting_offset(fuzz::Input& in, unsigned contexts) {
    const unsigned context = static_cast<unsigned>(in.below(contexts + 1));  // one past the last
    switch (in.take<uint8_t>() % 8) {
        case 0: return in.below(64) * 4;            // priorities
        case 1: return kPending + in.below(4) * 4;  // pending
        case 2: return kEnable + context * kEnableStride + in.below(4) * 4;
        case 3: return kContext + context * kContextStride;  // threshold
        case 4:
        case 5: return kContext + context * kContextStride + 4;  // claim/complete
        case 6: return in.below(Plic::kSize);
        default: return in.take<uint64_t>();
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    fuzz::Input in(data, size);
    Reported reported;
    const unsigned sources = 1 + static_cast<unsigned>(in.below(Plic::kMaxSources + 4));
    const unsigned contexts = 1 + static_cast<unsigned>(in.below(Plic::kMaxContexts));
    Plic plic(sources, contexts, notify, &reported);
    reported.plic = &plic;
    reported.contexts = plic.num_contexts();
    FUZZ_CHECK(plic.num_sources() >= 1 && plic.num_sources() <= Plic::kMaxSources);
    constexpr unsigned kWidths[] = {4, 4, 4, 1, 2, 8};
    while (!in.empty()) {
        const uint8_t op = in.take<uint8_t>();
        switch (op % 6) {
            case 0:
            case 1: {
                const uint64_t offset = interesting_offset(in, plic.num_contexts());
                const unsigned width = kWidths[in.below(6)];
                plic.write(offset, width, in.take_bool() ? in.take<uint32_t>() : in.below(8));
                break;
            }
            case 2: {  // a claim, checked against the state read just before
                const unsigned context = static_cast<unsigned>(in.below(plic.num_contexts()));
                const unsigned expected = expected_claim(plic, context);
                const uint64_t claimed = plic.read(kContext + context * kContextStride + 4, 4);
                FUZZ_CHECK(claimed == expected);
                if (claimed != 0) FUZZ_CHECK(!bit(plic, kPending, static_cast<unsigned>(claimed)));
                break;
            }
            case 3: {  // reads other than claims have no side effects
                const uint64_t offset = interesting_offset(in, plic.num_contexts());
                const unsigned width = kWidths[in.below(6)];
                const bool claim = offset >= kContext && (offset - kContext) % kContextStride == 4;
                const uint64_t first = plic.read(offset, width);
                if (!claim) FUZZ_CHECK(plic.read(offset, width) == first);
                break;
            }
            case 4:
            case 5:
                plic.set_source_level(static_cast<unsigned>(in.below(Plic::kMaxSources + 8)),
                                      in.take_bool());
                break;
        }
        if ((op & 0xC0) == 0xC0 && in.take<uint8_t>() == 0xA5) plic.reset();
        for (unsigned c = 0; c < plic.num_contexts(); ++c) {
            FUZZ_CHECK(reported.level[c] == plic.context_output(c));
            FUZZ_CHECK(plic.context_output(c) == (expected_claim(plic, c) != 0));
        }
    }
    return 0;
}
