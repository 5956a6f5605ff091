// SPDX-License-Identifier: Apache-2.0
// Unit tests for loading a VM's images into its RAM (load_vm_image): where the
// kernel, initrd and DTB go, and that sizes from the VM bundle (file sizes and
// a Linux Image header's image_size) never place anything outside the RAM;
// and that every load (boot or reboot) gives the guest fresh seeds.

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <set>
#include <string>
#include <vector>

#include "arch/fake_hart_state.hpp"
#include "fake_host_console.hpp"
#include "fdt/fdt.hpp"
#include "halyard/guest_layout.hpp"
#include "memory/physical_allocator.hpp"
#include "platform/host_platform.hpp"
#include "vm/vcpu_features.hpp"
#include "vm/vm.hpp"
#include "vm/vm_setup.hpp"

namespace halyard {
namespace {

constexpr uint64_t kRamSize = 4 << 20;  // 2 MiB of it above the kernel entry
constexpr uint64_t kGuard = 64 << 10;   // bytes after the RAM that must stay untouched
constexpr uint8_t kGuardByte = 0xA5;
constexpr uint64_t kRoom = kRamSize - guest::kKernelOffset;

class VmSetup : public ::testing::Test {
  protected:
    void SetUp() override {
        fake::reset();
        fake::host_console = {};
        memory_.assign(kRamSize + kGuard, 0);
        std::memset(memory_.data() + kRamSize, kGuardByte, kGuard);
        vm_.ram = GuestRam{guest::kRamBase, kRamSize, reinterpret_cast<uint64_t>(memory_.data())};
        std::strcpy(vm_.name, "vm0");
        vm_.vcpu_count = 1;
        vm_.vcpus[0].vm = &vm_;
        platform_.harts[0].isa = HartIsa::from_isa_string("rv64imafdch_zicsr_zifencei");
        vm_.guest_isa = guest_isa_of(platform_.harts[0].isa, MachineFeatures{});
        platform_.hart_count = 1;
        platform_.timebase_frequency = 10000000;
    }

    bool guard_intact() const {
        for (uint64_t i = kRamSize; i < memory_.size(); ++i)
            if (memory_[i] != kGuardByte) return false;
        return true;
    }

    // A Linux Image header (64 bytes) claiming `image_size`, then `file_size - 64` bytes.
    static std::vector<uint8_t> linux_image(uint64_t image_size, size_t file_size = 4096) {
        std::vector<uint8_t> image(file_size, 0x13);  // nops
        std::memcpy(image.data() + 16, &image_size, 8);
        const uint8_t magic2[4] = {'R', 'S', 'C', 0x05};
        std::memcpy(image.data() + 56, magic2, 4);
        return image;
    }

    bool load(const std::vector<uint8_t>& kernel) {
        vm_.image.kernel = kernel;
        return load_vm_image(vm_, platform_).ok();
    }
    const std::string& log() const { return fake::host_console.output; }

