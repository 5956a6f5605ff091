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
#include "console/console_mux.hpp"
#include "console/log.hpp"
#include "fdt/fdt.hpp"
#include "memory/page_pool.hpp"
#include "memory/physical_allocator.hpp"
#include "platform/host_platform.hpp"
#include "sbi/sbi_base.hpp"
#include "vm/hart_runtime.hpp"
#include "vm/vm_bundle.hpp"
#include "vm/vm_setup.hpp"

namespace halyard {
namespace {

constexpr unsigned kMaxVms = 8;

HostPlatform g_platform;
Vm g_vms[kMaxVms];
unsigned g_vm_count = 0;
bool g_host_has_sstc = false;

// Which vCPU each hart slot runs; slot 0 is the boot hart.
Vcpu* g_slot_vcpu[arch::kMaxHarts] = {};

[[noreturn]] void fail(const char* message) {
    log("error: %s", message);
    power_off(true);
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
    if (!isa_has_letter(hart->isa, 'h')) {
        log("error: hart %llu has no H extension (riscv,isa = %.60s); Halyard needs a RISC-V hart "
            "with the hypervisor extension (QEMU: -cpu rv64,h=true)",
            static_cast<unsigned long long>(hart_id), hart->isa.data());
        power_off(true);
    }
}

void reserve_host_memory(PhysicalAllocator& allocator, uint64_t fdt_address, uint32_t fdt_size) {
    for (unsigned i = 0; i < g_platform.memory_count; ++i)
        allocator.add_memory(g_platform.memory[i]);
    // Firmware and Halyard: everything from the start of RAM to Halyard's end.
    allocator.reserve({g_platform.memory[0].base, arch::image_end() - g_platform.memory[0].base});
    for (unsigned i = 0; i < g_platform.reserved_count; ++i)
        allocator.reserve(g_platform.reserved[i]);
    allocator.reserve({fdt_address, fdt_size});
    allocator.reserve(g_platform.initrd);
}

void create_vms(PhysicalAllocator& allocator) {
    if (g_platform.initrd.size == 0)
        fail("no VM bundle: load it as the initrd (tools/run does this); nothing to run");
    Fdt bundle =
        Fdt::from(reinterpret_cast<const void*>(g_platform.initrd.base), g_platform.initrd.size);
    VmSpec specs[kMaxVms];
    int count = read_vm_bundle(bundle, specs);
    if (count < 0) power_off(true);
    HartCapabilities caps = probe_hart_capabilities();
    if (!caps.sv39x4) fail("the hart does not support Sv39x4 G-stage translation");
    if (static_cast<unsigned>(count) > (1u << caps.vmid_bits) && caps.vmid_bits < 3)
        log("note: only %u VMID bits; VMs share VMIDs and flush on switch", caps.vmid_bits);
    for (int i = 0; i < count; ++i) {
        Vm& vm = g_vms[i];
        const uint16_t vmid =
            static_cast<uint16_t>(caps.vmid_bits == 0 ? 0 : (i + 1) % (1u << caps.vmid_bits));
        if (!create_vm(vm, static_cast<unsigned>(i), vmid, specs[i], allocator, g_platform))
            power_off(true);
        log("%s: %u vCPU, %llu MiB RAM at host 0x%llx, kernel %zu bytes%s, VMID %u", vm.name,
            vm.vcpu_count, static_cast<unsigned long long>(vm.ram.size >> 20),
            static_cast<unsigned long long>(vm.ram.host_base), vm.image.kernel.size(),
            vm.image.initrd.empty() ? "" : " + initrd", vm.vmid);
    }
    g_vm_count = static_cast<unsigned>(count);
    console_mux_set_vm_count(g_vm_count);
    hart_runtime_init(g_vms, g_vm_count, &g_platform);
}

// One hart per VM's boot vCPU: slot 0 (this hart) runs vm0, the others are
// started through SBI HSM and pick up their vCPU in secondary_main().
void start_other_harts(uint64_t boot_hart_id) {
    if (g_vm_count > g_platform.hart_count) {
        log("error: %u VMs need %u harts, the machine has %u", g_vm_count, g_vm_count,
            g_platform.hart_count);
        power_off(true);
    }
    unsigned slot = 0;
    g_slot_vcpu[slot++] = &g_vms[0].vcpu(0);
    for (unsigned h = 0; h < g_platform.hart_count && slot < g_vm_count; ++h) {
        const uint64_t hart_id = g_platform.harts[h].hart_id;
        if (hart_id == boot_hart_id) continue;
        g_slot_vcpu[slot] = &g_vms[slot].vcpu(0);
        sbi::SbiRet ret =
            arch::firmware_call(sbi::kEidHsm, 0, hart_id, arch::secondary_entry_address(), slot);
        if (ret.error != sbi::kSuccess) {
            log("error: starting hart %llu failed (SBI error %lld)",
                static_cast<unsigned long long>(hart_id), static_cast<long long>(ret.error));
            power_off(true);
        }
        ++slot;
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
    g_host_has_sstc = isa_has_extension(g_platform.hart(hart_id)->isa, "sstc");
    read_machine_ids();
    setup_hypervisor_csrs(g_host_has_sstc);

    PhysicalAllocator allocator;
    reserve_host_memory(allocator, fdt_address, fdt.total_size());
    create_vms(allocator);
    log("Halyard occupies %llu KiB of RAM: image %llu KiB, stacks %u KiB, page-table pool %zu KiB "
        "(%zu KiB used)",
        static_cast<unsigned long long>((arch::image_end() - arch::image_start()) >> 10),
        static_cast<unsigned long long>((arch::image_file_end() - arch::image_start()) >> 10),
        arch::kMaxHarts * HALYARD_HART_STACK_SIZE / 1024, page_pool_capacity() >> 10,
        page_pool_used() >> 10);
    start_other_harts(hart_id);
    run_vcpu(*g_slot_vcpu[0], 0);
}

[[noreturn]] void secondary_main(uint64_t hart_id, unsigned slot) {
    check_hart(hart_id);
    setup_hypervisor_csrs(g_host_has_sstc);
    run_vcpu(*g_slot_vcpu[slot], slot);
}

}  // namespace
}  // namespace halyard

extern "C" [[noreturn]] void halyard_boot_hart(uint64_t hart_id, uint64_t fdt_address,
                                               uint64_t slot) {
    using namespace halyard;
    if (slot != 0) secondary_main(hart_id, static_cast<unsigned>(slot));
    arch::run_static_constructors();
    boot_main(hart_id, fdt_address);
}
