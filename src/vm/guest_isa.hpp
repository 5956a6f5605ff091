// SPDX-License-Identifier: Apache-2.0
#pragma once
// The extensions a guest is told it has: the one source of truth for both
// ways its device tree says so (riscv,isa and riscv,isa-extensions), and for
// what Halyard itself assumes of the guest (Sstc: vstimecmp).
//
// A guest is offered an extension only if it is in kGuestExtensions below
// (what works in VS-mode with what Halyard does), the host hart has it, and,
// for those that need a henvcfg bit, the hart kept that bit. Never offered:
// the H extension and its relatives (sh*), Ssaia unless the VM has AIA (then
// its vCPUs' stopei, siselect and sireg reach their guest interrupt files),
// M-mode extensions (sm*, smaia among them), counters and
// CSRs Halyard does not virtualise (zihpm, sscofpmf, zkr's seed, smstateen,
// zcmt's jvt, the control-flow integrity extensions zicfilp/zicfiss, which
// need henvcfg bits Halyard never sets), vendor extensions (x*), and the
// vector extensions: V and every Zve*/Zv* extension live in the vector
// registers, which Halyard does not context-switch (a guest must not count
// on that state surviving a hart's other occupants).

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "halyard/csr_numbers.hpp"
#include "lib/result.hpp"
#include "platform/hart_isa.hpp"
#include "vm/vcpu_features.hpp"

namespace halyard {

struct GuestExtension {
    enum class Needs : uint8_t {
        kHost,        // the host hart has it
        kHostEnvcfg,  // ... and the hart kept `envcfg_bits` in henvcfg
        kSvade,       // the host has Svade or Svadu (A/D faults while ADUE = 0)
        kSvadu,       // the host has Svadu and FWFT can switch henvcfg.ADUE
        kAiaVm,       // the host has it and the VM has AIA interrupt files (irqchip=aia)
    };
    std::string_view name;
    Needs needs = Needs::kHost;
    uint64_t envcfg_bits = 0;
};

// In the order the ISA naming rules list extensions (and the guest's
// riscv,isa string must follow): single letters in canonical order, then
// Z extensions by the category of their second letter (i m a f d c b k t h)
// and alphabetically within it, then S extensions alphabetically.
inline constexpr GuestExtension kGuestExtensions[] = {
    {"i"},
    {"m"},
    {"a"},
    {"f"},
    {"d"},
    {"q"},
    {"c"},
    {"b"},
    // Unprivileged instructions without CSRs of their own, hints, and the
    // counters hcounteren enables (cycle, time, instret: Zicntr). Zawrs:
    // VS-mode wrs.* only trap with hstatus.VTW = 1, which Halyard never sets.
    {"zic64b"},
    {"zicbom", GuestExtension::Needs::kHostEnvcfg, henvcfg::kCbieFlush | henvcfg::kCbcfe},
    {"zicbop"},
    {"zicboz", GuestExtension::Needs::kHostEnvcfg, henvcfg::kCbze},
    {"ziccamoa"},
    {"ziccif"},
    {"zicclsm"},
    {"ziccrse"},
    {"zicntr"},
    {"zicond"},
    {"zicsr"},
    {"zifencei"},
    {"zihintntl"},
    {"zihintpause"},
    {"zimop"},
    {"zmmul"},
    {"za128rs"},
    {"za64rs"},
    {"zaamo"},
    {"zabha"},
    {"zacas"},
    {"zalrsc"},
    {"zama16b"},
    {"zawrs"},
    {"zfa"},
    {"zfbfmin"},
    {"zfh"},
    {"zfhmin"},
    {"zfinx"},
    {"zdinx"},
    // No Zcf: it does not exist on RV64. No Zcmt: its jvt CSR.
    {"zca"},
    {"zcb"},
    {"zcd"},
    {"zcmop"},
    {"zba"},
    {"zbb"},
    {"zbc"},
    {"zbkb"},
    {"zbkc"},
    {"zbkx"},
    {"zbs"},
    // Not "zk": it stands for Zkn + Zkr + Zkt, and Zkr's seed CSR traps in
    // VS/VU-mode; Zkn and Zkt are offered on their own.
    {"zkn"},
    {"zknd"},
    {"zkne"},
    {"zknh"},
    {"zks"},
    {"zksed"},
    {"zksh"},
    {"zkt"},
    {"ztso"},
    {"zhinx"},
    {"zhinxmin"},
    {"ssaia", GuestExtension::Needs::kAiaVm},
    // Sstc: vstimecmp works in VS-mode only with henvcfg.STCE.
    {"sstc", GuestExtension::Needs::kHostEnvcfg, henvcfg::kStce},
    {"svade", GuestExtension::Needs::kSvade},
    {"svadu", GuestExtension::Needs::kSvadu},
    // VS-stage page tables: sinval.vma acts as sfence.vma with VTVM = 0.
    {"svinval"},
    {"svnapot"},
    {"svpbmt", GuestExtension::Needs::kHostEnvcfg, henvcfg::kPbmte},
    // Svvptc: PTEs made valid become visible to the hart's own walks without
    // an sfence.vma. A host hart's guarantee covers the VS-stage walks too,
    // and a VM's G-stage never gains a mapping while it runs (its RAM is
    // mapped whole before it starts). Without it Linux issues an sfence.vma
    // for every page it maps (update_mmu_cache), which QEMU turns into a flush
    // of its whole TLB.
    {"svvptc"},
};
inline constexpr size_t kGuestExtensionCount = std::size(kGuestExtensions);

// The longest riscv,isa string and riscv,isa-extensions list a guest can get
// (every offered extension), NUL included: what a cpu node can cost.
constexpr size_t guest_isa_string_capacity() {
    size_t size = 4 + 1;  // "rv64" and the NUL
    for (const GuestExtension& e : kGuestExtensions) size += e.name.size() + (e.name.size() > 1);
    return size;
}
constexpr size_t guest_isa_list_capacity() {
    size_t size = 0;
    for (const GuestExtension& e : kGuestExtensions) size += e.name.size() + 1;
    return size;
}

// A set of kGuestExtensions entries.
class GuestIsa {
  public:
    bool has(std::string_view name) const;
    bool empty() const;
    // Calls visit(name) for each extension of the set, in kGuestExtensions order.
    template <typename Visit>
    void for_each(Visit visit) const {
        for (size_t i = 0; i < kGuestExtensionCount; ++i)
            if (contains(i)) visit(kGuestExtensions[i].name);
    }