    std::vector<uint8_t> memory_;
    Vm vm_;
    HostPlatform platform_;
};

TEST_F(VmSetup, RawKernelAtTheEntryAndTheDtbAtTheTop) {
    std::vector<uint8_t> kernel(10000, 0x42);
    ASSERT_TRUE(load(kernel)) << log();
    EXPECT_EQ(memory_[guest::kKernelOffset], 0x42);
    EXPECT_EQ(memory_[guest::kKernelOffset + kernel.size() - 1], 0x42);
    EXPECT_EQ(vm_.dtb_gpa, guest::kRamBase + kRamSize - guest::kDtbMaxSize);
    EXPECT_EQ(vm_.vcpus[0].regs.gpr[kA1], vm_.dtb_gpa);
    EXPECT_EQ(vm_.vcpus[0].regs.sepc, guest::kKernelEntry);
    EXPECT_EQ(vm_.initrd_gpa, 0u);
    EXPECT_TRUE(guard_intact());
}

TEST_F(VmSetup, ImageSizeFillingTheRoomBelowTheDtbFits) {
    EXPECT_TRUE(load(linux_image(kRoom - guest::kDtbMaxSize))) << log();
    EXPECT_TRUE(guard_intact());
}

TEST_F(VmSetup, ImageSizeOnePageTooLargeIsRefused) {
    EXPECT_FALSE(load(linux_image(kRoom - guest::kDtbMaxSize + 4096)));
    EXPECT_NE(log().find("vm0"), std::string::npos) << log();
}

// image_size near 2^64: the kernel's end wrapped around and passed the check.
TEST_F(VmSetup, ImageSizeNearTwoToTheSixtyFourIsRefused) {
    for (uint64_t image_size : {~uint64_t{0}, ~uint64_t{0} - 4095, uint64_t{1} << 63,
                                ~uint64_t{0} - guest::kKernelEntry + 1}) {
        fake::host_console = {};
        EXPECT_FALSE(load(linux_image(image_size))) << std::hex << image_size;
        EXPECT_NE(log().find("image_size"), std::string::npos) << log();
        EXPECT_TRUE(guard_intact());
    }
}

TEST_F(VmSetup, KernelFileLargerThanTheRoomIsRefused) {
    std::vector<uint8_t> kernel(kRoom + 1, 0x42);
    EXPECT_FALSE(load(kernel));
    EXPECT_NE(log().find("file size"), std::string::npos) << log();
    EXPECT_TRUE(guard_intact());
}

TEST_F(VmSetup, InitrdGoesBelowTheDtbOnAPage) {
    std::vector<uint8_t> kernel(4096, 0x42), initrd(5000, 0x77);
    vm_.image.initrd = initrd;
    ASSERT_TRUE(load(kernel)) << log();
    EXPECT_EQ(vm_.initrd_gpa % 4096, 0u);
    EXPECT_LE(vm_.initrd_gpa + initrd.size(), vm_.dtb_gpa);
    EXPECT_EQ(memory_[vm_.initrd_gpa - guest::kRamBase], 0x77);
    EXPECT_TRUE(guard_intact());
}

// An initrd whose size wraps the sums: refused before anything is copied (the
// span's size is a lie; reading it would fault).
TEST_F(VmSetup, InitrdSizeThatWrapsIsRefused) {
    std::vector<uint8_t> kernel(4096, 0x42), initrd(4096, 0x77);
    for (uint64_t size :
         {~uint64_t{0} - 4095, ~uint64_t{0} - guest::kDtbMaxSize + 1, uint64_t{1} << 63, kRoom}) {
        vm_.image.initrd = std::span<const uint8_t>(initrd.data(), size);
        EXPECT_FALSE(load(kernel)) << std::hex << size;
        EXPECT_TRUE(guard_intact());
    }
}

TEST_F(VmSetup, UserDtbLargerThanTheRoomIsRefused) {
    std::vector<uint8_t> kernel(4096, 0x42), dtb(4096, 0);
    for (uint64_t size : {~uint64_t{0} - 100, kRoom}) {
        vm_.image.dtb = std::span<const uint8_t>(dtb.data(), size);
        EXPECT_FALSE(load(kernel)) << std::hex << size;
        EXPECT_NE(log().find("device tree"), std::string::npos) << log();
    }
}

TEST_F(VmSetup, RamThatEndsBelowTheKernelEntryIsRefused) {
    vm_.ram.size = guest::kKernelOffset - 4096;
    std::vector<uint8_t> kernel(16, 0x42);
    EXPECT_FALSE(load(kernel));
    EXPECT_NE(log().find("entry"), std::string::npos) << log();
}

// --------------------------------------------------------------- seeds

struct ChosenSeeds {
    std::vector<uint8_t> rng_seed;  // empty: none
    uint64_t kaslr_seed = 0;
    bool has_kaslr_seed = false;
};

class VmSeeds : public VmSetup {
  protected:
    void SetUp() override {
        VmSetup::SetUp();
        platform_.guest_seed_key.bytes.fill(0x11);
        platform_.guest_seed_key.has_entropy = true;
    }

    // The seeds in the DTB the last load put into guest RAM.
    ChosenSeeds chosen_seeds() {
        const Fdt fdt = Fdt::from(vm_.ram.host_pointer(vm_.dtb_gpa), guest::kDtbMaxSize);
        EXPECT_TRUE(fdt.valid());
        FdtNode chosen;
        EXPECT_TRUE(fdt.find("/chosen", chosen));
        ChosenSeeds seeds;
        const FdtProperty rng = fdt.property(chosen, "rng-seed");
        if (rng.valid()) seeds.rng_seed.assign(rng.value.begin(), rng.value.end());
        const FdtProperty kaslr = fdt.property(chosen, "kaslr-seed");
        seeds.has_kaslr_seed = kaslr.valid() && kaslr.value.size() == 8;
        if (seeds.has_kaslr_seed) seeds.kaslr_seed = kaslr.u64();
        return seeds;
    }

