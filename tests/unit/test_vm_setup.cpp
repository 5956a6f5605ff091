// SPDX-License-Identifier: Apache-2.0
// Unit tests for loading a VM's images into its RAM (load_vm_image): where the
// kernel, initrd and DTB go, and that sizes from the VM bundle (file sizes and
// a Linux Image header's image_size) never place anything outside the RAM;
// and that every load (boot or reboot) gives the guest fresh seeds.

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
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
#include "vm/vm_bundle.hpp"
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

// ---------------------------------------------------------------- AIA

// irqchip=aia needs harts with Ssaia and guest interrupt files; without
// them the VM is refused with one line naming what is missing, before any
// memory is taken.
TEST_F(VmCreation, AiaOnAHostWithoutGuestInterruptFilesOrSsaiaIsRefused) {
    VmSpec spec;
    spec.vcpus = 1;
    spec.memory_size = 4 << 20;
    spec.irqchip = GuestIrqchip::kAia;
    PhysicalAllocator allocator;
    platform_.harts[0].isa = HartIsa::from_isa_string("rv64imafdch_ssaia");
    Status created = create_vm(vm_, 0, 1, spec, allocator, platform_);
    ASSERT_FALSE(created);
    EXPECT_EQ(created.error(), Error::kUnsupported);
    EXPECT_NE(log().find("error: vm0: irqchip aia needs harts with Ssaia and guest interrupt "
                         "files at an S-level IMSIC; this host has no guest interrupt files"),
              std::string::npos)
        << log();

    fake::host_console = {};
    platform_.guest_interrupt_ids = 255;
    platform_.harts[0].isa = HartIsa::from_isa_string("rv64imafdch");
    created = create_vm(vm_, 0, 1, spec, allocator, platform_);
    ASSERT_FALSE(created);
    EXPECT_NE(log().find("this host has no Ssaia"), std::string::npos) << log();
}

TEST_F(VmCreation, AnAiaVmsGuestsAreToldTheyHaveSsaia) {
    platform_.guest_interrupt_ids = 255;
    platform_.harts[0].isa = HartIsa::from_isa_string("rv64imafdch_smaia_ssaia");
    VmSpec spec;
    spec.vcpus = 1;
    spec.memory_size = 4 << 20;
    spec.irqchip = GuestIrqchip::kAia;
    PhysicalAllocator allocator;
    (void)create_vm(vm_, 0, 1, spec, allocator, platform_);  // fails later, for want of memory
    EXPECT_EQ(vm_.irqchip, GuestIrqchip::kAia);
    EXPECT_TRUE(vm_.guest_isa.has("ssaia"));
    spec.irqchip = GuestIrqchip::kPlic;
    (void)create_vm(vm_, 0, 1, spec, allocator, platform_);
    EXPECT_FALSE(vm_.guest_isa.has("ssaia"));
}

// On harts with Smstateen, VS-mode reaches siselect, sireg and stopei only
// through hstateen0's CSRIND, AIA and IMSIC bits: an AIA VM's vCPUs get them,
// others get none (and without Smstateen hstateen0 is never touched).
TEST_F(VmCreation, OnHartsWithSmstateenAVmGetsSenvcfgAndAnAiaVmItsFilesCsrs) {
    platform_.guest_interrupt_ids = 255;
    VmSpec spec;
    spec.vcpus = 1;
    spec.memory_size = 4 << 20;
    spec.irqchip = GuestIrqchip::kAia;
    PhysicalAllocator allocator;
    platform_.harts[0].isa = HartIsa::from_isa_string("rv64imafdch_smaia_smstateen_ssaia");
    (void)create_vm(vm_, 0, 1, spec, allocator, platform_);  // fails later, for want of memory
    EXPECT_EQ(vm_.hstateen0,
              hstateen0::kEnvcfg | hstateen0::kCsrind | hstateen0::kAia | hstateen0::kImsic);
    spec.irqchip = GuestIrqchip::kPlic;
    (void)create_vm(vm_, 0, 1, spec, allocator, platform_);
    EXPECT_EQ(vm_.hstateen0, hstateen0::kEnvcfg);
    spec.irqchip = GuestIrqchip::kAia;
    platform_.harts[0].isa = HartIsa::from_isa_string("rv64imafdch_smaia_ssaia");
    (void)create_vm(vm_, 0, 1, spec, allocator, platform_);
    EXPECT_EQ(vm_.hstateen0, 0u);
}

