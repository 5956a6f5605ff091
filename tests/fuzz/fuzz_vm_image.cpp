// SPDX-License-Identifier: Apache-2.0
// Loading a VM's images into its RAM (load_vm_image, with the kernel's Linux
// Image header) with hostile sizes: a fuzzed RAM size, a kernel whose header
// claims any image_size, initrd and DTB of any length. The RAM is a buffer
// whose bytes past the VM's size are poisoned, so ASan stops any write
// outside it; whatever is accepted must lie inside the RAM, in order.

#include <sanitizer/asan_interface.h>

#include <cstring>
#include <memory>

#include "fuzz_support.hpp"
#include "halyard/guest_layout.hpp"
#include "platform/host_platform.hpp"
#include "vm/vm.hpp"
#include "vm/vm_setup.hpp"

using namespace halyard;

namespace {

constexpr uint64_t kMaxRam = guest::kKernelOffset + 512 * 1024;

uint8_t* ram_buffer() {
    static uint8_t* ram = new uint8_t[kMaxRam];
    return ram;
}

// Images come from here: any span of at most kMaxRam bytes is real; a
// longer one is a lie that load_vm_image must refuse before reading it
// (nothing longer fits in the RAM).
const uint8_t* source_bytes() {
    static const uint8_t* source = [] {
        auto* bytes = new uint8_t[kMaxRam];
        for (uint64_t i = 0; i < kMaxRam; ++i) bytes[i] = static_cast<uint8_t>(i * 31 + 7);
        return bytes;
    }();
    return source;
}

uint64_t image_length(fuzz::Input& in) {
    switch (in.take<uint8_t>() % 4) {
        case 0: return 0;
        case 1: return in.below(kMaxRam + 1);
        case 2: return in.below(64 * 1024);
        default: return in.edgy_u64();
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    fuzz::reset_fakes();
    fuzz::Input in(data, size);
    const uint64_t ram_size = in.below(kMaxRam / 4096 + 1) * 4096;

    // The kernel: a fuzzed Linux Image header (image_size from the input)
    // at the front of a buffer, or raw bytes.
    static uint8_t kernel_bytes[kMaxRam];
    uint64_t kernel_size = in.take_bool() ? in.below(8192) + 64 : image_length(in);
    if (kernel_size > kMaxRam) kernel_size = kMaxRam;
    std::memcpy(kernel_bytes, source_bytes(), kernel_size);
    if (kernel_size >= 64 && in.take_bool()) {
        const uint64_t image_size = in.edgy_u64();
        std::memcpy(kernel_bytes + 16, &image_size, 8);
        std::memcpy(kernel_bytes + 56, "RSC\x05", 4);
    }

    auto vm = std::make_unique<Vm>();
    std::strcpy(vm->name, "vm0");
    vm->vcpu_count = 1 + static_cast<unsigned>(in.below(Vm::kMaxVcpus));
    for (unsigned i = 0; i < vm->vcpu_count; ++i) {
        vm->vcpus[i].vm = vm.get();
        vm->vcpus[i].id = i;
    }
    vm->image.kernel = {kernel_bytes, kernel_size};
    vm->image.initrd = {source_bytes(), image_length(in)};
    vm->image.dtb = {source_bytes(), image_length(in)};
    std::string_view bootargs(reinterpret_cast<const char*>(data), in.below(size + 1));
    vm->image.bootargs = bootargs;

    uint8_t* ram = ram_buffer();
    vm->ram = GuestRam{guest::kRamBase, ram_size, reinterpret_cast<uint64_t>(ram)};
    HostPlatform platform;
    platform.hart_count = 1;
    platform.harts[0].isa = HartIsa::from_isa_string("rv64imafdch_zicsr_zifencei_sstc");
    platform.harts[0].mmu_type = "riscv,sv48";
    vm->guest_isa = guest_isa_of(platform.harts[0].isa, MachineFeatures{});
    platform.timebase_frequency = 10000000;

    ASAN_POISON_MEMORY_REGION(ram + ram_size, kMaxRam - ram_size);
    const bool loaded = load_vm_image(*vm, platform).ok();
    ASAN_UNPOISON_MEMORY_REGION(ram + ram_size, kMaxRam - ram_size);

    if (loaded) {
        const VmImage& image = vm->image;
        const uint64_t ram_end = guest::kRamBase + ram_size;
        FUZZ_CHECK(image.kernel.size() <= kMaxRam && image.initrd.size() <= kMaxRam &&
                   image.dtb.size() <= kMaxRam);
        FUZZ_CHECK(guest::kKernelEntry + image.kernel.size() <= ram_end);
        FUZZ_CHECK(vm->dtb_gpa >= guest::kKernelEntry + image.kernel.size());
        FUZZ_CHECK(vm->dtb_gpa < ram_end && vm->dtb_gpa % 4096 == 0);
        if (!image.dtb.empty()) FUZZ_CHECK(vm->dtb_gpa + image.dtb.size() <= ram_end);
        if (!image.initrd.empty()) {
            FUZZ_CHECK(vm->initrd_gpa >= guest::kKernelEntry + image.kernel.size());
            FUZZ_CHECK(vm->initrd_gpa + image.initrd.size() <= vm->dtb_gpa);
        }
        FUZZ_CHECK(vm->vcpus[0].regs.gpr[kA1] == vm->dtb_gpa);
        FUZZ_CHECK(vm->vcpus[0].regs.sepc == guest::kKernelEntry);
    }
    return 0;
}
