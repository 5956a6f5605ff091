# SPDX-License-Identifier: Apache-2.0
# Cross toolchain for the hypervisor image and the bare-metal guests: Debian's
# g++-riscv64-linux-gnu used freestanding (no libc, no libstdc++ runtime).
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR riscv64)
set(CMAKE_C_COMPILER riscv64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER riscv64-linux-gnu-g++)
set(CMAKE_ASM_COMPILER riscv64-linux-gnu-gcc)
set(CMAKE_OBJCOPY riscv64-linux-gnu-objcopy CACHE FILEPATH "objcopy for flat images")
# Forced, so that a configure run before the cross packages were installed
# (which caches the host's own objdump) cannot leave the image's register
# check with a disassembler that does not know RISC-V.
set(CMAKE_OBJDUMP riscv64-linux-gnu-objdump CACHE FILEPATH "objdump for the reserved-register check" FORCE)
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
