// SPDX-License-Identifier: Apache-2.0
// Unit tests for reading a host hart's ISA (platform/hart_isa.hpp) from
// riscv,isa, from riscv,isa-base + riscv,isa-extensions, or from both: the
// same question gets the same answer from either form, the list wins when
// both are there, and hostile properties (unterminated, empty, enormous,
// uppercase, non-ASCII, repeated) are refused or harmless, with one log line
// that names the problem.

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fake_host_console.hpp"
#include "fdt/fdt.hpp"
#include "fdt/fdt_builder.hpp"
#include "platform/hart_isa.hpp"
#include "platform/host_platform.hpp"
#include "test_support.hpp"

namespace halyard {
namespace {

using namespace std::string_literals;
using namespace std::string_view_literals;

// ------------------------------------------------------------ riscv,isa

bool string_has(std::string_view isa, std::string_view name) {
    return HartIsa::from_isa_string(isa).has(name);
}

TEST(HartIsaString, SingleLetterExtensions) {
    EXPECT_FALSE(string_has("rv64imac", "h"));
    EXPECT_TRUE(string_has("rv64imac", "a"));
    EXPECT_TRUE(string_has("rv64imac", "i"));
    EXPECT_TRUE(string_has("rv64imafdch", "h"));
    EXPECT_TRUE(string_has("rv64imafdch_zicsr_zifencei", "h"));
    EXPECT_TRUE(string_has("rv64imafdch_zicsr_zifencei", "f"));
    EXPECT_TRUE(string_has("rv64gch", "h"));
}

TEST(HartIsaString, LettersInsideMultiLetterNamesDoNotCount) {
    EXPECT_FALSE(string_has("rv64i_zihintpause", "h"));
    EXPECT_FALSE(string_has("rv64imac_zihintpause_sstc", "h"));
    EXPECT_FALSE(string_has("rv64imac_sstc", "t"));
    EXPECT_FALSE(string_has("rv64imaczihintpause", "h")) << "no '_' before the first z-name";
    EXPECT_FALSE(string_has("rv64imacsstc", "t")) << "no '_' before the first s-name";
    EXPECT_FALSE(string_has("rv64imacxtheadba", "h")) << "no '_' before the first x-name";
}

TEST(HartIsaString, TheRv64PrefixIsNotALetterList) {
    EXPECT_FALSE(string_has("rv64", "v")) << "the 'v' of \"rv64\" is no extension";
    EXPECT_FALSE(string_has("rv64i", "r"));
    EXPECT_FALSE(string_has("rv32imach", "h")) << "Halyard is RV64 only";
    EXPECT_FALSE(string_has("", "h"));
    EXPECT_FALSE(string_has("rv6", "h"));
    EXPECT_EQ(HartIsa::from_isa_string("rv32imach").problem(), HartIsa::Problem::kNotRv64);
    EXPECT_EQ(HartIsa::from_isa_string("RV64IMACH").problem(), HartIsa::Problem::kNotRv64)
        << "the binding allows lowercase only";
    EXPECT_EQ(HartIsa::from_isa_string("").problem(), HartIsa::Problem::kEmpty);
    EXPECT_EQ(HartIsa::from_isa_string("rv64").problem(), HartIsa::Problem::kNoBaseInteger);
    EXPECT_EQ(HartIsa::from_isa_string("rv64emac").problem(), HartIsa::Problem::kNoBaseInteger);
}

TEST(HartIsaString, WholeMultiLetterNamesOnly) {
    constexpr std::string_view kQemu =
        "rv64imafdch_zicsr_zifencei_zihintpause_zba_zbb_zbc_zbs_sstc";
    EXPECT_TRUE(string_has(kQemu, "sstc"));
    EXPECT_TRUE(string_has(kQemu, "zicsr"));
    EXPECT_TRUE(string_has(kQemu, "zba"));
    EXPECT_TRUE(string_has(kQemu, "zihintpause"));
    EXPECT_FALSE(string_has(kQemu, "zb")) << "prefix of zba/zbb";
    EXPECT_FALSE(string_has(kQemu, "ss")) << "prefix of sstc";
    EXPECT_FALSE(string_has(kQemu, "stc")) << "suffix of sstc";
    EXPECT_FALSE(string_has(kQemu, "zihint"));
    EXPECT_FALSE(string_has(kQemu, "")) << "the empty name is nothing";
    EXPECT_TRUE(string_has(kQemu, "h")) << "one question for letters and names";
    EXPECT_FALSE(string_has("rv64imac", "sstc"));
    EXPECT_FALSE(string_has("rv64imac_sstcx", "sstc"));
    EXPECT_FALSE(string_has("rv64imac_xsstc", "sstc"));
    EXPECT_TRUE(string_has("rv64imac_sstc", "sstc"));
    EXPECT_TRUE(string_has("rv64imac_sstc_zicsr", "sstc"));
    EXPECT_FALSE(string_has("rv64imac__", "sstc"));
    EXPECT_FALSE(string_has("", "sstc"));
}

TEST(HartIsaString, FirstMultiLetterNameWithoutUnderscore) {
    // Regression: the ISA naming rules and the riscv,isa binding allow the first
    // multi-letter extension right after the single letters ("rv64imafdcsstc_zicsr").
    EXPECT_TRUE(string_has("rv64imafdcsstc_zicsr", "sstc"));
    EXPECT_TRUE(string_has("rv64imaczicsr_zifencei", "zicsr"));
}

TEST(HartIsaString, GIsImafdWithZicsrAndZifencei) {
    for (std::string_view name : {"i", "m", "a", "f", "d", "zicsr", "zifencei"})
        EXPECT_TRUE(string_has("rv64gc", name)) << name;
    EXPECT_FALSE(string_has("rv64gc", "g")) << "g is an abbreviation, not an extension";
    EXPECT_FALSE(string_has("rv64gc", "h"));
}

TEST(HartIsaString, IImpliesTheCountersAndCsrExtensionsItPredates) {
    for (std::string_view name : {"zicntr", "zicsr", "zifencei", "zihpm"}) {
        EXPECT_TRUE(string_has("rv64imac", name)) << name;
        EXPECT_FALSE(HartIsa::from_extension_list("i\0m\0a\0c\0"sv).has(name))
            << name << ": riscv,isa-extensions names what it means";
    }
}

TEST(HartIsaString, CountsWhatItLists) {
    EXPECT_EQ(HartIsa::from_isa_string("rv64imafdch_zicsr_sstc").listed_extensions(), 9u);
    EXPECT_EQ(HartIsa::from_isa_string("rv64i__zba_").listed_extensions(), 2u);
}

// ------------------------------------------------- riscv,isa-extensions

TEST(HartIsaList, NamesAreWholeEntries) {
    const HartIsa isa = HartIsa::from_extension_list("i\0m\0a\0h\0zicbom\0sstc\0"sv);
    ASSERT_TRUE(isa.usable());
    EXPECT_EQ(isa.form(), HartIsa::Form::kExtensionList);
    EXPECT_TRUE(isa.has("h"));
    EXPECT_TRUE(isa.has("zicbom"));
    EXPECT_TRUE(isa.has("sstc"));
    EXPECT_FALSE(isa.has("zicbo"));
    EXPECT_FALSE(isa.has("c"));
    EXPECT_FALSE(isa.has(""));
    EXPECT_EQ(isa.listed_extensions(), 6u);
}

TEST(HartIsaList, EmptyEntriesAndDuplicatesAreHarmless) {
    const HartIsa isa = HartIsa::from_extension_list("\0i\0\0h\0h\0zba\0zba\0\0"sv);
    ASSERT_TRUE(isa.usable());
    EXPECT_TRUE(isa.has("h"));
    EXPECT_TRUE(isa.has("zba"));
    EXPECT_EQ(isa.listed_extensions(), 5u);
    unsigned visited = 0;
    isa.for_each_extension([&](std::string_view name) {
        EXPECT_FALSE(name.empty());
        ++visited;
        return true;
    });
    EXPECT_EQ(visited, 5u);
}

TEST(HartIsaList, UppercaseAndNonAsciiNamesNameNothing) {
    const HartIsa isa = HartIsa::from_extension_list("i\0H\0Sstc\0zb\xc3\xa9\0\xff\0"sv);
    ASSERT_TRUE(isa.usable());
    EXPECT_FALSE(isa.has("h"));
    EXPECT_FALSE(isa.has("sstc"));
    EXPECT_FALSE(isa.has("zbe"));
    EXPECT_TRUE(isa.has("i"));
}

TEST(HartIsaList, NotTerminatedOrEmptyOrWithoutIIsUnusable) {
    EXPECT_EQ(HartIsa::from_extension_list("i\0h"sv).problem(), HartIsa::Problem::kNotTerminated);
    EXPECT_EQ(HartIsa::from_extension_list("").problem(), HartIsa::Problem::kEmpty);
    EXPECT_EQ(HartIsa::from_extension_list("\0"sv).problem(), HartIsa::Problem::kNoBaseInteger);
    EXPECT_EQ(HartIsa::from_extension_list("m\0a\0h\0"sv).problem(),
              HartIsa::Problem::kNoBaseInteger);
    EXPECT_FALSE(HartIsa::from_extension_list("i\0h"sv).has("i"));
}

TEST(HartIsaList, TenThousandExtensionsAreRefusedNotWalked) {
    std::string list = "i\0h\0"s;
    for (int i = 0; i < 10000; ++i) list += "zba\0"s;
    const HartIsa isa = HartIsa::from_extension_list(list);
    EXPECT_EQ(isa.problem(), HartIsa::Problem::kTooManyExtensions);
    EXPECT_EQ(isa.listed_extensions(), 10002u);
    EXPECT_FALSE(isa.has("h"));
}

TEST(HartIsaList, ExactlyTheLimitIsFine) {
    std::string list = "i\0"s;
    while (list.size() < 2 * HartIsa::kMaxExtensions) list += "h\0"s;
    const HartIsa isa = HartIsa::from_extension_list(list);
    EXPECT_EQ(isa.listed_extensions(), HartIsa::kMaxExtensions);
    EXPECT_TRUE(isa.usable());
    list += "h\0"s;
    EXPECT_EQ(HartIsa::from_extension_list(list).problem(), HartIsa::Problem::kTooManyExtensions);
}

TEST(HartIsaList, OneHugeNameIsJustAnUnknownName) {
    std::string list = "i\0h\0"s + std::string(65536, 'z') + '\0';
    const HartIsa isa = HartIsa::from_extension_list(list);
    ASSERT_TRUE(isa.usable());
    EXPECT_TRUE(isa.has("h"));
    EXPECT_FALSE(isa.has("z"));
}

TEST(HartIsaString, TooManyExtensionsAreRefusedToo) {
    std::string isa = "rv64imafdch";
    while (isa.size() < 65536) isa += "_zba";
    const HartIsa refused = HartIsa::from_isa_string(isa);
    EXPECT_EQ(refused.problem(), HartIsa::Problem::kTooManyExtensions);
    EXPECT_GT(refused.listed_extensions(), HartIsa::kMaxExtensions);
}

// ------------------------------------------------ from a cpu node's properties

// A cpu node with the given properties (raw bytes: nothing added), read back.
class HartIsaProperties : public ::testing::Test {
  protected:
    void SetUp() override { fake::host_console = {}; }

