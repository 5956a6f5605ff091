// SPDX-License-Identifier: Apache-2.0
#pragma once
// Halyard's log: one line per call, prefixed "halyard: ", written whole under
// a lock so lines from several harts do not interleave.

#include <cstdarg>

namespace halyard {

void log(const char* format, ...) __attribute__((format(printf, 1, 2)));
void vlog(const char* format, va_list args);

}  // namespace halyard
