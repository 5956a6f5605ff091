// SPDX-License-Identifier: Apache-2.0
#pragma once
// Ending the machine: through the firmware's SBI SRST, so QEMU exits (status
// 0 for a normal power-off; with a "sifive,test0" device, 1 after a failure).

namespace halyard {

void power_set_test_finisher(unsigned long base);
[[noreturn]] void power_off(bool failure);
[[noreturn]] void panic(const char* format, ...) __attribute__((format(printf, 1, 2)));

}  // namespace halyard
