# SPDX-License-Identifier: Apache-2.0
# Portable hypervisor sources, relative to the repository root. Compiled into
# halyard.elf (cross preset) and into the unit tests against the fake arch
# layer (host preset).
set(HALYARD_PORTABLE_SOURCES
    src/vm/console_mux.cpp
    src/lib/blake2s.cpp
    src/lib/format.cpp
    src/lib/memory_copy.cpp
    src/lib/seed_kdf.cpp
    src/console/log.cpp
    src/devices/aplic.cpp
    src/devices/plic.cpp
    src/devices/uart16550.cpp
    src/vm/exit_stats.cpp
    src/exit/guest_log.cpp
    src/exit/handle_guest_page_fault.cpp
    src/exit/handle_illegal_instruction.cpp
    src/exit/handle_instruction_guest_page_fault.cpp
    src/exit/handle_interrupts.cpp
    src/exit/handle_sbi_call.cpp
    src/exit/inject_exception.cpp
    src/exit/vmexit_entry.cpp
    src/exit/vmexit_handler.cpp
    src/fdt/fdt.cpp
    src/fdt/fdt_builder.cpp
    src/memory/g_stage.cpp
    src/memory/page_pool.cpp
    src/memory/physical_allocator.cpp
    src/mmio/instruction_decoder.cpp
    src/platform/hart_isa.cpp
    src/platform/host_entropy.cpp
    src/platform/host_platform.cpp
    src/platform/paging_mode.cpp
    src/sbi/sbi_base.cpp
    src/sbi/sbi_dbcn.cpp
    src/sbi/sbi_fwft.cpp
    src/sbi/sbi_halyard_stats.cpp
    src/sbi/sbi_hsm.cpp
    src/sbi/sbi_ipi.cpp
    src/sbi/sbi_rfence.cpp
    src/sbi/sbi_legacy.cpp
    src/sbi/sbi_srst.cpp
    src/sbi/sbi_susp.cpp
    src/sbi/sbi_time.cpp
    src/vm/guest_dtb.cpp
    src/vm/guest_isa.cpp
    src/vm/lifecycle.cpp
    src/vm/vcpu_requests.cpp
    src/vm/vcpu_features.cpp
    src/vm/vcpu_timer.cpp
    src/vm/vm.cpp
    src/vm/vm_bundle.cpp
    src/vm/vm_setup.cpp)

# Sources that only make sense on the target: boot, the run loop that enters
# guests, power-off, the host UART driver.
set(HALYARD_TARGET_ONLY_SOURCES
    src/boot/boot.cpp
    src/boot/hart_setup.cpp
    src/boot/host_trap.cpp
    src/boot/power.cpp
    src/console/host_console.cpp)
