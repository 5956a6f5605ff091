# SPDX-License-Identifier: Apache-2.0
# Cross toolchain for the hypervisor image and the bare-metal guests: Debian's
# g++-riscv64-linux-gnu used freestanding (no libc, no libstdc++ runtime).
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR riscv64)
set(CMAKE_C_COMPILER riscv64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER riscv64-linux-gnu-g++)
set(CMAKE_ASM_COMPILER riscv64-linux-gnu-gcc)
set(CMAKE_OBJCOPY riscv64-linux-gnu-objcopy CACHE FILEPATH "objcopy for flat images")
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
