// SPDX-License-Identifier: Apache-2.0
// The host device trees QEMU 7.2 (Debian 12) and QEMU 10.0.2 really give
// Halyard (tests/unit/data/host_dtbs: virt without AIA, with APLIC, with
// APLIC + IMSIC, and QEMU 10's -cpu max), read as boot reads them and turned
// into guest device trees, which are parsed back with Halyard's own reader:
// the guest's riscv,isa and riscv,isa-extensions name the same extensions,
// never H, V or AIA, the henvcfg-gated ones only when the hart kept the bit,
// mmu-type is Sv39 by default whatever the host offers (the modes a VM may
// be given follow from the host's mmu-type), and the tree fits.

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <ostream>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fdt/fdt.hpp"
#include "halyard/csr_numbers.hpp"
#include "halyard/guest_layout.hpp"
#include "lib/capacity.hpp"
#include "platform/host_platform.hpp"
#include "platform/paging_mode.hpp"
#include "test_support.hpp"
#include "vm/guest_dtb.hpp"
#include "vm/guest_isa.hpp"

namespace halyard::testing {
namespace {

const std::string kDataDir = HALYARD_UNIT_TEST_DATA_DIR "/host_dtbs/";

std::string_view as_text(std::span<const uint8_t> bytes) {
    return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

// The names of a guest riscv,isa string as Halyard writes it: "rv64", the
// single letters, then "_name" for each multi-letter extension.
std::vector<std::string> names_of_isa_string(std::string_view isa) {
    std::vector<std::string> names;
    EXPECT_EQ(isa.substr(0, 4), "rv64") << isa;
    const size_t letters_end = std::min(isa.find('_'), isa.size());
    for (size_t i = 4; i < letters_end; ++i) names.emplace_back(1, isa[i]);
    for (size_t start = letters_end; start < isa.size();) {
        const size_t end = std::min(isa.find('_', start + 1), isa.size());
        names.emplace_back(isa.substr(start + 1, end - start - 1));
        start = end;
    }
    return names;
}

// The names of a string-list property; it must end with its NUL.
std::vector<std::string> names_of_list(const FdtProperty& list) {
    std::vector<std::string> names;
    const std::string_view text = as_text(list.value);
    EXPECT_FALSE(text.empty());
    EXPECT_EQ(text.back(), '\0');
    for (size_t start = 0; start < text.size();) {
        const size_t end = text.find('\0', start);
        names.emplace_back(text.substr(start, end - start));
        start = end + 1;
    }
    return names;
}

bool is_vector_extension(std::string_view name) {
    return name == "v" || name.substr(0, 2) == "zv";
}

constexpr uint64_t kAllEnvcfg =
    henvcfg::kStce | henvcfg::kPbmte | henvcfg::kCbieFlush | henvcfg::kCbcfe | henvcfg::kCbze;

// What the harts may have kept at boot, from nothing to everything.
const MachineFeatures kMachines[] = {
    {kAllEnvcfg, true, true},
    {0, false, false},
    {henvcfg::kStce, false, false},
    {henvcfg::kCbze | henvcfg::kPbmte, true, false},
    {henvcfg::kCbieFlush, false, false},  // half of what Zicbom needs
};

struct HostDtb {
    const char* file;
    bool qemu10;
};

void PrintTo(const HostDtb& dtb, std::ostream* out) {
    *out << dtb.file;
}

const HostDtb kQemu7Dtbs[] = {
    {"qemu7-virt-aia-none.dtb", false},
    {"qemu7-virt-aia-aplic.dtb", false},
    {"qemu7-virt-aia-aplic-imsic.dtb", false},
};
const HostDtb kQemu10Dtbs[] = {
    {"qemu10-virt-aia-none.dtb", true},
    {"qemu10-virt-aia-aplic.dtb", true},
    {"qemu10-virt-aia-aplic-imsic.dtb", true},
    {"qemu10-virt-cpu-max.dtb", true},
};

class HostDtbs : public ::testing::TestWithParam<HostDtb> {
  protected:
    void SetUp() override {
        blob_ = read_host_dtb(GetParam().file);
        ASSERT_FALSE(blob_.empty()) << "cannot read " << kDataDir << GetParam().file;
        fdt_ = Fdt::from(blob_.data(), blob_.size());
        ASSERT_TRUE(fdt_.valid());
        ASSERT_TRUE(read_host_platform(fdt_, platform_));
    }

    // Builds the guest DTB for `vcpus` vCPUs and parses it back.
    Fdt guest_dtb(const MachineFeatures& machine, unsigned vcpus) {
        GuestDtbSpec spec{};
        spec.ram_base = guest::kRamBase;
        spec.ram_size = 128ull << 20;
        spec.vcpu_count = vcpus;
        spec.isa = guest_isa_of(platform_.harts[0].isa, machine);
        spec.cache_blocks = platform_.harts[0].cache_blocks;
        spec.timebase_frequency = platform_.timebase_frequency;
        spec.bootargs = "console=ttyS0 earlycon=sbi";
        guest_.assign(guest::kDtbMaxSize, 0);
        const Result<size_t> size = build_guest_dtb(spec, guest_);
        EXPECT_TRUE(size) << "the guest DTB does not fit in " << guest::kDtbMaxSize << " bytes";
        guest_.resize(size.value_or(0));
        return Fdt::from(guest_.data(), guest_.size());
    }

    std::vector<uint8_t> blob_;
    Fdt fdt_;
    HostPlatform platform_;
    std::vector<uint8_t> guest_;
};

TEST_P(HostDtbs, EveryHartIsReadFromTheFormItsQemuWrites) {
    ASSERT_EQ(platform_.hart_count, 4u);
    for (unsigned i = 0; i < platform_.hart_count; ++i) {
        const HostHart& hart = platform_.harts[i];
        SCOPED_TRACE("hart " + std::to_string(hart.hart_id));
        ASSERT_TRUE(hart.isa.usable());
        EXPECT_EQ(hart.isa.form(),
                  GetParam().qemu10 ? HartIsa::Form::kExtensionList : HartIsa::Form::kIsaString);
        EXPECT_EQ(hart.isa.ignored_list_problem(), HartIsa::Problem::kNone);
        EXPECT_TRUE(hart.isa.has("h"));
        EXPECT_TRUE(hart.isa.has("i"));
        EXPECT_TRUE(hart.isa.has("sstc"));
        EXPECT_LE(hart.isa.listed_extensions(), HartIsa::kMaxExtensions);
        EXPECT_EQ(hart.mmu_type, GetParam().qemu10 ? "riscv,sv57" : "riscv,sv48");
        // What a VM may be given (mmu=) on this QEMU, as far as its DT says.
        EXPECT_EQ(paging_modes_of_mmu_type(hart.mmu_type),
                  PagingModes::up_to(GetParam().qemu10 ? PagingMode::kSv57 : PagingMode::kSv48));
        const uint32_t block = GetParam().qemu10 ? 64 : 0;
        EXPECT_EQ(hart.cache_blocks.cbom, block);
        EXPECT_EQ(hart.cache_blocks.cboz, block);
        EXPECT_EQ(hart.cache_blocks.cbop, block);
    }
}

// QEMU 10 writes both forms: each alone answers every question as the pair
// does, for every name either form mentions.
using Qemu10HostDtbs = HostDtbs;
TEST_P(Qemu10HostDtbs, EitherFormAloneGivesTheSameAnswers) {
    FdtNode cpu;
    ASSERT_TRUE(fdt_.find("/cpus/cpu@0", cpu));
    const FdtProperty string = fdt_.property(cpu, "riscv,isa");
    const FdtProperty base = fdt_.property(cpu, "riscv,isa-base");
    const FdtProperty list = fdt_.property(cpu, "riscv,isa-extensions");
    ASSERT_TRUE(string.valid() && base.valid() && list.valid());
    const HartIsa both = HartIsa::from_properties(string, base, list);
    const HartIsa only_string = HartIsa::from_properties(string, {}, {});
    const HartIsa only_list = HartIsa::from_properties({}, base, list);
    ASSERT_TRUE(both.usable() && only_string.usable() && only_list.usable());
    EXPECT_EQ(only_string.form(), HartIsa::Form::kIsaString);
    EXPECT_EQ(only_list.form(), HartIsa::Form::kExtensionList);
    std::set<std::string> names = {"g", "e", "zihpm", "svade", "svpbmt", "x", ""};
    only_string.for_each_extension([&](std::string_view name) {
        names.emplace(name);
        return true;
    });
    only_list.for_each_extension([&](std::string_view name) {
        names.emplace(name);
        return true;
    });
    for (const std::string& name : names) {
        EXPECT_EQ(only_string.has(name), only_list.has(name)) << name;
        EXPECT_EQ(both.has(name), only_list.has(name)) << name;
    }
    for (const MachineFeatures& machine : kMachines) {
        std::array<char, 2048> from_string{}, from_list{};
        ASSERT_TRUE(guest_isa_string(guest_isa_of(only_string, machine), from_string));
        ASSERT_TRUE(guest_isa_string(guest_isa_of(only_list, machine), from_list));
        EXPECT_STREQ(from_string.data(), from_list.data());
    }
}

TEST_P(HostDtbs, TheGuestDtbNamesOneSetTwiceWithoutWhatAGuestCannotUse) {
    const HartIsa& host = platform_.harts[0].isa;
    for (const MachineFeatures& machine : kMachines) {
        SCOPED_TRACE("guest_envcfg " + std::to_string(machine.guest_envcfg) + ", svadu " +
                     std::to_string(machine.svadu));
        const Fdt guest = guest_dtb(machine, capacity::kVcpusPerVm);
        ASSERT_TRUE(guest.valid());
        ASSERT_LE(guest.total_size(), guest::kDtbMaxSize);
        FdtNode cpus;
        ASSERT_TRUE(guest.find("/cpus", cpus));
        unsigned cpu_count = 0;
        guest.for_each_child(cpus, [&](FdtNode cpu) {
            ++cpu_count;
            const std::string_view isa = guest.property(cpu, "riscv,isa").string();
            const std::vector<std::string> from_string = names_of_isa_string(isa);
            const std::vector<std::string> from_list =
                names_of_list(guest.property(cpu, "riscv,isa-extensions"));
            EXPECT_EQ(from_string, from_list) << isa;
            EXPECT_EQ(as_text(guest.property(cpu, "riscv,isa-base").value),
                      std::string_view("rv64i", 6));
            EXPECT_EQ(guest.property(cpu, "mmu-type").string(), "riscv,sv39");

            const std::set<std::string> names(from_list.begin(), from_list.end());
            EXPECT_EQ(names.size(), from_list.size()) << "each extension once";
            EXPECT_TRUE(names.count("i"));
            for (const std::string& name : names) {
                EXPECT_NE(name, "h");
                EXPECT_FALSE(is_vector_extension(name)) << name;
                EXPECT_NE(name.substr(0, 2), "sh") << name;
                EXPECT_NE(name.substr(0, 2), "sm") << name;
                EXPECT_NE(name, "ssaia");
                EXPECT_NE(name, "zihpm");
                // Zkr's seed CSR traps in VS/VU-mode, and "zk" implies Zkr.
                EXPECT_NE(name, "zkr");
                EXPECT_NE(name, "zk");
                EXPECT_TRUE(host.has(name) || name == "svade") << name << " is not the host's";
            }
            const auto kept = [&](uint64_t bits) { return (machine.guest_envcfg & bits) == bits; };
            EXPECT_EQ(names.count("sstc") == 1, kept(henvcfg::kStce));
            EXPECT_EQ(names.count("zicbom") == 1,
                      GetParam().qemu10 && kept(henvcfg::kCbieFlush | henvcfg::kCbcfe));
            EXPECT_EQ(names.count("zicboz") == 1, GetParam().qemu10 && kept(henvcfg::kCbze));
            EXPECT_EQ(names.count("svpbmt") == 1, host.has("svpbmt") && kept(henvcfg::kPbmte));
            EXPECT_EQ(names.count("svadu") == 1, GetParam().qemu10 && machine.svadu);
            EXPECT_EQ(names.count("svade") == 1, GetParam().qemu10)
                << "A/D faults until the guest enables Svadu";
            // QEMU 10 gives 64-byte blocks; each size comes with its extension.
            const std::pair<const char*, const char*> kBlockSizes[] = {
                {"zicbom", "riscv,cbom-block-size"},
                {"zicboz", "riscv,cboz-block-size"},
                {"zicbop", "riscv,cbop-block-size"}};
            for (const auto& [extension, property] : kBlockSizes) {
                const FdtProperty size = guest.property(cpu, property);
                EXPECT_EQ(size.valid(), names.count(extension) == 1) << property;
                EXPECT_EQ(size.u32(), size.valid() ? 64u : 0u) << property;
            }
            return true;
        });
        EXPECT_EQ(cpu_count, capacity::kVcpusPerVm);
    }
}

TEST_P(HostDtbs, TheGuestDtbPassesDtcWithoutWarnings) {
    if (!is_installed(kDtc)) GTEST_SKIP() << kDtc << " is not installed";
    ASSERT_TRUE(guest_dtb(kMachines[0], 2).valid());
    TempFile dtb("halyard_host_dtbs", ".dtb");
    dtb.write(guest_.data(), guest_.size());
    const CommandResult r =
        run_command(std::string(kDtc) + " -I dtb -O dts -o /dev/null " + dtb.path());
    EXPECT_EQ(r.exit_code, 0) << r.stderr_text;
    EXPECT_EQ(r.stderr_text, "");
}

std::string test_name_of(const ::testing::TestParamInfo<HostDtb>& info) {
    std::string name = info.param.file;
    name = name.substr(0, name.find('.'));
    for (char& c : name)
        if (c == '-') c = '_';
    return name;
}

INSTANTIATE_TEST_SUITE_P(Qemu7, HostDtbs, ::testing::ValuesIn(kQemu7Dtbs), test_name_of);
INSTANTIATE_TEST_SUITE_P(Qemu10, HostDtbs, ::testing::ValuesIn(kQemu10Dtbs), test_name_of);
INSTANTIATE_TEST_SUITE_P(Qemu10, Qemu10HostDtbs, ::testing::ValuesIn(kQemu10Dtbs), test_name_of);

// What a guest is told on each QEMU, on a hart that kept every henvcfg bit
// and lets FWFT switch ADUE: the whole string, to be read by a person.
std::string guest_isa_on(const char* file) {
    const std::vector<uint8_t> blob = read_host_dtb(file);
    HostPlatform platform;
    const Fdt fdt = Fdt::from(blob.data(), blob.size());
    EXPECT_TRUE(read_host_platform(fdt, platform));
    std::array<char, 2048> isa{};
    EXPECT_TRUE(guest_isa_string(guest_isa_of(platform.harts[0].isa, kMachines[0]), isa));
    return isa.data();
}

TEST(HostDtbGuestIsa, OnQemu7) {
    EXPECT_EQ(guest_isa_on("qemu7-virt-aia-none.dtb"),
              "rv64imafdc_zicntr_zicsr_zifencei_zihintpause_zba_zbb_zbc_zbs_sstc");
    EXPECT_EQ(guest_isa_on("qemu7-virt-aia-aplic-imsic.dtb"),
              "rv64imafdc_zicntr_zicsr_zifencei_zihintpause_zba_zbb_zbc_zbs_sstc")
        << "no smaia/ssaia";
}

TEST(HostDtbGuestIsa, OnQemu10) {
    // No zihpm, no sh* or ss* profile names: not on the list of what a guest
    // may be offered.
    EXPECT_EQ(guest_isa_on("qemu10-virt-aia-none.dtb"),
              "rv64imafdc_zic64b_zicbom_zicbop_zicboz_ziccamoa_ziccif_zicclsm_ziccrse_zicntr_zicsr_"
              "zifencei_zihintntl_zihintpause_zmmul_za64rs_zaamo_zalrsc_zawrs_zfa_zca_zcd_zba_zbb_"
              "zbc_zbs_sstc_svade_svadu_svvptc");
    EXPECT_EQ(guest_isa_on("qemu10-virt-aia-aplic-imsic.dtb"),
              "rv64imafdc_zic64b_zicbom_zicbop_zicboz_ziccamoa_ziccif_zicclsm_ziccrse_zicntr_zicsr_"
              "zifencei_zihintntl_zihintpause_zmmul_za64rs_zaamo_zalrsc_zawrs_zfa_zca_zcd_zba_zbb_"
              "zbc_zbs_sstc_svade_svadu_svvptc")
        << "no smaia/ssaia";
    // No v, zve*, zv*; no zicfilp/zicfiss, zkr, sscofpmf, smstateen, ...
    EXPECT_EQ(guest_isa_on("qemu10-virt-cpu-max.dtb"),
              "rv64imafdcb_zic64b_zicbom_zicbop_zicboz_ziccamoa_ziccif_zicclsm_ziccrse_zicntr_"
              "zicond_zicsr_zifencei_zihintntl_zihintpause_zimop_zmmul_za64rs_zaamo_zabha_zacas_"
              "zalrsc_zama16b_zawrs_zfa_zfbfmin_zfh_zfhmin_zca_zcb_zcd_zcmop_zba_zbb_zbc_zbkb_"
              "zbkc_zbkx_zbs_zkn_zknd_zkne_zknh_zks_zksed_zksh_zkt_ztso_sstc_svade_svadu_"
              "svinval_svnapot_svpbmt_svvptc");
}

}  // namespace
}  // namespace halyard::testing
