// SPDX-License-Identifier: Apache-2.0
// SBI calls from a guest (VS ecall exits) through vmexit_handler and the SBI
// extensions, against the fake arch layer.

#include <gtest/gtest.h>

#include <thread>

#include "halyard/sbi.hpp"
#include "sbi/sbi_base.hpp"
#include "vm/exit_stats.hpp"
#include "vm_fixture.hpp"

namespace halyard::testing {
namespace {

using SbiDispatch = VmFixture;

TEST_F(SbiDispatch, BaseReportsVersionsAndAdvancesPc) {
    reg(kA2) = 0x1234;
    ASSERT_EQ(sbi_call(sbi::kEidBase, sbi::kBaseGetSpecVersion), ExitAction::kResume);
    EXPECT_EQ(sbi_error(), 0);
    EXPECT_EQ(sbi_value(), 2u << 24);  // v2.0: major in bits 30:24
    EXPECT_EQ(vcpu().regs.sepc, kPc + 4);
    EXPECT_EQ(exits(ExitReason::kSbiBase), 1u);

    sbi_call(sbi::kEidBase, sbi::kBaseGetImplId);
    EXPECT_EQ(sbi_value(), sbi::kHalyardImplId);
    sbi_call(sbi::kEidBase, sbi::kBaseGetImplVersion);
    EXPECT_EQ(sbi_value(), SbiBase::kImplVersion);
    EXPECT_EQ(exits(ExitReason::kSbiBase), 3u);
}

TEST_F(SbiDispatch, BasePreservesRegistersOtherThanA0A1) {
    for (unsigned r = 1; r < 32; ++r) reg(r) = 0x1000 + r;
    reg(kA7) = sbi::kEidBase;
    reg(kA6) = sbi::kBaseGetSpecVersion;
    const VmCpuRegisters before = vcpu().regs;
    vcpu().regs.sepc = kPc;
    vcpu().regs.trap.scause = cause_code(Exception::kEcallFromVs);
    take_exit(vcpu());
    for (unsigned r = 1; r < 32; ++r) {
        if (r == kA0 || r == kA1) continue;
        EXPECT_EQ(reg(r), before.gpr[r]) << "x" << r;
    }
}

TEST_F(SbiDispatch, BaseProbesEveryImplementedExtension) {
    for (uint64_t eid :
         {sbi::kEidBase, sbi::kEidTime, sbi::kEidSrst, sbi::kEidDbcn, sbi::kEidHalyard,
          sbi::kEidIpi, sbi::kEidRfence, sbi::kEidHsm, sbi::kEidLegacyConsolePutchar,
          sbi::kEidLegacyConsoleGetchar, sbi::kEidLegacySetTimer, sbi::kEidLegacyShutdown,
          sbi::kEidSusp, sbi::kEidFwft}) {
        sbi_call(sbi::kEidBase, sbi::kBaseProbeExtension, eid);
        EXPECT_EQ(sbi_error(), 0);
        EXPECT_EQ(sbi_value(), 1u) << std::hex << eid;
    }
    for (uint64_t eid :
         {sbi::kEidPmu, uint64_t{0x03}, uint64_t{0x0A000000}, uint64_t{0x7FFFFFFF}}) {
        sbi_call(sbi::kEidBase, sbi::kBaseProbeExtension, eid);
        EXPECT_EQ(sbi_error(), 0);
        EXPECT_EQ(sbi_value(), 0u) << std::hex << eid;
    }
}

TEST_F(SbiDispatch, ProbeAndDispatchAgreeOnTheWholeEidRegister) {
    // probe_extension takes a `long`: an EID with upper bits set is another
    // EID, absent, just as a call with that a7 reaches no extension.
    for (uint64_t high : {0xDEAD000000000000ull, 1ull << 32, 1ull << 63}) {
        const uint64_t eid = high | sbi::kEidTime;
        sbi_call(sbi::kEidBase, sbi::kBaseProbeExtension, eid);
        EXPECT_EQ(sbi_error(), 0);
        EXPECT_EQ(sbi_value(), 0u) << std::hex << eid;
        EXPECT_EQ(sbi_call(eid, 0, 1234), ExitAction::kResume);
        EXPECT_EQ(sbi_error(), sbi::kErrNotSupported) << std::hex << eid;
    }
    sbi_call(sbi::kEidBase, sbi::kBaseProbeExtension, sbi::kEidTime);
    EXPECT_EQ(sbi_value(), 1u);
}

TEST_F(SbiDispatch, BaseMachineIdsComeFromTheFirmware) {
    SbiBase::set_machine_ids({0x489, 0x8000000000000007ull, 0x20181004});
    sbi_call(sbi::kEidBase, sbi::kBaseGetMvendorid);
    EXPECT_EQ(sbi_value(), 0x489u);
    sbi_call(sbi::kEidBase, sbi::kBaseGetMarchid);
    EXPECT_EQ(sbi_value(), 0x8000000000000007ull);
    sbi_call(sbi::kEidBase, sbi::kBaseGetMimpid);
    EXPECT_EQ(sbi_value(), 0x20181004u);
}

TEST_F(SbiDispatch, UnknownFunctionsAndExtensionsAreNotSupported) {
    sbi_call(sbi::kEidBase, 7);
    EXPECT_EQ(sbi_error(), sbi::kErrNotSupported);
    sbi_call(sbi::kEidTime, 1);
    EXPECT_EQ(sbi_error(), sbi::kErrNotSupported);
    sbi_call(sbi::kEidDbcn, 3);
    EXPECT_EQ(sbi_error(), sbi::kErrNotSupported);
    sbi_call(sbi::kEidSrst, 1);
    EXPECT_EQ(sbi_error(), sbi::kErrNotSupported);
    sbi_call(sbi::kEidHalyard, 99);
    EXPECT_EQ(sbi_error(), sbi::kErrNotSupported);

    ASSERT_EQ(sbi_call(0x12345678, 0), ExitAction::kResume);
    EXPECT_EQ(sbi_error(), sbi::kErrNotSupported);
    EXPECT_EQ(vcpu().regs.sepc, kPc + 4);
    EXPECT_EQ(exits(ExitReason::kSbiUnsupported), 1u);
    EXPECT_NE(fake::host_console.output.find("unknown extension 0x12345678"), std::string::npos);
}

TEST_F(SbiDispatch, LegacyConsoleWritesAndReadsOneValueInA0) {
    sbi_call(sbi::kEidLegacyConsolePutchar, 0, 'Z', 0x5555);
    EXPECT_EQ(output_, "Z");
    EXPECT_EQ(reg(kA0), 0u);
    EXPECT_EQ(reg(kA1), 0x5555u) << "legacy calls return in a0 only";

    sbi_call(sbi::kEidLegacyConsoleGetchar, 0);
    EXPECT_EQ(sbi_error(), -1) << "no input waiting";
    input_.push_back('q');
    sbi_call(sbi::kEidLegacyConsoleGetchar, 0);
    EXPECT_EQ(reg(kA0), uint64_t{'q'});
    EXPECT_EQ(exits(ExitReason::kSbiLegacy), 3u);
}

TEST_F(SbiDispatch, LegacyShutdownStopsTheVm) {
    EXPECT_TRUE(sbi_call_parks(sbi::kEidLegacyShutdown, 0));
    EXPECT_EQ(vm_.state.load(), VmState::kStopped);
    EXPECT_EQ(power_offs_, 1u) << "the last VM stopped";
}

TEST_F(SbiDispatch, SbiConsoleReadsSeeBytesTheUartAlreadyReceived) {
    input_ = {'a', 'b'};
    // The guest's UART driver polled LSR: the receiver holds 'a' now.
    vm_.uart.read(5, 1);
    sbi_call(sbi::kEidLegacyConsoleGetchar, 0);
    EXPECT_EQ(reg(kA0), uint64_t{'a'});
    sbi_call(sbi::kEidLegacyConsoleGetchar, 0);
    EXPECT_EQ(reg(kA0), uint64_t{'b'});
}

TEST_F(SbiDispatch, DbcnWritePrintsAGuestBuffer) {
    const uint64_t buffer = guest::kRamBase + 0x1000;
    std::memcpy(vm_.ram.host_pointer(buffer), "hello", 5);
    sbi_call(sbi::kEidDbcn, sbi::kDbcnWrite, 5, buffer, 0);
    EXPECT_EQ(sbi_error(), 0);
    EXPECT_EQ(sbi_value(), 5u);
    EXPECT_EQ(output_, "hello");
    EXPECT_EQ(exits(ExitReason::kSbiDbcn), 1u);
}

TEST_F(SbiDispatch, DbcnRejectsBuffersOutsideRam) {
    const uint64_t ram_end = guest::kRamBase + kRamSize;
    struct Case {
        uint64_t length, lo, hi;
    } cases[] = {
        {4, guest::kUartBase, 0},     // a device, not RAM
        {4, guest::kRamBase - 2, 0},  // starts below RAM
        {8, ram_end - 4, 0},          // runs past the end
        {1, ram_end, 0},              // just past the end
        {~0ull, guest::kRamBase, 0},  // length wraps around
        {16, ~0ull - 7, 0},           // address wraps around
        {4, guest::kRamBase, 1},      // base_addr_hi set on RV64
    };
    for (const Case& c : cases) {
        sbi_call(sbi::kEidDbcn, sbi::kDbcnWrite, c.length, c.lo, c.hi);
        EXPECT_EQ(sbi_error(), sbi::kErrInvalidParam) << std::hex << c.lo << "+" << c.length;
        sbi_call(sbi::kEidDbcn, sbi::kDbcnRead, c.length, c.lo, c.hi);
        EXPECT_EQ(sbi_error(), sbi::kErrInvalidParam) << std::hex << c.lo << "+" << c.length;
    }
    EXPECT_TRUE(output_.empty());
    // The very last bytes of RAM are fine.
    sbi_call(sbi::kEidDbcn, sbi::kDbcnWrite, 4, ram_end - 4, 0);
    EXPECT_EQ(sbi_error(), 0);
    EXPECT_EQ(sbi_value(), 4u);
}

TEST_F(SbiDispatch, DbcnReadFillsTheBufferWithWhatIsWaiting) {
    const uint64_t buffer = guest::kRamBase + 0x2000;
    std::memset(vm_.ram.host_pointer(buffer), '.', 8);
    sbi_call(sbi::kEidDbcn, sbi::kDbcnRead, 8, buffer, 0);
    EXPECT_EQ(sbi_error(), 0);
    EXPECT_EQ(sbi_value(), 0u);
    input_ = {'x', 'y', 'z'};
    sbi_call(sbi::kEidDbcn, sbi::kDbcnRead, 8, buffer, 0);
    EXPECT_EQ(sbi_value(), 3u);
    EXPECT_EQ(std::string(reinterpret_cast<char*>(vm_.ram.host_pointer(buffer)), 4), "xyz.");
    input_ = {'1', '2', '3'};
    sbi_call(sbi::kEidDbcn, sbi::kDbcnRead, 2, buffer, 0);
    EXPECT_EQ(sbi_value(), 2u) << "never more than asked for";
    EXPECT_EQ(input_.size(), 1u);
}

TEST_F(SbiDispatch, DbcnWriteByte) {
    sbi_call(sbi::kEidDbcn, sbi::kDbcnWriteByte, 0x100 | 'k');
    EXPECT_EQ(sbi_error(), 0);
    EXPECT_EQ(output_, "k");
}

TEST_F(SbiDispatch, TimeWithSstcProgramsVstimecmp) {
    vm_.guest_has_sstc = true;
    sbi_call(sbi::kEidTime, 0, 123456);
    EXPECT_EQ(sbi_error(), 0);
    EXPECT_EQ(fake::hart[Csr::vstimecmp], 123456u);
    EXPECT_TRUE(fake::hart.firmware_calls.empty()) << "no host timer needed";
    EXPECT_EQ(exits(ExitReason::kSbiTime), 1u);
}

TEST_F(SbiDispatch, TimeWithoutSstcArmsTheHostTimerAndInjectsVstip) {
    vm_.guest_has_sstc = false;
    fake::hart[Csr::hvip] = irq::kVstip;
    sbi_call(sbi::kEidTime, 0, 5000);
    EXPECT_EQ(fake::hart[Csr::hvip] & irq::kVstip, 0u) << "a new deadline clears the pending tick";
    ASSERT_EQ(fake::hart.firmware_calls.size(), 1u);
    EXPECT_EQ(fake::hart.firmware_calls[0].eid, sbi::kEidTime);
    EXPECT_EQ(fake::hart.firmware_calls[0].arg0, 5000u);
    EXPECT_NE(fake::hart[Csr::sie] & irq::kStip, 0u);

    // The host timer fires early (spurious): nothing injected yet.
    fake::hart[Csr::time] = 4000;
    vcpu().regs.trap.scause = cause_code(Interrupt::kSupervisorTimer);
    EXPECT_EQ(take_exit(vcpu()), ExitAction::kResume);
    EXPECT_EQ(fake::hart[Csr::hvip] & irq::kVstip, 0u);
    // At the deadline: VSTIP for the guest and the host timer disarmed.
    fake::hart[Csr::time] = 5000;
    take_exit(vcpu());
    EXPECT_NE(fake::hart[Csr::hvip] & irq::kVstip, 0u);
    EXPECT_EQ(fake::hart.firmware_calls.back().arg0, ~0ull);
    EXPECT_EQ(exits(ExitReason::kInterruptTimer), 2u);
}

TEST_F(SbiDispatch, TimeWithoutSstcAPastDeadlineIsPendingAtOnceUntilAFutureOne) {
    vm_.guest_has_sstc = false;
    fake::hart[Csr::time] = 10000;
    for (uint64_t deadline : {uint64_t{0}, uint64_t{9999}, uint64_t{10000}}) {
        fake::hart[Csr::hvip] = 0;
        fake::hart.firmware_calls.clear();
        sbi_call(sbi::kEidTime, 0, deadline);
        EXPECT_EQ(sbi_error(), 0);
        EXPECT_NE(fake::hart[Csr::hvip] & irq::kVstip, 0u)
            << "deadline " << deadline << ": STIP visible to the guest's next instruction";
        EXPECT_TRUE(fake::hart.firmware_calls.empty()) << "no host timer armed for the past";
    }
    // A host timer exit in between (say, from an older deadline) keeps it.
    vcpu().regs.trap.scause = cause_code(Interrupt::kSupervisorTimer);
    take_exit(vcpu());
    EXPECT_NE(fake::hart[Csr::hvip] & irq::kVstip, 0u);
    // The legacy call behaves the same.
    fake::hart[Csr::hvip] = 0;
    vcpu().regs.gpr[kA0] = 5;
    vcpu().regs.gpr[kA7] = sbi::kEidLegacySetTimer;
    vcpu().regs.trap.scause = cause_code(Exception::kEcallFromVs);
    take_exit(vcpu());
    EXPECT_NE(fake::hart[Csr::hvip] & irq::kVstip, 0u);
    // Only a future deadline (or -1) clears it.
    sbi_call(sbi::kEidTime, 0, ~0ull);
    EXPECT_EQ(fake::hart[Csr::hvip] & irq::kVstip, 0u);
    sbi_call(sbi::kEidTime, 0, 0);
    sbi_call(sbi::kEidTime, 0, 20000);
    EXPECT_EQ(fake::hart[Csr::hvip] & irq::kVstip, 0u);
    EXPECT_EQ(fake::hart.firmware_calls.back().arg0, 20000u);
}

TEST_F(SbiDispatch, TimeWithoutSstcAPastDeadlineDisarmsAnArmedHostTimer) {
    vm_.guest_has_sstc = false;
    fake::hart[Csr::time] = 100;
    sbi_call(sbi::kEidTime, 0, 5000);
    ASSERT_EQ(fake::hart.firmware_calls.size(), 1u);
    sbi_call(sbi::kEidTime, 0, 50);
    ASSERT_EQ(fake::hart.firmware_calls.size(), 2u);
    EXPECT_EQ(fake::hart.firmware_calls.back().arg0, ~0ull);
    EXPECT_NE(fake::hart[Csr::hvip] & irq::kVstip, 0u);
}

TEST_F(SbiDispatch, SrstRebootsAndTheBootVcpuStartsAgain) {
    for (uint64_t type : {sbi::kResetColdReboot, sbi::kResetWarmReboot}) {
        vcpu().hsm_state = HsmState::kStarted;
        vm_.uart.write(1, 1, 0x0f);  // IER: state a reboot must clear
        EXPECT_TRUE(sbi_call_parks(sbi::kEidSrst, 0, type, 1));
        EXPECT_EQ(vm_.state.load(), VmState::kRunning);
        EXPECT_EQ(vcpu().hsm_state.load(), HsmState::kStarted) << "vCPU 0 starts again";
        EXPECT_EQ(vcpu().regs.sepc, guest::kKernelEntry);
        EXPECT_EQ(reg(kA0), 0u);
        EXPECT_EQ(reg(kA1), vm_.dtb_gpa);
        EXPECT_EQ(vm_.uart.read(1, 1), 0u) << "devices are reset";
        vcpu().hsm_state = HsmState::kStarted;
    }
    EXPECT_EQ(exits(ExitReason::kSbiSrst), 2u);
}

TEST_F(SbiDispatch, SrstShutsDownWhateverTheUpperHalfOfItsArguments) {
    // The parameters are 32 bits wide: upper halves are ignored.
    vcpu().hsm_state = HsmState::kStarted;
    EXPECT_TRUE(sbi_call_parks(sbi::kEidSrst, 0, 0xFFFFFFFF00000000ull, 0xFFFFFFFF00000000ull));
    EXPECT_EQ(vm_.state.load(), VmState::kStopped);
    EXPECT_EQ(vcpu().hsm_state.load(), HsmState::kStopped);
}

TEST_F(SbiDispatch, SrstRejectsReservedAndVendorTypesAndReasons) {
    for (uint64_t type : {3ull, 0xEFFFFFFFull, 0xF0000000ull, 0xFFFFFFFFull}) {
        EXPECT_EQ(sbi_call(sbi::kEidSrst, 0, type, 0), ExitAction::kResume);
        EXPECT_EQ(sbi_error(), sbi::kErrInvalidParam) << std::hex << type;
    }
    for (uint64_t reason : {2ull, 0xDFFFFFFFull, 0xE0000000ull, 0xF0000000ull}) {
        EXPECT_EQ(sbi_call(sbi::kEidSrst, 0, sbi::kResetShutdown, reason), ExitAction::kResume);
        EXPECT_EQ(sbi_error(), sbi::kErrInvalidParam) << std::hex << reason;
    }
}

// STATS_READ_FULL_PATH counts the exits the fast path did not finish (sbi_call
// takes the exit as the trap vector does: the fast path first).
TEST_F(SbiDispatch, HalyardExtensionCountsTheExitsThatTookTheFullPath) {
    sbi_call(sbi::kEidBase, sbi::kBaseGetSpecVersion);  // fast
    sbi_call(sbi::kEidHalyard, sbi::kStatsReadFullPath);
    EXPECT_EQ(sbi_error(), sbi::kSuccess);
    EXPECT_EQ(sbi_value(), 1u) << "the read itself, nothing before it";
    sbi_call(sbi::kEidTime, 0, ~0ull);  // fast
    sbi_call(sbi::kEidHsm, 2, 0);       // hart_get_status: full
    sbi_call(sbi::kEidHalyard, sbi::kStatsReadFullPath);
    EXPECT_EQ(sbi_value(), 3u);

    sbi_call(sbi::kEidHalyard, sbi::kStatsReset);
    sbi_call(sbi::kEidHalyard, sbi::kStatsReadFullPath);
    EXPECT_EQ(sbi_value(), 1u) << "reset with the others";
    sbi_call(sbi::kEidHalyard, sbi::kStatsStop);
    sbi_call(sbi::kEidHsm, 2, 0);
    sbi_call(sbi::kEidHalyard, sbi::kStatsReadFullPath);
    EXPECT_EQ(sbi_value(), 2u) << "stopped with the others (after counting the stop call)";
}

// STATS_RESET from another vCPU while this one counts exits on its own hart:
// the reset is never undone (a count from before it written back), so what
// is left afterwards is at most what was counted after it. Real threads.
TEST_F(SbiDispatch, AStatsResetFromAnotherVcpuIsNeverUndoneByTheCountingOne) {
    constexpr uint64_t kCounts = 20000;
    constexpr auto kReason = static_cast<unsigned>(ExitReason::kSbiBase);
    for (int round = 0; round < 50; ++round) {
        vm_reset_exit_counts(vm_);
        std::thread counting([&] {
            for (uint64_t i = 0; i < kCounts; ++i) count_exit(vcpu(), ExitReason::kSbiBase);
        });
        while (vm_exit_count(vm_, kReason) < kCounts / 2) std::this_thread::yield();
        vm_reset_exit_counts(vm_);  // what STATS_RESET does, from this (another) hart
        counting.join();
        ASSERT_LE(vm_exit_count(vm_, kReason), kCounts / 2) << "round " << round;
    }
}

TEST_F(SbiDispatch, HalyardExtensionReadsStopsAndResetsStatistics) {
    sbi_call(sbi::kEidHalyard, sbi::kStatsNumReasons);
    EXPECT_EQ(sbi_value(), kExitReasonCount);

    sbi_call(sbi::kEidBase, 0);
    sbi_call(sbi::kEidBase, 0);
    sbi_call(sbi::kEidHalyard, sbi::kStatsRead, static_cast<uint64_t>(ExitReason::kSbiBase));
    EXPECT_EQ(sbi_error(), 0);
    EXPECT_EQ(sbi_value(), 2u);

    sbi_call(sbi::kEidHalyard, sbi::kStatsStop);
    sbi_call(sbi::kEidBase, 0);
    sbi_call(sbi::kEidHalyard, sbi::kStatsRead, static_cast<uint64_t>(ExitReason::kSbiBase));
    EXPECT_EQ(sbi_value(), 2u) << "stopped counters stay put";

    sbi_call(sbi::kEidHalyard, sbi::kStatsReset);
    sbi_call(sbi::kEidHalyard, sbi::kStatsRead, static_cast<uint64_t>(ExitReason::kSbiBase));
    EXPECT_EQ(sbi_value(), 0u);

    sbi_call(sbi::kEidHalyard, sbi::kStatsStart);
    sbi_call(sbi::kEidBase, 0);
    sbi_call(sbi::kEidHalyard, sbi::kStatsRead, static_cast<uint64_t>(ExitReason::kSbiBase));
    EXPECT_EQ(sbi_value(), 1u);

    sbi_call(sbi::kEidHalyard, sbi::kStatsRead, kExitReasonCount);
    EXPECT_EQ(sbi_error(), sbi::kErrInvalidParam);
    sbi_call(sbi::kEidHalyard, sbi::kStatsRead, ~0ull);
    EXPECT_EQ(sbi_error(), sbi::kErrInvalidParam);
}

TEST_F(SbiDispatch, ExitStatisticsPrintOneLinePerReason) {
    sbi_call(sbi::kEidBase, 0);
    sbi_call(sbi::kEidDbcn, sbi::kDbcnWriteByte, 'x');
    sbi_call(sbi::kEidDbcn, sbi::kDbcnWriteByte, 'y');
    fake::host_console.output.clear();
    log_vm_exit_stats(vm_);
    const std::string& log = fake::host_console.output;
    EXPECT_NE(log.find("halyard: vm0: exits sbi_base 1\r\n"), std::string::npos) << log;
    EXPECT_NE(log.find("halyard: vm0: exits sbi_dbcn 2\r\n"), std::string::npos) << log;
    EXPECT_NE(log.find("halyard: vm0: exits total 3\r\n"), std::string::npos) << log;
    EXPECT_NE(log.find("halyard: vm0: exits that took the full path 2\r\n"), std::string::npos)
        << "BASE finished on the fast path, DBCN did not: " << log;
    EXPECT_EQ(log.find("sbi_time"), std::string::npos) << "reasons that never happened are omitted";
}

}  // namespace
}  // namespace halyard::testing
