// SPDX-License-Identifier: Apache-2.0
#pragma once
// Helpers for unit tests that check their results against external tools
// (the device tree compiler dtc, qemu-system-riscv64) run at test time:
// temporary files, a shell-command runner that captures stderr, and DTS
// compilation with dtc.
//
// Tests that use it live in namespace halyard::testing (as vm_fixture.hpp's
// do); there, GoogleTest's namespace must be spelled ::testing.

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "fdt/fdt_builder.hpp"

namespace halyard::testing {

inline constexpr const char* kDtc = "/usr/bin/dtc";

// True if `program` (an absolute path) exists and is executable; tests that
// need it skip otherwise.
inline bool is_installed(const char* program) {
    return access(program, X_OK) == 0;
}

// A file /tmp/<prefix>_XXXXXX<suffix>, created empty with a unique name and
// removed when the object goes out of scope.
class TempFile {
  public:
    TempFile(std::string_view prefix, std::string_view suffix) {
        std::string pattern = "/tmp/";
        pattern.append(prefix).append("_XXXXXX").append(suffix);
        std::vector<char> name(pattern.begin(), pattern.end());
        name.push_back('\0');
        int fd = mkstemps(name.data(), static_cast<int>(suffix.size()));
        if (fd >= 0) close(fd);
        path_ = name.data();
    }
    ~TempFile() { std::remove(path_.c_str()); }
    TempFile(const TempFile&) = delete;
    TempFile& operator=(const TempFile&) = delete;

    const std::string& path() const { return path_; }

    // Replaces the file's contents.
    void write(const void* data, size_t size) const {
        std::ofstream out(path_, std::ios::binary | std::ios::trunc);
        out.write(static_cast<const char*>(data), static_cast<std::streamsize>(size));
    }
    void write(std::string_view text) const { write(text.data(), text.size()); }

    std::vector<uint8_t> read_bytes() const {
        std::ifstream in(path_, std::ios::binary);
        return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    }
    std::string read_text() const {
        std::ifstream in(path_);
        std::stringstream s;
        s << in.rdbuf();
        return s.str();
    }

  private:
    std::string path_;
};

struct CommandResult {
    int exit_code = -1;  // -1 if the command did not exit normally
    std::string stderr_text;
};

// Runs `command` (any shell command line) through /bin/sh with its stderr
// captured. Its stdout is left alone: append " >/dev/null" to discard it.
inline CommandResult run_command(const std::string& command) {
    TempFile err("halyard_command", ".err");
    CommandResult result;
    int status = std::system(("(" + command + ") 2>" + err.path()).c_str());
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    result.stderr_text = err.read_text();
    return result;
}

enum class DtcWarnings { kAllow, kFail };

// Compiles DTS source to a DTB blob with dtc. If dtc fails, that is a test
// failure (showing dtc's messages) and the blob is empty; with
// DtcWarnings::kFail, anything dtc prints on stderr is a test failure too.
inline std::vector<uint8_t> compile_dts(std::string_view source, DtcWarnings warnings) {
    TempFile dts("halyard_dts", ".dts"), dtb("halyard_dts", ".dtb");
    dts.write(source);
    CommandResult r =
        run_command(std::string(kDtc) + " -I dts -O dtb -o " + dtb.path() + " " + dts.path());
    EXPECT_EQ(r.exit_code, 0) << r.stderr_text;
    if (warnings == DtcWarnings::kFail) {
        EXPECT_EQ(r.stderr_text, "") << "dtc complained about the test's own source";
    }
    if (r.exit_code != 0) return {};
    return dtb.read_bytes();
}

// Begins a host DT as read_host_platform needs it: the root (2-cell
// addresses and sizes), 1 GiB of memory at 0x8000_0000, and /cpus opened
// (1-cell reg, a 10 MHz timebase) for the caller's cpu nodes. The caller
// ends /cpus and the root.
inline void begin_host_tree(FdtBuilder& b) {
    b.begin_node("");
    b.property_u32("#address-cells", 2);
    b.property_u32("#size-cells", 2);
    b.begin_node("memory@80000000");
    b.property_string("device_type", "memory");
    b.property_cells("reg", {0, 0x8000'0000, 0, 0x4000'0000});
    b.end_node();
    b.begin_node("cpus");
    b.property_u32("#address-cells", 1);
    b.property_u32("#size-cells", 0);
    b.property_u32("timebase-frequency", 10000000);
}

#ifdef HALYARD_UNIT_TEST_DATA_DIR
// A host device tree QEMU dumped (tests/unit/data/host_dtbs/`name`); empty if
// it cannot be read.
inline std::vector<uint8_t> read_host_dtb(const std::string& name) {
    std::ifstream in(HALYARD_UNIT_TEST_DATA_DIR "/host_dtbs/" + name, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}
#endif

}  // namespace halyard::testing
