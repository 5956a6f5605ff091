// SPDX-License-Identifier: Apache-2.0
// vmexit_handler for everything that is not an SBI call: MMIO emulation of
// guest page faults (instruction from guest memory or from htinst), refused
// accesses, illegal/virtual instructions, interrupts and unknown traps.

#include <gtest/gtest.h>

#include <array>
#include <string>
#include <string_view>

#include "htinst_transform.hpp"
#include "vm/console_mux.hpp"
#include "vm/exit_stats.hpp"
#include "vm_fixture.hpp"

namespace halyard::testing {
namespace {

constexpr uint64_t kUart = guest::kUartBase;
constexpr uint64_t kLsr = kUart + 5, kScr = kUart + 7;
// Encodings checked with riscv64-linux-gnu-as.
constexpr uint32_t kLbuA0Lsr = 0x0052C503;   // lbu a0, 5(t0)
constexpr uint32_t kLbA0Scr = 0x00728503;    // lb a0, 7(t0)
constexpr uint32_t kSbA1Scr = 0x00B283A3;    // sb a1, 7(t0)
constexpr uint32_t kSbA1Thr = 0x00B28023;    // sb a1, 0(t0)
constexpr uint32_t kLbX0Scr = 0x00728003;    // lb zero, 7(t0)
constexpr uint32_t kLhA0Plus1 = 0x00129503;  // lh a0, 1(t0)
constexpr uint32_t kFlwFa0 = 0x0002A507;     // flw fa0, 0(t0)
constexpr uint32_t kAmoaddW = 0x00B2A52F;    // amoadd.w a0, a1, (t0)
constexpr uint16_t kCLwA0Plus4 = 0x41C8;     // c.lw a0, 4(a1)
constexpr uint32_t kSwA0 = 0x00A2A023;       // sw a0, 0(t0)

using VmExit = VmFixture;

TEST_F(VmExit, LoadFromTheUartIsEmulatedFromGuestMemory) {
    ASSERT_EQ(guest_page_fault(false, kLsr, kLbuA0Lsr), ExitAction::kResume);
    EXPECT_EQ(reg(kA0), 0x60u) << "LSR: transmitter empty, no data";
    EXPECT_EQ(vcpu().regs.sepc, kPc + 4);
    EXPECT_EQ(exits(ExitReason::kMmioUart), 1u);
    EXPECT_EQ(vcpu().regs.trap.htval, kLsr >> 2) << "trap CSRs recorded in VmCpuRegisters";
}

TEST_F(VmExit, StoreToTheUartReachesTheConsole) {
    reg(kA1) = 0x4142;  // only the low byte goes out
    ASSERT_EQ(guest_page_fault(true, kUart, kSbA1Thr), ExitAction::kResume);
    EXPECT_EQ(output_, "B");
    EXPECT_EQ(vcpu().regs.sepc, kPc + 4);
}

TEST_F(VmExit, LoadsAreSignOrZeroExtended) {
    reg(kA1) = 0xA5;
    guest_page_fault(true, kScr, kSbA1Scr);
    guest_page_fault(false, kScr, kLbA0Scr);
    EXPECT_EQ(reg(kA0), 0xFFFFFFFFFFFFFFA5ull);
    reg(kA0) = 0;
    guest_page_fault(false, kScr, 0x0072C503);  // lbu a0, 7(t0)
    EXPECT_EQ(reg(kA0), 0xA5u);
}

TEST_F(VmExit, LoadIntoX0IsDiscarded) {
    reg(kA1) = 0x77;
    guest_page_fault(true, kScr, kSbA1Scr);
    guest_page_fault(false, kScr, kLbX0Scr);
    EXPECT_EQ(reg(0), 0u);
    EXPECT_EQ(vcpu().regs.sepc, kPc + 4);
}

TEST_F(VmExit, CompressedLoadAdvancesPcByTwo) {
    // MCR (offset 4) after writing 0x0B to it.
    vm_.uart.write(4, 1, 0x0B);
    ASSERT_EQ(guest_page_fault(false, kUart + 4, kCLwA0Plus4), ExitAction::kResume);
    EXPECT_EQ(reg(kA0), 0x0Bu);
    EXPECT_EQ(vcpu().regs.sepc, kPc + 2);
}

TEST_F(VmExit, TransformedInstructionInHtinstIsUsedWhenPresent) {
    // Guest memory holds garbage; htinst holds "sb a1" (imm and rs1 zeroed).
    reg(kA1) = 'H';
    ASSERT_EQ(guest_page_fault(true, kUart, 0, 0x00B00023), ExitAction::kResume);
    EXPECT_EQ(output_, "H");
    EXPECT_EQ(vcpu().regs.sepc, kPc + 4);
    // A compressed original (bit 1 clear): c.sw a0 transformed to "sw a0".
    reg(kA0) = 'c';
    guest_page_fault(true, kUart, 0, 0x00A02021);
    EXPECT_EQ(output_, "Hc");
    EXPECT_EQ(vcpu().regs.sepc, kPc + 2);
}

// ---- one result whichever way the instruction is found ------------------------------
//
// Every scenario runs twice from the same state: once as on QEMU 7.2 (htinst
// 0, the instruction read from guest memory at sepc) and once as on QEMU 10
// (htinst holds the transformed instruction, built by htinst_transform.hpp
// from the H extension's rules, and guest memory holds nothing readable). The
// vCPU, its devices and its console must end up the same, and only the first
// run may read guest memory.

constexpr uint64_t kPlicEnable = guest::kPlicBase + 0x2000;  // context 0, sources 0..31
constexpr uint64_t kSplitGva = 0x1'4000'1000;                // a guest page right after a RAM page

struct Scenario {
    const char* what;
    uint32_t insn;
    bool store_fault;   // cause 23 rather than 21
    uint64_t gva, gpa;  // stval and htval << 2
    unsigned base;      // the address register and immediate of insn
    int64_t imm;
    unsigned addr_offset;  // of the faulting part of a split access
    // What must happen: an injected exception with `tval`, or (kNone) the
    // emulation, leaving `value` in `reg` (loads) and moving sepc by `length`.
    Exception injected;
    uint64_t tval;
    unsigned reg;
    uint64_t value;
    unsigned length;
};

constexpr Exception kNone = Exception::kInstructionMisaligned;  // never injected here

// A recognisable value in every register: "XXXXXXX" and a letter.
constexpr uint64_t register_pattern(unsigned n) {
    return 0x5858'5858'5858'5800ull | ('@' + n);
}

const Scenario kScenarios[] = {
    {"lbu a0,5(t0): LSR", 0x0052c503, false, kUart + 5, kUart + 5, kT0, 5, 0, kNone, 0, kA0, 0x60,
     4},
    {"lb a0,7(t0): SCR 0xa5 sign-extended", 0x00728503, false, kScr, kScr, kT0, 7, 0, kNone, 0, kA0,
     0xFFFF'FFFF'FFFF'FFA5, 4},
    {"sb a1,7(t0): SCR", 0x00b283a3, true, kScr, kScr, kT0, 7, 0, kNone, 0, 0, 0, 4},
    {"sw a1,0(a3): PLIC enable", 0x00b6a023, true, kPlicEnable, kPlicEnable, kA3, 0, 0, kNone, 0, 0,
     0, 4},
    {"lw a0,0(a3): PLIC enable sign-extended", 0x0006a503, false, kPlicEnable, kPlicEnable, kA3, 0,
     0, kNone, 0, kA0, 0xFFFF'FFFF'FFFF'FFFE, 4},
    {"lwu a0,0(a3): PLIC enable zero-extended", 0x0006e503, false, kPlicEnable, kPlicEnable, kA3, 0,
     0, kNone, 0, kA0, 0xFFFF'FFFE, 4},
    {"c.lw a0,0(a3): PLIC enable", 0x4288, false, kPlicEnable, kPlicEnable, kA3, 0, 0, kNone, 0,
     kA0, 0xFFFF'FFFF'FFFF'FFFE, 2},
    {"c.lw a0,4(a1): MCR", 0x41c8, false, kUart + 4, kUart + 4, kA1, 4, 0, kNone, 0, kA0, 0x0B, 2},
    {"c.swsp a1,12(sp): PLIC enable", 0xc62e, true, kPlicEnable, kPlicEnable, kSp, 12, 0, kNone, 0,
     0, 0, 2},
    {"c.sd a1,0(a0): THR", 0xe10c, true, kUart, kUart, kA0, 0, 0, kNone, 0, 0, 0, 2},
    {"ld zero,0(t0): RBR into x0", 0x0002b003, false, kUart, kUart, kT0, 0, 0, kNone, 0, 0, 0, 4},
    {"lb a0,7(t0) through a VS-stage alias", 0x00728503, false, 0x5000'0007, kScr, kT0, 7, 0, kNone,
     0, kA0, 0xFFFF'FFFF'FFFF'FFA5, 4},
    {"flw fa0,0(a3)", 0x0006a507, false, kPlicEnable, kPlicEnable, kA3, 0, 0,
     Exception::kLoadAccessFault, kPlicEnable, 0, 0, 0},
    {"fsd fa1,0(t0)", 0x00b2b027, true, kUart, kUart, kT0, 0, 0, Exception::kStoreAccessFault,
     kUart, 0, 0, 0},
    {"amoadd.w a0,a1,(a3) reported as a load (QEMU 7.2)", 0x00b6a52f, false, kPlicEnable,
     kPlicEnable, kA3, 0, 0, Exception::kStoreAccessFault, kPlicEnable, 0, 0, 0},
    {"amoadd.w a0,a1,(a3) reported as a store (QEMU 10)", 0x00b6a52f, true, kPlicEnable,
     kPlicEnable, kA3, 0, 0, Exception::kStoreAccessFault, kPlicEnable, 0, 0, 0},
    {"lr.w a0,(a3): a load", 0x1006a52f, false, kPlicEnable, kPlicEnable, kA3, 0, 0,
     Exception::kLoadAccessFault, kPlicEnable, 0, 0, 0},
    {"sc.w a0,a1,(a3)", 0x18b6a52f, true, kPlicEnable, kPlicEnable, kA3, 0, 0,
     Exception::kStoreAccessFault, kPlicEnable, 0, 0, 0},
    {"lh a0,1(t0): misaligned", 0x00129503, false, kUart + 1, kUart + 1, kT0, 1, 0,
     Exception::kLoadMisaligned, kUart + 1, 0, 0, 0},
    {"lw a0,4(t0) under a store fault", 0x0042a503, true, kUart + 4, kUart + 4, kT0, 4, 0,
     Exception::kStoreAccessFault, kUart + 4, 0, 0, 0},
    // Split misaligned accesses from a RAM page into the PLIC's page: the
    // fault is on the later part; the exception names the access's address.
    {"ld t6,-1024(t0) split 4 bytes into the PLIC page", 0xc002bf83, false, kSplitGva, kPlicEnable,
     kT0, -1024, 4, Exception::kLoadMisaligned, kSplitGva - 4, 0, 0, 0},
    {"sw a6,100(a3) split 2 bytes into the PLIC page", 0x0706a223, true, kSplitGva, kPlicEnable,
     kA3, 100, 2, Exception::kStoreMisaligned, kSplitGva - 2, 0, 0, 0},
    {"c.lw a2,4(a3) split 2 bytes into the PLIC page", 0x42d0, false, kSplitGva, kPlicEnable, kA3,
     4, 2, Exception::kLoadMisaligned, kSplitGva - 2, 0, 0, 0},
};

struct Outcome {
    ExitAction action;
    std::array<uint64_t, 32> gpr;
    uint64_t sepc, vscause, vstval, vsepc;
    std::string output;
    uint64_t scr, mcr, plic_enable;
    unsigned guest_memory_reads;
    bool operator==(const Outcome&) const = default;
};

class DecodePaths : public VmFixture {
  protected:
    Outcome run(const Scenario& s, bool via_htinst) {
        vm_.bus.reset_devices();
        vm_.uart.write(7, 1, 0xA5);              // SCR
        vm_.uart.write(4, 1, 0x0B);              // MCR
        vm_.plic.write(0x2000, 4, 0xFFFF'FFFF);  // enable word: sources 1..31 stick
        output_.clear();
        for (unsigned n = 1; n < 32; ++n) reg(n) = register_pattern(n);
        reg(s.base) = s.gva - s.addr_offset - static_cast<uint64_t>(s.imm);
        for (Csr c : {Csr::vscause, Csr::vstval, Csr::vsepc, Csr::vsstatus}) fake::hart[c] = 0;
        fake::hart[Csr::sstatus] = sstatus::kSpp;
        const uint64_t htinst =
            via_htinst ? testing::transformed_instruction(s.insn, s.addr_offset) : 0;
        if (via_htinst) {
            EXPECT_NE(htinst, 0u) << s.what;
        }
        Outcome o{};
        o.action = guest_page_fault_at(s.store_fault, s.gva, s.gpa, s.insn, htinst, !via_htinst);
        for (unsigned n = 0; n < 32; ++n) o.gpr[n] = reg(n);
        o.sepc = vcpu().regs.sepc;
        o.vscause = fake::hart[Csr::vscause];
        o.vstval = fake::hart[Csr::vstval];
        o.vsepc = fake::hart[Csr::vsepc];
        o.output = output_;
        o.scr = vm_.uart.read(7, 1);
        o.mcr = vm_.uart.read(4, 1);
        o.plic_enable = vm_.plic.read(0x2000, 4);
        o.guest_memory_reads = fake::hart.guest_instruction_reads;
        return o;
    }
};

TEST_F(DecodePaths, GuestMemoryAndHtinstGiveTheSameResult) {
    for (const Scenario& s : kScenarios) {
        SCOPED_TRACE(s.what);
        const Outcome from_memory = run(s, false);
        const Outcome from_htinst = run(s, true);
        EXPECT_GE(from_memory.guest_memory_reads, 1u);  // twice when the fast path declined
        EXPECT_EQ(from_htinst.guest_memory_reads, 0u) << "htinst was enough";
        Outcome same_reads = from_htinst;
        same_reads.guest_memory_reads = from_memory.guest_memory_reads;
        EXPECT_TRUE(same_reads == from_memory) << "the two paths differ";

        // And what that result must be.
        EXPECT_EQ(from_memory.action, ExitAction::kResume);
        if (s.injected == kNone) {
            EXPECT_EQ(from_memory.sepc, kPc + s.length);
            EXPECT_EQ(from_memory.vscause, 0u) << "nothing injected";
            if (s.reg != 0) {
                EXPECT_EQ(from_memory.gpr[s.reg], s.value);
            }
            EXPECT_EQ(from_memory.gpr[0], 0u);
        } else {
            EXPECT_EQ(from_memory.vscause, cause_code(s.injected));
            EXPECT_EQ(from_memory.vstval, s.tval);
            EXPECT_EQ(from_memory.vsepc, kPc);
            EXPECT_EQ(from_memory.sepc, kVstvec);
            for (unsigned n = 1; n < 32; ++n) {
                if (n != s.base) {
                    EXPECT_EQ(from_memory.gpr[n], register_pattern(n)) << "x" << n;
                }
            }
            EXPECT_EQ(from_memory.scr, 0xA5u) << "SCR untouched";
            EXPECT_EQ(from_memory.plic_enable, 0xFFFF'FFFEu) << "PLIC untouched";
            EXPECT_EQ(from_memory.output, "");
        }
    }
}

const Scenario& scenario(std::string_view what) {
    for (const Scenario& s : kScenarios)
        if (what == s.what) return s;
    ADD_FAILURE() << "no scenario " << what;
    return kScenarios[0];
}

TEST_F(DecodePaths, StoresReachTheDeviceTheSameEitherWay) {
    // sb a1: SCR gets a1's low byte; sw/c.swsp a1: the PLIC word its low
    // 32 bits (source 0 does not exist); c.sd a1 to THR: one character.
    const uint64_t a1 = register_pattern(kA1);
    for (bool via_htinst : {false, true}) {
        EXPECT_EQ(run(scenario("sb a1,7(t0): SCR"), via_htinst).scr, a1 & 0xFF);
        EXPECT_EQ(run(scenario("sw a1,0(a3): PLIC enable"), via_htinst).plic_enable,
                  (a1 & 0xFFFF'FFFF) & ~1ull);
        EXPECT_EQ(run(scenario("c.swsp a1,12(sp): PLIC enable"), via_htinst).plic_enable,
                  (a1 & 0xFFFF'FFFF) & ~1ull);
        EXPECT_EQ(run(scenario("c.sd a1,0(a0): THR"), via_htinst).output, "K");
    }
}

// htinst is written by the hart; what guest memory holds at sepc (here a
// store, while the hart reported a load) must not matter, nor be read.
TEST_F(VmExit, HtinstIsUsedWithoutReadingGuestMemory) {
    const uint64_t htinst = testing::transformed_instruction(kLbuA0Lsr);
    ASSERT_EQ(guest_page_fault(false, kLsr, kSbA1Scr, htinst), ExitAction::kResume);
    EXPECT_EQ(reg(kA0), 0x60u);
    EXPECT_EQ(vcpu().regs.sepc, kPc + 4);
    EXPECT_EQ(fake::hart.guest_instruction_reads, 0u);
    EXPECT_EQ(vcpu().mmio_decodes[static_cast<unsigned>(MmioDecodeSource::kHtinst)].load(), 1u);
    EXPECT_EQ(vcpu().mmio_decodes[static_cast<unsigned>(MmioDecodeSource::kGuestMemory)].load(),
              0u);
}

TEST_F(VmExit, GuestMemoryIsReadWhenHtinstIsZero) {
    ASSERT_EQ(guest_page_fault(false, kLsr, kLbuA0Lsr, 0), ExitAction::kResume);
    EXPECT_EQ(reg(kA0), 0x60u);
    EXPECT_EQ(fake::hart.guest_instruction_reads, 1u);
    EXPECT_EQ(vcpu().mmio_decodes[static_cast<unsigned>(MmioDecodeSource::kGuestMemory)].load(),
              1u);
}

// hypervisor.adoc: "Software may safely treat an unrecognized value in a
// trap instruction register the same as zero." Such values send Halyard to
// guest memory instead of refusing the access.
TEST_F(VmExit, UnrecognisedHtinstCountsAsZero) {
    for (uint64_t htinst : {uint64_t{0x00150513},                 // a "transformed" addi
                            uint64_t{0x0000000b},                 // a custom value
                            uint64_t{1} << 32 | 0x0000'4503u}) {  // lbu a0, but 64 bits wide
        reg(kA0) = 0;
        ASSERT_EQ(guest_page_fault(false, kLsr, kLbuA0Lsr, htinst), ExitAction::kResume)
            << std::hex << htinst;
        EXPECT_EQ(reg(kA0), 0x60u) << std::hex << htinst;
        EXPECT_EQ(fake::hart.guest_instruction_reads, 1u) << std::hex << htinst;
    }
}

// The hart reported where the access went (htval) and whether it was a load
// or a store (scause); with htinst 0 the instruction at sepc, which another
// vCPU may have rewritten since the fault, only says how wide it is and which
// register it uses. Whatever it says, only this vCPU's registers and its own
// device at the reported address are touched.
TEST_F(VmExit, RewrittenInstructionAtSepcStaysWithinTheVcpu) {
    // A load was reported; sepc now holds a store: refused, nothing written.
    reg(kA1) = 'Z';
    ASSERT_EQ(guest_page_fault(false, kUart, kSbA1Thr), ExitAction::kResume);
    expect_injected(Exception::kLoadAccessFault, kUart);
    EXPECT_EQ(output_, "");
    // A byte load was reported at LSR; sepc now holds a 4-byte load: done at
    // LSR (the hart's address), into the register the instruction names.
    reg(kA0) = 0;
    ASSERT_EQ(guest_page_fault(false, kUart + 4, 0x0042a503), ExitAction::kResume);  // lw a0,4(t0)
    EXPECT_EQ(reg(kA0), vm_.uart.read(4, 1));
    EXPECT_EQ(vcpu().regs.sepc, kPc + 4);
    // It now holds a compressed load: sepc moves by 2, as that instruction is.
    ASSERT_EQ(guest_page_fault(false, kUart + 4, kCLwA0Plus4), ExitAction::kResume);
    EXPECT_EQ(vcpu().regs.sepc, kPc + 2);
}

TEST_F(VmExit, PageTableWalkFaultsReadTheInstructionAtSepc) {
    // htinst holds the walk's own access (a pseudoinstruction), not the
    // instruction: only guest memory says it was a store.
    guest_page_fault(false, 0xFFFFFFC000001000ull, kSwA0, 0x3000);
    expect_injected(Exception::kStoreAccessFault, 0xFFFFFFC000001000ull);
    EXPECT_EQ(fake::hart.guest_instruction_reads, 1u);
    // An LR stays a load, reported as one or not.
    guest_page_fault(true, 0xFFFFFFC000001000ull, 0x1006a52f, 0x3000);  // lr.w a0,(a3)
    expect_injected(Exception::kLoadAccessFault, 0xFFFFFFC000001000ull);
}

TEST_F(VmExit, DecodesAreCountedBySourceAndLoggedWithTheExits) {
    guest_page_fault(false, kLsr, kLbuA0Lsr, testing::transformed_instruction(kLbuA0Lsr));
    guest_page_fault(false, kLsr, kLbuA0Lsr, testing::transformed_instruction(kLbuA0Lsr));
    guest_page_fault(false, kLsr, kLbuA0Lsr, 0);
    fake::host_console.output.clear();
    log_vm_exit_stats(vm_);
    const std::string& log = fake::host_console.output;
    EXPECT_NE(log.find("vm0: mmio decoded from htinst 2"), std::string::npos) << log;
    EXPECT_NE(log.find("vm0: mmio decoded from guest memory 1"), std::string::npos) << log;
    // The guest's STATS_RESET clears them with the exit counts.
    vm_reset_exit_counts(vm_);
    EXPECT_EQ(vm_mmio_decode_count(vm_, MmioDecodeSource::kHtinst), 0u);
    EXPECT_EQ(vm_mmio_decode_count(vm_, MmioDecodeSource::kGuestMemory), 0u);
}

TEST_F(VmExit, NoDecodeLinesForAVmWithoutDeviceAccesses) {
    fake::host_console.output.clear();
    log_vm_exit_stats(vm_);
    EXPECT_EQ(fake::host_console.output.find("mmio decoded"), std::string::npos);
}

TEST_F(VmExit, WildLoadGetsALoadAccessFault) {
    fake::hart[Csr::vsstatus] = sstatus::kSie;
    ASSERT_EQ(guest_page_fault(false, 0x40000000, 0x0002B503), ExitAction::kResume);  // ld a0,0(t0)
    expect_injected(Exception::kLoadAccessFault, 0x40000000);
    const uint64_t vsstatus = fake::hart[Csr::vsstatus];
    EXPECT_EQ(vsstatus & sstatus::kSie, 0u) << "trap entry disables interrupts";
    EXPECT_NE(vsstatus & sstatus::kSpie, 0u) << "and remembers they were on";
    EXPECT_NE(vsstatus & sstatus::kSpp, 0u) << "the guest was in VS-mode";
    EXPECT_NE(fake::hart[Csr::sstatus] & sstatus::kSpp, 0u) << "its handler runs in VS-mode";
    EXPECT_EQ(exits(ExitReason::kMmioUnmapped), 1u);
    EXPECT_NE(fake::host_console.output.find("injecting load access fault"), std::string::npos);
}

TEST_F(VmExit, WildAccessFromUserModeRecordsSppZero) {
    fake::hart[Csr::sstatus] = 0;  // the guest was in VU-mode
    guest_page_fault(true, 0x100000000ull, kSwA0);
    expect_injected(Exception::kStoreAccessFault, 0x100000000ull);
    EXPECT_EQ(fake::hart[Csr::vsstatus] & sstatus::kSpp, 0u);
    EXPECT_NE(fake::hart[Csr::sstatus] & sstatus::kSpp, 0u);
}

TEST_F(VmExit, VectoredVstvecStillSendsExceptionsToTheBase) {
    fake::hart[Csr::vstvec] = kVstvec | 1;
    guest_page_fault(false, 0x40000000, 0x0002B503);
    EXPECT_EQ(vcpu().regs.sepc, kVstvec);
}

TEST_F(VmExit, AmoReportedAsALoadFaultIsAStoreAccessFault) {
    guest_page_fault(false, 0x40000000, kAmoaddW);  // QEMU 7.2 reports cause 21
    expect_injected(Exception::kStoreAccessFault, 0x40000000);
    guest_page_fault(false, kUart + 4, kAmoaddW);  // and devices refuse atomics
    expect_injected(Exception::kStoreAccessFault, kUart + 4);
}

TEST_F(VmExit, FloatingPointAccessToADeviceIsRefused) {
    guest_page_fault(false, kUart, kFlwFa0);
    expect_injected(Exception::kLoadAccessFault, kUart);
}

TEST_F(VmExit, MisalignedDeviceAccessGetsAMisalignedException) {
    guest_page_fault(false, kUart + 1, kLhA0Plus1);
    expect_injected(Exception::kLoadMisaligned, kUart + 1);
}

TEST_F(VmExit, StoreFaultWithALoadInstructionIsRefused) {
    guest_page_fault(true, kUart, kLbuA0Lsr);
    expect_injected(Exception::kStoreAccessFault, kUart);
}

// The guest's page tables no longer let the instruction be fetched (changed
// without SFENCE.VMA after the hart cached the old translation): the guest
// gets the fault a fetch through the new one meets, at the instruction; what
// the read (HLVX: reported as a load's fault or a fetch's) met says which. A
// fault no fetch could meet stops the VM.
TEST_F(VmExit, AnUnreadableInstructionGetsTheFaultItsFetchWouldMeet) {
    struct Case {
        uint64_t read_fault;
        Exception injected;
    };
    for (const Case& c :
         {Case{cause_code(Exception::kLoadPageFault), Exception::kInstructionPageFault},
          Case{cause_code(Exception::kInstructionPageFault), Exception::kInstructionPageFault},
          Case{cause_code(Exception::kLoadAccessFault), Exception::kInstructionAccessFault},
          Case{cause_code(Exception::kInstructionAccessFault), Exception::kInstructionAccessFault},
          Case{cause_code(Exception::kLoadGuestPageFault), Exception::kInstructionAccessFault},
          Case{cause_code(Exception::kInstructionGuestPageFault),
               Exception::kInstructionAccessFault}}) {
        fake::hart.guest_read_fault_cause = c.read_fault;
        EXPECT_EQ(guest_page_fault_at(false, kLsr, kLsr, kLbuA0Lsr, 0, false), ExitAction::kResume)
            << c.read_fault;
        expect_injected(c.injected, kPc);
        EXPECT_EQ(vcpu().regs.gpr[kA0], 0u);  // the access did not happen
    }
    EXPECT_NE(fake::host_console.output.find("cannot read the instruction"), std::string::npos);
}

// The second half of a 32-bit instruction on a page the guest can no longer
// fetch: the fault names that half's address, as a fetch's would.
TEST_F(VmExit, AnUnreadableSecondHalfGetsTheFaultAtItsAddress) {
    prepare_guest_page_fault(false, kLsr, kLsr, kLbuA0Lsr, 0);
    fake::hart.guest_instruction_memory.erase(kPc + 2);
    EXPECT_EQ(take_exit(vcpu()), ExitAction::kResume);
    expect_injected(Exception::kInstructionPageFault, kPc + 2);
}

TEST_F(VmExit, AnUnreadableInstructionWithAFaultNoFetchMeetsStopsTheVm) {
    fake::hart.guest_read_fault_cause = cause_code(Exception::kLoadMisaligned);
    EXPECT_EQ(guest_page_fault_at(false, kLsr, kLsr, kLbuA0Lsr, 0, false), ExitAction::kStopVm);
    EXPECT_NE(fake::host_console.output.find("cannot read the instruction"), std::string::npos);
}

TEST_F(VmExit, ImplicitPageTableAccessOutsideRamIsRefused) {
    guest_page_fault(false, 0x40000000, 0, 0x3000);  // pseudoinstruction: 64-bit PTE read
    expect_injected(Exception::kLoadAccessFault, 0x40000000);
    EXPECT_EQ(exits(ExitReason::kGuestPageFaultOther), 1u);
}

// The walk for a store reads a PTE outside RAM: QEMU 7.2 reports a *load*
// guest-page fault with a PTE-read pseudoinstruction in htinst; hardware
// raises the access fault of the original access, a store/AMO access fault,
// at the original virtual address (stval).
TEST_F(VmExit, ImplicitPageTableAccessOfAStoreGetsAStoreAccessFault) {
    constexpr uint64_t kGuestVa = 0xFFFFFFC000001000ull;
    for (uint32_t insn : {kSwA0, kSbA1Thr, kAmoaddW}) {
        guest_page_fault(false, kGuestVa, insn, 0x3000);
        expect_injected(Exception::kStoreAccessFault, kGuestVa);
        EXPECT_EQ(vcpu().regs.sepc, kVstvec) << std::hex << insn;
    }
    // A hart that reports the implicit access as a store keeps a load a load.
    guest_page_fault(true, kGuestVa, kLbuA0Lsr, 0x3020);
    expect_injected(Exception::kLoadAccessFault, kGuestVa);
    guest_page_fault(false, kGuestVa, kLbuA0Lsr, 0x3000);
    expect_injected(Exception::kLoadAccessFault, kGuestVa);
}

TEST_F(VmExit, FetchFromNowhereGetsAnInstructionAccessFault) {
    vcpu().regs.sepc = kPc;
    vcpu().regs.trap.scause = cause_code(Exception::kInstructionGuestPageFault);
    fake::hart[Csr::stval] = kPc;
    fake::hart[Csr::htval] = kPc >> 2;
    ASSERT_EQ(take_exit(vcpu()), ExitAction::kResume);
    expect_injected(Exception::kInstructionAccessFault, kPc);
}

TEST_F(VmExit, IllegalAndVirtualInstructionsBecomeIllegalInstructionExceptions) {
    for (Exception cause : {Exception::kIllegalInstruction, Exception::kVirtualInstruction}) {
        vcpu().regs.sepc = kPc;
        vcpu().regs.trap.scause = cause_code(cause);
        fake::hart[Csr::stval] = 0x60002573;  // csrr a0, hstatus
        ASSERT_EQ(take_exit(vcpu()), ExitAction::kResume);
        expect_injected(Exception::kIllegalInstruction, 0x60002573);
    }
    EXPECT_EQ(exits(ExitReason::kIllegalInstruction), 1u);
    EXPECT_EQ(exits(ExitReason::kVirtualInstruction), 1u);
}

TEST_F(VmExit, UnexpectedTrapStopsTheVmWithALogLine) {
    vcpu().regs.trap.scause = cause_code(Exception::kLoadAccessFault);
    EXPECT_EQ(take_exit(vcpu()), ExitAction::kStopVm);
    EXPECT_NE(fake::host_console.output.find("unexpected trap scause 0x5"), std::string::npos);
    EXPECT_EQ(exits(ExitReason::kOtherTrap), 1u);
}

TEST_F(VmExit, SoftwareAndExternalInterruptsAreAcknowledged) {
    fake::hart[Csr::sip] = irq::kSsip;
    vcpu().regs.trap.scause = cause_code(Interrupt::kSupervisorSoftware);
    EXPECT_EQ(take_exit(vcpu()), ExitAction::kResume);
    EXPECT_EQ(fake::hart[Csr::sip] & irq::kSsip, 0u);
}

TEST_F(VmExit, ConsoleInputInterruptReachesTheUartAndThePlic) {
    console_mux_set_input_vm(&vm_);
    vm_.plic.write(4 * guest::kUartIrq, 4, 1);         // priority 1
    vm_.plic.write(0x2000, 4, 1u << guest::kUartIrq);  // enabled for context 0 (vCPU 0)
    vm_.uart.write(1, 1, 0x01);                        // IER: received-data interrupt
    input_ = {'k'};                                    // typed on the VM's console
    fake::host_console.input_interrupt = true;
    fake::hart.current_registers = &vcpu().regs;
    vcpu().hsm_state = HsmState::kStarted;
    vcpu().regs.trap.scause = cause_code(Interrupt::kSupervisorExternal);
    EXPECT_EQ(take_exit(vcpu()), ExitAction::kResume);
    EXPECT_EQ(exits(ExitReason::kInterruptExternal), 1u);
    EXPECT_NE(fake::hart[Csr::hvip] & irq::kVseip, 0u) << "VSEIP for vCPU 0";
    EXPECT_EQ(vm_.plic.read(0x200004, 4), guest::kUartIrq) << "claim";
    EXPECT_EQ(vm_.uart.read(0, 1), uint64_t{'k'});
    vm_.plic.write(0x200004, 4, guest::kUartIrq);  // complete; the UART is quiet now
    EXPECT_EQ(fake::hart[Csr::hvip] & irq::kVseip, 0u);
    console_mux_set_input_vm(nullptr);
}

// Console input the host interrupt could not hand over in one go must not be
// stranded when vm0's UART is drained between poll_input and the pause. The
// host interrupt's handler (console_mux_input_ready) fills the guest UART,
// releases its lock, and only then pauses the host receive interrupt, which
// is when the unannounced flag turns true. A vCPU of vm0 on another hart that
// drains the FIFO in that window reads LSR with the flag still false and asks
// nothing; after the pause no interrupt announces the rest, so unless the
// handler fills the UART again an interrupt-driven guest never reads again.
TEST_F(VmExit, ConsoleInputLeftAtThePauseIsNotStranded) {
    vm_.console = VmConsole(host_console_backend_for(vm_));
    console_mux_set_input_vm(&vm_);
    fake::host_console_unannounced_input = false;    // the host receive interrupt is enabled
    vm_.uart.write(2, 1, 0x01);                      // FCR: FIFO on (16 bytes)
    vm_.uart.write(1, 1, 0x01);                      // IER: received-data interrupt
    const std::string typed = "0123456789abcdefXY";  // more than the FIFO holds
    fake::host_console.input.assign(typed.begin(), typed.end());
    struct OtherHart {
        Vm& vm;
        std::string received;
    } other{vm_, {}};
    // vm0's vCPU 1 on another hart runs the guest's 8250 interrupt handler
    // while this hart waits for the console lock (host output holds it).
    fake::host_console.before_pause = [](void* context) {
        auto& hart = *static_cast<OtherHart*>(context);
        while ((hart.vm.uart.read(5, 1) & 0x01) != 0)  // LSR.DR
            hart.received += static_cast<char>(hart.vm.uart.read(0, 1));
    };
    fake::host_console.before_pause_context = &other;

    console_mux_input_ready();  // the host interrupt, as handle_external_interrupt takes it

    fake::host_console.before_pause = nullptr;
    console_mux_set_input_vm(nullptr);
    const bool stranded = !fake::host_console.input.empty() && !vm_.uart.interrupt_pending();
    fake::host_console_unannounced_input = true;
    EXPECT_EQ(other.received, "0123456789abcdef");
    EXPECT_FALSE(stranded) << "\"XY\" waits with the host console: its interrupt is paused and "
                              "the guest UART raises nothing that would make the guest read";
}

TEST_F(VmExit, GuestCausedLogLinesAreRationed) {
    for (int i = 0; i < 100; ++i) guest_page_fault(false, 0x40000000, 0x0002B503);
    const std::string& log = fake::host_console.output;
    size_t lines = 0;
    for (size_t p = log.find("injecting"); p != std::string::npos; p = log.find("injecting", p + 1))
        ++lines;
    EXPECT_EQ(lines, 16u);
    EXPECT_NE(log.find("further guest-caused messages suppressed"), std::string::npos);
    EXPECT_EQ(exits(ExitReason::kMmioUnmapped), 100u) << "but every exit is counted";
}

}  // namespace
}  // namespace halyard::testing
