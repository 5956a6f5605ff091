// SPDX-License-Identifier: Apache-2.0
#pragma once
// The devices every VM has, where its guests find them: the one list from
// which the VM's MMIO bus is filled (Vm::attach_devices) and by which the
// exit fast path finds a device (src/exit/handle_guest_page_fault.cpp). The
// bus finds a device by searching its regions and calls it through function
// pointers; the fast path compares the address with each window here, known
// at compile time, and calls the device's own read or write, inlined. Both
// come from this list, so they cannot disagree about where a device is.
//
// A device is added with one line in VmDevices below (and its member in Vm):
// its window (a base from halyard/guest_layout.hpp and the model's kSize) and
// the exit reason its accesses are counted as.

#include <cstdint>
#include <tuple>
#include <type_traits>
#include <utility>

#include "halyard/exit_reason.hpp"
#include "halyard/guest_layout.hpp"
#include "lib/first_match.hpp"
#include "vm/vm.hpp"

namespace halyard {

// One device: the Vm member that models it and its window.
template <auto kMember, uint64_t kBaseAddress, uint64_t kWindowSize, ExitReason kExitReason>
struct VmDevice {
    static constexpr uint64_t kBase = kBaseAddress;
    static constexpr uint64_t kSize = kWindowSize;
    static constexpr ExitReason kReason = kExitReason;
    using Model = std::remove_cvref_t<decltype(std::declval<Vm&>().*kMember)>;
    static_assert(kSize != 0 && kSize - 1 <= ~kBase, "the window must not wrap past 2^64");
    // So that an aligned access (of at most 8 bytes) that starts in the
    // window ends in it: the fast path checks only where it starts.
    static_assert(kBase % 8 == 0 && kSize % 8 == 0, "windows of whole, aligned doublewords");

    static auto& of(Vm& vm) { return vm.*kMember; }
    // Whether [address, address + width) lies inside the window (one
    // unsigned compare for the start, as MmioRegion::contains).
    static bool contains(uint64_t address, uint64_t width) {
        const uint64_t offset = address - kBase;
        return offset < kSize && kSize - offset >= width;
    }
};

template <typename... Devices>
struct VmDeviceList {
    static_assert(sizeof...(Devices) <= MmioBus::kMaxRegions, "the bus holds every device");

    // f.template operator()<Device>() for each device, in this order.
    template <typename F>
    static void for_each(F f) {
        (f.template operator()<Devices>(), ...);
    }

    // Puts every device on the VM's bus, in this order; false if the bus
    // already held a region (the fast path, which does not search the bus,
    // would then not find what the full path finds) or refused one.
    static bool attach(Vm& vm) {
        if (!vm.bus.empty()) return false;
        bool attached = true;
        for_each([&]<typename Device>() {
            attached =
                vm.bus.attach(Device::kBase, Device::kSize, Device::kReason, Device::of(vm)) &&
                attached;
        });
        return attached;
    }

    // The list's i-th device.
    template <size_t i>
    using Device = std::tuple_element_t<i, std::tuple<Devices...>>;

    // on_match.template operator()<Device>() for the first device whose
    // window holds `address` (the bus's order), or on_none() if none does.
    template <typename OnMatch, typename OnNone>
    [[gnu::always_inline]] static auto visit(uint64_t address, OnMatch on_match, OnNone on_none) {
        auto holds = [address]<typename Device>() { return Device::contains(address, 1); };
        return visit_first_match<Devices...>(holds, on_match, on_none);
    }
};

// The UART first: a running guest's console makes most device exits. The
// interrupt controllers last: the bus resets devices in this order
// (MmioBus::reset_devices), and a source must drop its line before the
// controller's reset pends every line still high, or a rebooted guest would
// find a stale request. Every VM has both controllers; its DT names the one
// its irqchip chose, and only that one has the UART's line (Vm::attach_devices).
// (The PLIC before the APLIC: the fast path compares in this order, and a
// PLIC's claims and completions are exits on every interrupt; an APLIC's
// guest takes its interrupts without touching the APLIC.)
using VmDevices =
    VmDeviceList<VmDevice<&Vm::uart, guest::kUartBase, Uart16550::kSize, ExitReason::kMmioUart>,
                 VmDevice<&Vm::plic, guest::kPlicBase, Plic::kSize, ExitReason::kMmioPlic>,
                 VmDevice<&Vm::aplic, guest::kAplicBase, Aplic::kSize, ExitReason::kMmioAplic>>;
static_assert(std::is_same_v<VmDevices::Device<0>::Model, Uart16550>,
              "the interrupt source comes before the controllers");

}  // namespace halyard
