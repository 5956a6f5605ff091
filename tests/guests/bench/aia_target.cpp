// SPDX-License-Identifier: Apache-2.0
#include "aia_target.hpp"

#include "guest/fdt.hpp"
#include "hart_intc.hpp"

namespace bench {
namespace {

using guest::fdt::equals;
using guest::fdt::read_be32;
using guest::fdt::read_cells;
using guest::fdt::string_list_has;

constexpr uint32_t kSupervisorExternalInterrupt = 9;
constexpr unsigned kMaxNodes = 4;  // QEMU virt: an M-level and an S-level one of each

struct Aplic {
    uintptr_t base;
    uint32_t msi_parent;
};
struct Imsic {
    uint32_t phandle;
    uintptr_t harts;  // interrupts-extended
    uint32_t harts_length;
};

// Collects, while guest::fdt::walk visits the tree, the APLIC and IMSIC
// nodes (neither has children, so per-node state need not be a stack) and
// the phandle of `hart`'s riscv,cpu-intc.
struct AiaFinder {
    // The node tables are left uninitialized (their counts say what is
    // written): zeroing them would take a memset, which this runtime lacks.
    explicit AiaFinder(uint64_t hart) : intc{hart} {}
    HartIntcFinder intc;
    // The node being walked.
    bool is_aplic = false, is_imsic = false;
    uintptr_t reg = 0;
    uint32_t reg_length = 0, phandle = 0, msi_parent = 0;
    uintptr_t harts = 0;
    uint32_t harts_length = 0;
    Aplic aplics[kMaxNodes];
    unsigned aplic_count = 0;
    Imsic imsics[kMaxNodes];
    unsigned imsic_count = 0;

    void begin_node(const char* name, int depth) {
        intc.begin_node(name, depth);
        is_aplic = is_imsic = false;
        reg = harts = 0;
        reg_length = harts_length = phandle = msi_parent = 0;
    }
    void end_node(int depth) {
        // Under /soc (#address-cells = 2): reg starts with a 2-cell address.
        if (is_aplic && msi_parent != 0 && reg_length >= 8 && aplic_count < kMaxNodes)
            aplics[aplic_count++] = Aplic{static_cast<uintptr_t>(read_cells(reg, 2)), msi_parent};
        if (is_imsic && phandle != 0 && harts != 0 && imsic_count < kMaxNodes)
            imsics[imsic_count++] = Imsic{phandle, harts, harts_length};
        is_aplic = is_imsic = false;
        intc.end_node(depth);
    }
    void property(const char* prop, uintptr_t value, uint32_t length, int depth) {
        if (intc.property(prop, value, length, depth)) return;
        if (equals(prop, "compatible")) {
            is_aplic = string_list_has(value, length, "riscv,aplic");
            is_imsic = string_list_has(value, length, "riscv,imsics");
        } else if (equals(prop, "reg")) {
            reg = value;
            reg_length = length;
        } else if (equals(prop, "phandle") && length == 4) {
            phandle = read_be32(value);
        } else if (equals(prop, "msi-parent") && length >= 4) {
            msi_parent = read_be32(value);
        } else if (equals(prop, "interrupts-extended")) {
            harts = value;
            harts_length = length;
        }
    }
};

}  // namespace

AiaTarget aia_supervisor_target(uintptr_t dtb, uint64_t hart) {
    const AiaTarget none{false, 0, 0};
    if (dtb == 0 || read_be32(dtb) != guest::fdt::kMagic) return none;
    AiaFinder found(hart);
    if (!guest::fdt::walk(dtb, found) || found.intc.phandle == 0) return none;
    for (unsigned a = 0; a < found.aplic_count; ++a) {
        for (unsigned m = 0; m < found.imsic_count; ++m) {
            const Imsic& imsic = found.imsics[m];
            if (imsic.phandle != found.aplics[a].msi_parent) continue;
            // One (phandle, interrupt) pair per interrupt file, in hart-index order.
            for (uint32_t i = 0; (i + 1) * 8 <= imsic.harts_length; ++i) {
                if (read_be32(imsic.harts + 8 * i) == found.intc.phandle &&
                    read_be32(imsic.harts + 8 * i + 4) == kSupervisorExternalInterrupt)
                    return AiaTarget{true, found.aplics[a].base, i};
            }
        }
    }
    return none;
}

}  // namespace bench
