// SPDX-License-Identifier: Apache-2.0
#include "platform/host_platform.hpp"

#include "console/log.hpp"

namespace halyard {
namespace {

struct Cells {
    unsigned address = 2;
    unsigned size = 1;
};

Cells cells_of(const Fdt& fdt, FdtNode node) {
    Cells cells;
    FdtProperty a = fdt.property(node, "#address-cells");
    FdtProperty s = fdt.property(node, "#size-cells");
    if (a.valid()) cells.address = a.u32();
    if (s.valid()) cells.size = s.u32();
    return cells;
}

// Reads `reg` entries of a node whose parent has `cells`.
template <typename Visit>
void for_each_reg(const Fdt& fdt, FdtNode node, Cells cells, Visit visit) {
    FdtProperty reg = fdt.property(node, "reg");
    if (!reg.valid() || cells.address == 0 || cells.address > 2 || cells.size > 2) return;
    size_t entry_cells = cells.address + cells.size;
    size_t entries = reg.value.size() / (entry_cells * 4);
    for (size_t i = 0; i < entries; ++i) {
        uint64_t base = reg.cells(i * entry_cells, cells.address);
        uint64_t size =
            cells.size == 0 ? 0 : reg.cells(i * entry_cells + cells.address, cells.size);
        visit(base, size);
    }
}

// The first address in a device node's reg, read with its bus's #address-cells.
uint64_t first_reg_address(const Fdt& fdt, FdtNode node) {
    FdtNode bus;
    if (!fdt.parent(node, bus)) return 0;
    uint64_t address = 0;
    bool first = true;
    for_each_reg(fdt, node, cells_of(fdt, bus), [&](uint64_t base, uint64_t) {
        if (first) address = base;
        first = false;
    });
    return address;
}

bool node_okay(const Fdt& fdt, FdtNode node) {
    FdtProperty status = fdt.property(node, "status");
    return !status.valid() || status.string() == "okay" || status.string() == "ok";
}

// A range as the DT gives it, its end clamped to 2^64: a size that wraps
// means "to the end", which for a reservation is the safe reading.
MemoryRange clamped_range(uint64_t base, uint64_t size) {
    return {base, size > ~uint64_t{0} - base ? ~uint64_t{0} - base : size};
}

// Adds a reserved range; false (with a log line) when the table is full.
bool add_reserved(HostPlatform& p, uint64_t base, uint64_t size) {
    if (p.reserved_count == p.reserved.size()) {
        log("error: the host device tree reserves more than %u memory ranges; Halyard cannot "
            "keep track of them all and will not risk handing reserved memory to a guest",
            HostPlatform::kMaxReservedRanges);
        return false;
    }
    p.reserved[p.reserved_count++] = clamped_range(base, size);
    return true;
}

// kCapacity (logged by add_reserved) when the reserved ranges do not fit.
Status read_memory(const Fdt& fdt, HostPlatform& p, Cells root_cells) {
    unsigned ignored = 0;
    fdt.for_each_child(fdt.root(), [&](FdtNode node) {
        if (fdt.property(node, "device_type").string() == "memory" && node_okay(fdt, node)) {
            for_each_reg(fdt, node, root_cells, [&](uint64_t base, uint64_t size) {
                if (size == 0) return;
                if (p.memory_count < p.memory.size())
                    p.memory[p.memory_count++] = clamped_range(base, size);
                else
                    ++ignored;
            });
        }
        return true;
    });
    if (ignored != 0)
        log("note: the host device tree has %u memory ranges beyond the first %u; that RAM "
            "stays unused",
            ignored, HostPlatform::kMaxMemoryRanges);
    bool ok = true;
    FdtNode reserved;
    if (fdt.find("/reserved-memory", reserved)) {
        Cells cells = cells_of(fdt, reserved);
        fdt.for_each_child(reserved, [&](FdtNode node) {
            for_each_reg(fdt, node, cells, [&](uint64_t base, uint64_t size) {
                if (ok) ok = add_reserved(p, base, size);
            });
            return ok;
        });
    }
    // The memory reservation block of the header (/memreserve/).
    const uint8_t* header = fdt.data();
    // Fdt::from checked that the map starts inside the blob with room for one entry.
    const uint32_t last = fdt.total_size() - 16;
    for (uint32_t offset = load_be32(header + 16); ok && offset <= last; offset += 16) {
        uint64_t base = load_be64(header + offset);
        uint64_t size = load_be64(header + offset + 8);
        if (base == 0 && size == 0) break;
        ok = add_reserved(p, base, size);
    }
    if (!ok) return Error::kCapacity;
    return halyard::ok();
}

// A cache-block size property: one cell, a power of two, at most a page.
uint32_t cache_block_size(const Fdt& fdt, FdtNode cpu, std::string_view name) {
    const FdtProperty size = fdt.property(cpu, name);
    const uint32_t value = size.u32();
    if (size.value.size() != 4 || value == 0 || value > 4096 || (value & (value - 1)) != 0)
        return 0;
    return value;
}

void read_harts(const Fdt& fdt, HostPlatform& p) {
    unsigned ignored = 0;
    FdtNode cpus;
    if (!fdt.find("/cpus", cpus)) return;
    FdtProperty timebase = fdt.property(cpus, "timebase-frequency");
    if (timebase.valid()) p.timebase_frequency = timebase.u32();
    Cells cells = cells_of(fdt, cpus);
    if (cells.address == 0 || cells.address > 2) {
        log("error: the host device tree's /cpus has #address-cells = %u; hart ids take 1 or 2",
            cells.address);
        return;
    }
    fdt.for_each_child(cpus, [&](FdtNode node) {
        if (fdt.property(node, "device_type").string() != "cpu" || !node_okay(fdt, node))
            return true;
        FdtProperty reg = fdt.property(node, "reg");
        if (!reg.valid()) return true;
        if (p.hart_count == p.harts.size()) {
            ++ignored;
            return true;
        }
        HostHart& hart = p.harts[p.hart_count++];
        hart.hart_id = reg.cells(0, cells.address);
        hart.isa = HartIsa::from_properties(fdt.property(node, "riscv,isa"),
                                            fdt.property(node, "riscv,isa-base"),
                                            fdt.property(node, "riscv,isa-extensions"));
        log_hart_isa_notes(hart.hart_id, hart.isa);
        hart.mmu_type = fdt.property(node, "mmu-type").string();
        hart.cache_blocks.cbom = cache_block_size(fdt, node, "riscv,cbom-block-size");
        hart.cache_blocks.cboz = cache_block_size(fdt, node, "riscv,cboz-block-size");
        hart.cache_blocks.cbop = cache_block_size(fdt, node, "riscv,cbop-block-size");
        if (p.timebase_frequency == 0)
            p.timebase_frequency = fdt.property(node, "timebase-frequency").u32();
        return true;
    });
    if (ignored != 0)
        log("note: the host device tree has %u harts beyond the first %u; they stay unused",
            ignored, HostPlatform::kMaxHarts);
}

// The console UART: /chosen stdout-path if it names an ns16550, else the
// first ns16550-compatible node.
void read_uart(const Fdt& fdt, HostPlatform& p) {
    FdtNode uart{};
    bool found = false;
    FdtNode chosen;
    if (fdt.find("/chosen", chosen)) {
        std::string_view path = fdt.property(chosen, "stdout-path").string();
        size_t colon = path.find(':');
        if (colon != std::string_view::npos) path = path.substr(0, colon);
        found = !path.empty() && fdt.find(path, uart) && fdt.is_compatible(uart, "ns16550a");
    }
    if (!found) {
        fdt.for_each_node([&](FdtNode node) {
            if (fdt.is_compatible(node, "ns16550a") || fdt.is_compatible(node, "ns16550")) {
                uart = node;
                found = true;
            }
            return !found;
        });
    }
    if (!found) return;
    p.uart.base = first_reg_address(fdt, uart);
    FdtProperty shift = fdt.property(uart, "reg-shift");
    FdtProperty width = fdt.property(uart, "reg-io-width");
    const uint32_t reg_shift = shift.valid() ? shift.u32() : 0;
    const uint32_t reg_io_width = width.valid() ? width.u32() : 1;
    // A 16550's registers are 1, 2 or 4 bytes apart, accessed 1 or 4 bytes wide.
    if (reg_shift > 2 || (reg_io_width != 1 && reg_io_width != 4)) {
        log("note: the host UART's reg-shift %u / reg-io-width %u are not supported; console "
            "output goes through the firmware",
            reg_shift, reg_io_width);
        p.uart = {};
        return;
    }
    p.uart.reg_shift = reg_shift;
    p.uart.reg_io_width = reg_io_width;
    p.uart_clock_frequency = fdt.property(uart, "clock-frequency").u32();
    p.uart_irq = fdt.property(uart, "interrupts").u32();
}

// The host PLIC and, from its interrupts-extended list of (cpu interrupt
// controller, interrupt) pairs, each hart's S-mode context: the index of the
// pair that names the hart's controller with interrupt 9 (S external).
void read_plic(const Fdt& fdt, HostPlatform& p) {
    FdtNode plic{};
    bool found = false;
    fdt.for_each_node([&](FdtNode node) {
        found =
            fdt.is_compatible(node, "riscv,plic0") || fdt.is_compatible(node, "sifive,plic-1.0.0");
        if (found) plic = node;
        return !found;
    });
    if (!found) return;
    p.plic_base = first_reg_address(fdt, plic);
    FdtProperty contexts = fdt.property(plic, "interrupts-extended");
    constexpr uint32_t kSupervisorExternal = 9;
    for (size_t context = 0; context * 8 + 8 <= contexts.value.size(); ++context) {
        if (contexts.u32(context * 2 + 1) != kSupervisorExternal) continue;
        FdtNode intc, cpu;
        if (!fdt.find_by_phandle(contexts.u32(context * 2), intc) || !fdt.parent(intc, cpu))
            continue;
        const uint64_t hart_id = fdt.property(cpu, "reg").u32();
        for (unsigned h = 0; h < p.hart_count; ++h)
            if (p.harts[h].hart_id == hart_id)
                p.harts[h].plic_s_context = static_cast<int>(context);
    }
}

// The host's S-level IMSIC (AIA, "riscv,imsics" with S external interrupts
// in interrupts-extended): each hart's index at it and, if it has guest
// interrupt files, each hart's first one; then the APLIC domain whose
// msi-parent it is. Only the layout of one group is read for the guest
// files (riscv,group-index-bits 0, one reg range): the interrupt files of the
// hart listed i-th in interrupts-extended start at base + i *
// 2^guest-index-bits pages, its S file first, then its guest files
// (specs/aia/src/IMSIC.adoc, "Memory region"). Anything else leaves the
// harts without guest interrupt files.
void read_imsic(const Fdt& fdt, HostPlatform& p) {
    constexpr uint32_t kSupervisorExternal = 9;
    constexpr uint64_t kFileSize = 0x1000;
    uint32_t imsic_phandle = 0;
    bool one_group = true;
    fdt.for_each_node([&](FdtNode node) {
        if (!fdt.is_compatible(node, "riscv,imsics") || !node_okay(fdt, node)) return true;
        const FdtProperty harts = fdt.property(node, "interrupts-extended");
        if (harts.value.size() < 8 || harts.u32(1) != kSupervisorExternal) return true;
        imsic_phandle = fdt.property(node, "phandle").u32();
        const uint32_t guest_bits = fdt.property(node, "riscv,guest-index-bits").u32();
        const FdtProperty group_bits = fdt.property(node, "riscv,group-index-bits");
        one_group = !group_bits.valid() || group_bits.u32() == 0;
        FdtNode bus;
        MemoryRange range{};
        unsigned ranges = 0;
        if (fdt.parent(node, bus))
            for_each_reg(fdt, node, cells_of(fdt, bus), [&](uint64_t base, uint64_t size) {
                range = {base, size};
                ++ranges;
            });
        const uint64_t stride = kFileSize << (guest_bits <= 6 ? guest_bits : 0);
        const size_t listed = harts.value.size() / 8;
        // A hart's place in interrupts-extended is where its files are: a
        // list that gives one of Halyard's harts two places, or gives a place
        // to something that is no hart, contradicts itself, and the page it
        // names might be another hart's file (another VM's). The first place
        // still names the hart's S file for the host console.
        bool consistent = true;
        for (size_t i = 0; i < listed; ++i) {
            if (harts.u32(i * 2 + 1) != kSupervisorExternal) continue;
            FdtNode intc, cpu;
            if (!fdt.find_by_phandle(harts.u32(i * 2), intc) || !fdt.parent(intc, cpu) ||
                fdt.property(cpu, "device_type").string() != "cpu") {
                consistent = false;
                continue;
            }
            const uint64_t hart_id = fdt.property(cpu, "reg").u32();
            for (unsigned h = 0; h < p.hart_count; ++h) {
                if (p.harts[h].hart_id != hart_id) continue;
                if (p.harts[h].imsic_hart_index >= 0) {
                    consistent = false;
                } else {
                    p.harts[h].imsic_hart_index = static_cast<int>(i);
                }
            }
        }
        // IMSIC.adoc: a file has 63 to 2047 identities, one less than a
        // multiple of 64 (and Linux takes no other riscv,num-ids).
        const FdtProperty guest_ids = fdt.property(node, "riscv,num-guest-ids");
        const uint32_t ids =
            (guest_ids.valid() ? guest_ids : fdt.property(node, "riscv,num-ids")).u32();
        const bool guest_files = consistent && ids >= 63 && ids <= 2047 && (ids & 63) == 63 &&
                                 guest_bits >= 1 && guest_bits <= 6 && one_group && ranges == 1 &&
                                 range.base + range.size >= range.base &&
                                 range.size / stride >= listed;
        if (guest_files) {
            p.guest_interrupt_ids = ids;
            for (unsigned h = 0; h < p.hart_count; ++h) {
                const int index = p.harts[h].imsic_hart_index;
                if (index >= 0)
                    p.harts[h].guest_interrupt_file =
                        range.base + static_cast<uint64_t>(index) * stride + kFileSize;
            }
        }
        return false;
    });
    // An APLIC names a hart by its index, which is its place in the list
    // only when there is one group: with several, no APLIC for the console.
    if (imsic_phandle == 0 || !one_group) return;
    fdt.for_each_node([&](FdtNode node) {
        if (!fdt.is_compatible(node, "riscv,aplic") || !node_okay(fdt, node) ||
            fdt.property(node, "msi-parent").u32() != imsic_phandle)
            return true;
        p.aplic_base = first_reg_address(fdt, node);
        return false;
    });
}

void read_chosen_and_devices(const Fdt& fdt, HostPlatform& p) {
    FdtNode chosen;
    if (fdt.find("/chosen", chosen)) {
        FdtProperty start = fdt.property(chosen, "linux,initrd-start");
        FdtProperty end = fdt.property(chosen, "linux,initrd-end");
        if (start.valid() && end.valid() && end.u64() > start.u64())
            p.initrd = {start.u64(), end.u64() - start.u64()};
    }
    fdt.for_each_node([&](FdtNode node) {
        if (fdt.is_compatible(node, "sifive,test0")) {
            p.test_finisher_base = first_reg_address(fdt, node);
            return false;
        }
        return true;
    });
}

}  // namespace

const HostHart* HostPlatform::hart(uint64_t hart_id) const {
    for (unsigned i = 0; i < hart_count; ++i)
        if (harts[i].hart_id == hart_id) return &harts[i];
    return nullptr;
}

Status read_host_platform(const Fdt& fdt, HostPlatform& platform) {
    platform = HostPlatform{};
    Cells root_cells = cells_of(fdt, fdt.root());
    const Status memory = read_memory(fdt, platform, root_cells);
    if (!memory) return memory;
    read_harts(fdt, platform);
    read_uart(fdt, platform);
    read_chosen_and_devices(fdt, platform);
    read_plic(fdt, platform);
    read_imsic(fdt, platform);
    if (platform.memory_count == 0) {
        log("error: the host device tree describes no memory");
        return Error::kInvalidInput;
    }
    if (platform.hart_count == 0) {
        log("error: the host device tree describes no harts under /cpus");
        return Error::kInvalidInput;
    }
    if (platform.timebase_frequency == 0) {
        log("error: the host device tree gives no timebase-frequency");
        return Error::kInvalidInput;
    }
    return halyard::ok();
}

}  // namespace halyard
