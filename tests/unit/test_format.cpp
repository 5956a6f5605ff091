// SPDX-License-Identifier: Apache-2.0
// Unit tests for format_string, Halyard's freestanding vsnprintf. Expected
// strings are written out by hand (what C's printf prints for the same
// conversion), except where Halyard deliberately differs: the return value is
// the number of characters actually written, not the would-be length.

#include <gtest/gtest.h>

#include <cstdarg>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "lib/format.hpp"

namespace halyard {
namespace {

// Formats into a large buffer and checks that the return value matches the
// NUL-terminated result.
std::string vformat(const char* format, va_list args) {
    char buffer[256];
    std::memset(buffer, 'Z', sizeof(buffer));
    size_t n = format_string(buffer, sizeof(buffer), format, args);
    EXPECT_LT(n, sizeof(buffer));
    EXPECT_EQ(buffer[n], '\0') << "return value " << n << " does not point at the NUL";
    EXPECT_EQ(std::strlen(buffer), n);
    return std::string(buffer, n);
}

// Type-checked by the compiler like printf.
__attribute__((format(printf, 1, 2))) std::string fmt(const char* format, ...) {
    va_list args;
    va_start(args, format);
    std::string s = vformat(format, args);
    va_end(args);
    return s;
}

// Not type-checked: for a null %s argument and conversions printf lacks.
std::string fmt_unchecked(const char* format, ...) {
    va_list args;
    va_start(args, format);
    std::string s = vformat(format, args);
    va_end(args);
    return s;
}

TEST(FormatString, PlainTextIsCopied) {
    EXPECT_EQ(fmt("halyard: hello"), "halyard: hello");
    EXPECT_EQ(fmt("%s", ""), "");
}

TEST(FormatString, StringConversion) {
    EXPECT_EQ(fmt("[%s]", "guest"), "[guest]");
    EXPECT_EQ(fmt("%s-%s", "vm0", "vm1"), "vm0-vm1");
}

TEST(FormatString, NullStringPrintsPlaceholder) {
    EXPECT_EQ(fmt_unchecked("<%s>", static_cast<const char*>(nullptr)), "<(null)>");
}

TEST(FormatString, CharConversion) {
    EXPECT_EQ(fmt("%c%c%c", 'a', 'B', '7'), "aB7");
    EXPECT_EQ(fmt("x%cy", ' '), "x y");
}

TEST(FormatString, SignedDecimal) {
    EXPECT_EQ(fmt("%d", 0), "0");
    EXPECT_EQ(fmt("%d", 123), "123");
    EXPECT_EQ(fmt("%d", -123), "-123");
    EXPECT_EQ(fmt("%i", 42), "42");
    EXPECT_EQ(fmt("%i", -7), "-7");
    EXPECT_EQ(fmt("%d", INT32_MAX), "2147483647");
    EXPECT_EQ(fmt("%d", INT32_MIN), "-2147483648");
}

TEST(FormatString, UnsignedDecimalAndHex) {
    EXPECT_EQ(fmt("%u", 0u), "0");
    EXPECT_EQ(fmt("%u", 4294967295u), "4294967295");
    EXPECT_EQ(fmt("%x", 0xdeadbeefu), "deadbeef");
    EXPECT_EQ(fmt("%X", 0xdeadbeefu), "DEADBEEF");
    EXPECT_EQ(fmt("%x", 0u), "0");
    EXPECT_EQ(fmt("%X", 0xabcu), "ABC");
}

TEST(FormatString, IntSizedConversionsReadOnly32Bits) {
    // Without a length modifier the argument is an int: -1 is 0xffffffff,
    // not a 64-bit all-ones value.
    EXPECT_EQ(fmt("%u", static_cast<unsigned>(-1)), "4294967295");
    EXPECT_EQ(fmt("%x", static_cast<unsigned>(-1)), "ffffffff");
}

TEST(FormatString, Pointer) {
    EXPECT_EQ(fmt("%p", reinterpret_cast<void*>(0x1234)), "0x1234");
    EXPECT_EQ(fmt("%p", reinterpret_cast<void*>(0x80200000)), "0x80200000");
    EXPECT_EQ(fmt("%p", static_cast<void*>(nullptr)), "0x0");
}

TEST(FormatString, PercentLiteral) {
    EXPECT_EQ(fmt("100%%"), "100%");
    EXPECT_EQ(fmt("%%d%d", 5), "%d5");
}

TEST(FormatString, CharLengthModifier) {
    EXPECT_EQ(fmt("%hhd", static_cast<signed char>(-1)), "-1");
    EXPECT_EQ(fmt("%hhd", static_cast<signed char>(-128)), "-128");
    // An int that does not fit is converted to signed char / unsigned char.
    EXPECT_EQ(fmt_unchecked("%hhd", 200), "-56");
    EXPECT_EQ(fmt_unchecked("%hhu", 300), "44");
    EXPECT_EQ(fmt_unchecked("%hhx", 0x1ff), "ff");
    EXPECT_EQ(fmt_unchecked("%hhu", -1), "255");
}

TEST(FormatString, ShortLengthModifier) {
    EXPECT_EQ(fmt("%hd", static_cast<short>(-32768)), "-32768");
    EXPECT_EQ(fmt_unchecked("%hd", 70000), "4464");
    EXPECT_EQ(fmt_unchecked("%hu", 65537), "1");
    EXPECT_EQ(fmt_unchecked("%hx", 0x12345), "2345");
    EXPECT_EQ(fmt_unchecked("%hu", -1), "65535");
}

TEST(FormatString, LongLengthModifiers) {
    EXPECT_EQ(fmt("%ld", -1234567890123L), "-1234567890123");
    EXPECT_EQ(fmt("%lu", 18446744073709551615UL), "18446744073709551615");
    EXPECT_EQ(fmt("%lx", 0x123456789abcdef0UL), "123456789abcdef0");
    EXPECT_EQ(fmt("%lld", 9223372036854775807LL), "9223372036854775807");
    EXPECT_EQ(fmt("%llu", 18446744073709551615ULL), "18446744073709551615");
    EXPECT_EQ(fmt("%llx", 0xffffffffffffffffULL), "ffffffffffffffff");
    EXPECT_EQ(fmt("%llX", 0xfedcba9876543210ULL), "FEDCBA9876543210");
    EXPECT_EQ(fmt("%li", -5L), "-5");
}

TEST(FormatString, Int64Min) {
    EXPECT_EQ(fmt("%lld", static_cast<long long>(INT64_MIN)), "-9223372036854775808");
    EXPECT_EQ(fmt("%ld", static_cast<long>(INT64_MIN)), "-9223372036854775808");
}

TEST(FormatString, SizeTLengthModifier) {
    EXPECT_EQ(fmt("%zu", SIZE_MAX), "18446744073709551615");
    EXPECT_EQ(fmt("%zx", static_cast<size_t>(0x10000000000)), "10000000000");
    EXPECT_EQ(fmt("%zu", static_cast<size_t>(0)), "0");
}

TEST(FormatString, ArgumentsAreConsumedInOrder) {
    EXPECT_EQ(fmt("%d %llx %s %c %u", -1, 0x100000000ULL, "ok", 'z', 7u), "-1 100000000 ok z 7");
}

TEST(FormatString, WidthPadsWithSpaces) {
    EXPECT_EQ(fmt("[%5d]", 42), "[   42]");
    EXPECT_EQ(fmt("[%5d]", -42), "[  -42]");
    EXPECT_EQ(fmt("[%3d]", 0), "[  0]");
    EXPECT_EQ(fmt("[%8x]", 0xbeefu), "[    beef]");
    EXPECT_EQ(fmt("[%6s]", "abc"), "[   abc]");
    EXPECT_EQ(fmt("[%12llu]", 1234ULL), "[        1234]");
}

TEST(FormatString, WidthNeverTruncates) {
    EXPECT_EQ(fmt("[%2d]", 12345), "[12345]");
    EXPECT_EQ(fmt("[%2s]", "abcdef"), "[abcdef]");
    EXPECT_EQ(fmt("[%3d]", -100), "[-100]");
}

TEST(FormatString, ZeroPadding) {
    EXPECT_EQ(fmt("%05d", 42), "00042");
    EXPECT_EQ(fmt("%05d", -42), "-0042");
    EXPECT_EQ(fmt("%03u", 0u), "000");
    EXPECT_EQ(fmt("%08x", 0xbeefu), "0000beef");
    EXPECT_EQ(fmt("%08X", 0xbeefu), "0000BEEF");
    EXPECT_EQ(fmt("%016llx", 0x80200000ULL), "0000000080200000");
    EXPECT_EQ(fmt("%02x", 0xabcu), "abc");
}

TEST(FormatString, ZeroPaddedInt64Min) {
    // Exactly 20 characters already: no padding.
    EXPECT_EQ(fmt("%020lld", static_cast<long long>(INT64_MIN)), "-9223372036854775808");
    // The sign comes before the zeros.
    EXPECT_EQ(fmt("%022lld", static_cast<long long>(INT64_MIN)), "-009223372036854775808");
    EXPECT_EQ(fmt("%22lld", static_cast<long long>(INT64_MIN)), "  -9223372036854775808");
}

TEST(FormatString, StringPrecision) {
    EXPECT_EQ(fmt("%.3s", "abcdef"), "abc");
    EXPECT_EQ(fmt("%.10s", "ab"), "ab");
    EXPECT_EQ(fmt("[%.0s]", "abc"), "[]");
    EXPECT_EQ(fmt("[%5.2s]", "abc"), "[   ab]");
}

TEST(FormatString, StarPrecisionTakesAnIntArgument) {
    EXPECT_EQ(fmt("%.*s", 2, "xyz"), "xy");
    EXPECT_EQ(fmt("%.*s|%d", 4, "halyard", 9), "haly|9");
    EXPECT_EQ(fmt("[%.*s]", 0, "xyz"), "[]");
    // A negative precision is taken as if it were omitted (C11 7.21.6.1).
    EXPECT_EQ(fmt("%.*s", -1, "whole"), "whole");
}

TEST(FormatString, PrecisionStopsReadingAnUnterminatedString) {
    // Guest log lines arrive as (pointer, length) without a NUL.
    const char raw[3] = {'a', 'b', 'c'};
    struct {
        char bytes[4];
        char canary[4];
    } unterminated = {{'w', 'x', 'y', 'z'}, {'!', '!', '!', '\0'}};
    EXPECT_EQ(fmt("%.3s", raw), "abc");
    EXPECT_EQ(fmt("%.*s", 4, unterminated.bytes), "wxyz");
}

TEST(FormatString, UnknownConversionIsPrintedVerbatim) {
    EXPECT_EQ(fmt_unchecked("a%qb"), "a%qb");
    EXPECT_EQ(fmt_unchecked("%y%d", 3), "%y3");
}

TEST(FormatString, TrailingPercentEndsTheOutput) {
    EXPECT_EQ(fmt_unchecked("abc%"), "abc");
    EXPECT_EQ(fmt_unchecked("abc%05"), "abc");
    EXPECT_EQ(fmt_unchecked("abc%ll"), "abc");
}

TEST(FormatString, TruncatesAtCapacityAndAlwaysTerminates) {
    char buffer[16];
    std::memset(buffer, 'Z', sizeof(buffer));
    size_t n = format_string(buffer, 8, "%s", "hello world");
    EXPECT_EQ(n, 7u);
    EXPECT_STREQ(buffer, "hello w");
    for (size_t i = 8; i < sizeof(buffer); ++i)
        EXPECT_EQ(buffer[i], 'Z') << "wrote past capacity at " << i;
}

TEST(FormatString, TruncatesInsideANumber) {
    char buffer[8];
    std::memset(buffer, 'Z', sizeof(buffer));
    size_t n = format_string(buffer, 4, "%d", 123456);
    EXPECT_EQ(n, 3u);
    EXPECT_STREQ(buffer, "123");
    EXPECT_EQ(buffer[4], 'Z');

    n = format_string(buffer, 5, "%10d", 1);
    EXPECT_EQ(n, 4u);
    EXPECT_STREQ(buffer, "    ");

    n = format_string(buffer, 3, "%lld", static_cast<long long>(INT64_MIN));
    EXPECT_EQ(n, 2u);
    EXPECT_STREQ(buffer, "-9");
}

TEST(FormatString, ExactFitKeepsEveryCharacter) {
    char buffer[6];
    size_t n = format_string(buffer, sizeof(buffer), "%s", "abcde");
    EXPECT_EQ(n, 5u);
    EXPECT_STREQ(buffer, "abcde");
    n = format_string(buffer, sizeof(buffer), "%s", "abcdef");
    EXPECT_EQ(n, 5u);
    EXPECT_STREQ(buffer, "abcde");
}

TEST(FormatString, ReturnsCharactersWrittenNotTheWouldBeLength) {
    char buffer[4];
    EXPECT_EQ(format_string(buffer, sizeof(buffer), "%u-%u", 1000u, 2000u), 3u);
    EXPECT_STREQ(buffer, "100");
}

TEST(FormatString, CapacityOneWritesOnlyTheNul) {
    char buffer[4] = {'Z', 'Z', 'Z', 'Z'};
    EXPECT_EQ(format_string(buffer, 1, "abc %d", 5), 0u);
    EXPECT_EQ(buffer[0], '\0');
    EXPECT_EQ(buffer[1], 'Z');
}

TEST(PrintablePrefix, StopsAtTheFirstByteThatIsNotPrintableAscii) {
    EXPECT_EQ(printable_prefix("rv64imafdc_zicsr", 60), 16);
    EXPECT_EQ(printable_prefix("rv64imafdc_zicsr", 4), 4);
    EXPECT_EQ(printable_prefix("rv64\x1b[2J", 60), 4) << "an escape sequence";
    EXPECT_EQ(printable_prefix("rv64\n", 60), 4);
    EXPECT_EQ(printable_prefix("rv\xc3\xa9", 60), 2);
    EXPECT_EQ(printable_prefix(std::string_view("rv\0x", 4), 60), 2);
    EXPECT_EQ(printable_prefix("", 60), 0);
    EXPECT_EQ(printable_prefix("abc", 0), 0);
    EXPECT_EQ(printable_prefix(" ~", 60), 2);
}

TEST(FormatString, CapacityZeroWritesNothing) {
    char buffer[4] = {'Z', 'Z', 'Z', 'Z'};
    EXPECT_EQ(format_string(buffer, 0, "abc %d", 5), 0u);
    EXPECT_EQ(buffer[0], 'Z');
    EXPECT_EQ(format_string(nullptr, 0, "abc"), 0u);
}

}  // namespace
}  // namespace halyard
