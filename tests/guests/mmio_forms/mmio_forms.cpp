// SPDX-License-Identifier: Apache-2.0
// mmio_forms: every form of device access a guest can make, against the
// emulated UART and PLIC, so that both of Halyard's ways of decoding a trapped
// access run on the same instructions: from htinst (the transformed
// instruction a hart such as QEMU 10 writes on a guest-page fault) and from
// guest memory at sepc (QEMU 7.2, which leaves htinst 0).
//
// Each form (mmio_forms_ops.S) runs three times: in VS-mode with bare
// addressing, in VU-mode with bare addressing, and in VS-mode through VS-stage
// page tables that map the devices at another virtual address (so stval is
// not the guest-physical address). For each the guest checks the value a load
// returns (width, sign or zero extension, destination register), what a store
// leaves in the device (its low bytes only), and that execution continues
// right after the instruction (2 or 4 bytes: the compressed forms). Accesses a
// device cannot perform are refused as hardware would: floating-point and
// LR/AMO accesses with a load or store/AMO access fault, an SC with a
// store/AMO access fault or a plain failure; a misaligned access, also one
// that crosses from a RAM page into a device page, with an address-misaligned
// exception naming the original address (or an access fault). Accesses whose
// VS-stage page-table walk reads a device or nothing (htinst then holds a
// pseudoinstruction) get the access fault of the original access.
//
// The Zcb byte/halfword forms run only on a hart with Zcb (QEMU: -cpu
// ...,zcb=true; QEMU 7.2 has none); QEMU 10 writes no transformed
// instruction for them, so there they take the guest-memory path.
//
// Registers used: the UART's scratch register (SCR, +7) for byte accesses,
// its divisor latch (DLL, +0 with LCR.DLAB = 1) for aligned 2- and 8-byte
// accesses, the PLIC's enable word 0 of this hart's S-mode context for 4-byte
// ones. Natively (OpenSBI alone) QEMU's devices perform every access; what
// only Halyard refuses is then a SKIP.

#include <stdint.h>

#include "guest/check.hpp"
#include "guest/mmio.hpp"
#include "guest/print.hpp"
#include "guest/runtime.hpp"
#include "guest/sv39.hpp"
#include "guest/trap.hpp"
#include "guest/uart.hpp"

using namespace guest;
using namespace guest::sv39;

using Op = uint64_t (*)(uintptr_t addr, uint64_t value);

extern "C" {
uint64_t op_lb(uintptr_t, uint64_t);
uint64_t op_lbu(uintptr_t, uint64_t);
uint64_t op_lh(uintptr_t, uint64_t);
uint64_t op_lhu(uintptr_t, uint64_t);
uint64_t op_lw(uintptr_t, uint64_t);
uint64_t op_lwu(uintptr_t, uint64_t);
uint64_t op_ld(uintptr_t, uint64_t);
uint64_t op_sb(uintptr_t, uint64_t);
uint64_t op_sh(uintptr_t, uint64_t);
uint64_t op_sw(uintptr_t, uint64_t);
uint64_t op_sd(uintptr_t, uint64_t);
uint64_t op_c_lw(uintptr_t, uint64_t);
uint64_t op_c_ld(uintptr_t, uint64_t);
uint64_t op_c_sw(uintptr_t, uint64_t);
uint64_t op_c_sd(uintptr_t, uint64_t);
uint64_t op_c_lwsp(uintptr_t, uint64_t);
uint64_t op_c_ldsp(uintptr_t, uint64_t);
uint64_t op_c_swsp(uintptr_t, uint64_t);
uint64_t op_c_sdsp(uintptr_t, uint64_t);
uint64_t op_flw(uintptr_t, uint64_t);
uint64_t op_fld(uintptr_t, uint64_t);
uint64_t op_fsw(uintptr_t, uint64_t);
uint64_t op_fsd(uintptr_t, uint64_t);
uint64_t op_c_fld(uintptr_t, uint64_t);
uint64_t op_c_fsd(uintptr_t, uint64_t);
uint64_t op_c_fldsp(uintptr_t, uint64_t);
uint64_t op_c_fsdsp(uintptr_t, uint64_t);
uint64_t op_lr_w(uintptr_t, uint64_t);
uint64_t op_lr_d(uintptr_t, uint64_t);
uint64_t op_sc_w(uintptr_t, uint64_t);
uint64_t op_sc_d(uintptr_t, uint64_t);
uint64_t op_amoor_w(uintptr_t, uint64_t);
uint64_t op_amoadd_d(uintptr_t, uint64_t);
uint64_t op_amoswap_w(uintptr_t, uint64_t);
uint64_t op_c_lbu(uintptr_t, uint64_t);
uint64_t op_c_lhu(uintptr_t, uint64_t);
uint64_t op_c_lh(uintptr_t, uint64_t);
uint64_t op_c_sb(uintptr_t, uint64_t);
uint64_t op_c_sh(uintptr_t, uint64_t);
uint64_t zcb_probe(const uint8_t* byte);
uint64_t run_in_user_mode(Op fn, uintptr_t addr, uint64_t value);
extern uint64_t mmio_forms_steps;
}

