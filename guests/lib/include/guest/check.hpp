// SPDX-License-Identifier: Apache-2.0
#pragma once
// Test reporting for the test guests. Every check prints one line:
//   <guest>: PASS <what>
//   <guest>: FAIL <what> (got ..., expected ...)
//   <guest>: SKIP <what> (<why>)
// and finish() prints "<guest>: ALL PASSED" or "<guest>: N FAILED", then
// shuts the VM down through SRST.

#include <stdint.h>

namespace guest {

class Checks {
  public:
    // Also names the guest for the runtime's own failure reports.
    explicit Checks(const char* guest_name);

    // The prefix of every line this guest prints ("<guest>: ").
    void prefix() const;
    // An informational line: "<guest>: <text>" (no newline; end it with guest::newline()).
    void info(const char* text) const;

    bool check(bool ok, const char* what);
    bool check_eq(uint64_t got, uint64_t expected, const char* what);
    // A check whose condition is not plain equality: shows the value either way.
    bool check_value(bool ok, uint64_t shown, const char* what);
    bool check_error(int64_t got, int64_t expected, const char* what);   // "(error N)", signed
    bool check_signed(int64_t got, int64_t expected, const char* what);  // "(= N)", signed
    void skip(const char* what, const char* why);

    unsigned failures() const { return failures_; }
    // Summary line and SRST shutdown (reason "system failure" if anything failed).
    [[noreturn]] void finish();

  private:
    void verdict(bool ok, const char* what);
    bool check_signed_as(int64_t got, int64_t expected, const char* what, const char* label);
    const char* name_;
    unsigned passes_ = 0;
    unsigned failures_ = 0;
    unsigned skips_ = 0;
};

}  // namespace guest