    bool contains(size_t index) const { return (bits_[index / 64] >> (index % 64)) & 1; }
    void insert(size_t index) { bits_[index / 64] |= uint64_t{1} << (index % 64); }

  private:
    std::array<uint64_t, (kGuestExtensionCount + 63) / 64> bits_{};
};

// What a guest on harts like `host` may be told it has, given what the
// machine's harts kept at boot (henvcfg bits, a switchable ADUE).
// `aia_vm`: the VM has AIA interrupt files (GuestIrqchip::kAia).
GuestIsa guest_isa_of(const HartIsa& host, const MachineFeatures& machine, bool aia_vm = false);

// The two renderings. Each calls append(text) with consecutive pieces of the
// property's value, its final NUL included.
//   riscv,isa:            "rv64imafdc_zicntr_zicsr_..._svpbmt"
//   riscv,isa-extensions: "i", "m", ..., "svpbmt" (NUL after each)
template <typename Append>
void render_guest_isa_string(const GuestIsa& isa, Append append) {
    append(std::string_view("rv64"));
    isa.for_each([&](std::string_view name) {
        if (name.size() > 1) append(std::string_view("_"));
        append(name);
    });
    append(std::string_view("", 1));
}
template <typename Append>
void render_guest_isa_list(const GuestIsa& isa, Append append) {
    isa.for_each([&](std::string_view name) {
        append(name);
        append(std::string_view("", 1));
    });
}

// riscv,isa into `out`, NUL-terminated; its length without the NUL.
// kTooLarge if it does not fit.
Result<size_t> guest_isa_string(const GuestIsa& isa, std::span<char> out);

}  // namespace halyard
