// SPDX-License-Identifier: Apache-2.0
#include "vm/vm_setup.hpp"

#include <cstring>

#include "arch/csr.hpp"
#include "console/log.hpp"
#include "halyard/guest_layout.hpp"
#include "lib/format.hpp"
#include "vm/console_mux.hpp"
#include "vm/guest_dtb.hpp"
#include "vm/vcpu_features.hpp"

namespace halyard {
namespace {

constexpr uint64_t kPage = 4096;

// The memory a Linux Image claims (its header's image_size covers BSS), or
// the file size for a raw binary. image_size comes from the bundle: any value.
uint64_t kernel_footprint(std::span<const uint8_t> kernel) {
    constexpr uint8_t kMagic2[4] = {'R', 'S', 'C', 0x05};
    if (kernel.size() >= 64 && std::memcmp(kernel.data() + 56, kMagic2, 4) == 0) {
        uint64_t image_size = 0;
        std::memcpy(&image_size, kernel.data() + 16, 8);
        if (image_size > kernel.size()) return image_size;
    }
    return kernel.size();
}

// `value` rounded up to a page; kTooLarge if that passes 2^64.
Result<uint64_t> page_align_up(uint64_t value) {
    if (value > ~uint64_t{0} - (kPage - 1)) return Error::kTooLarge;
    return align_up(value, kPage);
}

// Where the images go in guest RAM: the kernel at the entry point, the DTB at
// the top, the initrd right below it, page aligned. Every size comes from the
// VM bundle and is checked without overflow against the room that is left.
struct ImageLayout {
    uint64_t dtb_gpa = 0;
    uint64_t dtb_room = 0;
    uint64_t initrd_gpa = 0;  // 0 without an initrd
};

Result<ImageLayout> plan_image_layout(const Vm& vm) {
    const VmImage& image = vm.image;
    ImageLayout layout;
    const GuestRam& ram = vm.ram;
    const unsigned long long mib = ram.size >> 20;
    if (!ram.contains(guest::kKernelEntry, 0)) {
        log("error: %s: %llu MiB of RAM does not reach the kernel entry point", vm.name, mib);
        return Error::kTooLarge;
    }
    // RAM from the kernel entry to its end: kernel, initrd and DTB must share it.
    const uint64_t room = ram.guest_end() - guest::kKernelEntry;
    const uint64_t footprint = kernel_footprint(image.kernel);
    const Result<uint64_t> kernel_pages = page_align_up(footprint);
    const uint64_t kernel_room = kernel_pages.value_or(~uint64_t{0});
    if (!kernel_pages || kernel_room > room) {
        log("error: %s: the kernel needs %llu bytes (%s), more than the %llu MiB of RAM holds",
            vm.name, static_cast<unsigned long long>(footprint),
            footprint > image.kernel.size() ? "image_size of its Image header" : "its file size",
            mib);
        return Error::kTooLarge;
    }
    const uint64_t dtb_size = image.dtb.empty() ? guest::kDtbMaxSize : image.dtb.size();
    const Result<uint64_t> dtb_pages = page_align_up(dtb_size);
    layout.dtb_room = dtb_pages.value_or(~uint64_t{0});
    if (!dtb_pages || layout.dtb_room > room - kernel_room) {
        log("error: %s: no room for the device tree (%llu bytes) above the kernel in %llu MiB of "
            "RAM",
            vm.name, static_cast<unsigned long long>(dtb_size), mib);
        return Error::kTooLarge;
    }
    layout.dtb_gpa = ram.guest_end() - layout.dtb_room;
    layout.initrd_gpa = 0;
    if (!image.initrd.empty()) {
        // The initrd ends at or below the DTB, starts on a page, and stays above the kernel.
        const uint64_t free_below_dtb = room - kernel_room - layout.dtb_room;
        const Result<uint64_t> initrd_pages = page_align_up(image.initrd.size());
        if (!initrd_pages || initrd_pages.value() > free_below_dtb) {
            log("error: %s: %llu MiB of RAM is too small for its kernel (%llu bytes), initrd "
                "(%zu bytes) and device tree",
                vm.name, mib, static_cast<unsigned long long>(footprint), image.initrd.size());
            return Error::kTooLarge;
        }
        layout.initrd_gpa = align_down(layout.dtb_gpa - image.initrd.size(), kPage);
    }
    return layout;
}

}  // namespace

void reset_vcpu(Vcpu& vcpu) {
    const uint64_t stack_top = vcpu.regs.hyp_stack_top;
    vcpu.regs = VmCpuRegisters{};
    vcpu.regs.hyp_stack_top = stack_top;
    vcpu.regs.gpr[kA0] = vcpu.id;
    vcpu.regs.gpr[kA1] = vcpu.vm->dtb_gpa;
    vcpu.regs.sepc = guest::kKernelEntry;
    vcpu.regs.guest.vstimecmp = ~0ull;  // no timer interrupt until the guest asks
    vcpu.timer_deadline = ~0ull;
    vcpu.requests.store(0);
    vcpu.exit_count_step.store(1);  // statistics on, as at power-on
    vcpu.log_budget = Vcpu::kLogBudget;
    vcpu.features = VcpuFeatures{};  // FWFT: local features reset with the hart
}

Status load_vm_image(Vm& vm, const HostPlatform& platform) {
    const VmImage& image = vm.image;
    const Result<ImageLayout> planned = plan_image_layout(vm);
    if (!planned) return planned.error();
    const ImageLayout layout = planned.value();
    vm.dtb_gpa = layout.dtb_gpa;
    vm.initrd_gpa = layout.initrd_gpa;
    const uint64_t dtb_room = layout.dtb_room;
    ++vm.boot_count;

    // RAM is not cleared: it never held another VM's data (each VM's RAM is
    // its own for Halyard's lifetime), and clearing 128 MiB costs about 60 ms
    // of boot on QEMU. What the guest needs zeroed (BSS) it clears itself.
    if (!image.kernel.empty())
        std::memcpy(vm.ram.host_pointer(guest::kKernelEntry), image.kernel.data(),
                    image.kernel.size());
    if (!image.initrd.empty())
        std::memcpy(vm.ram.host_pointer(vm.initrd_gpa), image.initrd.data(), image.initrd.size());

    std::span<uint8_t> dtb_area(vm.ram.host_pointer(vm.dtb_gpa), dtb_room);
    if (!image.dtb.empty()) {
        std::memcpy(dtb_area.data(), image.dtb.data(), image.dtb.size());
    } else {
        // Fresh seeds for every boot; none without entropy, since a guest
        // credits its rng-seed and a guessable one would be worse than none.
        GuestSeeds seeds;
        bool have_seeds = false;
        if (platform.guest_seed_key.has_entropy) {
            const Result<GuestSeeds> derived = derive_guest_seeds(
                platform.guest_seed_key, vm.index, vm.boot_count, arch::csr_read<Csr::time>());
            if (derived) seeds = derived.value();
            have_seeds = derived.ok();
        }
        const GuestDtbSpec spec{vm.ram.guest_base,
                                vm.ram.size,
                                vm.vcpu_count,
                                vm.guest_isa,
                                platform.harts[0].cache_blocks,
                                platform.timebase_frequency,
                                image.bootargs,
                                vm.initrd_gpa,
                                vm.initrd_gpa + image.initrd.size(),
                                have_seeds ? &seeds : nullptr,
                                vm.paging_mode,
                                vm.irqchip == GuestIrqchip::kAia,
                                platform.guest_interrupt_ids};
        const Result<size_t> built = build_guest_dtb(spec, dtb_area);
        wipe_secret(seeds.rng_seed);  // the guest's copy is its own
        seeds.kaslr_seed = 0;
        if (!built) {
            // Everything in it but the bootargs is bounded by Halyard's own
            // capacities (the guest ISA by the extensions a guest may get).
            if (built.error() == Error::kTooLarge)
                log("error: %s: the generated device tree, with %zu bytes of bootargs, does not "
                    "fit in %llu bytes",
                    vm.name, image.bootargs.size(), static_cast<unsigned long long>(dtb_room));
            return built.error();
        }
    }
    for (unsigned i = 0; i < vm.vcpu_count; ++i) reset_vcpu(vm.vcpus[i]);
    return ok();
}

Status attach_interrupt_files(Vm& vm, const HostPlatform& platform) {
    if (vm.irqchip != GuestIrqchip::kAia) return ok();
    vm.interrupt_file_ids = platform.guest_interrupt_ids;
    for (unsigned i = 0; i < vm.vcpu_count; ++i) {
        Vcpu& vcpu = vm.vcpus[i];
        const HostHart* hart = platform.hart(vcpu.host_hart_id);
        if (hart == nullptr || hart->guest_interrupt_file == 0) {
            log("error: %s: hart %llu, which runs its vCPU %u, has no guest interrupt file",
                vm.name, static_cast<unsigned long long>(vcpu.host_hart_id), i);
            return Error::kUnsupported;
        }
        vcpu.interrupt_file = hart->guest_interrupt_file;
        // Read and write, never execute: a page of device registers.
        if (!vm.gstage.map_device_page(guest::kImsicBase + i * guest::kImsicFileSize,
                                       vcpu.interrupt_file)) {
            log("error: %s: out of G-stage page-table memory", vm.name);
            return Error::kOutOfMemory;
        }
    }
    return ok();
}

Result<uint64_t> guest_ram_size(uint64_t memory_size) {
    if (memory_size == 0 || memory_size > kMaxGuestMemorySize) return Error::kTooLarge;
    return align_up(memory_size, kGuestRamAlignment);
}

RamPlacement choose_ram_placement(const PhysicalAllocator& allocator,
                                  std::span<const VmSpec> specs) {
    PhysicalAllocator trial = allocator;
    for (const VmSpec& spec : specs) {
        const Result<uint64_t> size = guest_ram_size(spec.memory_size);
        if (!size) return RamPlacement::kTwoMiBAligned;  // create_vm says why
        if (!trial.allocate_guest_ram(guest::kRamBase, size.value(),
                                      RamPlacement::kPreferGigapages))
            return RamPlacement::kTwoMiBAligned;
    }
    return RamPlacement::kPreferGigapages;
}

PagingModes guest_paging_modes(const HostPlatform& platform) {
    return paging_modes_of_mmu_type(platform.harts[0].mmu_type) &
           machine_features().vs_paging_modes;
}

Status create_vm(Vm& vm, unsigned index, uint16_t vmid, const VmSpec& spec,
                 PhysicalAllocator& allocator, const HostPlatform& platform,
                 RamPlacement placement) {
    vm.index = index;
    vm.vmid = vmid;
    format_string(vm.name, sizeof(vm.name), "vm%u", index);
    if (spec.vcpus == 0 || spec.vcpus > Vm::kMaxVcpus) {
        log("error: %s: %u vCPUs requested; Halyard supports 1 to %u per VM", vm.name, spec.vcpus,
            Vm::kMaxVcpus);
        return Error::kCapacity;
    }
    // The guest's ISA comes from the first host hart (the harts of a machine
    // are alike; boot checks each one Halyard runs on for H).
    const HostHart& host_hart = platform.harts[0];
    if (!host_hart.isa.usable()) {
        log_hart_isa_problem(vm.name, host_hart.hart_id, host_hart.isa);
        return host_hart.isa.problem() == HartIsa::Problem::kTooManyExtensions
                   ? Error::kCapacity
                   : Error::kInvalidInput;
    }
    if (spec.irqchip == GuestIrqchip::kAia &&
        (platform.guest_interrupt_ids == 0 || !host_hart.isa.has("ssaia"))) {
        log("error: %s: irqchip aia needs harts with Ssaia and guest interrupt files at an "
            "S-level IMSIC; this host has %s",
            vm.name, platform.guest_interrupt_ids == 0 ? "no guest interrupt files" : "no Ssaia");
        return Error::kUnsupported;
    }
    vm.irqchip = spec.irqchip;
    vm.guest_isa =
        guest_isa_of(host_hart.isa, machine_features(), spec.irqchip == GuestIrqchip::kAia);
    vm.guest_has_sstc = vm.guest_isa.has("sstc");
    vm.hstateen0 = 0;
    if (host_hart.isa.has("smstateen")) {
        vm.hstateen0 = hstateen0::kEnvcfg;
        if (spec.irqchip == GuestIrqchip::kAia)
            vm.hstateen0 |= hstateen0::kCsrind | hstateen0::kAia | hstateen0::kImsic;
    }
    // The guest is told its mode in its DTB and may switch vsatp to it at
    // any time: a mode the hart lacks would leave vsatp unchanged (WARL) and
    // the guest without the paging it was promised.
    const PagingModes modes = guest_paging_modes(platform);
    if (!modes.has(spec.paging_mode)) {
        const std::string_view host_mmu = host_hart.mmu_type;
        const std::string_view asked = name_of(spec.paging_mode);
        const std::string_view widest = name_of(modes.widest());
        const std::string_view kept = name_of(machine_features().vs_paging_modes.widest());
        log("error: %s: mmu %.*s is more than this host offers, at most %.*s (its device tree "
            "says mmu-type \"%.*s\", its vsatp keeps up to %.*s)",
            vm.name, static_cast<int>(asked.size()), asked.data(), static_cast<int>(widest.size()),
            widest.data(), printable_prefix(host_mmu, 40), host_mmu.data(),
            static_cast<int>(kept.size()), kept.data());
        return Error::kUnsupported;
    }
    vm.paging_mode = spec.paging_mode;
    const Result<uint64_t> ram_size = guest_ram_size(spec.memory_size);
    if (!ram_size) {
        log("error: %s: %llu bytes of RAM requested; a VM has 1 byte to %llu GiB", vm.name,
            static_cast<unsigned long long>(spec.memory_size),
            static_cast<unsigned long long>(kMaxGuestMemorySize >> 30));
        return ram_size.error();
    }
    const uint64_t size = ram_size.value();
    static_assert(guest::kRamBase % kGuestRamAlignment == 0, "guest RAM starts on a 2 MiB page");
    const Result<uint64_t> host_base =
        allocator.allocate_guest_ram(guest::kRamBase, size, placement);
    if (!host_base) {
        log("error: %s: no room for %llu MiB of guest RAM (largest free block: %llu MiB)", vm.name,
            static_cast<unsigned long long>(size >> 20),
            static_cast<unsigned long long>(allocator.largest_free() >> 20));
        return host_base.error();
    }
    vm.ram = GuestRam{guest::kRamBase, size, host_base.value()};
    if (!vm.gstage.init() || !vm.gstage.map(vm.ram.guest_base, vm.ram.host_base, vm.ram.size)) {
        log("error: %s: out of G-stage page-table memory", vm.name);
        return Error::kOutOfMemory;
    }
    vm.console = VmConsole(host_console_backend_for(vm));
    if (!vm.attach_devices()) {
        log("error: %s: its devices do not fit its MMIO bus", vm.name);
        return Error::kCapacity;
    }
    vm.image = spec.image;
    vm.vcpu_count = spec.vcpus;
    for (unsigned i = 0; i < spec.vcpus; ++i) {
        vm.vcpus[i].vm = &vm;
        vm.vcpus[i].id = i;
    }
    const Status loaded = load_vm_image(vm, platform);
    if (!loaded) return loaded;
    vm.state.store(VmState::kRunning);
    return ok();
}

}  // namespace halyard
