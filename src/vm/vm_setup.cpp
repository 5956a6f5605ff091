#include "vm/vm_setup.hpp"

#include <cstring>

#include "console/log.hpp"
#include "halyard/guest_layout.hpp"
#include "lib/format.hpp"
#include "vm/console_mux.hpp"
#include "vm/guest_dtb.hpp"

namespace halyard {
namespace {

constexpr uint64_t kPage = 4096;

// The memory a Linux Image claims (its header's image_size covers BSS), or
// the file size for a raw binary.
uint64_t kernel_footprint(std::span<const uint8_t> kernel) {
    constexpr uint8_t kMagic2[4] = {'R', 'S', 'C', 0x05};
    if (kernel.size() >= 64 && std::memcmp(kernel.data() + 56, kMagic2, 4) == 0) {
        uint64_t image_size = 0;
        std::memcpy(&image_size, kernel.data() + 16, 8);
        if (image_size > kernel.size()) return image_size;
    }
    return kernel.size();
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

bool load_vm_image(Vm& vm, const HostPlatform& platform) {
    const VmImage& image = vm.image;
    const uint64_t ram_end = vm.ram.guest_end();
    const uint64_t kernel_end =
        guest::kKernelEntry + align_up(kernel_footprint(image.kernel), kPage);

    const uint64_t dtb_room =
        align_up(image.dtb.empty() ? guest::kDtbMaxSize : image.dtb.size(), kPage);
    vm.dtb_gpa = ram_end - dtb_room;
    vm.initrd_gpa = image.initrd.empty() ? 0 : align_down(vm.dtb_gpa - image.initrd.size(), kPage);
    const uint64_t lowest_data = image.initrd.empty() ? vm.dtb_gpa : vm.initrd_gpa;
    if (dtb_room + image.initrd.size() > vm.ram.size || kernel_end > lowest_data) {
        log("error: %s: %llu MiB of RAM is too small for its kernel (%zu bytes), initrd (%zu "
            "bytes) "
            "and device tree",
            vm.name, static_cast<unsigned long long>(vm.ram.size >> 20), image.kernel.size(),
            image.initrd.size());
        return false;
    }

    // RAM is not cleared: it never held another VM's data (each VM's RAM is
    // its own for Halyard's lifetime), and clearing 128 MiB costs about 60 ms
    // of boot on QEMU. What the guest needs zeroed (BSS) it clears itself.
    std::memcpy(vm.ram.host_pointer(guest::kKernelEntry), image.kernel.data(), image.kernel.size());
    if (!image.initrd.empty())
        std::memcpy(vm.ram.host_pointer(vm.initrd_gpa), image.initrd.data(), image.initrd.size());

    std::span<uint8_t> dtb_area(vm.ram.host_pointer(vm.dtb_gpa), dtb_room);
    if (!image.dtb.empty()) {
        std::memcpy(dtb_area.data(), image.dtb.data(), image.dtb.size());
    } else {
        const HostHart& host_hart = platform.harts[0];
        GuestDtbSpec spec{
            vm.ram.guest_base, vm.ram.size,        vm.vcpu_count,
            host_hart.isa,     host_hart.mmu_type, platform.timebase_frequency,
            image.bootargs,    vm.initrd_gpa,      vm.initrd_gpa + image.initrd.size()};
        if (build_guest_dtb(spec, dtb_area) == 0) {
            log("error: %s: the generated device tree does not fit in %llu bytes", vm.name,
                static_cast<unsigned long long>(dtb_room));
            return false;
        }
    }
    for (unsigned i = 0; i < vm.vcpu_count; ++i) reset_vcpu(vm.vcpus[i]);
    return true;
}

bool create_vm(Vm& vm, unsigned index, uint16_t vmid, const VmSpec& spec,
               PhysicalAllocator& allocator, const HostPlatform& platform) {
    vm.index = index;
    vm.vmid = vmid;
    format_string(vm.name, sizeof(vm.name), "vm%u", index);
    if (spec.vcpus == 0 || spec.vcpus > Vm::kMaxVcpus) {
        log("error: %s: %u vCPUs requested; Halyard supports 1 to %u per VM", vm.name, spec.vcpus,
            Vm::kMaxVcpus);
        return false;
    }
    const uint64_t size = align_up(spec.memory_size, kGuestRamAlignment);
    const uint64_t host_base = size == 0 ? 0 : allocator.allocate(size);
    if (host_base == 0) {
        log("error: %s: no room for %llu MiB of guest RAM (largest free block: %llu MiB)", vm.name,
            static_cast<unsigned long long>(size >> 20),
            static_cast<unsigned long long>(allocator.largest_free() >> 20));
        return false;
    }
    vm.ram = GuestRam{guest::kRamBase, size, host_base};
    if (!vm.gstage.init() || !vm.gstage.map(vm.ram.guest_base, vm.ram.host_base, vm.ram.size)) {
        log("error: %s: out of G-stage page-table memory", vm.name);
        return false;
    }
    vm.console = VmConsole(host_console_backend_for(vm));
    vm.attach_devices();
    vm.image = spec.image;
    vm.vcpu_count = spec.vcpus;
    for (unsigned i = 0; i < spec.vcpus; ++i) {
        vm.vcpus[i].vm = &vm;
        vm.vcpus[i].id = i;
    }
    vm.guest_has_sstc = isa_has_extension(platform.harts[0].isa, "sstc");
    if (!load_vm_image(vm, platform)) return false;
    vm.state.store(VmState::kRunning);
    return true;
}

}  // namespace halyard
