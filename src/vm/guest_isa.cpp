// SPDX-License-Identifier: Apache-2.0
#include "vm/guest_isa.hpp"

#include "halyard/guest_layout.hpp"
#include "lib/capacity.hpp"

namespace halyard {
namespace {

static_assert(kGuestExtensionCount <= capacity::kHostIsaExtensions,
              "a host with every extension a guest can get is within the host limit");
// Every vCPU's cpu node carries both renderings; together they stay a small
// part of the DTB area (the rest is memory, PLIC, UART, bootargs).
static_assert(capacity::kVcpusPerVm * (guest_isa_string_capacity() + guest_isa_list_capacity()) <=
                  guest::kDtbMaxSize / 4,
              "the guest ISA of every vCPU fits the DTB area with room to spare");

constexpr size_t index_of(std::string_view name) {
    for (size_t i = 0; i < kGuestExtensionCount; ++i)
        if (kGuestExtensions[i].name == name) return i;
    return kGuestExtensionCount;
}
static_assert(index_of("svade") < kGuestExtensionCount && index_of("svadu") < kGuestExtensionCount);
static_assert(index_of("h") == kGuestExtensionCount && index_of("v") == kGuestExtensionCount,
              "a guest never gets H or V");

}  // namespace

bool GuestIsa::has(std::string_view name) const {
    const size_t index = index_of(name);
    return index < kGuestExtensionCount && contains(index);
}

bool GuestIsa::empty() const {
    for (uint64_t word : bits_)
        if (word != 0) return false;
    return true;
}

GuestIsa guest_isa_of(const HartIsa& host, const MachineFeatures& machine, bool aia_vm) {
    // One walk over the host's names (at most HartIsa::kMaxExtensions, each
    // looked up in the table); duplicates land on the same bit.
    bool host_svade = false, host_svadu = false;
    GuestIsa host_offered;  // entries the host names, before their conditions
    host.for_each_extension([&](std::string_view name) {
        const size_t index = index_of(name);
        if (index < kGuestExtensionCount) host_offered.insert(index);
        host_svade = host_svade || name == "svade";
        host_svadu = host_svadu || name == "svadu";
        return true;
    });
    GuestIsa guest;
    for (size_t i = 0; i < kGuestExtensionCount; ++i) {
        const GuestExtension& extension = kGuestExtensions[i];
        bool offered = false;
        switch (extension.needs) {
            case GuestExtension::Needs::kHost: offered = host_offered.contains(i); break;
            case GuestExtension::Needs::kHostEnvcfg:
                offered = host_offered.contains(i) &&
                          (machine.guest_envcfg & extension.envcfg_bits) == extension.envcfg_bits;
                break;
            // A guest's A/D updates follow henvcfg.ADUE, which starts at 0:
            // with a host that has Svadu it gets Svade, and Svadu as well when
            // FWFT PTE_AD_HW_UPDATING can switch ADUE (the binding: both
            // listed = Svade until the supervisor enables Svadu through FWFT).
            case GuestExtension::Needs::kSvade: offered = host_svade || host_svadu; break;
            case GuestExtension::Needs::kSvadu: offered = host_svadu && machine.svadu; break;
            case GuestExtension::Needs::kAiaVm: offered = aia_vm && host_offered.contains(i); break;
        }
        if (offered) guest.insert(i);
    }
    return guest;
}

Result<size_t> guest_isa_string(const GuestIsa& isa, std::span<char> out) {
    size_t length = 0;
    bool fits = true;
    render_guest_isa_string(isa, [&](std::string_view piece) {
        if (!fits || piece.size() > out.size() - length) {
            fits = false;
            return;
        }
        for (char c : piece) out[length++] = c;
    });
    if (!fits) return Error::kTooLarge;
    return length - 1;  // without the NUL
}

}  // namespace halyard
