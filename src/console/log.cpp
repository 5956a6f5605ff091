// SPDX-License-Identifier: Apache-2.0
#include "console/log.hpp"

#include "console/console_lock.hpp"
#include "console/host_console.hpp"
#include "lib/format.hpp"

namespace halyard {

void vlog(const char* format, va_list args) {
    static constexpr char kPrefix[] = "halyard: ";
    char line[256];
    // The console is a raw terminal (QEMU -nographic): end lines with CR LF.
    size_t length = format_string(line, sizeof(line) - 2, format, args);
    line[length++] = '\r';
    line[length++] = '\n';
    ConsoleLockGuard guard;
    host_console_write(kPrefix, sizeof(kPrefix) - 1);
    host_console_write(line, length);
}

void log(const char* format, ...) {
    va_list args;
    va_start(args, format);
    vlog(format, args);
    va_end(args);
}

}  // namespace halyard