namespace {

Checks checks("mmio_forms");

constexpr uint64_t kPreset = 0x5EA7'5EA7'5EA7'5EA7;      // a load's destination before it
constexpr uint8_t kDeviceByte = 0xA5;                    // SCR and DLL before each access
constexpr uint32_t kPlicFill = 0xFFFF'FFFF;              // the PLIC enable word before
constexpr uint64_t kStoreValue = 0xA5A5'A5A5'2468'ACE0;  // what stores store
constexpr uint32_t kHalyardPlicFill = 0xFFFF'FFFE;       // source 0 does not exist
constexpr uintptr_t kDeviceAlias = 0x4000'0000;          // VS-stage alias of PA 0..1 GiB

// ---- devices ---------------------------------------------------------------

enum class Target : uint8_t { kScr, kDll, kPlicEnable };

constexpr uint8_t kLcrDlab = 0x80;

uintptr_t plic_enable_word() {
    // Under Halyard context i is vCPU i's S-mode; natively QEMU virt's hart 0
    // S-mode context is 1.
    const uintptr_t context = under_halyard() ? 0 : 1;
    return 0x0c00'2000 + 0x80 * context;
}

uintptr_t physical_address(Target t) {
    switch (t) {
        case Target::kScr: return uart::kBase + uart::kScr;
        case Target::kDll: return uart::kBase + uart::kRbrThr;
        case Target::kPlicEnable: return plic_enable_word();
    }
    return 0;
}

const char* target_name(Target t) {
    switch (t) {
        case Target::kScr: return "UART SCR";
        case Target::kDll: return "UART DLL";
        case Target::kPlicEnable: return "PLIC enable";
    }
    return "?";
}

uint8_t g_lcr;

// Puts the known value in the target register; for the DLL, DLAB stays set
// until finish_target (nothing may print in between: THR is hidden).
void prepare_target(Target t) {
    switch (t) {
        case Target::kScr: mmio_write8(physical_address(t), kDeviceByte); break;
        case Target::kDll:
            g_lcr = mmio_read8(uart::kBase + uart::kLcr);
            mmio_write8(uart::kBase + uart::kLcr, g_lcr | kLcrDlab);
            mmio_write8(physical_address(t), kDeviceByte);
            break;
        case Target::kPlicEnable: mmio_write32(physical_address(t), kPlicFill); break;
    }
}

// The register's value now (the byte registers zero-extended); for the DLL
// this also clears DLAB again. The PLIC word is left 0: no source enabled.
uint64_t finish_target(Target t) {
    uint64_t now = 0;
    switch (t) {
        case Target::kScr: now = mmio_read8(physical_address(t)); break;
        case Target::kDll:
            now = mmio_read8(physical_address(t));
            mmio_write8(uart::kBase + uart::kLcr, g_lcr);
            break;
        case Target::kPlicEnable:
            now = mmio_read32(physical_address(t));
            mmio_write32(physical_address(t), 0);
            break;
    }
    return now;
}

// What prepare_target leaves in the register, as a load of it reads it.
uint64_t g_plic_fill_read;

uint64_t prepared_value(Target t) {
    return t == Target::kPlicEnable ? g_plic_fill_read : kDeviceByte;
}

// ---- forms ---------------------------------------------------------------------

enum class Expect : uint8_t {
    kLoad,        // emulated: the register gets the device value, extended
    kStore,       // emulated: the device gets the low `width` bytes
    kLoadFault,   // refused: load access fault, register untouched
    kStoreFault,  // refused: store/AMO access fault, device untouched
    kScFault,     // SC: store/AMO access fault, or it just fails (rd != 0)
};

struct Form {
    const char* name;
    Op op;
    Target target;
    uint8_t width;
    bool sign_extend;
    uint8_t length;  // of the instruction: 2 for the compressed forms
    Expect expect;
    bool zcb = false;  // needs the Zcb extension
};

constexpr Form kForms[] = {
    {"lb", op_lb, Target::kScr, 1, true, 4, Expect::kLoad},
    {"lbu", op_lbu, Target::kScr, 1, false, 4, Expect::kLoad},
    {"lh", op_lh, Target::kDll, 2, true, 4, Expect::kLoad},
    {"lhu", op_lhu, Target::kDll, 2, false, 4, Expect::kLoad},
    {"lw", op_lw, Target::kPlicEnable, 4, true, 4, Expect::kLoad},
    {"lwu", op_lwu, Target::kPlicEnable, 4, false, 4, Expect::kLoad},
    {"ld", op_ld, Target::kDll, 8, false, 4, Expect::kLoad},
    {"c.lw", op_c_lw, Target::kPlicEnable, 4, true, 2, Expect::kLoad},
    {"c.ld", op_c_ld, Target::kDll, 8, false, 2, Expect::kLoad},
    {"c.lwsp", op_c_lwsp, Target::kPlicEnable, 4, true, 2, Expect::kLoad},
    {"c.ldsp", op_c_ldsp, Target::kDll, 8, false, 2, Expect::kLoad},
    {"sb", op_sb, Target::kScr, 1, false, 4, Expect::kStore},
    {"sh", op_sh, Target::kDll, 2, false, 4, Expect::kStore},
    {"sw", op_sw, Target::kPlicEnable, 4, false, 4, Expect::kStore},
    {"sd", op_sd, Target::kDll, 8, false, 4, Expect::kStore},
    {"c.sw", op_c_sw, Target::kPlicEnable, 4, false, 2, Expect::kStore},
    {"c.sd", op_c_sd, Target::kDll, 8, false, 2, Expect::kStore},
    {"c.swsp", op_c_swsp, Target::kPlicEnable, 4, false, 2, Expect::kStore},
    {"c.sdsp", op_c_sdsp, Target::kDll, 8, false, 2, Expect::kStore},
    // Zcb (only on a hart that has it): QEMU 10 leaves htinst 0 for these,
    // so they take the guest-memory path there too.
    {"c.lbu", op_c_lbu, Target::kScr, 1, false, 2, Expect::kLoad, true},
    {"c.lhu", op_c_lhu, Target::kDll, 2, false, 2, Expect::kLoad, true},
    {"c.lh", op_c_lh, Target::kDll, 2, true, 2, Expect::kLoad, true},
    {"c.sb", op_c_sb, Target::kScr, 1, false, 2, Expect::kStore, true},
    {"c.sh", op_c_sh, Target::kDll, 2, false, 2, Expect::kStore, true},
    {"flw", op_flw, Target::kPlicEnable, 4, false, 4, Expect::kLoadFault},
    {"fld", op_fld, Target::kDll, 8, false, 4, Expect::kLoadFault},
    {"fsw", op_fsw, Target::kPlicEnable, 4, false, 4, Expect::kStoreFault},
    {"fsd", op_fsd, Target::kDll, 8, false, 4, Expect::kStoreFault},
    {"c.fld", op_c_fld, Target::kDll, 8, false, 2, Expect::kLoadFault},
    {"c.fsd", op_c_fsd, Target::kDll, 8, false, 2, Expect::kStoreFault},
    {"c.fldsp", op_c_fldsp, Target::kDll, 8, false, 2, Expect::kLoadFault},
    {"c.fsdsp", op_c_fsdsp, Target::kDll, 8, false, 2, Expect::kStoreFault},
    {"lr.w", op_lr_w, Target::kPlicEnable, 4, false, 4, Expect::kLoadFault},
    {"lr.d.aq", op_lr_d, Target::kPlicEnable, 8, false, 4, Expect::kLoadFault},
    {"sc.w", op_sc_w, Target::kPlicEnable, 4, false, 4, Expect::kScFault},
    {"sc.d.rl", op_sc_d, Target::kPlicEnable, 8, false, 4, Expect::kScFault},
    {"amoor.w", op_amoor_w, Target::kPlicEnable, 4, false, 4, Expect::kStoreFault},
    {"amoadd.d.aqrl", op_amoadd_d, Target::kPlicEnable, 8, false, 4, Expect::kStoreFault},
    {"amoswap.w", op_amoswap_w, Target::kPlicEnable, 4, false, 4, Expect::kStoreFault},
};

enum class Mode : uint8_t { kVsBare, kVuBare, kVsPaged };

const char* mode_name(Mode m) {
    switch (m) {
        case Mode::kVsBare: return "VS";
        case Mode::kVuBare: return "VU";
        case Mode::kVsPaged: return "VS paged";
    }
    return "?";
}

uint64_t run(Mode mode, Op op, uintptr_t addr, uint64_t value) {
    mmio_forms_steps = 0;
    if (mode == Mode::kVuBare) return run_in_user_mode(op, addr, value);
    return op(addr, value);
}

// ---- check lines ----------------------------------------------------------------

// A check's text, built piecewise (no printf in a bare-metal guest).
class Line {
  public:
    // Not `= {}`: zeroing the buffer would be a memset call that link-time
    // optimisation can leave without its definition.
    Line() { text_[0] = '\0'; }
    Line& operator<<(const char* s) {
        while (*s != '\0' && length_ + 1 < sizeof(text_)) text_[length_++] = *s++;
        text_[length_] = '\0';
        return *this;
    }
    Line& hex(uint64_t value) {
        char digits[19] = "0x";
        int shift = 60;
        while (shift > 0 && ((value >> shift) & 0xF) == 0) shift -= 4;
        unsigned n = 2;
        for (; shift >= 0; shift -= 4) digits[n++] = "0123456789abcdef"[(value >> shift) & 0xF];
        digits[n] = '\0';
        return *this << digits;
    }
    const char* text() const { return text_; }

