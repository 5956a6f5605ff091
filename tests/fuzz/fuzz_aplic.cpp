// SPDX-License-Identifier: Apache-2.0
// The APLIC model (MSI delivery mode) under random MMIO sequences, with
// device lines rising and falling, resets and MSI address configurations:
// every read fits 32 bits and a second read returns the same; send_msi only
// ever sees a hart index below num_harts and an EIID in 1..2047; an MSI goes
// out only with IE = 1 (except genmsi's) and names the target of an enabled
// source; with IE = 1 no source is left pending and enabled; inactive sources
// read all zeros; a level source is never pending while its rectified input is
// low; a rising edge of an enabled source with IE = 1 sends exactly one MSI.
// ASan and UBSan check that no offset, value or source number reaches past
// the model's arrays.

#include <vector>

#include "devices/aplic.hpp"
#include "fuzz_support.hpp"

using namespace halyard;

namespace {

// §4.5 of the AIA specification (specs/aia/src/AdvPLIC.adoc).
constexpr uint64_t kDomaincfg = 0x0000, kMsiAddress = 0x1bc0;
constexpr uint64_t kSetip = 0x1c00, kSetipnum = 0x1cdc, kInClrip = 0x1d00, kClripnum = 0x1ddc;
constexpr uint64_t kSetie = 0x1e00, kSetienum = 0x1edc, kClrie = 0x1f00, kClrienum = 0x1fdc;
constexpr uint64_t kSetipnumLe = 0x2000, kSetipnumBe = 0x2004, kGenmsi = 0x3000;
constexpr uint64_t sourcecfg(uint64_t i) {
    return 4 * i;
}
constexpr uint64_t target(uint64_t i) {
    return 0x3000 + 4 * i;
}
constexpr uint32_t kIe = 1u << 8;

struct Msi {
    unsigned hart;
    unsigned eiid;
};

struct Received {
    unsigned harts = 0;
    std::vector<Msi> msis;
};

void send_msi(void* cookie, unsigned hart, unsigned eiid) {
    auto& r = *static_cast<Received*>(cookie);
    FUZZ_CHECK(hart < r.harts);
    FUZZ_CHECK(eiid >= 1 && eiid <= 2047);
    r.msis.push_back({hart, eiid});
}

uint32_t rd(Aplic& aplic, uint64_t offset) {
    const uint64_t value = aplic.read(offset, 4);
    FUZZ_CHECK(value <= 0xffffffffu);
    return static_cast<uint32_t>(value);
}

bool bit(Aplic& aplic, uint64_t base, unsigned source) {
    return (rd(aplic, base + 4 * (source / 32)) >> (source % 32) & 1) != 0;
}

bool is_level(uint32_t mode) {
    return mode == 6 || mode == 7;
}

uint64_t interesting_offset(fuzz::Input& in) {
    const unsigned source = static_cast<unsigned>(in.below(Aplic::kMaxSources + 3));
    const uint64_t word = in.below(34);
    uint64_t offset = 0;
    switch (in.take<uint8_t>() % 16) {
        case 0: offset = kDomaincfg; break;
        case 1:
        case 2: offset = sourcecfg(source); break;
        case 3: offset = kMsiAddress + 4 * in.below(4); break;
        case 4: offset = kSetip + 4 * word; break;
        case 5: offset = in.take_bool() ? kSetipnum : kClripnum; break;
        case 6: offset = kInClrip + 4 * word; break;
        case 7: offset = kSetie + 4 * word; break;
        case 8: offset = in.take_bool() ? kSetienum : kClrienum; break;
        case 9: offset = kClrie + 4 * word; break;
        case 10: offset = in.take_bool() ? kSetipnumLe : kSetipnumBe; break;
        case 11: offset = kGenmsi; break;
        case 12:
        case 13: offset = target(source); break;
        case 14: offset = in.below(Aplic::kSize + 0x100); break;
        default: return in.edgy_u64();
    }
    if ((in.take<uint8_t>() & 0x1f) == 0) offset += 1 + in.below(3);  // misaligned
    return offset;
}

uint64_t interesting_value(fuzz::Input& in, const Aplic& aplic) {
    switch (in.take<uint8_t>() % 8) {
        case 0:
        case 1: return in.below(aplic.num_sources() + 3);           // a source number
        case 2: return in.below(8) | (in.take_bool() ? 0x400 : 0);  // a sourcecfg
        case 3:
        case 4: {  // a target or genmsi value
            const uint64_t hart =
                in.take_bool() ? in.below(aplic.num_harts() + 2) : in.below(16384);
            return (hart << 18) | in.below(2048) | (in.take_bool() ? in.below(0x40) << 12 : 0);
        }
        case 5: return in.take<uint32_t>();
        case 6: return in.take_bool() ? kIe : 0xffffffff;
        default: return in.edgy_u64();
    }
}

// Every register's rules, checked after each operation.
void check_state(Aplic& aplic, const uint32_t (&msi_address)[4]) {
    const uint32_t domaincfg = rd(aplic, kDomaincfg);
    FUZZ_CHECK((domaincfg & ~kIe) == 0x80000004u);
    const bool ie = (domaincfg & kIe) != 0;
    for (unsigned i = 0; i < 4; ++i) FUZZ_CHECK(rd(aplic, kMsiAddress + 4 * i) == msi_address[i]);
    FUZZ_CHECK((rd(aplic, kGenmsi) & 0x3f800u) == 0);  // Busy and Guest Index read 0
    const unsigned n = aplic.num_sources();
    uint32_t pending[32], enabled[32], input[32];
    for (unsigned k = 0; k < 32; ++k) {
        pending[k] = rd(aplic, kSetip + 4 * k);
        enabled[k] = rd(aplic, kSetie + 4 * k);
        input[k] = rd(aplic, kInClrip + 4 * k);
        if (ie) FUZZ_CHECK((pending[k] & enabled[k]) == 0);
        FUZZ_CHECK(rd(aplic, kClrie + 4 * k) == 0);
    }
    for (uint64_t offset : {kSetipnum, kClripnum, kSetienum, kClrienum, kSetipnumLe, kSetipnumBe})
        FUZZ_CHECK(rd(aplic, offset) == 0);
    auto has = [](const uint32_t(&bits)[32], unsigned s) {
        return (bits[s / 32] >> (s % 32) & 1) != 0;
    };
    for (unsigned s = 0; s < 32 * 32; ++s) {
        // Bits of sources that do not exist (source 0 among them) read 0.
        if (s == 0 || s > n) FUZZ_CHECK(!has(pending, s) && !has(enabled, s) && !has(input, s));
    }
    for (unsigned s = 1; s <= Aplic::kMaxSources + 1; ++s) {
        const uint32_t mode = rd(aplic, sourcecfg(s));
        const uint32_t tgt = rd(aplic, target(s));
        FUZZ_CHECK(mode <= 7 && mode != 2 && mode != 3);
        FUZZ_CHECK((tgt & 0x3f800u) == 0);  // Guest Index and bit 11
        if (s > n) {
            FUZZ_CHECK(mode == 0 && tgt == 0);
            continue;
        }
        if (mode == 0) {
            FUZZ_CHECK(tgt == 0);
            FUZZ_CHECK(!has(pending, s) && !has(enabled, s) && !has(input, s));
        }
        if (mode == 1) FUZZ_CHECK(!has(input, s));  // detached: rectified input 0
        if (is_level(mode) && has(pending, s)) FUZZ_CHECK(has(input, s));
    }
}

// Whether some enabled source targets (hart, eiid).
bool targeted_by_an_enabled_source(Aplic& aplic, const Msi& msi) {
    const uint32_t value = (msi.hart << 18) | msi.eiid;
    for (unsigned s = 1; s <= aplic.num_sources(); ++s)
        if (rd(aplic, target(s)) == value && bit(aplic, kSetie, s)) return true;
    return false;
}

// What was sent by the last access went out with IE = 1, to an enabled
// source's target.
void check_sent(Aplic& aplic, Received& received) {
    if (received.msis.empty()) return;
    FUZZ_CHECK((rd(aplic, kDomaincfg) & kIe) != 0);
    for (const Msi& msi : received.msis) FUZZ_CHECK(targeted_by_an_enabled_source(aplic, msi));
    received.msis.clear();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    fuzz::Input in(data, size);
    Received received;
    const unsigned sources = static_cast<unsigned>(in.below(Aplic::kMaxSources + 4));
    // Mostly a VM's few vCPUs; sometimes none, or more than hart indexes.
    const uint8_t hart_choice = in.take<uint8_t>();
    const unsigned harts = static_cast<unsigned>(hart_choice < 224   ? 1 + in.below(8)
                                                 : hart_choice < 240 ? 0
                                                                     : in.below(20000));
    Aplic aplic(sources, harts, send_msi, &received);
    received.harts = aplic.num_harts();
    FUZZ_CHECK(aplic.num_sources() <= Aplic::kMaxSources);
    FUZZ_CHECK(aplic.num_harts() <= 16384);
    uint32_t msi_address[4] = {0, 0x80000000u, 0, 0};  // locked, hidden
    constexpr unsigned kWidths[] = {4, 4, 4, 4, 1, 2, 8, 3};

    while (!in.empty()) {
        const uint8_t op = in.take<uint8_t>();
        received.msis.clear();
        switch (op % 10) {
            case 0:
            case 1:
            case 2: {
                const uint64_t offset = interesting_offset(in);
                const unsigned width = kWidths[in.below(8)];
                const uint64_t value = interesting_value(in, aplic);
                aplic.write(offset, width, value);
                const bool word = width == 4 && offset % 4 == 0 && offset < Aplic::kSize;
                if (word && offset == kGenmsi) {
                    // The extempore MSI, whatever IE is, as written.
                    FUZZ_CHECK(received.msis.size() <= 1);
                    const auto v = static_cast<uint32_t>(value);
                    const unsigned hart = v >> 18, eiid = v & 0x7ff;
                    const bool deliverable = hart < aplic.num_harts() && eiid != 0;
                    FUZZ_CHECK(received.msis.size() == (deliverable ? 1u : 0u));
                    if (deliverable)
                        FUZZ_CHECK(received.msis[0].hart == hart && received.msis[0].eiid == eiid);
                    received.msis.clear();
                }
                if (!word) FUZZ_CHECK(received.msis.empty());
                break;
            }
            case 3: {  // reads have no side effects
                const uint64_t offset = interesting_offset(in);
                const unsigned width = kWidths[in.below(8)];
                const uint64_t first = aplic.read(offset, width);
                FUZZ_CHECK(first <= 0xffffffffu);
                FUZZ_CHECK(aplic.read(offset, width) == first);
                FUZZ_CHECK(received.msis.empty());
                break;
            }
            case 4:
            case 5:
            case 6: {
                // A line change, checked against the state read just before.
                const auto source = static_cast<unsigned>(in.below(Aplic::kMaxSources + 8));
                const bool level = in.take_bool();
                const bool exists = source >= 1 && source <= aplic.num_sources();
                const uint32_t mode = exists ? rd(aplic, sourcecfg(source)) : 0;
                const bool rectified_before = exists && bit(aplic, kInClrip, source);
                const bool deliver =
                    exists && bit(aplic, kSetie, source) && (rd(aplic, kDomaincfg) & kIe) != 0;
                const uint32_t tgt = exists ? rd(aplic, target(source)) : 0;
                aplic.set_source_level(source, level);
                const bool rectified = exists && bit(aplic, kInClrip, source);
                if (mode >= 4) FUZZ_CHECK(rectified == (level != (mode == 5 || mode == 7)));
                if (!rectified_before && rectified && deliver) {
                    // Exactly one MSI, to the source's target, if it names a hart.
                    const unsigned hart = tgt >> 18, eiid = tgt & 0x7ff;
                    const bool deliverable = hart < aplic.num_harts() && eiid != 0;
                    FUZZ_CHECK(received.msis.size() == (deliverable ? 1u : 0u));
                    if (deliverable)
                        FUZZ_CHECK(received.msis[0].hart == hart && received.msis[0].eiid == eiid);
                    FUZZ_CHECK(!bit(aplic, kSetip, source));
                } else {
                    FUZZ_CHECK(received.msis.empty());
                    // An edge or assertion kept for later (§4.7).
                    if (!rectified_before && rectified) FUZZ_CHECK(bit(aplic, kSetip, source));
                }
                // A level source's request goes with its input.
                if (is_level(mode) && !rectified) FUZZ_CHECK(!bit(aplic, kSetip, source));
                break;
            }
            case 7:
            case 8: {
                // A source set up as a driver does (Linux: set_type, write_msg,
                // unmask), in one step so that the fuzzer reaches MSIs sooner.
                if (aplic.num_sources() == 0) break;
                const auto source = static_cast<unsigned>(1 + in.below(aplic.num_sources()));
                static constexpr uint32_t kModes[] = {1, 4, 5, 6, 7};
                aplic.write(sourcecfg(source), 4, kModes[in.below(5)]);
                check_sent(aplic, received);
                const uint64_t hart = in.below(aplic.num_harts() + 1);
                aplic.write(target(source), 4, (hart << 18) | in.below(2048));
                FUZZ_CHECK(received.msis.empty());
                aplic.write(in.take_bool() ? kSetienum : kClrienum, 4, source);
                check_sent(aplic, received);
                if (in.take_bool()) aplic.write(kDomaincfg, 4, kIe);
                break;
            }
            default:
                if (in.take_bool()) {
                    aplic.reset();
                } else {
                    const uint64_t ppn = in.take<uint64_t>();
                    const auto lhxs = in.take<uint8_t>(), lhxw = in.take<uint8_t>();
                    const auto hhxs = in.take<uint8_t>(), hhxw = in.take<uint8_t>();
                    aplic.set_msi_address_config(ppn, lhxs, lhxw, hhxs, hhxw);
                    for (unsigned i = 0; i < 4; ++i)
                        msi_address[i] = rd(aplic, kMsiAddress + 4 * i);
                    FUZZ_CHECK(msi_address[0] == static_cast<uint32_t>(ppn));
                    FUZZ_CHECK((msi_address[1] >> 31) == 1);  // still locked
                    FUZZ_CHECK(msi_address[2] == msi_address[0]);
                    FUZZ_CHECK(msi_address[3] == (msi_address[1] & 0x00700fffu));
                }
                FUZZ_CHECK(received.msis.empty());
                break;
        }
        check_sent(aplic, received);
        check_state(aplic, msi_address);
    }
    return 0;
}
