// SPDX-License-Identifier: Apache-2.0
#pragma once
// The guest's command line: /chosen/bootargs of the DTB it was booted with
// (tools/run --vm ...,append=TEXT puts TEXT there), so one test guest image
// can be told how long to run or which variant to play.

#include <stdint.h>

namespace guest {

// The bootargs string, or "" when the DTB has none (or is not a DTB).
const char* bootargs();
// The number after "key=" in the bootargs (decimal), or `fallback`.
uint64_t bootarg_number(const char* key, uint64_t fallback);
// True when the bootargs hold the word "key=value".
bool bootarg_is(const char* key, const char* value);

}  // namespace guest