  private:
    char text_[200];
    unsigned length_ = 0;
};

uint64_t extend(uint64_t value, unsigned width, bool sign_extend) {
    if (width == 8) return value;
    const unsigned bits = width * 8;
    value &= (uint64_t{1} << bits) - 1;
    if (sign_extend && ((value >> (bits - 1)) & 1) != 0) value |= ~uint64_t{0} << bits;
    return value;
}

void describe_trap(Line& line, const TrapRecord& t) {
    if (t.taken) {
        line << "trapped: " << cause_name(t.scause) << ", stval ";
        line.hex(t.stval);
    } else {
        line << "no trap";
    }
}

// ---- one form ------------------------------------------------------------------

bool g_has_zcb;

bool probe_zcb() {
    static volatile uint8_t byte = 0x5A;
    expect_trap();
    const uint64_t read = zcb_probe(const_cast<const uint8_t*>(&byte));
    const TrapRecord t = take_trap();
    return !t.taken && read == 0x5A;
}

bool native_only_skip(const Form& f, Line& line) {
    if (under_halyard()) return false;
    if (f.expect != Expect::kLoad && f.expect != Expect::kStore) {
        checks.skip(line.text(), "QEMU's own devices perform it");
        return true;
    }
    if (f.expect == Expect::kStore && f.target == Target::kDll && f.width > 1) {
        checks.skip(line.text(), "QEMU's UART splits it into byte stores to the next registers");
        return true;
    }
    return false;
}

void run_form(Mode mode, const Form& f) {
    const uintptr_t phys = physical_address(f.target);
    const uintptr_t addr = mode == Mode::kVsPaged ? phys + kDeviceAlias : phys;
    Line line;
    line << mode_name(mode) << " " << f.name << " (" << target_name(f.target) << ")";
    if (f.zcb && !g_has_zcb) {
        checks.skip(line.text(), "the hart has no Zcb");
        return;
    }
    if (native_only_skip(f, line)) return;
    line << ": ";

    const uint64_t value = f.expect == Expect::kStore || f.expect == Expect::kStoreFault ||
                                   f.expect == Expect::kScFault
                               ? kStoreValue
                               : kPreset;
    prepare_target(f.target);
    expect_trap();
    const uint64_t result = run(mode, f.op, addr, value);
    const TrapRecord t = take_trap();
    const uint64_t steps = mmio_forms_steps;
    const uint64_t device = finish_target(f.target);

    bool ok = steps == 2;
    switch (f.expect) {
        case Expect::kLoad: {
            uint64_t expected = extend(prepared_value(f.target), f.width, f.sign_extend);
            uint64_t got = result;
            // Natively QEMU's UART answers a wide access with the bytes of the
            // following registers too; only the low byte is the DLL.
            if (!under_halyard() && f.target == Target::kDll) {
                expected &= 0xFF;
                got &= 0xFF;
            }
            ok = ok && !t.taken && got == expected;
            line << "read ";
            line.hex(result);
            break;
        }
        case Expect::kStore: {
            const uint64_t expected = f.target == Target::kPlicEnable ? (kStoreValue & 0xFFFF'FFFF)
                                                                      : (kStoreValue & 0xFF);
            ok = ok && !t.taken && device == expected;
            line << "device now ";
            line.hex(device);
            break;
        }
        case Expect::kLoadFault:
            ok = ok && t.taken && t.scause == kCauseLoadAccessFault && t.stval == addr &&
                 t.insn_length == f.length && result == kPreset &&
                 device == prepared_value(f.target);
            describe_trap(line, t);
            break;
        case Expect::kStoreFault:
            ok = ok && t.taken && t.scause == kCauseStoreAccessFault && t.stval == addr &&
                 t.insn_length == f.length && device == prepared_value(f.target) &&
                 result == kStoreValue;
            describe_trap(line, t);
            break;
        case Expect::kScFault: {
            const bool faulted = t.taken && t.scause == kCauseStoreAccessFault && t.stval == addr &&
                                 result == kStoreValue;
            // A failed SC writes a nonzero code to rd (the A extension; QEMU
            // fails one without a reservation before it accesses memory).
            const bool failed = !t.taken && result != 0 && result != kStoreValue;
            ok = ok && (faulted || failed) && device == prepared_value(f.target);
            describe_trap(line, t);
            if (failed) line << ", failed without an access";
            break;
        }
    }
    line << ", steps ";
    line.hex(steps);
    checks.check(ok, line.text());
}

// ---- VS-stage page tables (Sv39) ----------------------------------------------------

alignas(4096) uint64_t g_root[512];
alignas(4096) uint64_t g_level1[512];
alignas(4096) uint64_t g_level0[512];
alignas(4096) uint8_t g_ram_page[4096];

// Virtual addresses of the paged tests.
constexpr uintptr_t kWalkIntoUart = 0xC000'0000;       // root[3]: next level is the UART's page
constexpr uintptr_t kWalkIntoNothing = 0x1'0000'0000;  // root[4]: next level at nothing
constexpr uintptr_t kRamThenPlic = 0x1'4000'0000;      // root[5]: a RAM page, then the PLIC's

void build_page_tables() {
    g_root[0] = pte(0, kLeafRw);                    // devices where they are (printing)
    g_root[1] = pte(0, kLeafRw);                    // and again at kDeviceAlias
    g_root[2] = pte(0x8000'0000, kLeafRw | kPteX);  // RAM where it is
    g_root[3] = pte(uart::kBase, kPteV);            // a "page table" in the UART
    g_root[4] = pte(0x2000'0000, kPteV);            // and one where nothing is
    g_root[5] = pte(reinterpret_cast<uintptr_t>(g_level1), kPteV);
    g_level1[0] = pte(reinterpret_cast<uintptr_t>(g_level0), kPteV);
    g_level0[0] = pte(reinterpret_cast<uintptr_t>(g_ram_page), kLeafRw);
    g_level0[1] = pte(0x0c00'2000, kLeafRw);  // the PLIC's enable page
}

void paging(bool on) {
    sv39::use_root(on ? g_root : nullptr);
}

// ---- misaligned accesses --------------------------------------------------------------

struct Misaligned {
    const char* name;
    Op op;
    bool is_store;
    uint8_t length;
};

bool misaligned_trap_ok(const TrapRecord& t, bool is_store, uintptr_t addr, unsigned width) {
    if (!t.taken) return false;
    // The exception real hardware may raise: address-misaligned with the
    // original address, or an access fault naming a byte of the access.
    if (t.scause == (is_store ? kCauseStoreMisaligned : kCauseLoadMisaligned))
        return t.stval == addr;
    return t.scause == (is_store ? kCauseStoreAccessFault : kCauseLoadAccessFault) &&
           t.stval >= addr && t.stval < addr + width;
}

void run_misaligned(const char* where, const Misaligned& m, uintptr_t addr, unsigned width,
                    bool paged) {
    Line line;
    line << where << " " << m.name << " at ";
    line.hex(addr);
    line << ": ";
    mmio_write32(plic_enable_word(), 0);
    if (paged) paging(true);
    expect_trap();
    const uint64_t result = run(Mode::kVsBare, m.op, addr, m.is_store ? kStoreValue : kPreset);
    const TrapRecord t = take_trap();
    if (paged) paging(false);
    const uint64_t steps = mmio_forms_steps;
    const uint32_t enable = mmio_read32(plic_enable_word());
    describe_trap(line, t);
    if (!t.taken && !under_halyard()) {
        checks.skip(line.text(), "QEMU performs misaligned accesses itself");
        return;
    }
    const bool ok = misaligned_trap_ok(t, m.is_store, addr, width) && steps == 2 &&
                    t.insn_length == m.length && enable == 0 && (m.is_store || result == kPreset);
    checks.check(ok, line.text());
}

void misaligned_accesses() {
    const uintptr_t plic = plic_enable_word();
    // Within the device's page: the hart reports the whole access there.
    run_misaligned("VS", {"lw", op_lw, false, 4}, plic + 2, 4, false);
    run_misaligned("VS", {"c.lw", op_c_lw, false, 2}, plic + 2, 4, false);
    run_misaligned("VS", {"sw", op_sw, true, 4}, plic + 1, 4, false);
    run_misaligned("VS", {"c.sd", op_c_sd, true, 2}, plic + 4, 8, false);
    // Crossing from a RAM page into the PLIC's page: the first bytes are
    // RAM, the fault is taken on the part in the device page, and htinst's
    // address offset is nonzero (hypervisor.adoc, "Transformed Instruction
    // or Pseudoinstruction for mtinst or htinst"). Emulating it as an aligned
    // access at the start of the device page would be wrong.
    const uintptr_t seam = kRamThenPlic + 0x1000;  // enable word 0 of context 0
    run_misaligned("VS paged", {"ld", op_ld, false, 4}, seam - 4, 8, true);
    run_misaligned("VS paged", {"lw", op_lw, false, 4}, seam - 2, 4, true);
    run_misaligned("VS paged", {"lh", op_lh, false, 4}, seam - 1, 2, true);
    run_misaligned("VS paged", {"c.lw", op_c_lw, false, 2}, seam - 2, 4, true);
    run_misaligned("VS paged", {"sw", op_sw, true, 4}, seam - 2, 4, true);
    run_misaligned("VS paged", {"c.sd", op_c_sd, true, 2}, seam - 6, 8, true);
}

// ---- VS-stage walks that touch a device or nothing ------------------------------------

void run_walk(const char* where, uintptr_t va, const Form& f) {
    Line line;
    line << "walk into " << where << ": " << f.name << " at ";
    line.hex(va);
    if (!under_halyard()) {
        checks.skip(line.text(), "natively the walk reads QEMU's device");
        return;
    }
    line << ": ";
    const bool is_store = f.expect == Expect::kStore || f.expect == Expect::kStoreFault ||
                          f.expect == Expect::kScFault;
    paging(true);
    expect_trap();
    const uint64_t result = run(Mode::kVsBare, f.op, va, is_store ? kStoreValue : kPreset);
    const TrapRecord t = take_trap();
    paging(false);
    const uint64_t steps = mmio_forms_steps;
    describe_trap(line, t);
    const uint64_t cause = is_store ? kCauseStoreAccessFault : kCauseLoadAccessFault;
    bool ok = steps == 2;
    if (f.expect == Expect::kScFault && !t.taken) {
        ok = ok && result != 0 && result != kStoreValue;  // failed before any walk
        line << ", failed without an access";
    } else {
        ok = ok && t.taken && t.scause == cause && t.stval == va && t.insn_length == f.length &&
             result == (is_store ? kStoreValue : kPreset);
    }
    checks.check(ok, line.text());
}

void page_table_walks() {
    const Form kWalkForms[] = {
        {"lw", op_lw, Target::kPlicEnable, 4, true, 4, Expect::kLoad},
        {"c.ld", op_c_ld, Target::kPlicEnable, 8, false, 2, Expect::kLoad},
        {"sw", op_sw, Target::kPlicEnable, 4, false, 4, Expect::kStore},
        {"c.sw", op_c_sw, Target::kPlicEnable, 4, false, 2, Expect::kStore},
        {"amoor.w", op_amoor_w, Target::kPlicEnable, 4, false, 4, Expect::kStoreFault},
        {"lr.w", op_lr_w, Target::kPlicEnable, 4, false, 4, Expect::kLoadFault},
        {"sc.w", op_sc_w, Target::kPlicEnable, 4, false, 4, Expect::kScFault},
    };
    for (const Form& f : kWalkForms) run_walk("the UART", kWalkIntoUart, f);
    for (const Form& f : kWalkForms) run_walk("nothing", kWalkIntoNothing, f);
}

}  // namespace

void guest_main() {
    checks.info(under_halyard() ? "running under Halyard" : "running on the firmware alone");
    newline();
    // FP on (sstatus.FS = Initial), for the FP forms in VS- and VU-mode.
    asm volatile("csrs sstatus, %0" ::"r"(uint64_t{1} << 13));

    prepare_target(Target::kPlicEnable);
    g_plic_fill_read = finish_target(Target::kPlicEnable);
    if (under_halyard()) {
        checks.check_eq(g_plic_fill_read, kHalyardPlicFill,
                        "PLIC enable word 0 after writing ones: sources 1..31");
    }
    build_page_tables();
    g_has_zcb = probe_zcb();
    checks.info(g_has_zcb ? "the hart has Zcb" : "the hart has no Zcb (run with zcb=true for it)");
    newline();

    constexpr Mode kModes[] = {Mode::kVsBare, Mode::kVuBare, Mode::kVsPaged};
    for (Mode mode : kModes) {
        for (const Form& f : kForms) {
            if (mode == Mode::kVsPaged) paging(true);
            run_form(mode, f);
            if (mode == Mode::kVsPaged) paging(false);
        }
    }
    misaligned_accesses();
    page_table_walks();
    checks.finish();
}