// Each vCPU gets the guest interrupt file of the hart it runs on, mapped at
// its own page of the guest's IMSIC (vCPU order), readable and writable but
// nothing more: not the neighbouring pages, not another VM's files.
TEST_F(VmSetup, AttachingInterruptFilesMapsEachVcpusOwnFile) {
    ASSERT_TRUE(vm_.gstage.init());
    vm_.irqchip = GuestIrqchip::kAia;
    vm_.vcpu_count = 2;
    vm_.vcpus[1].vm = &vm_;
    vm_.vcpus[0].host_hart_id = 3;
    vm_.vcpus[1].host_hart_id = 1;
    platform_.hart_count = 4;
    platform_.guest_interrupt_ids = 63;
    for (unsigned h = 0; h < 4; ++h) {
        platform_.harts[h].hart_id = h;
        platform_.harts[h].guest_interrupt_file = 0x2800'1000 + 0x2000 * h;
    }
    ASSERT_TRUE(attach_interrupt_files(vm_, platform_)) << log();
    EXPECT_EQ(vm_.vcpus[0].interrupt_file, 0x2800'7000u);
    EXPECT_EQ(vm_.vcpus[1].interrupt_file, 0x2800'3000u);
    EXPECT_EQ(vm_.interrupt_file_ids, 63u);
    EXPECT_EQ(vm_.gstage.translate(guest::kImsicBase + 0x10), 0x2800'7010u);
    EXPECT_EQ(vm_.gstage.translate(guest::kImsicBase + guest::kImsicFileSize), 0x2800'3000u);
    EXPECT_EQ(vm_.gstage.translate(guest::kImsicBase + 2 * guest::kImsicFileSize), ~0ull)
        << "no page past the last vCPU's";
    EXPECT_EQ(vm_.gstage.translate(guest::kImsicBase - 1), ~0ull);
    EXPECT_EQ(vm_.gstage.page_counts().pages, 2u);
}

TEST_F(VmSetup, AHartWithoutAGuestInterruptFileIsRefused) {
    ASSERT_TRUE(vm_.gstage.init());
    vm_.irqchip = GuestIrqchip::kAia;
    vm_.vcpus[0].host_hart_id = 0;
    platform_.harts[0].hart_id = 0;
    const Status attached = attach_interrupt_files(vm_, platform_);
    ASSERT_FALSE(attached);
    EXPECT_EQ(attached.error(), Error::kUnsupported);
    EXPECT_NE(log().find("error: vm0: hart 0, which runs its vCPU 0, has no guest interrupt file"),
              std::string::npos)
        << log();
    EXPECT_EQ(vm_.gstage.translate(guest::kImsicBase), ~0ull);
}

TEST_F(VmSetup, AVmWithThePlicGetsNoInterruptFiles) {
    ASSERT_TRUE(vm_.gstage.init());
    platform_.harts[0].guest_interrupt_file = 0x2800'1000;
    ASSERT_TRUE(attach_interrupt_files(vm_, platform_));
    EXPECT_EQ(vm_.vcpus[0].interrupt_file, 0u);
    EXPECT_EQ(vm_.gstage.translate(guest::kImsicBase), ~0ull);
}

// ------------------------------------------------------------ paging mode

// The mode a VM's DTB offers must be one the host has: its DT's mmu-type
// (the named mode and the narrower ones) and what vsatp kept at boot. A
// mode outside either is refused with one line, before any memory is taken.
class VmPagingMode : public VmCreation {
  protected:
    Status create_with(PagingMode mode) {
        VmSpec spec;
        spec.vcpus = 1;
        spec.memory_size = 4 << 20;
        spec.paging_mode = mode;
        PhysicalAllocator allocator;  // no memory: a VM that passes fails for want of it
        fake::host_console = {};
        return create_vm(vm_, 0, 1, spec, allocator, platform_);
    }
    void set_probed(PagingMode widest) {
        MachineFeatures machine;
        machine.vs_paging_modes = PagingModes::up_to(widest);
        set_machine_features(machine);
    }
};

TEST_F(VmPagingMode, AModeTheHostHasIsGiven) {
    platform_.harts[0].mmu_type = "riscv,sv57";
    set_probed(PagingMode::kSv57);
    for (PagingMode mode : kPagingModes) {
        const Status created = create_with(mode);
        ASSERT_FALSE(created);
        EXPECT_EQ(created.error(), Error::kOutOfMemory) << "refused for the mode, not for memory";
        EXPECT_EQ(vm_.paging_mode, mode);
    }
    EXPECT_EQ(guest_paging_modes(platform_), PagingModes::up_to(PagingMode::kSv57));
}

TEST_F(VmPagingMode, AModeWiderThanTheHostDtSaysIsRefused) {
    platform_.harts[0].mmu_type = "riscv,sv48";  // QEMU 7.2, whose vsatp keeps Sv57 too
    set_probed(PagingMode::kSv57);
    EXPECT_FALSE(create_with(PagingMode::kSv48).error() == Error::kUnsupported);
    const Status created = create_with(PagingMode::kSv57);
    ASSERT_FALSE(created);
    EXPECT_EQ(created.error(), Error::kUnsupported);
    EXPECT_NE(log().find("error: vm0: mmu sv57 is more than this host offers, at most sv48 (its "
                         "device tree says mmu-type \"riscv,sv48\", its vsatp keeps up to sv57)"),
              std::string::npos)
        << log();
    EXPECT_EQ(std::count(log().begin(), log().end(), '\n'), 1) << log();
}

TEST_F(VmPagingMode, AModeVsatpDoesNotKeepIsRefused) {
    platform_.harts[0].mmu_type = "riscv,sv57";
    set_probed(PagingMode::kSv48);  // QEMU 10 with -cpu ...,sv57=off, DT notwithstanding
    EXPECT_EQ(create_with(PagingMode::kSv57).error(), Error::kUnsupported);
    EXPECT_NE(log().find("at most sv48 (its device tree says mmu-type \"riscv,sv57\", its vsatp "
                         "keeps up to sv48)"),
              std::string::npos)
        << log();
    EXPECT_EQ(create_with(PagingMode::kSv48).error(), Error::kOutOfMemory);
}

// A host DT without a usable mmu-type promises Sv39 only; so does a
// machine whose probe was never run (the default machine features).
TEST_F(VmPagingMode, WithoutAHostMmuTypeOnlySv39IsGiven) {
    for (const char* mmu_type : {"", "riscv,none", "riscv,sv32", "riscv,SV57"}) {
        platform_.harts[0].mmu_type = mmu_type;
        set_probed(PagingMode::kSv57);
        EXPECT_EQ(create_with(PagingMode::kSv39).error(), Error::kOutOfMemory) << mmu_type;
        EXPECT_EQ(create_with(PagingMode::kSv48).error(), Error::kUnsupported) << mmu_type;
    }
    platform_.harts[0].mmu_type = "riscv,sv57";
    set_machine_features({});
    EXPECT_EQ(create_with(PagingMode::kSv48).error(), Error::kUnsupported);
    EXPECT_EQ(create_with(PagingMode::kSv39).error(), Error::kOutOfMemory);
}

// A whole VM on real memory: the DTB in its RAM offers the mode it was
// given, and the G-stage maps its RAM with the pages its placement allows.
TEST_F(VmPagingMode, TheGuestDtbOffersTheModeAndTheRamIsMapped) {
    platform_.harts[0].mmu_type = "riscv,sv57";
    set_probed(PagingMode::kSv57);
    constexpr uint64_t kHostSize = 16 << 20;
    void* host = std::aligned_alloc(2 << 20, kHostSize);
    ASSERT_NE(host, nullptr);
    const uint64_t host_base = reinterpret_cast<uint64_t>(host);
    PhysicalAllocator allocator;
    ASSERT_TRUE(allocator.add_memory({host_base, kHostSize}));
    ASSERT_TRUE(allocator.reserve({host_base, 2 << 20}));  // as firmware and Halyard would be
    const std::vector<uint8_t> kernel(4096, 0x13);
    VmSpec spec;
    spec.vcpus = 2;
    spec.memory_size = (6 << 20) - 1;  // rounded up to 6 MiB
    spec.paging_mode = PagingMode::kSv48;
    spec.image.kernel = kernel;
    Vm vm;
    const Status created = create_vm(vm, 0, 1, spec, allocator, platform_);
    ASSERT_TRUE(created) << log();
    EXPECT_EQ(vm.ram.host_base, host_base + (2 << 20));
    EXPECT_EQ(vm.ram.size, 6u << 20);
    const GStagePageTable::PageCounts pages = vm.gstage.page_counts();
    EXPECT_EQ(pages.gigapages, 0u);
    EXPECT_EQ(pages.megapages, 3u);
    EXPECT_EQ(pages.pages, 0u);
    EXPECT_EQ(vm.gstage.translate(guest::kRamBase + 0x1234), host_base + (2 << 20) + 0x1234);
    EXPECT_EQ(vm.gstage.translate(guest::kRamBase + (6 << 20)), ~0ull) << "past the VM's RAM";

    const Fdt dtb = Fdt::from(vm.ram.host_pointer(vm.dtb_gpa), guest::kDtbMaxSize);
    ASSERT_TRUE(dtb.valid());
    FdtNode cpu;
    ASSERT_TRUE(dtb.find("/cpus/cpu@1", cpu));
    EXPECT_EQ(dtb.property(cpu, "mmu-type").string(), "riscv,sv48");
    std::free(host);
}

// ------------------------------------------------------------ RAM placement

constexpr uint64_t kGiB = 1ull << 30;
constexpr uint64_t kHostRam = 0x8000'0000;

VmSpec spec_of(uint64_t memory_size) {
    VmSpec spec;
    spec.memory_size = memory_size;
    return spec;
}

// Large pages must never cost a VM its place: when 1 GiB-aligned placement
// would split the free memory so that a later VM no longer fits, every VM
// is placed 2 MiB aligned instead.
TEST(RamPlacement, GigapagesOnlyWhenEveryVmStillFits) {
    PhysicalAllocator allocator;
    ASSERT_TRUE(allocator.add_memory({kHostRam, 3 * kGiB}));  // 2 GiB to 5 GiB
    ASSERT_TRUE(allocator.reserve({kHostRam, 2 << 20}));
    const VmSpec fits[] = {spec_of(kGiB), spec_of(512 << 20)};
    EXPECT_EQ(choose_ram_placement(allocator, fits), RamPlacement::kPreferGigapages);

    // 1 GiB at 3 GiB leaves 1022 MiB below and 1 GiB above: no room for
    // 1.2 GiB. Placed 2 MiB aligned from 2 GiB + 2 MiB on, both fit.
    const VmSpec split[] = {spec_of(kGiB), spec_of(1229 << 20)};
    EXPECT_EQ(choose_ram_placement(allocator, split), RamPlacement::kTwoMiBAligned);

    // The trial runs on a copy: the allocator itself is untouched.
    EXPECT_EQ(allocator.largest_free(), 3 * kGiB - (2 << 20));
    EXPECT_EQ(choose_ram_placement(allocator, {}), RamPlacement::kPreferGigapages);
}

TEST(RamPlacement, GuestRamSizesAreRoundedAndBounded) {
    EXPECT_EQ(guest_ram_size(1).value_or(0), 2u << 20);
    EXPECT_EQ(guest_ram_size(kGiB).value_or(0), kGiB);
    EXPECT_EQ(guest_ram_size(kGiB + 1).value_or(0), kGiB + (2 << 20));
    EXPECT_EQ(guest_ram_size(kMaxGuestMemorySize).value_or(0), kMaxGuestMemorySize);
    for (uint64_t size : {uint64_t{0}, kMaxGuestMemorySize + 1, ~uint64_t{0}})
        EXPECT_EQ(guest_ram_size(size).error(), Error::kTooLarge) << size;
}

}  // namespace
}  // namespace halyard