    HartIsa read(std::optional<std::string> isa, std::optional<std::string> base,
                 std::optional<std::string> extensions) {
        std::vector<uint8_t>& blob = blobs_.emplace_back(256 * 1024, 0);
        FdtBuilder b(blob);
        b.begin_node("");
        b.begin_node("cpu@0");
        auto raw = [&](const char* name, const std::optional<std::string>& value) {
            if (value)
                b.property(name, {reinterpret_cast<const uint8_t*>(value->data()), value->size()});
        };
        raw("riscv,isa", isa);
        raw("riscv,isa-base", base);
        raw("riscv,isa-extensions", extensions);
        b.end_node();
        b.end_node();
        const size_t size = b.finish().value_or(0);
        EXPECT_NE(size, 0u);
        blob.resize(size);
        const Fdt fdt = Fdt::from(blob.data(), blob.size());
        EXPECT_TRUE(fdt.valid());
        FdtNode cpu;
        EXPECT_TRUE(fdt.find("/cpu@0", cpu));
        return HartIsa::from_properties(fdt.property(cpu, "riscv,isa"),
                                        fdt.property(cpu, "riscv,isa-base"),
                                        fdt.property(cpu, "riscv,isa-extensions"));
    }

    std::string problem_line(const HartIsa& isa) {
        fake::host_console = {};
        log_hart_isa_problem("vm0", 3, isa);
        return fake::host_console.output;
    }
    std::string note_line(const HartIsa& isa) {
        fake::host_console = {};
        log_hart_isa_notes(3, isa);
        return fake::host_console.output;
    }

