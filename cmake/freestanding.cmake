# SPDX-License-Identifier: Apache-2.0
# Flags shared by everything that runs on the target without an OS: the
# hypervisor and the bare-metal guests. Built without F/D so that Halyard never
# touches the guest's floating-point state.
set(HALYARD_TARGET_FLAGS
    -march=rv64imac_zicsr_zifencei -mabi=lp64 -mcmodel=medany
    -ffreestanding -fno-builtin -nostdlib -fno-common -fno-pie
    -ffunction-sections -fdata-sections -O2 -g -flto
    -isystem ${CMAKE_SOURCE_DIR}/cmake/lp64-shim)
set(HALYARD_TARGET_CXX_FLAGS
    -fno-exceptions -fno-rtti -fno-threadsafe-statics -fno-use-cxa-atexit
    -fno-asynchronous-unwind-tables)
set(HALYARD_WARNINGS -Wall -Wextra)
# The hypervisor image itself (arch/ and src/): the strict set, as errors.
set(HALYARD_IMAGE_WARNINGS -Wall -Wextra -Wshadow -Wconversion -Werror
    $<$<COMPILE_LANGUAGE:CXX>:-Wold-style-cast>)
# One LTO partition: the images are small, whole-program optimisation sees
# all of each, and lto-wrapper has no parallel jobs to warn about.
set(HALYARD_TARGET_LINK_FLAGS -nostdlib -static -no-pie -Wl,--gc-sections -Wl,--build-id=none -Wl,--no-warn-rwx-segments
    -flto-partition=one)

# halyard_flat_image(target) makes TARGET.bin next to the ELF.
function(halyard_flat_image target)
    add_custom_command(TARGET ${target} POST_BUILD
        COMMAND ${CMAKE_OBJCOPY} -O binary $<TARGET_FILE:${target}> $<TARGET_FILE_DIR:${target}>/${target}.bin
        COMMENT "flat image ${target}.bin")
endfunction()
