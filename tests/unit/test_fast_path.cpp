// SPDX-License-Identifier: Apache-2.0
// The exit fast path (try_fast_exit behind arch/riscv64/trap_vector.S): which
// exits it finishes, and that it leaves every other one to the full handler
// untouched. run_fast_path (exit_path.hpp) puts junk where the trap vector
// has not saved registers and aborts if the fast path writes there.

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

#include "arch/hart.hpp"
#include "halyard/sbi.hpp"
#include "htinst_transform.hpp"
#include "sbi/sbi_base.hpp"
#include "vm/vcpu_requests.hpp"
#include "vm/vm_devices.hpp"
#include "vm_fixture.hpp"

namespace halyard::testing {
namespace {

constexpr uint64_t kUart = guest::kUartBase;
constexpr uint32_t kLbuA0Lsr = 0x0052C503;                 // lbu a0, 5(t0)
constexpr uint32_t kLbuS0Rbr = 0x0002C403;                 // lbu s0, 0(t0)
constexpr uint32_t kSbA1Scr = 0x00B283A3;                  // sb a1, 7(t0)
constexpr uint32_t kSbS1Scr = 0x009283A3;                  // sb s1, 7(t0)
constexpr uint32_t kLwA0Claim = 0x0042A503;                // lw a0, 4(t0)
constexpr uint32_t kSwA0Claim = 0x00A2A223;                // sw a0, 4(t0)
constexpr uint64_t kClaim0 = guest::kPlicBase + 0x200004;  // context 0 (vCPU 0)
constexpr uint64_t kLsrReady = 0x60;                       // THRE | TEMT

class FastPath : public VmFixture {
  protected:
    FastExit fast_sbi_call(uint64_t eid, uint64_t fid, uint64_t a0 = 0, uint64_t a1 = 0) {
        prepare_sbi_call(eid, fid, a0, a1);
        return run_fast_path(vcpu());
    }
    // A device access by `insn` at kPc to `gpa`, read from guest memory
    // (htinst 0, as on QEMU 7.2) with t0 = `base`.
    FastExit fast_access(bool store, uint64_t gpa, uint32_t insn, uint64_t base) {
        reg(kT0) = base;
        prepare_guest_page_fault(store, gpa, gpa, insn, 0);
        return run_fast_path(vcpu());
    }
    uint64_t decoded_from(MmioDecodeSource source) {
        return vcpu().mmio_decodes[static_cast<unsigned>(source)].load();
    }
    void raise_uart_interrupt() {
        vm_.plic.write(4 * guest::kUartIrq, 4, 1);         // priority 1
        vm_.plic.write(0x2000, 4, 1u << guest::kUartIrq);  // enabled for context 0
        fake::hart.current_registers = &vcpu().regs;
        vcpu().hsm_state = HsmState::kStarted;
        vm_.uart.write(1, 1, 0x02);  // IER: THR empty, which it is
    }
};

// A trap into HS-mode taken inside the device call (an HLVX guest read that
// faults, the seed CSR read: the traps halyard_host_trap resumes from)
// overwrites the sepc CSR with a Halyard address, so the fast path must write
// sepc after the device, or the guest would resume at Halyard's fixup. No
// device reads guest memory today; a DMA-style one would.
struct GuestMemoryReadingDevice {
    uint64_t read(uint64_t, unsigned) {
        uint64_t insn = 0;
        (void)arch::read_guest_instruction(0x1000, insn);  // not mapped: HLVX faults
        return 0x5a;
    }
    void write(uint64_t, unsigned, uint64_t) {}
    void reset() {}
};

TEST_F(FastPath, ADeviceThatTakesAHostTrapStillResumesPastTheAccess) {
    constexpr uint64_t kBase = 0x20000000;
    constexpr uint32_t kLwA0Plus4 = 0x0042A503;  // lw a0, 4(t0)
    GuestMemoryReadingDevice device;
    ASSERT_TRUE(vm_.bus.attach(kBase, 0x1000, ExitReason::kMmioUart, device));
    ASSERT_EQ(fast_access(false, kBase + 4, kLwA0Plus4, kBase), FastExit::kDone);
    EXPECT_EQ(reg(kA0), 0x5au);
    EXPECT_EQ(vcpu().regs.sepc, kPc + 4);
}

TEST_F(FastPath, TheCallsARunningKernelMakesFinishThere) {
    ASSERT_EQ(fast_sbi_call(sbi::kEidBase, sbi::kBaseGetSpecVersion), FastExit::kDone);
    EXPECT_EQ(sbi_error(), sbi::kSuccess);
    EXPECT_EQ(sbi_value(), sbi::kSpecVersion);
    EXPECT_EQ(vcpu().regs.sepc, kPc + 4);
    EXPECT_EQ(exits(ExitReason::kSbiBase), 1u);

    ASSERT_EQ(fast_sbi_call(sbi::kEidTime, 0, ~0ull), FastExit::kDone);  // set_timer
    EXPECT_EQ(sbi_error(), sbi::kSuccess);
    ASSERT_EQ(fast_sbi_call(sbi::kEidIpi, 0, 1, 0), FastExit::kDone);  // send_ipi to itself
    EXPECT_NE(fake::hart[Csr::hvip] & irq::kVssip, 0u);
    ASSERT_EQ(fast_sbi_call(sbi::kEidRfence, 0, 1, 0), FastExit::kDone);  // remote fence.i
    EXPECT_EQ(fake::hart.fence_i_count, 1u);
    EXPECT_EQ(vcpu().regs.sepc, kPc + 4);
    // Errors are answers too.
    ASSERT_EQ(fast_sbi_call(sbi::kEidBase, 0x7fff), FastExit::kDone);
    EXPECT_EQ(sbi_error(), sbi::kErrNotSupported);
    ASSERT_EQ(fast_sbi_call(sbi::kEidIpi, 0, 1, 5), FastExit::kDone);  // no hart 5
    EXPECT_EQ(sbi_error(), sbi::kErrInvalidParam);
}

// BASE answers from a table on both paths; both must agree for every
// function ID, and none past the last must index it.
TEST_F(FastPath, BaseAnswersAsTheFullExitDoes) {
    SbiBase::set_machine_ids({0x489, 0x8000000000000007ull, 0x20181004});
    for (uint64_t fid :
         {0ull, 1ull, 2ull, 3ull, 4ull, 5ull, 6ull, 7ull, 8ull, 1ull << 32, 1ull << 63, ~0ull}) {
        ASSERT_EQ(fast_sbi_call(sbi::kEidBase, fid, sbi::kEidTime), FastExit::kDone);
        const int64_t fast_error = sbi_error();
        const uint64_t fast_value = sbi_value();
        prepare_sbi_call(sbi::kEidBase, fid, sbi::kEidTime);
        ASSERT_EQ(vmexit_handler(vcpu()), ExitAction::kResume);
        EXPECT_EQ(fast_error, sbi_error()) << fid;
        EXPECT_EQ(fast_value, sbi_value()) << fid;
        if (fid > sbi::kBaseGetMimpid) {
            EXPECT_EQ(fast_error, sbi::kErrNotSupported) << fid;
            EXPECT_EQ(fast_value, 0u) << fid;
        } else {
            EXPECT_EQ(fast_error, sbi::kSuccess) << fid;
        }
    }
    fast_sbi_call(sbi::kEidBase, sbi::kBaseGetMarchid);
    EXPECT_EQ(sbi_value(), 0x8000000000000007ull);
    fast_sbi_call(sbi::kEidBase, sbi::kBaseProbeExtension, sbi::kEidTime);
    EXPECT_EQ(sbi_value(), 1u);
}

TEST_F(FastPath, EveryOtherCallIsLeftToTheFullExit) {
    // Calls that may end the vCPU's run or that the fast path does not know:
    // run_fast_path aborts if the guest's registers changed.
    EXPECT_EQ(fast_sbi_call(sbi::kEidHsm, 2, 0), FastExit::kFullExit);  // hart_get_status
    EXPECT_EQ(fast_sbi_call(sbi::kEidSrst, 0, 0, 0), FastExit::kFullExit);
    EXPECT_EQ(fast_sbi_call(0x12345678, 0), FastExit::kFullExit);
    EXPECT_EQ(fast_sbi_call(sbi::kEidLegacyConsolePutchar, 0, 'x'),
              FastExit::kFullExit);  // legacy console_putchar
    EXPECT_EQ(output_, "") << "nothing happened yet";
    for (unsigned r = 0; r < kExitReasonCount; ++r)
        EXPECT_EQ(vcpu().exits[r].load(), 0u) << "nothing counted, reason " << r;
    // And the full exit then answers it.
    EXPECT_EQ(sbi_call(sbi::kEidLegacyConsolePutchar, 0, 'x'), ExitAction::kResume);
    EXPECT_EQ(output_, "x");
}

// a7 is compared in all 64 bits: a fast EID with junk in the upper half names
// no extension, on the fast path and on the full one.
TEST_F(FastPath, AFastEidWithUpperBitsSetIsLeftToTheFullExit) {
    for (uint64_t eid : {sbi::kEidBase, sbi::kEidTime, sbi::kEidIpi, sbi::kEidRfence}) {
        for (uint64_t high : {1ull << 32, 1ull << 63}) {
            EXPECT_EQ(fast_sbi_call(eid | high, 0), FastExit::kFullExit) << eid << " " << high;
            EXPECT_EQ(sbi_call(eid | high, 0), ExitAction::kResume);
            EXPECT_EQ(sbi_error(), sbi::kErrNotSupported);
            EXPECT_EQ(vcpu().regs.sepc, kPc + 4);
        }
    }
}

// Without Sstc every guest timer tick is this exit and a set_timer call.
TEST_F(FastPath, TheHostTimerInterruptFinishesThere) {
    ASSERT_FALSE(vm_.guest_has_sstc);
    fake::hart[Csr::time] = 1000;
    ASSERT_EQ(fast_sbi_call(sbi::kEidTime, 0, 1500), FastExit::kDone);  // set_timer
    EXPECT_EQ(fake::hart[Csr::hvip] & irq::kVstip, 0u);
    fake::hart[Csr::time] = 1600;
    vcpu().regs.sepc = kPc;
    vcpu().regs.trap.scause = cause_code(Interrupt::kSupervisorTimer);
    ASSERT_EQ(run_fast_path(vcpu()), FastExit::kDone);
    EXPECT_NE(fake::hart[Csr::hvip] & irq::kVstip, 0u) << "the guest's timer interrupt";
    EXPECT_EQ(vcpu().regs.sepc, kPc) << "an interrupt resumes where it struck";
    EXPECT_EQ(exits(ExitReason::kInterruptTimer), 1u);
}

TEST_F(FastPath, HostIpisFinishThereUnlessTheVmStops) {
    vcpu().requests = kRequestSoftwareInterrupt | kRequestFenceI;
    fake::hart[Csr::sip] = irq::kSsip;
    vcpu().regs.trap.scause = cause_code(Interrupt::kSupervisorSoftware);
    ASSERT_EQ(run_fast_path(vcpu()), FastExit::kDone);
    EXPECT_NE(fake::hart[Csr::hvip] & irq::kVssip, 0u);
    EXPECT_EQ(fake::hart.fence_i_count, 1u);
    EXPECT_EQ(fake::hart[Csr::sip] & irq::kSsip, 0u);
    EXPECT_EQ(exits(ExitReason::kInterruptSoftware), 1u);

    vm_.state = VmState::kRebooting;
    vcpu().requests = kRequestFenceI;
    fake::hart[Csr::sip] = irq::kSsip;
    ASSERT_EQ(run_fast_path(vcpu()), FastExit::kFullExit);
    EXPECT_EQ(vcpu().requests.load(), kRequestFenceI) << "left to the full exit";
    EXPECT_EQ(vmexit_handler(vcpu()), ExitAction::kVmStopping);
    EXPECT_EQ(exits(ExitReason::kInterruptSoftware), 2u);
}

TEST_F(FastPath, DeviceAccessesThroughSavedRegistersFinishThere) {
    ASSERT_EQ(fast_access(false, kUart + 5, kLbuA0Lsr, kUart), FastExit::kDone);
    EXPECT_EQ(reg(kA0), kLsrReady);
    EXPECT_EQ(vcpu().regs.sepc, kPc + 4);
    reg(kA1) = 0x5A;
    ASSERT_EQ(fast_access(true, kUart + 7, kSbA1Scr, kUart), FastExit::kDone);
    EXPECT_EQ(vm_.uart.read(7, 1), 0x5Au);
    EXPECT_EQ(exits(ExitReason::kMmioUart), 2u);
    EXPECT_EQ(decoded_from(MmioDecodeSource::kGuestMemory), 2u);
}

// An LSR read that changes nothing (here: the console announces its input)
// finishes before the rest of the fast path, without the UART's lock; one
// that clears LSR.OE goes on to the locked read. Both count, write the
// register (LB sign-extends as LBU does not; LSR's bit 7 is clear either
// way) and move sepc like any other device exit.
TEST_F(FastPath, LsrReadsFinishWithoutTheLockOrWithItWhenTheyChangeSomething) {
    constexpr uint32_t kLbA1Lsr = 0x00528583;  // lb a1, 5(t0)
    constexpr uint32_t kSbA1Thr = 0x00B28023;  // sb a1, 0(t0)
    std::atomic<bool> unannounced{false};
    use_announcing_console(&unannounced);
    ASSERT_EQ(fast_access(false, kUart + 5, kLbuA0Lsr, kUart), FastExit::kDone);
    EXPECT_EQ(reg(kA0), kLsrReady);
    ASSERT_EQ(fast_access(false, kUart + 5, kLbA1Lsr, kUart), FastExit::kDone);
    EXPECT_EQ(reg(kA1), kLsrReady);
    EXPECT_EQ(vcpu().regs.sepc, kPc + 4);

    vm_.uart.write(4, 1, 0x10);  // MCR: loopback
    reg(kA1) = 'x';
    ASSERT_EQ(fast_access(true, kUart, kSbA1Thr, kUart), FastExit::kDone);
    ASSERT_EQ(fast_access(true, kUart, kSbA1Thr, kUart), FastExit::kDone);  // overruns
    ASSERT_EQ(fast_access(false, kUart + 5, kLbuA0Lsr, kUart), FastExit::kDone);
    EXPECT_EQ(reg(kA0), kLsrReady | 0x03);  // OE | DR, and OE read clears it
    ASSERT_EQ(fast_access(false, kUart + 5, kLbuA0Lsr, kUart), FastExit::kDone);
    EXPECT_EQ(reg(kA0), kLsrReady | 0x01);
    EXPECT_EQ(exits(ExitReason::kMmioUart), 6u);
    EXPECT_EQ(decoded_from(MmioDecodeSource::kGuestMemory), 6u);
}

// The lock-free LSR read finishes before the device's own checks
// (fast_vm_device_access), so it must make them itself: only a load, only
// of LSR itself, and only an aligned one. A misaligned halfword or word at
// LSR is refused with a misaligned-load exception as on the full path; a
// byte load further up the window (the UART decodes 3 address bits, the
// window is wider) reads 0; a store to LSR (read-only) writes nothing and
// leaves its source register alone. Here every LSR read could go without
// the lock (the console announces its input, no overrun).
TEST_F(FastPath, OnlyAnAlignedLoadOfLsrItselfIsAnsweredWithoutTheLock) {
    constexpr uint32_t kLhA0Lsr = 0x00529503;      // lh a0, 5(t0)
    constexpr uint32_t kLwuA0Lsr = 0x0052E503;     // lwu a0, 5(t0)
    constexpr uint32_t kLbuA0Plus13 = 0x00D2C503;  // lbu a0, 13(t0)
    constexpr uint32_t kSbA1Lsr = 0x00B282A3;      // sb a1, 5(t0)
    std::atomic<bool> unannounced{false};
    use_announcing_console(&unannounced);
    for (const uint32_t insn : {kLhA0Lsr, kLwuA0Lsr}) {
        SCOPED_TRACE(insn);
        reg(kA0) = 0x1234;
        ASSERT_EQ(fast_access(false, kUart + 5, insn, kUart), FastExit::kFullExit);
        EXPECT_EQ(reg(kA0), 0x1234u);
        ASSERT_EQ(vmexit_handler(vcpu()), ExitAction::kResume);
        expect_injected(Exception::kLoadMisaligned, kUart + 5);
        EXPECT_EQ(reg(kA0), 0x1234u);
    }

    reg(kA0) = 0x1234;
    ASSERT_EQ(fast_access(false, kUart + 13, kLbuA0Plus13, kUart), FastExit::kDone);
    EXPECT_EQ(reg(kA0), 0u) << "nothing decodes above the eight registers";

    reg(kA1) = 0x5a;
    ASSERT_EQ(fast_access(true, kUart + 5, kSbA1Lsr, kUart), FastExit::kDone);
    EXPECT_EQ(reg(kA1), 0x5au) << "a store's register is its source, never written";
    EXPECT_EQ(vcpu().regs.sepc, kPc + 4);
    EXPECT_EQ(vm_.uart.read(5, 1), kLsrReady) << "LSR is read-only";
    EXPECT_EQ(exits(ExitReason::kMmioUart), 4u);
}

// A compressed load (Zcb's c.lbu, decoded on the slow path) may also be
// answered without the lock: the guest resumes past its two bytes, not four.
TEST_F(FastPath, ACompressedLsrReadWithoutTheLockResumesPastTwoBytes) {
    constexpr uint32_t kCLbuA0A1 = 0x81C8;  // c.lbu a0, 1(a1)
    std::atomic<bool> unannounced{false};
    use_announcing_console(&unannounced);
    reg(kA1) = kUart + 4;
    reg(kA0) = 0x1234;
    prepare_guest_page_fault(false, kUart + 5, kUart + 5, kCLbuA0A1, 0);
    ASSERT_EQ(run_fast_path(vcpu()), FastExit::kDone);
    EXPECT_EQ(reg(kA0), kLsrReady);
    EXPECT_EQ(vcpu().regs.sepc, kPc + 2);
    EXPECT_EQ(exits(ExitReason::kMmioUart), 1u);
}

// A 32-bit instruction whose second halfword cannot be read (another vCPU
// unmapped that page after the fault) is not an instruction: the read gives
// ~0, which the fast path's form checks reject, never its first half alone
// (here the low half of an LBU from RBR, which would pop a received byte).
// The full exit then cannot read it either and gives the guest the fault its
// fetch of that half would meet; the access does not happen.
TEST_F(FastPath, AnInstructionWhoseSecondHalfCannotBeReadIsNotEmulated) {
    vm_.uart.write(2, 1, 0x01);                 // FCR: FIFOs on
    vm_.uart.write(4, 1, 0x10);                 // MCR: loopback
    vm_.uart.write(0, 1, 'z');                  // THR: loops back into the receive FIFO
    constexpr uint32_t kLbuA0Rbr = 0x0002C503;  // lbu a0, 0(t0)
    reg(kT0) = kUart;
    reg(kA0) = 0x1234;
    prepare_guest_page_fault(false, kUart, kUart, kLbuA0Rbr, 0);
    fake::hart.guest_instruction_memory.erase(kPc + 2);
    ASSERT_EQ(run_fast_path(vcpu()), FastExit::kFullExit);
    EXPECT_EQ(reg(kA0), 0x1234u);
    EXPECT_EQ(vm_.uart.read(5, 1) & 1, 1u) << "the byte is still there";
    EXPECT_EQ(vmexit_handler(vcpu()), ExitAction::kResume);
    expect_injected(Exception::kInstructionPageFault, kPc + 2);
    EXPECT_EQ(reg(kA0), 0x1234u);
    EXPECT_EQ(vm_.uart.read(5, 1) & 1, 1u);
}

TEST_F(FastPath, TheInterruptControllersClaimAndCompleteFinishThere) {
    raise_uart_interrupt();
    ASSERT_NE(fake::hart[Csr::hvip] & irq::kVseip, 0u);
    ASSERT_EQ(fast_access(false, kClaim0, kLwA0Claim, kClaim0 - 4), FastExit::kDone);
    EXPECT_EQ(reg(kA0), guest::kUartIrq);
    EXPECT_EQ(fake::hart[Csr::hvip] & irq::kVseip, 0u) << "claimed: no longer pending";
    vm_.uart.write(1, 1, 0x00);  // IER: the line drops
    ASSERT_EQ(fast_access(true, kClaim0, kSwA0Claim, kClaim0 - 4), FastExit::kDone);
    EXPECT_EQ(exits(ExitReason::kMmioPlic), 2u);
}

// A UART write finishes on the fast path whatever it leaves to
// Uart16550::finish_write: nothing (SCR), a THR write (a byte for the
// console), a rising or a falling interrupt line (IER), or both at once (THR
// with THR-empty interrupts enabled, once the guest claimed the last one).
// Each moves sepc past the store exactly once and is counted once.
TEST_F(FastPath, UartWritesFinishThereWhateverTheyLeaveToFinishWrite) {
    constexpr uint32_t kSbA1Thr = 0x00B28023;          // sb a1, 0(t0)
    constexpr uint32_t kSbA1Ier = 0x00B280A3;          // sb a1, 1(t0)
    vm_.plic.write(4 * guest::kUartIrq, 4, 1);         // priority 1
    vm_.plic.write(0x2000, 4, 1u << guest::kUartIrq);  // enabled for context 0
    fake::hart.current_registers = &vcpu().regs;
    vcpu().hsm_state = HsmState::kStarted;
    auto store = [&](uint64_t offset, uint32_t insn, uint64_t value) {
        reg(kA1) = value;
        vcpu().regs.sepc = kPc;
        ASSERT_EQ(fast_access(true, kUart + offset, insn, kUart), FastExit::kDone);
        EXPECT_EQ(vcpu().regs.sepc, kPc + 4);
    };
    store(7, kSbA1Scr, 0x33);
    EXPECT_EQ(vm_.uart.read(7, 1), 0x33u);
    store(0, kSbA1Thr, 'h');
    EXPECT_EQ(output_, "h");
    EXPECT_EQ(fake::hart[Csr::hvip] & irq::kVseip, 0u) << "THR-empty interrupts are off";
    store(1, kSbA1Ier, 0x02);  // the line rises
    EXPECT_NE(fake::hart[Csr::hvip] & irq::kVseip, 0u);
    ASSERT_EQ(vm_.plic.read(0x200004, 4), guest::kUartIrq);       // claimed
    EXPECT_EQ(vm_.uart.read(2, 1) & 0x0f, 0x02u) << "THR empty";  // acknowledges it
    vm_.plic.write(0x200004, 4, guest::kUartIrq);                 // completed
    EXPECT_EQ(fake::hart[Csr::hvip] & irq::kVseip, 0u) << "the line is low";
    store(0, kSbA1Thr, 'i');  // a byte, and THR empty again: the line rises
    EXPECT_EQ(output_, "hi");
    EXPECT_NE(fake::hart[Csr::hvip] & irq::kVseip, 0u);
    store(1, kSbA1Ier, 0x00);  // the line drops
    EXPECT_FALSE(vm_.uart.interrupt_pending());
    // The PLIC's gateway keeps the request it forwarded; once that is
    // claimed and completed, the low line pends nothing more.
    ASSERT_EQ(vm_.plic.read(0x200004, 4), guest::kUartIrq);
    vm_.plic.write(0x200004, 4, guest::kUartIrq);
    EXPECT_EQ(fake::hart[Csr::hvip] & irq::kVseip, 0u);
    EXPECT_EQ(exits(ExitReason::kMmioUart), 5u);
    EXPECT_EQ(vcpu().full_exits.load(), 0u);
}

// Every store form reaches the UART as its low byte, exactly once, and the
// guest resumes past it: SD, SW and SH to THR (decoded from guest memory), SB
// from x0 (a NUL byte: AfterWrite's byte is 0, its output flag set), and a
// compressed C.SW (the slow decoder) from guest memory and from htinst.
TEST_F(FastPath, UartStoresOfEveryFormWriteTheirLowByteOnce) {
    constexpr uint32_t kSdA1Thr = 0x00B2B023;    // sd a1, 0(t0)
    constexpr uint32_t kSwA1Thr = 0x00B2A023;    // sw a1, 0(t0)
    constexpr uint32_t kShA1Thr = 0x00B29023;    // sh a1, 0(t0)
    constexpr uint32_t kSbZeroThr = 0x00028023;  // sb zero, 0(t0)
    constexpr uint32_t kCSwA1A0 = 0xC10C;        // c.sw a1, 0(a0)
    char next = 'a';
    for (const uint32_t insn : {kSdA1Thr, kSwA1Thr, kShA1Thr}) {
        SCOPED_TRACE(insn);
        reg(kA1) = 0x1122'3344'5566'7700ull | static_cast<uint8_t>(next++);
        ASSERT_EQ(fast_access(true, kUart, insn, kUart), FastExit::kDone);
        EXPECT_EQ(vcpu().regs.sepc, kPc + 4);
    }
    ASSERT_EQ(fast_access(true, kUart, kSbZeroThr, kUart), FastExit::kDone);
    EXPECT_EQ(vcpu().regs.sepc, kPc + 4);
    for (const uint64_t htinst : {uint64_t{0}, transformed_instruction(kCSwA1A0)}) {
        SCOPED_TRACE(htinst);
        reg(kA0) = kUart;
        reg(kA1) = static_cast<uint8_t>(next++);
        prepare_guest_page_fault(true, kUart, kUart, kCSwA1A0, htinst);
        ASSERT_EQ(run_fast_path(vcpu()), FastExit::kDone);
        EXPECT_EQ(vcpu().regs.sepc, kPc + 2);
    }
    EXPECT_EQ(output_, std::string("abc\0de", 6));
    EXPECT_EQ(exits(ExitReason::kMmioUart), 6u);
    EXPECT_EQ(vcpu().full_exits.load(), 0u);
}

// A misaligned store to a UART register is left to the full exit before
// anything is counted or written there, and the full exit refuses it with a
// misaligned-store exception: IER keeps its value, SCR too, and THR-empty
// is not raised; each is counted once.
TEST_F(FastPath, AMisalignedUartStoreWritesNothing) {
    constexpr uint32_t kShA1Ier = 0x00B290A3;      // sh a1, 1(t0)
    constexpr uint32_t kSwA1Scr = 0x00B2A3A3;      // sw a1, 7(t0)
    raise_uart_interrupt();                        // IER = 0x02: the line is up
    ASSERT_EQ(vm_.uart.read(2, 1) & 0x0f, 0x02u);  // acknowledged: the line drops
    ASSERT_FALSE(vm_.uart.interrupt_pending());
    reg(kA1) = 0x0f;
    ASSERT_EQ(fast_access(true, kUart + 1, kShA1Ier, kUart), FastExit::kFullExit);
    EXPECT_EQ(exits(ExitReason::kMmioUart), 0u);
    ASSERT_EQ(vmexit_handler(vcpu()), ExitAction::kResume);
    expect_injected(Exception::kStoreMisaligned, kUart + 1);
    EXPECT_EQ(vm_.uart.read(1, 1), 0x02u) << "IER unchanged";
    ASSERT_EQ(fast_access(true, kUart + 7, kSwA1Scr, kUart), FastExit::kFullExit);
    ASSERT_EQ(vmexit_handler(vcpu()), ExitAction::kResume);
    expect_injected(Exception::kStoreMisaligned, kUart + 7);
    EXPECT_EQ(vm_.uart.read(7, 1), 0u) << "SCR unchanged";
    EXPECT_FALSE(vm_.uart.interrupt_pending());
    EXPECT_EQ(output_, "");
    EXPECT_EQ(exits(ExitReason::kMmioUart), 2u);
}

// A THR store the fast path cannot take (its register, s1, is not saved
// then) is left to the full exit untouched: the byte reaches the console
// once, from the full exit, not also from the fast path.
TEST_F(FastPath, AThrStoreFromAnUnsavedRegisterIsWrittenOnceByTheFullExit) {
    constexpr uint32_t kSbS1Thr = 0x00928023;  // sb s1, 0(t0)
    reg(kS1) = 'S';
    ASSERT_EQ(fast_access(true, kUart, kSbS1Thr, kUart), FastExit::kFullExit);
    EXPECT_EQ(output_, "");
    ASSERT_EQ(vmexit_handler(vcpu()), ExitAction::kResume);
    EXPECT_EQ(output_, "S");
    EXPECT_EQ(vcpu().regs.sepc, kPc + 4);
    EXPECT_EQ(exits(ExitReason::kMmioUart), 1u);
}

// Loopback and DLAB on the fast path: a THR store in loopback gives the
// console nothing and raises the line through the receiver (IER.ERBFI);
// with LCR.DLAB set the store at offset 0 is DLL, no byte and no line.
TEST_F(FastPath, ThrStoresInLoopbackOrWithDlabGiveTheConsoleNothing) {
    constexpr uint32_t kSbA1Thr = 0x00B28023;          // sb a1, 0(t0)
    vm_.plic.write(4 * guest::kUartIrq, 4, 1);         // priority 1
    vm_.plic.write(0x2000, 4, 1u << guest::kUartIrq);  // enabled for context 0
    fake::hart.current_registers = &vcpu().regs;
    vcpu().hsm_state = HsmState::kStarted;
    vm_.uart.write(1, 1, 0x01);  // IER: received data
    vm_.uart.write(4, 1, 0x10);  // MCR: loopback
    reg(kA1) = 'L';
    ASSERT_EQ(fast_access(true, kUart, kSbA1Thr, kUart), FastExit::kDone);
    EXPECT_EQ(output_, "");
    EXPECT_NE(fake::hart[Csr::hvip] & irq::kVseip, 0u) << "the receiver's interrupt";
    EXPECT_EQ(vm_.uart.read(0, 1), uint64_t{'L'});
    EXPECT_FALSE(vm_.uart.interrupt_pending());
    vm_.uart.write(4, 1, 0x00);  // MCR: loopback off
    vm_.uart.write(3, 1, 0x80);  // LCR: DLAB
    reg(kA1) = 'M';
    ASSERT_EQ(fast_access(true, kUart, kSbA1Thr, kUart), FastExit::kDone);
    EXPECT_EQ(output_, "");
    EXPECT_EQ(vm_.uart.read(0, 1), uint64_t{'M'}) << "DLL";
    EXPECT_FALSE(vm_.uart.interrupt_pending());
    EXPECT_EQ(exits(ExitReason::kMmioUart), 2u);
}

// Two vCPUs of one VM, each on its own hart (fake::hart is per thread),
// store to the UART through the fast path at once: one toggles THR-empty
// interrupts (IER), the other writes bytes (THR). Every store finishes
// there, is counted once and resumes past itself; every byte reaches the
// console once and in order; and the PLIC's line ends at the UART's level
// (tested through its gateway: a completed claim re-pends a line still high).
TEST_F(FastPath, TwoVcpusStoringToTheUartLeaveThePlicAtItsLevel) {
    constexpr int kStores = 4000;
    constexpr uint32_t kSbA1Thr = 0x00B28023;  // sb a1, 0(t0)
    constexpr uint32_t kSbA1Ier = 0x00B280A3;  // sb a1, 1(t0)
    use_vcpus(vm_, 2);
    for (unsigned i = 0; i < 2; ++i) vm_.vcpus[i].hsm_state = HsmState::kStarted;
    auto run = [&](unsigned index, uint64_t offset, uint32_t insn, auto value_of) {
        Vcpu& self = vm_.vcpus[index];
        fake::hart.current_registers = &self.regs;
        fake::hart[Csr::sstatus] = sstatus::kSpp;
        fake::hart.put_instruction(kPc, insn);
        for (int i = 0; i < kStores; ++i) {
            self.regs.gpr[kT0] = kUart;
            self.regs.gpr[kA1] = value_of(i);
            self.regs.sepc = kPc;
            self.regs.trap.scause = cause_code(Exception::kStoreGuestPageFault);
            fake::hart[Csr::stval] = kUart + offset;
            fake::hart[Csr::htval] = (kUart + offset) >> 2;
            fake::hart[Csr::htinst] = (i % 2 == 0) ? 0 : transformed_instruction(insn);
            if (run_fast_path(self) != FastExit::kDone) std::abort();
            if (self.regs.sepc != kPc + 4) std::abort();
        }
    };
    std::string expected;
    for (int i = 0; i < kStores; ++i) expected.push_back(static_cast<char>('a' + i % 26));
    std::thread ier_vcpu(run, 0u, 1u, kSbA1Ier, [](int i) -> uint64_t { return i % 2 ? 0 : 2; });
    std::thread thr_vcpu(run, 1u, 0u, kSbA1Thr,
                         [](int i) -> uint64_t { return static_cast<uint64_t>('a' + i % 26); });
    ier_vcpu.join();
    thr_vcpu.join();
    EXPECT_EQ(output_, expected);
    for (unsigned i = 0; i < 2; ++i) {
        EXPECT_EQ(vm_.vcpus[i].exits[static_cast<unsigned>(ExitReason::kMmioUart)].load(),
                  static_cast<uint64_t>(kStores));
        EXPECT_EQ(vm_.vcpus[i].full_exits.load(), 0u);
    }
    // The last IER store (i odd) disabled THR empty: the line must be low.
    ASSERT_FALSE(vm_.uart.interrupt_pending());
    fake::hart.current_registers = &vcpu().regs;
    vm_.plic.write(4 * guest::kUartIrq, 4, 1);            // priority 1
    vm_.plic.write(0x2000, 4, 1u << guest::kUartIrq);     // enabled for context 0
    const uint64_t claimed = vm_.plic.read(0x200004, 4);  // a request latched on the way, or none
    if (claimed != 0) vm_.plic.write(0x200004, 4, claimed);
    EXPECT_EQ(vm_.plic.read(0x200004, 4), 0u) << "the PLIC holds a stale high line";
    // And up once more: the line follows.
    vm_.uart.write(1, 1, 0x02);
    EXPECT_EQ(vm_.plic.read(0x200004, 4), guest::kUartIrq);
}

// The same in a VM with AIA (irqchip=aia): the UART's line goes to the APLIC,
// which sends an MSI to vCPU 1's interrupt file for every rise it sees, and
// only there. Two vCPUs raise and lower the line through the fast path at
// once (run under TSan too); afterwards the line is low, the APLIC holds no
// stale request, and one more rise is exactly one more MSI.
class FastPathAia : public FastPath {
  protected:
    FastPathAia() { irqchip_ = GuestIrqchip::kAia; }
    static std::vector<fake::Msi> msis() {
        std::lock_guard<std::mutex> guard(fake::msis_lock);
        return fake::msis;
    }
};

TEST_F(FastPathAia, TwoVcpusMovingTheUartsLineSendMsisOnlyToTheTargetsFile) {
    constexpr int kStores = 4000;
    constexpr uint32_t kSbA1Ier = 0x00B280A3;  // sb a1, 1(t0)
    constexpr uint64_t kFile[2] = {0x2800'1000, 0x2800'3000};
    constexpr unsigned kEiid = 10;
    use_vcpus(vm_, 2);
    for (unsigned i = 0; i < 2; ++i) {
        vm_.vcpus[i].hsm_state = HsmState::kStarted;
        vm_.vcpus[i].interrupt_file = kFile[i];
    }
    // The guest's set-up: level high, to hart index 1 with identity 10.
    vm_.aplic.write(4 * guest::kUartIrq, 4, 6);
    vm_.aplic.write(0x3000 + 4 * guest::kUartIrq, 4, 1u << 18 | kEiid);
    vm_.aplic.write(0x1edc, 4, guest::kUartIrq);  // setienum
    vm_.aplic.write(0x0000, 4, 1u << 8);          // domaincfg.IE
    auto run = [&](unsigned index) {
        Vcpu& self = vm_.vcpus[index];
        fake::hart.current_registers = &self.regs;
        fake::hart[Csr::sstatus] = sstatus::kSpp;
        fake::hart.put_instruction(kPc, kSbA1Ier);
        for (int i = 0; i < kStores; ++i) {
            self.regs.gpr[kT0] = kUart;
            self.regs.gpr[kA1] = i % 2 ? 0 : 2;  // IER: THR empty, then nothing
            self.regs.sepc = kPc;
            self.regs.trap.scause = cause_code(Exception::kStoreGuestPageFault);
            fake::hart[Csr::stval] = kUart + 1;
            fake::hart[Csr::htval] = (kUart + 1) >> 2;
            fake::hart[Csr::htinst] = (i % 2 == 0) ? 0 : transformed_instruction(kSbA1Ier);
            if (run_fast_path(self) != FastExit::kDone) std::abort();
            if (self.regs.sepc != kPc + 4) std::abort();
        }
    };
    std::thread first(run, 0u);
    std::thread second(run, 1u);
    first.join();
    second.join();
    for (unsigned i = 0; i < 2; ++i) EXPECT_EQ(vm_.vcpus[i].full_exits.load(), 0u);
    const std::vector<fake::Msi> sent = msis();
    EXPECT_GE(sent.size(), 1u);
    EXPECT_LE(sent.size(), static_cast<size_t>(kStores)) << "at most one MSI per rise";
    for (const fake::Msi& msi : sent) {
        EXPECT_EQ(msi.interrupt_file, kFile[1]);
        EXPECT_EQ(msi.identity, kEiid);
    }
    EXPECT_FALSE(vm_.uart.interrupt_pending()) << "both vCPUs' last store cleared IER";
    vm_.uart.write(1, 1, 0x02);  // up once more
    EXPECT_EQ(msis().size(), sent.size() + 1);
    EXPECT_EQ(vm_.plic.read(0x200004, 4), 0u) << "the PLIC has no line from the UART";
}

// The PLIC's notifications are the fast path's tail calls (Plic::finish_read,
// finish_write): a claim that takes the last request lowers VSEIP, a claim
// that finds nothing changes nothing, and a completion while the line is
// still high pends the source again and raises VSEIP, each resuming past its
// access.
TEST_F(FastPath, PlicNotificationsFollowClaimsAndCompletions) {
    raise_uart_interrupt();
    ASSERT_NE(fake::hart[Csr::hvip] & irq::kVseip, 0u);
    vcpu().regs.sepc = kPc;
    ASSERT_EQ(fast_access(false, kClaim0, kLwA0Claim, kClaim0 - 4), FastExit::kDone);
    EXPECT_EQ(reg(kA0), guest::kUartIrq);
    EXPECT_EQ(fake::hart[Csr::hvip] & irq::kVseip, 0u);
    EXPECT_EQ(vcpu().regs.sepc, kPc + 4);
    vcpu().regs.sepc = kPc;
    ASSERT_EQ(fast_access(false, kClaim0, kLwA0Claim, kClaim0 - 4), FastExit::kDone);
    EXPECT_EQ(reg(kA0), 0u) << "in service: nothing to claim";
    EXPECT_EQ(vcpu().regs.sepc, kPc + 4);
    reg(kA0) = guest::kUartIrq;
    vcpu().regs.sepc = kPc;
    ASSERT_EQ(fast_access(true, kClaim0, kSwA0Claim, kClaim0 - 4), FastExit::kDone);
    EXPECT_NE(fake::hart[Csr::hvip] & irq::kVseip, 0u) << "the line is still high";
    EXPECT_EQ(vcpu().regs.sepc, kPc + 4);
    EXPECT_EQ(exits(ExitReason::kMmioPlic), 3u);
    EXPECT_EQ(vcpu().full_exits.load(), 0u);
}

TEST_F(FastPath, AnAccessNamingACalleeSavedRegisterIsLeftUntouched) {
    // A received byte: reading RBR pops it, so a fast path that read it and
    // then gave up would lose it.
    vm_.uart.write(2, 1, 0x01);  // FCR: FIFOs on
    vm_.uart.write(4, 1, 0x10);  // MCR: loopback
    vm_.uart.write(0, 1, 'k');   // THR: loops back into the receive FIFO
    ASSERT_EQ(vm_.uart.read(5, 1) & 1, 1u) << "data ready";
    ASSERT_EQ(fast_access(false, kUart, kLbuS0Rbr, kUart), FastExit::kFullExit);
    EXPECT_EQ(vm_.uart.read(5, 1) & 1, 1u) << "still there";
    EXPECT_EQ(exits(ExitReason::kMmioUart), 0u);
    EXPECT_EQ(vmexit_handler(vcpu()), ExitAction::kResume);
    EXPECT_EQ(reg(kS0), uint64_t{'k'});
    EXPECT_EQ(vcpu().regs.sepc, kPc + 4);

    reg(kS1) = 0x77;
    ASSERT_EQ(fast_access(true, kUart + 7, kSbS1Scr, kUart), FastExit::kFullExit);
    EXPECT_EQ(vm_.uart.read(7, 1), 0u) << "SCR not written yet";
    EXPECT_EQ(vmexit_handler(vcpu()), ExitAction::kResume);
    EXPECT_EQ(vm_.uart.read(7, 1), 0x77u);
}

// t2-t6 are reserved (VCPU_RESERVED_GPRS): Halyard's code never touches them,
// so the trap vector does not save them before the fast path either.
TEST_F(FastPath, AnAccessNamingAReservedRegisterIsLeftToTheFullExit) {
    constexpr uint32_t kLbuT3Rbr = 0x0002CE03;  // lbu t3, 0(t0)
    constexpr uint32_t kSbT2Scr = 0x007283A3;   // sb t2, 7(t0)
    vm_.uart.write(2, 1, 0x01);                 // FCR: FIFOs on
    vm_.uart.write(4, 1, 0x10);                 // MCR: loopback
    vm_.uart.write(0, 1, 'r');                  // THR: loops back into the receive FIFO
    ASSERT_EQ(fast_access(false, kUart, kLbuT3Rbr, kUart), FastExit::kFullExit);
    EXPECT_EQ(vm_.uart.read(5, 1) & 1, 1u) << "the byte is still there";
    EXPECT_EQ(vmexit_handler(vcpu()), ExitAction::kResume);
    EXPECT_EQ(reg(kT3), uint64_t{'r'});

    reg(kT2) = 0x5a;
    ASSERT_EQ(fast_access(true, kUart + 7, kSbT2Scr, kUart), FastExit::kFullExit);
    EXPECT_EQ(vm_.uart.read(7, 1), 0u) << "SCR not written yet";
    EXPECT_EQ(vmexit_handler(vcpu()), ExitAction::kResume);
    EXPECT_EQ(vm_.uart.read(7, 1), 0x5au);
    EXPECT_EQ(exits(ExitReason::kMmioUart), 2u);

    // The same from htinst (QEMU 10) and in compressed forms (c.lwsp can name
    // any register; QEMU 7.2 leaves htinst 0 and the instruction is read).
    constexpr uint32_t kLwT4Msr = 0x0062AE83;  // lw t4, 6(t0)
    constexpr uint32_t kCLwspT5 = 0x4F02;      // c.lwsp t5, 0(sp)
    reg(kT0) = kUart;
    prepare_guest_page_fault(false, kUart + 6, kUart + 6, kLwT4Msr,
                             transformed_instruction(kLwT4Msr));
    ASSERT_EQ(run_fast_path(vcpu()), FastExit::kFullExit);
    reg(kSp) = kUart + 4;
    prepare_guest_page_fault(false, kUart + 4, kUart + 4, kCLwspT5, 0);
    ASSERT_EQ(run_fast_path(vcpu()), FastExit::kFullExit);
    prepare_guest_page_fault(false, kUart + 4, kUart + 4, kCLwspT5,
                             transformed_instruction(kCLwspT5));
    ASSERT_EQ(run_fast_path(vcpu()), FastExit::kFullExit);
    EXPECT_EQ(exits(ExitReason::kMmioUart), 2u) << "none of them counted";
}

// htinst names a load or store in the other direction than the fault's
// (QEMU 7.2 reports an AMO's fault as a load's; a buggy or hostile hart could
// say anything): the fast path takes only an access in the fault's
// direction, so this one is left to the full exit, which refuses it, and
// nothing is written or counted on the way.
TEST_F(FastPath, AnHtinstInTheOtherDirectionIsLeftToTheFullExit) {
    constexpr uint32_t kSbA1Scr = 0x00B283A3;   // sb a1, 7(t0)
    constexpr uint32_t kLbuA1Scr = 0x0072C583;  // lbu a1, 7(t0)
    reg(kT0) = kUart;
    reg(kA1) = 0x77;
    // A load fault whose htinst is the store, and a store fault whose htinst
    // is the load.
    prepare_guest_page_fault(false, kUart + 7, kUart + 7, kSbA1Scr,
                             transformed_instruction(kSbA1Scr));
    ASSERT_EQ(run_fast_path(vcpu()), FastExit::kFullExit);
    prepare_guest_page_fault(true, kUart + 7, kUart + 7, kLbuA1Scr,
                             transformed_instruction(kLbuA1Scr));
    ASSERT_EQ(run_fast_path(vcpu()), FastExit::kFullExit);
    EXPECT_EQ(reg(kA1), 0x77u);
    EXPECT_EQ(vm_.uart.read(7, 1), 0u) << "SCR not written";
    EXPECT_EQ(exits(ExitReason::kMmioUart), 0u);
    EXPECT_EQ(vmexit_handler(vcpu()), ExitAction::kResume);
    expect_injected(Exception::kStoreAccessFault, kUart + 7);
    EXPECT_EQ(vm_.uart.read(7, 1), 0u);
}

// The fast path keeps the fault's CSRs before it reads guest memory: a read
// that faults (HLVX) takes a trap in HS-mode, which overwrites them.
TEST_F(FastPath, TheFullExitUsesTheFaultAsTheFastPathSawIt) {
    ASSERT_EQ(fast_access(false, kUart, kLbuS0Rbr, kUart), FastExit::kFullExit);
    for (Csr c : {Csr::stval, Csr::htval, Csr::htinst}) fake::hart[c] = 0x1234'5678;
    EXPECT_EQ(vmexit_handler(vcpu()), ExitAction::kResume);
    EXPECT_EQ(exits(ExitReason::kMmioUart), 1u);
    EXPECT_EQ(reg(kS0), 0u) << "RBR of an empty FIFO";
    EXPECT_EQ(vcpu().regs.sepc, kPc + 4);
}

TEST_F(FastPath, FaultsItCannotFinishAreLeftToTheFullExit) {
    // Nothing mapped, a misaligned access, an unreadable instruction.
    EXPECT_EQ(fast_access(false, 0x4000'0000, kLbuA0Lsr, 0x4000'0000 - 5), FastExit::kFullExit);
    EXPECT_EQ(fast_access(false, kClaim0 + 1, kLwA0Claim, kClaim0 - 3), FastExit::kFullExit);
    fake::hart.guest_instruction_memory.clear();
    vcpu().regs.sepc = kPc;
    EXPECT_EQ(run_fast_path(vcpu()), FastExit::kFullExit);
    for (unsigned r = 0; r < kExitReasonCount; ++r)
        EXPECT_EQ(vcpu().exits[r].load(), 0u) << "nothing counted, reason " << r;
}

// LOAD funct3 7 (LDU on RV128) and STORE funct3 4-7 (SQ on RV128, then
// unused) are not RV64 loads or stores: a hart raises illegal instruction for
// them, so one is at sepc only when the guest rewrote it after the fault. The
// full path refuses it with an access fault; the fast path must not take it
// as the access its low funct3 bits would name (an LD, or an SB/SH/SW/SD).
TEST_F(FastPath, ReservedLoadAndStoreEncodingsAreRefusedAsOnTheFullPath) {
    constexpr uint32_t kFunct3 = 7u << 12;
    constexpr uint32_t kLduA0Rbr = 0x0002B503 | kFunct3;  // ld a0, 0(t0) with funct3 7
    vm_.uart.write(2, 1, 0x01);                           // FCR: FIFOs on
    vm_.uart.write(4, 1, 0x10);                           // MCR: loopback
    vm_.uart.write(0, 1, 'q');                            // THR: loops back into the FIFO
    reg(kA0) = 0x1234;
    ASSERT_EQ(fast_access(false, kUart, kLduA0Rbr, kUart), FastExit::kFullExit);
    ASSERT_EQ(vmexit_handler(vcpu()), ExitAction::kResume);
    expect_injected(Exception::kLoadAccessFault, kUart);
    EXPECT_EQ(reg(kA0), 0x1234u);
    EXPECT_EQ(vm_.uart.read(5, 1) & 1, 1u) << "RBR not read: the byte is still there";
    vm_.uart.write(4, 1, 0x00);  // MCR: loopback off

    for (uint32_t funct3 = 4; funct3 < 8; ++funct3) {
        SCOPED_TRACE(funct3);
        // sb a1, offset(t0) with that funct3, at SCR (offset 7, where a byte
        // access is aligned) and THR (offset 0, where any access is).
        for (const uint32_t offset : {7u, 0u}) {
            const uint32_t insn = (kSbA1Scr & ~(kFunct3 | 31u << 7)) | funct3 << 12 | offset << 7;
            vm_.uart.write(7, 1, 0x11);
            reg(kA1) = 'w';
            ASSERT_EQ(fast_access(true, kUart + offset, insn, kUart), FastExit::kFullExit);
            ASSERT_EQ(vmexit_handler(vcpu()), ExitAction::kResume);
            expect_injected(Exception::kStoreAccessFault, kUart + offset);
            EXPECT_EQ(vm_.uart.read(7, 1), 0x11u) << "SCR untouched";
            EXPECT_EQ(output_, "") << "nothing transmitted";
        }
    }
}

// A device on the bus alone (unit tests attach their own) may return more
// than a load's width: the fast path, like the full one, keeps the load's
// bytes and sign- or zero-extends them, for every integer load width.
struct WideValueDevice {
    static constexpr uint64_t kValue = 0xF0E1'D2C3'B4A5'9687;
    uint64_t read(uint64_t, unsigned) { return kValue; }
    void write(uint64_t, unsigned, uint64_t) {}
    void reset() {}
};

TEST_F(FastPath, ABusDevicesReadIsExtendedFromTheLoadsWidth) {
    constexpr uint64_t kBase = 0x20000000;
    WideValueDevice device;
    ASSERT_TRUE(vm_.bus.attach(kBase, 0x1000, ExitReason::kMmioUart, device));
    struct Load {
        uint32_t funct3;
        uint64_t value;
    };
    constexpr Load kLoads[] = {
        {0, 0xFFFF'FFFF'FFFF'FF87},  // LB
        {1, 0xFFFF'FFFF'FFFF'9687},  // LH
        {2, 0xFFFF'FFFF'B4A5'9687},  // LW
        {3, 0xF0E1'D2C3'B4A5'9687},  // LD
        {4, 0x87},                   // LBU
        {5, 0x9687},                 // LHU
        {6, 0xB4A5'9687},            // LWU
    };
    for (const Load& load : kLoads) {
        SCOPED_TRACE(load.funct3);
        const uint32_t insn = 0x00828503 | load.funct3 << 12;  // lb a0, 8(t0) by funct3
        reg(kA0) = 0;
        ASSERT_EQ(fast_access(false, kBase + 8, insn, kBase), FastExit::kDone);
        EXPECT_EQ(reg(kA0), load.value);
        EXPECT_EQ(vcpu().regs.sepc, kPc + 4);
        // The full path alone, from the same state.
        reg(kA0) = 0;
        prepare_guest_page_fault(false, kBase + 8, kBase + 8, insn, 0);
        ASSERT_EQ(vmexit_handler(vcpu()), ExitAction::kResume);
        EXPECT_EQ(reg(kA0), load.value);
    }
}

// The fast path tells where it found the instruction by a flag above the
// instruction's 32 bits: a raw instruction whose top bit is set (a negative
// offset) is still counted as read from guest memory.
TEST_F(FastPath, ARawInstructionWithItsTopBitSetIsCountedAsFromGuestMemory) {
    constexpr uint32_t kLbuA0Minus3 = 0xFFD2C503;  // lbu a0, -3(t0)
    ASSERT_EQ(fast_access(false, kUart + 5, kLbuA0Minus3, kUart + 8), FastExit::kDone);
    EXPECT_EQ(reg(kA0), kLsrReady);
    EXPECT_EQ(vcpu().regs.sepc, kPc + 4);
    EXPECT_EQ(decoded_from(MmioDecodeSource::kGuestMemory), 1u);
    EXPECT_EQ(decoded_from(MmioDecodeSource::kHtinst), 0u);
}

// Compressed loads and stores name x8..x15 (rd'/rs2'/rs1'): s0 and s1 are
// among them and are not saved when the fast path runs. The base register is
// read only for an access at the start of a page (split-access offset).
TEST_F(FastPath, CompressedFormsNamingS0OrS1AsDataGoToTheFullExit) {
    constexpr uint32_t kCLwS0A0 = 0x4100;  // c.lw s0, 0(a0)
    constexpr uint32_t kCSwS1A0 = 0xC104;  // c.sw s1, 0(a0)
    constexpr uint32_t kCLwA0S1 = 0x40C8;  // c.lw a0, 4(s1)
    constexpr uint32_t kCLwA0S0 = 0x4008;  // c.lw a0, 0(s0)
    constexpr uint32_t kCLwspA0 = 0x4502;  // c.lwsp a0, 0(sp)
    constexpr uint64_t kPriority10 = guest::kPlicBase + 4 * guest::kUartIrq;
    auto access = [&](bool store, uint64_t gpa, uint32_t insn) {
        prepare_guest_page_fault(store, gpa, gpa, insn, 0);
        return run_fast_path(vcpu());
    };

    raise_uart_interrupt();
    reg(kA0) = kClaim0;
    ASSERT_EQ(access(false, kClaim0, kCLwS0A0), FastExit::kFullExit);
    EXPECT_EQ(vm_.plic.read(0x1000, 4) >> guest::kUartIrq & 1, 1u) << "not claimed yet";
    ASSERT_EQ(vmexit_handler(vcpu()), ExitAction::kResume);
    EXPECT_EQ(reg(kS0), uint64_t{guest::kUartIrq});
    EXPECT_EQ(vcpu().regs.sepc, kPc + 2);

    reg(kA0) = kPriority10;
    reg(kS1) = 5;
    ASSERT_EQ(access(true, kPriority10, kCSwS1A0), FastExit::kFullExit);
    EXPECT_EQ(vm_.plic.read(4 * guest::kUartIrq, 4), 1u) << "not written yet";
    ASSERT_EQ(vmexit_handler(vcpu()), ExitAction::kResume);
    EXPECT_EQ(vm_.plic.read(4 * guest::kUartIrq, 4), 5u);
    EXPECT_EQ(vcpu().regs.sepc, kPc + 2);

    // s1 only as the base, away from a page start: never read, so finished.
    reg(kS1) = kClaim0 - 4;
    ASSERT_EQ(access(false, kClaim0, kCLwA0S1), FastExit::kDone);
    EXPECT_EQ(reg(kA0), 0u) << "in service: nothing to claim";
    EXPECT_EQ(vcpu().regs.sepc, kPc + 2);

    // At a page start the offset needs the base: s0 is not there, sp is.
    reg(kS0) = guest::kPlicBase;
    reg(kA0) = 0x1234;
    ASSERT_EQ(access(false, guest::kPlicBase, kCLwA0S0), FastExit::kFullExit);
    EXPECT_EQ(reg(kA0), 0x1234u);
    ASSERT_EQ(vmexit_handler(vcpu()), ExitAction::kResume);
    EXPECT_EQ(reg(kA0), 0u) << "source 0 has no priority";
    reg(kSp) = guest::kPlicBase;
    reg(kA0) = 0x1234;
    ASSERT_EQ(access(false, guest::kPlicBase, kCLwspA0), FastExit::kDone);
    EXPECT_EQ(reg(kA0), 0u);
    EXPECT_EQ(vcpu().regs.sepc, kPc + 2);
}

// The destination may be x0 (the access happens, nothing is written), tp or
// sp (both reloaded from VmCpuRegisters when the guest resumes).
TEST_F(FastPath, LoadsIntoZeroTpAndSpFinishThere) {
    constexpr uint32_t kLbuZeroLsr = 0x0052C003;  // lbu zero, 5(t0)
    constexpr uint32_t kLbuTpLsr = 0x0052C203;    // lbu tp, 5(t0)
    constexpr uint32_t kLbuSpLsr = 0x0052C103;    // lbu sp, 5(t0)
    constexpr uint32_t kSbZeroScr = 0x000283A3;   // sb zero, 7(t0)
    ASSERT_EQ(fast_access(false, kUart + 5, kLbuZeroLsr, kUart), FastExit::kDone);
    EXPECT_EQ(vcpu().regs.gpr[0], 0u);
    ASSERT_EQ(fast_access(false, kUart + 5, kLbuTpLsr, kUart), FastExit::kDone);
    EXPECT_EQ(reg(kTp), kLsrReady);
    ASSERT_EQ(fast_access(false, kUart + 5, kLbuSpLsr, kUart), FastExit::kDone);
    EXPECT_EQ(reg(kSp), kLsrReady);
    vm_.uart.write(7, 1, 0x99);
    ASSERT_EQ(fast_access(true, kUart + 7, kSbZeroScr, kUart), FastExit::kDone);
    EXPECT_EQ(vm_.uart.read(7, 1), 0u);
}

// The fast path finds the VM's own devices by VmDevices' windows, the full
// path by the bus: at and around each window's edges they must agree.
TEST_F(FastPath, TheVmsOwnDevicesAreWhereTheBusHasThem) {
    constexpr uint64_t kNone = ~0ull;
    unsigned devices = 0;
    VmDevices::for_each([&]<typename Device>() {
        ++devices;
        for (const uint64_t address :
             {Device::kBase - 1, Device::kBase, Device::kBase + 1,
              Device::kBase + Device::kSize - 1, Device::kBase + Device::kSize}) {
            const MmioRegion* region = vm_.bus.find(address, 1);
            const auto [base, reason] = VmDevices::visit(
                address,
                [&]<typename Found>() {
                    return std::pair{Found::kBase, Found::kReason};
                },
                [&] {
                    return std::pair{kNone, ExitReason::kMmioUnmapped};
                });
            SCOPED_TRACE(address);
            ASSERT_EQ(base == kNone, region == nullptr);
            if (region == nullptr) continue;
            EXPECT_EQ(base, region->base);
            EXPECT_EQ(reason, region->reason);
            EXPECT_EQ(region->contains(address, 1), true);
        }
    });
    EXPECT_EQ(devices, 3u) << "the UART, the APLIC and the PLIC";
    // The bus must hold exactly the list: a second attach would put the
    // devices behind regions the fast path never looks at.
    EXPECT_FALSE(vm_.attach_devices());
    // And an access to the UART's last register finishes there.
    EXPECT_EQ(fast_access(false, kUart + 7, 0x0072C503, kUart), FastExit::kDone);  // lbu a0, 7(t0)
    EXPECT_EQ(exits(ExitReason::kMmioUart), 1u);
}

// Two vCPUs of one VM take device exits at once, each on its own hart (a
// thread; the fake hart state is per thread): vCPU 0 writes THR, raises the
// THR-empty interrupt through IER and polls LSR; vCPU 1 writes THR and claims
// and completes the interrupt at its PLIC context. Every exit must finish on
// the fast path with the answer a lone vCPU would get, and every byte must
// reach the console. Under the host-tsan preset this is also a race check of
// the fast path, the UART and the PLIC.
TEST_F(FastPath, TwoVcpusTakeDeviceExitsAtOnce) {
    constexpr unsigned kRounds = 2000;
    constexpr uint32_t kSbA1Thr = 0x00B28023;  // sb a1, 0(t0)
    constexpr uint32_t kSbA1Ier = 0x00B280A3;  // sb a1, 1(t0)
    constexpr uint64_t kContext1 = guest::kPlicBase + 0x201000;
    use_vcpus(vm_, 2);
    for (unsigned i = 0; i < 2; ++i) vm_.vcpus[i].hsm_state = HsmState::kStarted;
    vm_.plic.write(4 * guest::kUartIrq, 4, 1);                // priority 1
    vm_.plic.write(0x2000 + 0x80, 4, 1u << guest::kUartIrq);  // enabled for context 1
    vm_.uart.write(1, 1, 0);

    auto hart = [&](unsigned index) {
        Vcpu& v = vm_.vcpus[index];
        fake::hart[Csr::vstvec] = kVstvec;
        fake::hart[Csr::sstatus] = sstatus::kSpp;
        fake::hart.current_registers = &v.regs;
        auto access = [&](bool store, uint64_t gpa, uint32_t insn) {
            fake::hart.guest_instruction_memory.clear();
            fake::hart.put_instruction(kPc, insn);
            v.regs.sepc = kPc;
            v.regs.trap.scause = cause_code(store ? Exception::kStoreGuestPageFault
                                                  : Exception::kLoadGuestPageFault);
            fake::hart[Csr::stval] = gpa;
            fake::hart[Csr::htval] = gpa >> 2;
            fake::hart[Csr::htinst] = 0;
            EXPECT_EQ(run_fast_path(v), FastExit::kDone);
            EXPECT_EQ(v.regs.sepc, kPc + 4);
        };
        for (unsigned round = 0; round < kRounds; ++round) {
            v.regs.gpr[kT0] = kUart;
            v.regs.gpr[kA1] = index == 0 ? 'a' : 'b';
            access(true, kUart, kSbA1Thr);
            if (index == 0) {
                v.regs.gpr[kA1] = round % 2 == 0 ? 0x02 : 0x00;  // ETBEI on and off
                access(true, kUart + 1, kSbA1Ier);
                access(false, kUart + 5, kLbuA0Lsr);
                EXPECT_EQ(v.regs.gpr[kA0] & kLsrReady, kLsrReady);
            } else {
                v.regs.gpr[kT0] = kContext1;
                access(false, kContext1 + 4, kLwA0Claim);
                const uint64_t claimed = v.regs.gpr[kA0];
                EXPECT_TRUE(claimed == 0 || claimed == guest::kUartIrq) << claimed;
                access(true, kContext1 + 4, kSwA0Claim);  // completes what it claimed
            }
        }
    };
    std::vector<std::thread> harts;
    for (unsigned i = 0; i < 2; ++i) harts.emplace_back(hart, i);
    for (auto& h : harts) h.join();

    EXPECT_EQ(output_.size(), 2u * kRounds);
    EXPECT_EQ(std::count(output_.begin(), output_.end(), 'a'), kRounds);
    EXPECT_EQ(vm_.vcpus[0].exits[static_cast<unsigned>(ExitReason::kMmioUart)].load(),
              3u * kRounds);
    EXPECT_EQ(vm_.vcpus[1].exits[static_cast<unsigned>(ExitReason::kMmioPlic)].load(),
              2u * kRounds);
}

}  // namespace
}  // namespace halyard::testing
