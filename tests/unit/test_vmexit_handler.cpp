// SPDX-License-Identifier: Apache-2.0
// vmexit_handler for everything that is not an SBI call: MMIO emulation of
// guest page faults (instruction from guest memory or from htinst), refused
// accesses, illegal/virtual instructions, interrupts and unknown traps.

#include <gtest/gtest.h>

#include "vm/console_mux.hpp"
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

TEST_F(VmExit, UnreadableInstructionStopsTheVm) {
    vcpu().regs.sepc = kPc;
    vcpu().regs.trap.scause = cause_code(Exception::kLoadGuestPageFault);
    fake::hart[Csr::stval] = kLsr;
    fake::hart[Csr::htval] = kLsr >> 2;
    fake::hart[Csr::htinst] = 0;
    EXPECT_EQ(vmexit_handler(vcpu()), ExitAction::kStopVm);
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
    ASSERT_EQ(vmexit_handler(vcpu()), ExitAction::kResume);
    expect_injected(Exception::kInstructionAccessFault, kPc);
}

TEST_F(VmExit, IllegalAndVirtualInstructionsBecomeIllegalInstructionExceptions) {
    for (Exception cause : {Exception::kIllegalInstruction, Exception::kVirtualInstruction}) {
        vcpu().regs.sepc = kPc;
        vcpu().regs.trap.scause = cause_code(cause);
        fake::hart[Csr::stval] = 0x60002573;  // csrr a0, hstatus
        ASSERT_EQ(vmexit_handler(vcpu()), ExitAction::kResume);
        expect_injected(Exception::kIllegalInstruction, 0x60002573);
    }
    EXPECT_EQ(exits(ExitReason::kIllegalInstruction), 1u);
    EXPECT_EQ(exits(ExitReason::kVirtualInstruction), 1u);
}

TEST_F(VmExit, UnexpectedTrapStopsTheVmWithALogLine) {
    vcpu().regs.trap.scause = cause_code(Exception::kLoadAccessFault);
    EXPECT_EQ(vmexit_handler(vcpu()), ExitAction::kStopVm);
    EXPECT_NE(fake::host_console.output.find("unexpected trap scause 0x5"), std::string::npos);
    EXPECT_EQ(exits(ExitReason::kOtherTrap), 1u);
}

TEST_F(VmExit, SoftwareAndExternalInterruptsAreAcknowledged) {
    fake::hart[Csr::sip] = irq::kSsip;
    vcpu().regs.trap.scause = cause_code(Interrupt::kSupervisorSoftware);
    EXPECT_EQ(vmexit_handler(vcpu()), ExitAction::kResume);
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
    EXPECT_EQ(vmexit_handler(vcpu()), ExitAction::kResume);
    EXPECT_EQ(exits(ExitReason::kInterruptExternal), 1u);
    EXPECT_NE(fake::hart[Csr::hvip] & irq::kVseip, 0u) << "VSEIP for vCPU 0";
    EXPECT_EQ(vm_.plic.read(0x200004, 4), guest::kUartIrq) << "claim";
    EXPECT_EQ(vm_.uart.read(0, 1), uint64_t{'k'});
    vm_.plic.write(0x200004, 4, guest::kUartIrq);  // complete; the UART is quiet now
    EXPECT_EQ(fake::hart[Csr::hvip] & irq::kVseip, 0u);
    console_mux_set_input_vm(nullptr);
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
