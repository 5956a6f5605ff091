// SPDX-License-Identifier: Apache-2.0
// The console line buffer of a VM when several VMs share the console: whole
// lines with their prefix, control bytes and malformed UTF-8 made visible,
// and several vCPUs writing at once never corrupting a line.

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "fake_host_console.hpp"
#include "vm/console_mux.hpp"

namespace halyard::testing {
namespace {

class ConsoleLine : public ::testing::Test {
  protected:
    void SetUp() override { fake::host_console = {}; }
    std::string put(const std::string& bytes) {
        for (char c : bytes) line_.put("vm1", c);
        return fake::host_console.output;
    }
    ConsoleLineBuffer line_;
};

TEST_F(ConsoleLine, WholeLinesGoOutWithTheirPrefixAndCrLf) {
    EXPECT_EQ(put("hello"), "");
    EXPECT_EQ(put(" world\n"), "vm1| hello world\r\n");
}

TEST_F(ConsoleLine, CarriageReturnsCannotMoveTheCursorToThePrefix) {
    EXPECT_EQ(put("harmless\rhalyard: vm0: stopped: forged\r\n"),
              "vm1| harmlesshalyard: vm0: stopped: forged\r\n");
}

TEST_F(ConsoleLine, ControlBytesAreShownInCaretNotation) {
    EXPECT_EQ(put("\x1b[2K\x1b[1G\b\x7f\a\tx\n"), "vm1| ^[[2K^[[1G^H^?^G\tx\r\n");
}

TEST_F(ConsoleLine, WellFormedUtf8PassesWhole) {
    // é (2 bytes), € (3 bytes), U+1F600 (4 bytes), U+00A0 (the first after C1).
    const std::string text = "\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xc2\xa0\n";
    EXPECT_EQ(put(text), "vm1| " + text.substr(0, text.size() - 1) + "\r\n");
}

TEST_F(ConsoleLine, C1ControlsAndMalformedUtf8AreEscaped) {
    EXPECT_EQ(put("\x9b"
                  "2J\n"),
              "vm1| \\x9b2J\r\n")
        << "8-bit CSI";
    fake::host_console = {};
    EXPECT_EQ(put("\xc2\x9b"
                  "2J\n"),
              "vm1| \\xc2\\x9b2J\r\n")
        << "U+009B, CSI in UTF-8";
    fake::host_console = {};
    EXPECT_EQ(put("\xe0\x80\xaf\n"), "vm1| \\xe0\\x80\\xaf\r\n") << "overlong";
    fake::host_console = {};
    EXPECT_EQ(put("\xed\xa0\x80\n"), "vm1| \\xed\\xa0\\x80\r\n") << "surrogate";
    fake::host_console = {};
    EXPECT_EQ(put("\xf4\x90\x80\x80\n"), "vm1| \\xf4\\x90\\x80\\x80\r\n") << "beyond U+10FFFF";
    fake::host_console = {};
    EXPECT_EQ(put("\xe2\x82\n"), "vm1| \\xe2\\x82\r\n") << "cut short by the newline";
    fake::host_console = {};
    EXPECT_EQ(put("\xe2\x82x\n"), "vm1| \\xe2\\x82x\r\n") << "cut short by a character";
    fake::host_console = {};
    EXPECT_EQ(put("\xff\xc0\n"), "vm1| \\xff\\xc0\r\n");
}

TEST_F(ConsoleLine, LongLinesAreSplitAndEachPartHasThePrefix) {
    const std::string output = put(std::string(400, '-') + "\x1b" + std::string(10, '=') + "\n");
    size_t lines = 0;
    for (size_t start = 0; start < output.size();) {
        const size_t end = output.find("\r\n", start);
        ASSERT_NE(end, std::string::npos);
        const std::string line = output.substr(start, end - start);
        EXPECT_EQ(line.rfind("vm1| ", 0), 0u) << line;
        EXPECT_LE(line.size(), 5 + ConsoleLineBuffer::kCapacity);
        start = end + 2;
        ++lines;
    }
    EXPECT_EQ(lines, 3u);
    EXPECT_NE(output.find("^["), std::string::npos) << "the escape is not cut in half";
}

TEST_F(ConsoleLine, FlushEndsAnUnfinishedLine) {
    put("no newline \xe2\x82");
    line_.flush("vm1");
    EXPECT_EQ(fake::host_console.output, "vm1| no newline \\xe2\\x82\r\n");
    line_.flush("vm1");
    EXPECT_EQ(fake::host_console.output, "vm1| no newline \\xe2\\x82\r\n") << "nothing twice";
}

// Several vCPUs of one VM writing whole lines at once (as DBCN writes and
// THR stores from several harts do): every line that goes out is one
// well-formed line, bytes are neither lost nor written outside the buffer.
TEST(ConsoleLineConcurrency, VcpusWritingAtOnceKeepEveryLineWellFormed) {
    fake::host_console = {};
    ConsoleLineBuffer line;
    constexpr unsigned kThreads = 4, kLines = 500, kLength = 30;
    std::vector<std::thread> threads;
    for (unsigned t = 0; t < kThreads; ++t) {
        threads.emplace_back([&line, t] {
            for (unsigned i = 0; i < kLines; ++i) {
                for (unsigned j = 0; j < kLength; ++j) line.put("vm0", static_cast<char>('a' + t));
                line.put("vm0", '\n');
            }
        });
    }
    for (auto& thread : threads) thread.join();
    line.flush("vm0");
    const std::string& output = fake::host_console.output;
    std::vector<size_t> letters(kThreads, 0);
    for (size_t start = 0; start < output.size();) {
        const size_t end = output.find("\r\n", start);
        ASSERT_NE(end, std::string::npos);
        const std::string text = output.substr(start, end - start);
        ASSERT_EQ(text.rfind("vm0| ", 0), 0u) << text;
        ASSERT_LE(text.size(), 5 + ConsoleLineBuffer::kCapacity);
        for (char c : text.substr(5)) {
            ASSERT_TRUE(c >= 'a' && c < static_cast<char>('a' + kThreads)) << text;
            ++letters[static_cast<size_t>(c - 'a')];
        }
        start = end + 2;
    }
    for (unsigned t = 0; t < kThreads; ++t) EXPECT_EQ(letters[t], kLines * kLength);
}

}  // namespace
}  // namespace halyard::testing