    // A HartIsa views its tree's bytes: each read's tree lives as long as the test.
    std::deque<std::vector<uint8_t>> blobs_;
};

constexpr auto kNone = std::nullopt;
const std::string kBase = "rv64i\0"s;
const std::string kQemu7String = "rv64imafdch_zicsr_zifencei_zihintpause_zba_zbb_zbc_zbs_sstc\0"s;
const std::string kQemu10List =
    "i\0m\0a\0f\0d\0c\0h\0zicbom\0zicboz\0zicntr\0zicsr\0zifencei\0zihpm\0zba\0sstc\0svadu\0"s;

TEST_F(HartIsaProperties, OnlyTheString) {
    const HartIsa isa = read(kQemu7String, kNone, kNone);
    ASSERT_TRUE(isa.usable());
    EXPECT_EQ(isa.form(), HartIsa::Form::kIsaString);
    EXPECT_TRUE(isa.has("h"));
    EXPECT_TRUE(isa.has("sstc"));
    EXPECT_EQ(note_line(isa), "");
}

TEST_F(HartIsaProperties, OnlyBaseAndList) {
    const HartIsa isa = read(kNone, kBase, kQemu10List);
    ASSERT_TRUE(isa.usable());
    EXPECT_EQ(isa.form(), HartIsa::Form::kExtensionList);
    EXPECT_TRUE(isa.has("h"));
    EXPECT_TRUE(isa.has("sstc"));
    EXPECT_TRUE(isa.has("svadu"));
    EXPECT_FALSE(isa.has("svpbmt"));
}

TEST_F(HartIsaProperties, BothFormsSayingTheSameGiveTheSameAnswers) {
    const std::string string =
        "rv64imafdch_zicbom_zicboz_zicntr_zicsr_zifencei_zihpm_zba_sstc_svadu\0"s;
    const HartIsa both = read(string, kBase, kQemu10List);
    const HartIsa only_string = read(string, kNone, kNone);
    const HartIsa only_list = read(kNone, kBase, kQemu10List);
    for (std::string_view name :
         {"i",      "m",      "a",      "f",     "d",     "c",   "h",   "v",
          "zicbom", "zicboz", "zicntr", "zicsr", "zihpm", "zba", "zbb", "sstc",
          "svadu",  "svade",  "svpbmt", "smaia", "g",     ""}) {
        EXPECT_EQ(only_string.has(name), only_list.has(name)) << name;
        EXPECT_EQ(both.has(name), only_list.has(name)) << name;
    }
}

TEST_F(HartIsaProperties, WhenTheyDisagreeTheListWins) {
    const HartIsa isa = read("rv64imafdc_sstc\0"s, kBase, "i\0m\0a\0h\0zicboz\0"s);
    ASSERT_TRUE(isa.usable());
    EXPECT_EQ(isa.form(), HartIsa::Form::kExtensionList);
    EXPECT_TRUE(isa.has("h"));
    EXPECT_TRUE(isa.has("zicboz"));
    EXPECT_FALSE(isa.has("sstc")) << "only riscv,isa says so";
    EXPECT_FALSE(isa.has("f"));
}

TEST_F(HartIsaProperties, AnUnterminatedListFallsBackToTheStringWithANote) {
    const HartIsa isa = read(kQemu7String, kBase, "i\0m\0a\0h"s);
    ASSERT_TRUE(isa.usable());
    EXPECT_EQ(isa.form(), HartIsa::Form::kIsaString);
    EXPECT_EQ(isa.ignored_list_problem(), HartIsa::Problem::kNotTerminated);
    EXPECT_TRUE(isa.has("sstc"));
    EXPECT_EQ(note_line(isa),
              "halyard: note: hart 3: its riscv,isa-extensions is not NUL-terminated; Halyard "
              "reads its riscv,isa instead\r\n");
}

TEST_F(HartIsaProperties, AnUnterminatedListAloneIsUnusable) {
    const HartIsa isa = read(kNone, kBase, "i\0m\0a\0h"s);
    EXPECT_FALSE(isa.usable());
    EXPECT_FALSE(isa.has("h"));
    EXPECT_EQ(problem_line(isa),
              "halyard: error: vm0: hart 3: its riscv,isa-extensions is not NUL-terminated\r\n");
}

TEST_F(HartIsaProperties, AListWithoutBaseOrABaseWithoutList) {
    EXPECT_EQ(read(kNone, kNone, kQemu10List).problem(), HartIsa::Problem::kListWithoutBase);
    EXPECT_EQ(read(kNone, kBase, kNone).problem(), HartIsa::Problem::kBaseWithoutList);
    const HartIsa fallback = read(kQemu7String, kNone, kQemu10List);
    ASSERT_TRUE(fallback.usable());
    EXPECT_EQ(fallback.form(), HartIsa::Form::kIsaString);
    EXPECT_EQ(fallback.ignored_list_problem(), HartIsa::Problem::kListWithoutBase);
    EXPECT_EQ(problem_line(read(kNone, kBase, kNone)),
              "halyard: error: vm0: hart 3: its riscv,isa-base comes without "
              "riscv,isa-extensions\r\n");
}

TEST_F(HartIsaProperties, ABaseOtherThanRv64iIsNotFallenBackFrom) {
    for (const std::string& base : {"rv32i\0"s, "rv64e\0"s, "RV64I\0"s, "rv64i\0rv64i\0"s}) {
        const HartIsa isa = read(kQemu7String, base, kQemu10List);
        EXPECT_EQ(isa.problem(), HartIsa::Problem::kNotRv64) << base;
        EXPECT_FALSE(isa.has("h"));
    }
    EXPECT_EQ(problem_line(read(kNone, "rv32i\0"s, kQemu10List)),
              "halyard: error: vm0: hart 3: its riscv,isa-base does not describe an RV64I hart "
              "(Halyard runs on rv64i harts only)\r\n");
    EXPECT_EQ(read(kQemu7String, "rv64i"s, kQemu10List).ignored_list_problem(),
              HartIsa::Problem::kNotTerminated)
        << "an unterminated base is unreadable: the string is used";
}

TEST_F(HartIsaProperties, EmptyProperties) {
    EXPECT_EQ(read(""s, kNone, kNone).problem(), HartIsa::Problem::kEmpty);
    EXPECT_EQ(read("\0"s, kNone, kNone).problem(), HartIsa::Problem::kEmpty);
    EXPECT_EQ(read(kNone, kBase, ""s).problem(), HartIsa::Problem::kEmpty);
    EXPECT_EQ(read(kNone, ""s, kQemu10List).problem(), HartIsa::Problem::kEmpty);
    EXPECT_EQ(read(kNone, kBase, "\0"s).problem(), HartIsa::Problem::kNoBaseInteger);
    EXPECT_EQ(problem_line(read(""s, kNone, kNone)),
              "halyard: error: vm0: hart 3: its riscv,isa is empty\r\n");
}

TEST_F(HartIsaProperties, AnUnterminatedStringIsUnusable) {
    const HartIsa isa = read("rv64imafdch"s, kNone, kNone);
    EXPECT_EQ(isa.problem(), HartIsa::Problem::kNotTerminated);
    EXPECT_FALSE(isa.has("h"));
}

TEST_F(HartIsaProperties, AStringThatIsAListUsesItsFirstString) {
    const HartIsa isa = read("rv64imac\0h\0"s, kNone, kNone);
    ASSERT_TRUE(isa.usable());
    EXPECT_FALSE(isa.has("h"));
}

TEST_F(HartIsaProperties, NeitherForm) {
    const HartIsa isa = read(kNone, kNone, kNone);
    EXPECT_EQ(isa.problem(), HartIsa::Problem::kMissing);
    EXPECT_EQ(problem_line(isa),
              "halyard: error: vm0: hart 3: its riscv,isa is missing, and so are riscv,isa-base "
              "and riscv,isa-extensions: the hart's ISA is unknown\r\n");
}

TEST_F(HartIsaProperties, TenThousandExtensionsGetALineWithTheCount) {
    std::string list = "i\0h\0"s;
    for (int i = 0; i < 10000; ++i) list += "zicbom\0"s;
    const HartIsa isa = read(kQemu7String, kBase, list);
    EXPECT_EQ(isa.problem(), HartIsa::Problem::kTooManyExtensions)
        << "a list too long is refused, not replaced by the string";
    EXPECT_EQ(problem_line(isa),
              "halyard: error: vm0: hart 3: its riscv,isa-extensions lists 10002 extensions, more "
              "than Halyard's limit of 512\r\n");
}

TEST_F(HartIsaProperties, APropertyOfTwoToTheSixteenBytes) {
    std::string list = "i\0h\0"s;
    while (list.size() < 65535) list += 'x';
    list += '\0';
    ASSERT_EQ(list.size(), 65536u);
    const HartIsa isa = read(kNone, kBase, list);
    ASSERT_TRUE(isa.usable());
    EXPECT_TRUE(isa.has("h"));
    EXPECT_EQ(isa.listed_extensions(), 3u);

    std::string string = "rv64imafdch";
    while (string.size() < 65535) string += "_zba";
    string.resize(65535);
    string += '\0';
    EXPECT_EQ(read(string, kNone, kNone).problem(), HartIsa::Problem::kTooManyExtensions);
}

TEST_F(HartIsaProperties, ProblemLinesWithoutAContext) {
    fake::host_console = {};
    log_hart_isa_problem(nullptr, 7, read(""s, kNone, kNone));
    EXPECT_EQ(fake::host_console.output, "halyard: error: hart 7: its riscv,isa is empty\r\n");
}

// ------------------------------------------- through read_host_platform

TEST_F(HartIsaProperties, TheHostPlatformReadsEitherFormAndNotesAFallback) {
    std::vector<uint8_t>& blob = blobs_.emplace_back(16384, 0);
    FdtBuilder b(blob);
    testing::begin_host_tree(b);
    auto cpu = [&](uint32_t id, const char* isa, const std::string* list) {
        char name[16];
        std::snprintf(name, sizeof(name), "cpu@%u", id);
        b.begin_node(name);
        b.property_string("device_type", "cpu");
        b.property_u32("reg", id);
        if (isa != nullptr) b.property_string("riscv,isa", isa);
        if (list != nullptr) {
            b.property_string("riscv,isa-base", "rv64i");
            b.property("riscv,isa-extensions",
                       {reinterpret_cast<const uint8_t*>(list->data()), list->size()});
        }
        b.end_node();
    };
    const std::string good_list = "i\0m\0a\0h\0sstc\0"s;
    const std::string bad_list = "i\0m\0a\0h"s;
    cpu(0, "rv64imafdch_sstc", nullptr);
    cpu(1, nullptr, &good_list);
    cpu(2, "rv64imafdc", &bad_list);
    b.end_node();
    b.end_node();
    blob.resize(b.finish().value_or(0));
    const Fdt fdt = Fdt::from(blob.data(), blob.size());
    ASSERT_TRUE(fdt.valid());
    fake::host_console = {};
    HostPlatform p;
    ASSERT_TRUE(read_host_platform(fdt, p));
    ASSERT_EQ(p.hart_count, 3u);
    EXPECT_EQ(p.harts[0].isa.form(), HartIsa::Form::kIsaString);
    EXPECT_EQ(p.harts[1].isa.form(), HartIsa::Form::kExtensionList);
    EXPECT_EQ(p.harts[2].isa.form(), HartIsa::Form::kIsaString);
    EXPECT_TRUE(p.harts[0].isa.has("sstc"));
    EXPECT_TRUE(p.harts[1].isa.has("sstc"));
    EXPECT_FALSE(p.harts[2].isa.has("h"));
    EXPECT_EQ(fake::host_console.output,
              "halyard: note: hart 2: its riscv,isa-extensions is not NUL-terminated; Halyard "
              "reads its riscv,isa instead\r\n");
}

}  // namespace
}  // namespace halyard
