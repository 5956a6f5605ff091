// SPDX-License-Identifier: Apache-2.0
#pragma once
// A virtual machine: its RAM and G-stage tables, VMID, devices, console,
// vCPUs, the image it boots from and its exit statistics switch.

#include <array>
#include <atomic>
#include <cstdint>
#include <span>
#include <string_view>

#include "console/vm_console.hpp"
#include "devices/aplic.hpp"
#include "devices/plic.hpp"
#include "devices/uart16550.hpp"
#include "lib/capacity.hpp"
#include "lib/spinlock.hpp"
#include "memory/g_stage.hpp"
#include "mmio/mmio_bus.hpp"
#include "platform/paging_mode.hpp"
#include "vm/console_mux.hpp"
#include "vm/guest_isa.hpp"
#include "vm/guest_ram.hpp"
#include "vm/vcpu.hpp"

namespace halyard {

// What a VM boots, as it came in the VM bundle (views into the bundle, which
// stays in memory so that a reboot can load it again).
struct VmImage {
    std::span<const uint8_t> kernel;
    std::span<const uint8_t> initrd;
    std::span<const uint8_t> dtb;  // the user's own DTB instead of a generated one
    std::string_view bootargs;
};

// The life of a VM (src/vm/lifecycle.hpp): kRunning -> kRebooting -> kRunning
// again, or kRunning -> kStopped for good. 32 bits wide: RV64A has no
// byte-sized atomics.
enum class VmState : uint32_t { kUnused, kRunning, kRebooting, kStopped };

// The interrupt controller a VM's guest sees (its bundle entry's irqchip):
// the PLIC, or AIA (an APLIC in MSI mode and an IMSIC interrupt file per
// vCPU, each a guest interrupt file of its hart's IMSIC).
enum class GuestIrqchip : uint8_t { kPlic, kAia };

class Vm {
  public:
    static constexpr unsigned kMaxVcpus = capacity::kVcpusPerVm;

    Vm();
    Vm(const Vm&) = delete;
    Vm& operator=(const Vm&) = delete;

    // Registers the VM's devices (VmDevices, src/vm/vm_devices.hpp) on its
    // MMIO bus and wires their interrupts to the controller `irqchip` names
    // (set it first). False unless the bus was empty and took every device.
    [[nodiscard]] bool attach_devices();
    Vcpu& vcpu(unsigned i) { return vcpus[i]; }
    // Exit statistics on or off for every vCPU (the Halyard SBI extension).
    void set_exit_counting(bool on) {
        for (unsigned i = 0; i < vcpu_count; ++i)
            vcpus[i].exit_count_step.store(on ? 1 : 0, std::memory_order_relaxed);
    }
    // Console input for the SBI console calls: the VM has one serial line,
    // so bytes its UART already received come first.
    int read_console_input() {
        int c = uart.take_received_byte();
        return c >= 0 ? c : console.get();
    }

    unsigned index = 0;
    uint16_t vmid = 0;
    char name[8] = "vm?";
    GuestRam ram;
    GStagePageTable gstage;
    VmConsole console;
    ConsoleLineBuffer console_line;  // used when several VMs share the console
    Uart16550 uart;
    Plic plic;
    Aplic aplic;
    MmioBus bus;
    VmImage image;
    uint64_t dtb_gpa = 0;
    uint64_t initrd_gpa = 0;
    // How many times the image was loaded (creation is boot 1, each reboot
    // the next): with the VM's index it makes each boot's seeds its own.
    // Written by load_vm_image, which runs while no vCPU of the VM does.
    uint64_t boot_count = 0;
    // The VS-stage mode the guest's DTB offers (its mmu-type).
    PagingMode paging_mode = PagingMode::kSv39;
    GuestIrqchip irqchip = GuestIrqchip::kPlic;  // fixed at creation
    // With AIA: the identities each vCPU's interrupt file implements
    // (HostPlatform::guest_interrupt_ids), set with their files.
    uint32_t interrupt_file_ids = 0;
    std::array<Vcpu, kMaxVcpus> vcpus{};
    unsigned vcpu_count = 0;
    // Guards the VM's state and every vCPU's HSM state transitions (both are
    // atomics so that they can be read without it). The outermost lock.
    SpinLock lifecycle_lock;
    std::atomic<VmState> state{VmState::kUnused};
    // What its vCPUs are told they have (the DTB's riscv,isa and
    // riscv,isa-extensions), fixed at creation.
    GuestIsa guest_isa;
    // guest_isa.has("sstc"), looked up on every guest entry: vstimecmp is the
    // guest's timer.
    bool guest_has_sstc = false;
    // What every vCPU entry writes to hstateen0, on harts with Smstateen:
    // senvcfg, which every guest has, and for an AIA VM its interrupt file's
    // CSRs (without these bits VS-mode's senvcfg, siselect, sireg and stopei
    // are virtual instruction exceptions). 0 without Smstateen: hstateen0 is
    // then never touched (it does not exist).
    uint64_t hstateen0 = 0;
};

}  // namespace halyard
