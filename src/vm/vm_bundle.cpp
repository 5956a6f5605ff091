// SPDX-License-Identifier: Apache-2.0
#include "vm/vm_bundle.hpp"

#include "console/log.hpp"
#include "lib/format.hpp"

namespace halyard {

Result<unsigned> read_vm_bundle(const Fdt& bundle, std::span<VmSpec> specs) {
    if (!bundle.valid() || !bundle.is_compatible(bundle.root(), "halyard,vm-bundle")) {
        log("error: the VM bundle is not a \"halyard,vm-bundle\" device tree");
        return Error::kInvalidInput;
    }
    unsigned count = 0;
    Status status = ok();
    bundle.for_each_child(bundle.root(), [&](FdtNode node) {
        if (!bundle.is_compatible(node, "halyard,vm")) return true;
        if (static_cast<size_t>(count) == specs.size()) {
            log("error: the VM bundle has more than %zu VMs", specs.size());
            status = Error::kCapacity;
            return false;
        }
        VmSpec& spec = specs[static_cast<size_t>(count)];
        FdtProperty kernel = bundle.property(node, "kernel");
        FdtProperty memory = bundle.property(node, "memory-size");
        FdtProperty vcpus = bundle.property(node, "vcpus");
        if (!kernel.valid() || kernel.value.empty() || !memory.valid()) {
            log("error: VM %u of the bundle lacks a kernel or memory-size", count);
            status = Error::kInvalidInput;
            return false;
        }
        // Cells of the wrong size would read as 0 or as part of a number.
        if ((memory.value.size() != 4 && memory.value.size() != 8) ||
            (vcpus.valid() && vcpus.value.size() != 4)) {
            log("error: VM %u of the bundle: memory-size must be 1 or 2 cells, vcpus 1 cell",
                count);
            status = Error::kInvalidInput;
            return false;
        }
        spec.memory_size = memory.u64();
        if (spec.memory_size == 0 || spec.memory_size > kMaxGuestMemorySize) {
            log("error: VM %u of the bundle: memory-size %llu is not between 1 byte and %llu GiB "
                "(what the guest-physical space holds above the RAM base)",
                count, static_cast<unsigned long long>(spec.memory_size),
                static_cast<unsigned long long>(kMaxGuestMemorySize >> 30));
            status = Error::kInvalidInput;
            return false;
        }
        spec.vcpus = vcpus.valid() ? vcpus.u32() : 1;
        spec.paging_mode = PagingMode::kSv39;
        const FdtProperty mmu = bundle.property(node, "mmu-type");
        // One NUL-terminated string naming a mode exactly: anything more or
        // less (a list, no terminator, "riscv,sv32") is refused, not guessed.
        if (mmu.valid() && (mmu.value.size() != mmu.string().size() + 1 ||
                            !paging_mode_from_mmu_type(mmu.string(), spec.paging_mode))) {
            const std::string_view text = mmu.string();
            log("error: VM %u of the bundle: mmu-type \"%.*s\" is not one of riscv,sv39, "
                "riscv,sv48, riscv,sv57",
                count, printable_prefix(text, 40), text.data());
            status = Error::kInvalidInput;
            return false;
        }
        const FdtProperty irqchip = bundle.property(node, "irqchip");
        spec.irqchip = GuestIrqchip::kPlic;
        if (irqchip.valid()) {
            const std::string_view text = irqchip.string();
            const bool exact = irqchip.value.size() == text.size() + 1;
            if (exact && text == "aia") {
                spec.irqchip = GuestIrqchip::kAia;
            } else if (!exact || text != "plic") {
                log("error: VM %u of the bundle: irqchip \"%.*s\" is not one of plic, aia", count,
                    printable_prefix(text, 40), text.data());
                status = Error::kInvalidInput;
                return false;
            }
        }
        spec.image.kernel = kernel.value;
        spec.image.initrd = bundle.property(node, "initrd").value;
        spec.image.dtb = bundle.property(node, "dtb").value;
        spec.image.bootargs = bundle.property(node, "bootargs").string();
        ++count;
        return true;
    });
    if (!status) return status.error();
    if (count == 0) {
        log("error: the VM bundle describes no VM");
        return Error::kInvalidInput;
    }
    return count;
}

}  // namespace halyard
