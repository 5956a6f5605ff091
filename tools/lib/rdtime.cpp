// SPDX-License-Identifier: Apache-2.0
// rdtime: a static riscv64 Linux program for tools/bench-linux's guest that prints the hart's
// `time` CSR, the machine's clock since QEMU started it (10 MHz on QEMU virt; under
// -icount shift=0 one tick is 100 instructions), as a decimal number and a newline. The kernel's
// own clock (printk stamps, /proc/uptime) starts when its timer driver registers, so it leaves out
// the firmware, the hypervisor and the kernel's early boot; this does not. No libc: built with
// riscv64-linux-gnu-g++ -static -nostdlib -ffreestanding, it makes two system calls itself.

namespace {

constexpr long kSysWrite = 64;
constexpr long kSysExit = 93;

long syscall3(long number, long arg0, long arg1, long arg2) {
    register long a0 asm("a0") = arg0;
    register long a1 asm("a1") = arg1;
    register long a2 asm("a2") = arg2;
    register long a7 asm("a7") = number;
    asm volatile("ecall" : "+r"(a0) : "r"(a1), "r"(a2), "r"(a7) : "memory");
    return a0;
}

}  // namespace

extern "C" [[noreturn]] void _start() {
    unsigned long ticks;
    asm volatile("rdtime %0" : "=r"(ticks));
    char text[24];
    unsigned long at = sizeof text;
    text[--at] = '\n';
    do {
        text[--at] = static_cast<char>('0' + ticks % 10);
        ticks /= 10;
    } while (ticks != 0);
    syscall3(kSysWrite, 1, reinterpret_cast<long>(text + at), static_cast<long>(sizeof text - at));
    syscall3(kSysExit, 0, 0, 0);
    for (;;) {
    }
}
