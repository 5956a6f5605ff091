// SPDX-License-Identifier: Apache-2.0
#include "guest/check.hpp"

#include "guest/print.hpp"
#include "guest/runtime.hpp"

namespace guest {

Checks::Checks(const char* guest_name) : name_(guest_name) {
    set_guest_name(guest_name);
}

void Checks::prefix() const {
    print(name_);
    print(": ");
}

void Checks::info(const char* text) const {
    prefix();
    print(text);
}

void Checks::verdict(bool ok, const char* what) {
    if (ok) {
        ++passes_;
    } else {
        ++failures_;
    }
    prefix();
    print(ok ? "PASS " : "FAIL ");
    print(what);
}

bool Checks::check(bool ok, const char* what) {
    verdict(ok, what);
    newline();
    return ok;
}

bool Checks::check_eq(uint64_t got, uint64_t expected, const char* what) {
    bool ok = got == expected;
    verdict(ok, what);
    print(ok ? " (" : " (got ");
    print_hex(got);
    if (!ok) {
        print(", expected ");
        print_hex(expected);
    }
    print(")");
    newline();
    return ok;
}

bool Checks::check_value(bool ok, uint64_t shown, const char* what) {
    verdict(ok, what);
    print(ok ? " (" : " (got ");
    print_hex(shown);
    print(")");
    newline();
    return ok;
}

bool Checks::check_error(int64_t got, int64_t expected, const char* what) {
    return check_signed_as(got, expected, what, "error ");
}

bool Checks::check_signed(int64_t got, int64_t expected, const char* what) {
    return check_signed_as(got, expected, what, "= ");
}

bool Checks::check_signed_as(int64_t got, int64_t expected, const char* what, const char* label) {
    bool ok = got == expected;
    verdict(ok, what);
    print(ok ? " (" : " (got ");
    print(label);
    print_signed(got);
    if (!ok) {
        print(", expected ");
        print_signed(expected);
    }
    print(")");
    newline();
    return ok;
}

void Checks::skip(const char* what, const char* why) {
    ++skips_;
    prefix();
    print("SKIP ");
    print(what);
    print(" (");
    print(why);
    print(")");
    newline();
}

void Checks::finish() {
    prefix();
    print_dec(passes_);
    print(" passed, ");
    print_dec(skips_);
    print(" skipped");
    newline();
    prefix();
    if (failures_ == 0) {
        print("ALL PASSED");
    } else {
        print_dec(failures_);
        print(" FAILED");
    }
    newline();
    halt("shutting down", failures_ != 0);
}

}  // namespace guest