    std::vector<uint8_t> kernel_ = std::vector<uint8_t>(4096, 0x42);
};

// A reboot reloads the image: it must come with seeds of its own, even at
// the same time (the fake clock stands still), by the VM's boot count.
TEST_F(VmSeeds, EveryLoadGetsFreshSeeds) {
    std::set<std::vector<uint8_t>> rng_seeds;
    std::set<uint64_t> kaslr_seeds;
    for (uint64_t boot = 1; boot <= 5; ++boot) {
        ASSERT_TRUE(load(kernel_)) << log();
        EXPECT_EQ(vm_.boot_count, boot);
        const ChosenSeeds seeds = chosen_seeds();
        EXPECT_GE(seeds.rng_seed.size(), 32u);
        EXPECT_TRUE(seeds.has_kaslr_seed);
        rng_seeds.insert(seeds.rng_seed);
        kaslr_seeds.insert(seeds.kaslr_seed);
    }
    EXPECT_EQ(rng_seeds.size(), 5u);
    EXPECT_EQ(kaslr_seeds.size(), 5u);
}

TEST_F(VmSeeds, TwoVmsNeverShareSeeds) {
    ASSERT_TRUE(load(kernel_));
    const ChosenSeeds vm0 = chosen_seeds();
    vm_.index = 1;
    vm_.boot_count = 0;
    ASSERT_TRUE(load(kernel_));
    const ChosenSeeds vm1 = chosen_seeds();
    EXPECT_NE(vm0.rng_seed, vm1.rng_seed);
    EXPECT_NE(vm0.kaslr_seed, vm1.kaslr_seed);
}

// A guest credits rng-seed as entropy: without entropy behind the key it
// gets no seeds at all rather than guessable ones.
TEST_F(VmSeeds, NoSeedsWithoutEntropy) {
    platform_.guest_seed_key.has_entropy = false;
    ASSERT_TRUE(load(kernel_));
    const ChosenSeeds seeds = chosen_seeds();
    EXPECT_TRUE(seeds.rng_seed.empty());
    EXPECT_FALSE(seeds.has_kaslr_seed);
}

// ------------------------------------------------------------ create_vm

// The guest's ISA is checked before anything is allocated: a host hart whose
// ISA description Halyard cannot use stops the VM with a line that names it.
class VmCreation : public VmSetup {
  protected:
    void TearDown() override { set_machine_features({}); }

    Status create() {
        VmSpec spec;
        spec.vcpus = 1;
        spec.memory_size = 4 << 20;
        PhysicalAllocator allocator;  // no memory: reaching it fails differently
        return create_vm(vm_, 0, 1, spec, allocator, platform_);
    }
};

TEST_F(VmCreation, AHostHartWithTooManyExtensionsIsRefusedWithItsCount) {
    std::string list = std::string("i\0", 2);
    for (int i = 0; i < 10000; ++i) list.append("zba", 4);
    platform_.harts[0].isa = HartIsa::from_extension_list(list);
    const Status created = create();
    ASSERT_FALSE(created);
    EXPECT_EQ(created.error(), Error::kCapacity);
    EXPECT_NE(log().find("error: vm0: hart 0: its riscv,isa-extensions lists 10001 extensions, "
                         "more than Halyard's limit of 512"),
              std::string::npos)
        << log();
}

TEST_F(VmCreation, AHostHartWithoutAnIsaIsRefused) {
    platform_.harts[0].isa = HartIsa{};
    const Status created = create();
    ASSERT_FALSE(created);
    EXPECT_EQ(created.error(), Error::kInvalidInput);
    EXPECT_NE(log().find("error: vm0: hart 0: its riscv,isa is missing"), std::string::npos)
        << log();
}

TEST_F(VmCreation, TheGuestIsaAndItsSstcComeFromTheHostAndTheMachine) {
    platform_.harts[0].isa = HartIsa::from_isa_string("rv64imafdch_sstc_zicboz");
    set_machine_features({henvcfg::kStce, false, false});
    (void)create();  // fails later, for want of memory
    EXPECT_TRUE(vm_.guest_isa.has("sstc"));
    EXPECT_TRUE(vm_.guest_has_sstc);
    EXPECT_FALSE(vm_.guest_isa.has("zicboz")) << "the hart did not keep CBZE";

    set_machine_features({});
    (void)create();
    EXPECT_FALSE(vm_.guest_isa.has("sstc")) << "without STCE the guest cannot use vstimecmp";
    EXPECT_FALSE(vm_.guest_has_sstc);
}

}  // namespace
}  // namespace halyard
