// SPDX-License-Identifier: Apache-2.0
// dbcn_after_stop: vCPU 1 makes one SBI DBCN write of `kib=N` KiB (bootargs,
// default 2048) of text lines; vCPU 0 shuts the VM down 20 ms later, while
// that call is under way. A stopped VM must go quiet (the integration test
// checks that none of its lines follows the bystander VM's next line), but
// Halyard copies the whole buffer, byte by byte, inside the one call: it
// looks at the VM's state only at the vCPU's next exit, so the stopped VM
// keeps printing for as long as the copy takes (and a reboot of the VM, or
// its stop, waits for it with the vCPU in HS-mode).

#include <stdint.h>

#include "guest/bootargs.hpp"
#include "guest/check.hpp"
#include "guest/csr.hpp"
#include "guest/sbi.hpp"
#include "guest/smp.hpp"

using namespace guest;

namespace {

Checks checks("dbcn_after_stop");

// 16 MiB above the base of RAM: far from the image and the DTB.
char* const g_buffer = reinterpret_cast<char*>(0x8100'0000);
uint64_t g_length = 0;

void flood(unsigned) {
    (void)sbi::call(sbi::kEidDbcn, sbi::kDbcnWrite, g_length, reinterpret_cast<uint64_t>(g_buffer),
                    0);
}

}  // namespace

void guest_main() {
    g_length = bootarg_number("kib", 2048) * 1024;
    constexpr char kLine[] = "dbcn_after_stop: printed by a DBCN write under way\n";
    constexpr uint64_t kLineLength = sizeof(kLine) - 1;
    for (uint64_t i = 0; i < g_length; ++i) g_buffer[i] = kLine[i % kLineLength];
    const int64_t error = smp::start(1, flood);
    checks.check_error(error, sbi::kSuccess, "hart_start of the flooding vCPU");
    delay_ticks(kTimebaseHz / 50);
    checks.finish();  // SRST shutdown while vCPU 1 is inside its DBCN write
}
