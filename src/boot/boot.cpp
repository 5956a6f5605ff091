// SPDX-License-Identifier: Apache-2.0
// From the firmware's jump to the first guest instruction: read the host
// device tree, set up the hypervisor CSRs, build the VMs from the VM bundle
// and start one hart per VM.

#include <cstdint>

#include "arch/boot_support.hpp"
#include "arch/csr.hpp"
#include "arch/firmware.hpp"
#include "arch/hart.hpp"
#include "boot/hart_setup.hpp"
#include "boot/power.hpp"
#include "console/host_console.hpp"
#include "console/log.hpp"
#include "fdt/fdt.hpp"
#include "halyard/guest_layout.hpp"
#include "lib/capacity.hpp"
#include "lib/format.hpp"
#include "memory/page_pool.hpp"
#include "memory/physical_allocator.hpp"
#include "platform/host_entropy.hpp"
#include "platform/host_platform.hpp"
#include "platform/paging_mode.hpp"
#include "sbi/sbi_base.hpp"
#include "vm/console_mux.hpp"
#include "vm/lifecycle.hpp"
#include "vm/vm_bundle.hpp"
#include "vm/vm_setup.hpp"

namespace halyard {
namespace {

constexpr unsigned kMaxVms = capacity::kVms;
static_assert(arch::kMaxHarts == capacity::kHarts, "arch/stack.h and lib/capacity.hpp agree");

HostPlatform g_platform;
Vm g_vms[kMaxVms];
unsigned g_vm_count = 0;
bool g_host_has_sstc = false;
uint64_t g_boot_hart_envcfg = 0;  // henvcfg bits the boot hart kept

// Which vCPU each hart slot runs; slot 0 is the boot hart.
Vcpu* g_slot_vcpu[arch::kMaxHarts] = {};

[[noreturn]] void fail(const char* message) {
    log("error: %s", message);
    power_off(true);
}

// Console input by interrupt on this (the boot) hart, which runs vm0's first
// vCPU; without a host PLIC the guests' UART reads still poll for it.
void enable_console_input_interrupt(uint64_t hart_id) {
    const HostHart* hart = g_platform.hart(hart_id);
    if (g_platform.aplic_base != 0 && hart->imsic_hart_index >= 0 && g_platform.uart_irq != 0 &&
        g_platform.plic_base == 0) {
        if (host_console_enable_input_msi(g_platform.aplic_base,
                                          static_cast<unsigned>(hart->imsic_hart_index),
                                          g_platform.uart_irq))
            return;
    }
    if (g_platform.plic_base == 0 || g_platform.uart_irq == 0 || hart->plic_s_context < 0) {
        log("note: no host PLIC context or APLIC domain for hart %llu: console input is polled",
            static_cast<unsigned long long>(hart_id));
        return;
    }
    host_console_enable_input_interrupt(
        g_platform.plic_base, static_cast<unsigned>(hart->plic_s_context), g_platform.uart_irq);
}

void all_vms_stopped() {
    power_off(false);
}

// A hart waiting with nothing to run still takes console input: on the boot
// hart (the only one whose host PLIC context has the UART enabled) while vm0's
// first vCPU is stopped or suspended.
void take_console_input_while_idle() {
    if ((arch::csr_read<Csr::sip>() & irq::kSeip) == 0) return;
    if (host_console_claim_input_interrupt()) console_mux_input_ready();
}

void read_machine_ids() {
    MachineIds ids;
    ids.mvendorid = arch::firmware_call(sbi::kEidBase, sbi::kBaseGetMvendorid).value;
    ids.marchid = arch::firmware_call(sbi::kEidBase, sbi::kBaseGetMarchid).value;
    ids.mimpid = arch::firmware_call(sbi::kEidBase, sbi::kBaseGetMimpid).value;
    SbiBase::set_machine_ids(ids);
}

void check_hart(uint64_t hart_id) {
    const HostHart* hart = g_platform.hart(hart_id);
    if (hart == nullptr) fail("the boot hart is missing from the host device tree");
    if (!hart->isa.usable()) {
        log_hart_isa_problem(nullptr, hart_id, hart->isa);
        power_off(true);
    }
    if (!hart->isa.has("h")) {
        const std::string_view isa = hart->isa.isa_string();
        const unsigned long long id = hart_id;
        if (hart->isa.form() == HartIsa::Form::kIsaString)
            log("error: hart %llu has no H extension (riscv,isa = %.*s); Halyard needs a RISC-V "
                "hart with the hypervisor extension (QEMU: -cpu rv64,h=true)",
                id, printable_prefix(isa, 60), isa.data());
        else
            log("error: hart %llu has no H extension (riscv,isa-extensions has no \"h\"); Halyard "
                "needs a RISC-V hart with the hypervisor extension (QEMU: -cpu rv64,h=true)",
                id);
        power_off(true);
    }
}

// The host's reserved ranges, the three below and one block per VM.
static_assert(PhysicalAllocator::kMaxReservations >=
              HostPlatform::kMaxReservedRanges + 3 + kMaxVms);
static_assert(PhysicalAllocator::kMaxMemoryRanges >= HostPlatform::kMaxMemoryRanges);

void reserve_host_memory(PhysicalAllocator& allocator, uint64_t fdt_address, uint32_t fdt_size) {
    // The static_asserts above make everything fit; a refusal still stops the boot.
    auto must = [](Status done) {
        if (!done) fail("more memory ranges or reservations than the allocator holds");
    };
    for (unsigned i = 0; i < g_platform.memory_count; ++i)
        must(allocator.add_memory(g_platform.memory[i]));
    // Firmware and Halyard: everything from the start of RAM to Halyard's end.
    must(allocator.reserve(
        {g_platform.memory[0].base, arch::image_end() - g_platform.memory[0].base}));
    for (unsigned i = 0; i < g_platform.reserved_count; ++i)
        must(allocator.reserve(g_platform.reserved[i]));
    must(allocator.reserve({fdt_address, fdt_size}));
    must(allocator.reserve(g_platform.initrd));
}

void create_vms(PhysicalAllocator& allocator) {
    if (g_platform.initrd.size == 0)
        fail("no VM bundle: load it as the initrd (tools/run does this); nothing to run");
    Fdt bundle =
        Fdt::from(reinterpret_cast<const void*>(g_platform.initrd.base), g_platform.initrd.size);
    VmSpec specs[kMaxVms];
    const Result<unsigned> read = read_vm_bundle(bundle, specs);
    if (!read) power_off(true);  // the reader logged why
    const unsigned count = read.value();
    HartCapabilities caps = probe_hart_capabilities(g_boot_hart_envcfg);
    if (!caps.sv39x4) fail("the hart does not support Sv39x4 G-stage translation");
    if (!caps.vs_sv39) fail("the hart does not support Sv39 VS-stage translation for guests");
    if (!caps.guest_interrupt_file && g_platform.guest_interrupt_ids != 0) {
        log("note: the host DT's IMSIC has guest interrupt files, but the hart has none "
            "(hgeie keeps no bit): no VM can have AIA");
        g_platform.guest_interrupt_ids = 0;
        for (unsigned h = 0; h < g_platform.hart_count; ++h)
            g_platform.harts[h].guest_interrupt_file = 0;
    }
    const RamPlacement placement = choose_ram_placement(allocator, {specs, count});
    // Each hart only ever runs one VM's vCPU, so VMIDs (wrapping when the hart
    // has few bits, or 0 without any) never need to tell two VMs apart on one
    // hart; distinct ones just keep TLB entries apart after a hart changes VM.
    for (unsigned i = 0; i < count; ++i) {
        Vm& vm = g_vms[i];
        const uint16_t vmid =
            static_cast<uint16_t>(caps.vmid_bits == 0 ? 0 : (i + 1) % (1u << caps.vmid_bits));
        if (!create_vm(vm, i, vmid, specs[i], allocator, g_platform, placement))
            power_off(true);  // create_vm logged why
        const GStagePageTable::PageCounts pages = vm.gstage.page_counts();
        const std::string_view mmu = name_of(vm.paging_mode);
        log("%s: %u vCPU, %llu MiB RAM at host 0x%llx, kernel %zu bytes%s, VMID %u, mmu %.*s, "
            "G-stage pages %llu x 1G + %llu x 2M + %llu x 4K",
            vm.name, vm.vcpu_count, static_cast<unsigned long long>(vm.ram.size >> 20),
            static_cast<unsigned long long>(vm.ram.host_base), vm.image.kernel.size(),
            vm.image.initrd.empty() ? "" : " + initrd", vm.vmid, static_cast<int>(mmu.size()),
            mmu.data(), static_cast<unsigned long long>(pages.gigapages),
            static_cast<unsigned long long>(pages.megapages),
            static_cast<unsigned long long>(pages.pages));
    }
    g_vm_count = count;
    console_mux_set_vm_count(g_vm_count);
    console_mux_set_input_vm(&g_vms[0]);
    lifecycle_init(g_vms, g_vm_count, &g_platform,
                   LifecycleHooks{all_vms_stopped, take_console_input_while_idle});
}

// Every vCPU is pinned to a physical hart: slot 0 (this hart) is vm0's
// vCPU 0, the other vCPUs take the other harts in order. Every hart enters
// Halyard now, once, and parks on its vCPU; each VM's vCPU 0 is started now,
// the others when their guest starts them.
void assign_harts_and_start_vms(uint64_t boot_hart_id) {
    unsigned total = 0;
    for (unsigned i = 0; i < g_vm_count; ++i) total += g_vms[i].vcpu_count;
    if (total > g_platform.hart_count || total > arch::kMaxHarts) {
        log("error: the VMs have %u vCPUs in all; the machine has %u harts (Halyard uses at most "
            "%u)",
            total, g_platform.hart_count, arch::kMaxHarts);
        power_off(true);
    }
    unsigned slot = 0, next_hart = 0;
    for (unsigned i = 0; i < g_vm_count; ++i) {
        for (unsigned v = 0; v < g_vms[i].vcpu_count; ++v) {
            Vcpu& vcpu = g_vms[i].vcpu(v);
            uint64_t hart_id = boot_hart_id;
            if (slot != 0) {
                if (g_platform.harts[next_hart].hart_id == boot_hart_id) ++next_hart;
                hart_id = g_platform.harts[next_hart++].hart_id;
            }
            vcpu.hart_slot = slot;
            vcpu.host_hart_id = hart_id;
            vcpu.regs.hyp_stack_top = arch::hart_stack_top(slot);
            arch::set_slot_hart_id(slot, hart_id);
            g_slot_vcpu[slot++] = &vcpu;
        }
    }
    for (unsigned i = 0; i < g_vm_count; ++i)
        if (!attach_interrupt_files(g_vms[i], g_platform)) power_off(true);
    for (unsigned s = 1; s < slot; ++s) {
        const sbi::SbiRet ret = arch::firmware_call(sbi::kEidHsm, 0, g_slot_vcpu[s]->host_hart_id,
                                                    arch::secondary_entry_address(), s);
        if (ret.error != sbi::kSuccess) {
            log("error: starting hart %llu through the firmware failed (SBI error %lld)",
                static_cast<unsigned long long>(g_slot_vcpu[s]->host_hart_id),
                static_cast<long long>(ret.error));
            power_off(true);
        }
    }
    for (unsigned i = 0; i < g_vm_count; ++i) {
        Vm& vm = g_vms[i];
        if (start_vcpu(vm.vcpu(0), guest::kKernelEntry, vm.dtb_gpa) != sbi::kSuccess)
            fail("starting a VM's first vCPU failed");
    }
}

[[noreturn]] void boot_main(uint64_t hart_id, uint64_t fdt_address) {
    Fdt fdt = Fdt::from(reinterpret_cast<const void*>(fdt_address));
    if (!fdt.valid()) fail("no valid host device tree in a1");
    if (!read_host_platform(fdt, g_platform)) power_off(true);
    host_console_use_uart(g_platform.uart);
    power_set_test_finisher(g_platform.test_finisher_base);
    const MemoryRange& ram = g_platform.memory[0];
    log("Halyard 0.1.0 on hart %llu: %u harts, RAM 0x%llx-0x%llx, timebase %u Hz",
        static_cast<unsigned long long>(hart_id), g_platform.hart_count,
        static_cast<unsigned long long>(ram.base), static_cast<unsigned long long>(ram.end()),
        g_platform.timebase_frequency);
    check_hart(hart_id);
    enable_console_input_interrupt(hart_id);
    g_host_has_sstc = g_platform.hart(hart_id)->isa.has("sstc");
    read_machine_ids();
    g_boot_hart_envcfg = setup_hypervisor_csrs(g_host_has_sstc, true);
    // After the trap vector is in place (reading the Zkr seed CSR may trap)
    // and before any guest RAM exists: the host seed is wiped from the host DT.
    const Result<SeedKey> seed_key =
        take_host_entropy({reinterpret_cast<uint8_t*>(fdt_address), fdt.total_size()},
                          g_platform.hart(hart_id)->isa.has("zkr"));
    if (seed_key) g_platform.guest_seed_key = seed_key.value();

    PhysicalAllocator allocator;
    reserve_host_memory(allocator, fdt_address, fdt.total_size());
    create_vms(allocator);
    log("Halyard occupies %llu KiB of RAM: image %llu KiB, stacks %u KiB, page-table pool %zu KiB "
        "(%zu KiB used)",
        static_cast<unsigned long long>((arch::image_end() - arch::image_start()) >> 10),
        static_cast<unsigned long long>((arch::image_file_end() - arch::image_start()) >> 10),
        arch::kMaxHarts * HALYARD_HART_STACK_SIZE / 1024, page_pool_capacity() >> 10,
        page_pool_used() >> 10);
    assign_harts_and_start_vms(hart_id);
    run_vcpu_hart(g_vms[0].vcpu(0));
}

// Every other hart Halyard uses enters here once, started by the boot hart.
[[noreturn]] void secondary_main(uint64_t hart_id, unsigned slot) {
    check_hart(hart_id);
    (void)setup_hypervisor_csrs(g_host_has_sstc, false);
    run_vcpu_hart(*g_slot_vcpu[slot]);
}

}  // namespace
}  // namespace halyard

// `secondary` (a3) is 0 only for the one hart that claimed the cold boot in
// boot.S: the cold-boot path (static constructors, device tree, VMs) runs
// exactly once per machine, whatever slot a later hart has.
extern "C" [[noreturn]] void halyard_boot_hart(uint64_t hart_id, uint64_t fdt_address,
                                               uint64_t slot, uint64_t secondary) {
    using namespace halyard;
    if (secondary != 0) {
        if (slot == 0 || slot >= arch::kMaxHarts || g_slot_vcpu[slot] == nullptr)
            fail("a hart entered Halyard with no vCPU to run");
        secondary_main(hart_id, static_cast<unsigned>(slot));
    }
    arch::run_static_constructors();
    boot_main(hart_id, fdt_address);
}
