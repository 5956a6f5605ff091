// SPDX-License-Identifier: Apache-2.0
// A VM with AIA (GuestIrqchip::kAia) as Vm::attach_devices wires it: the
// UART's line reaches the APLIC, not the PLIC, and the APLIC's MSIs go to the
// interrupt file of the vCPU its target names (arch::send_msi, recorded by
// the fake arch layer), never to a file the VM does not have.

#include <gtest/gtest.h>

#include <cstdint>
#include <mutex>
#include <vector>

#include "arch/fake_hart_state.hpp"
#include "halyard/guest_layout.hpp"
#include "vm/vm.hpp"

namespace halyard::testing {
namespace {

constexpr uint64_t kUartIer = 1;
constexpr uint8_t kIerThrEmpty = 0x02;
// APLIC registers (specs/aia/src/AdvPLIC.adoc).
constexpr uint64_t kDomaincfg = 0x0000, kSetienum = 0x1EDC;
constexpr uint32_t kDomaincfgIe = 1u << 8, kLevelHigh = 6;
constexpr uint64_t sourcecfg(unsigned source) {
    return 4ull * source;
}
constexpr uint64_t target(unsigned source) {
    return 0x3000 + 4ull * source;
}

class VmAia : public ::testing::Test {
  protected:
    void SetUp() override {
        fake::reset();
        vm_.irqchip = GuestIrqchip::kAia;
        vm_.vcpu_count = 2;
        for (unsigned i = 0; i < 2; ++i) {
            vm_.vcpus[i].vm = &vm_;
            vm_.vcpus[i].id = i;
            vm_.vcpus[i].interrupt_file = kFile[i];
        }
        ASSERT_TRUE(vm_.attach_devices());
    }

    // The guest's APLIC set-up for the UART: level-high, to `hart_index`
    // with identity `eiid`, enabled, the domain's interrupts on.
    void route_uart(unsigned hart_index, unsigned eiid) {
        vm_.aplic.write(sourcecfg(guest::kUartIrq), 4, kLevelHigh);
        vm_.aplic.write(target(guest::kUartIrq), 4, uint64_t{hart_index} << 18 | eiid);
        vm_.aplic.write(kSetienum, 4, guest::kUartIrq);
        vm_.aplic.write(kDomaincfg, 4, kDomaincfgIe);
    }

    static std::vector<fake::Msi> msis() {
        std::lock_guard<std::mutex> guard(fake::msis_lock);
        return fake::msis;
    }

    static constexpr uint64_t kFile[2] = {0x2800'3000, 0x2800'1000};
    Vm vm_;
};

TEST_F(VmAia, TheUartsInterruptIsAnMsiToTheTargetVcpusFile) {
    route_uart(1, 10);
    vm_.uart.write(kUartIer, 1, kIerThrEmpty);  // THR is empty: the line rises
    const std::vector<fake::Msi> sent = msis();
    ASSERT_EQ(sent.size(), 1u);
    EXPECT_EQ(sent[0].interrupt_file, kFile[1]);
    EXPECT_EQ(sent[0].identity, 10u);
    EXPECT_FALSE(vm_.plic.context_output(0)) << "the PLIC has no line from the UART";
    EXPECT_FALSE(vm_.plic.context_output(1));

    vm_.uart.write(kUartIer, 1, 0);  // the line drops: nothing to send
    vm_.uart.write(kUartIer, 1, kIerThrEmpty);
    ASSERT_EQ(msis().size(), 2u) << "each rise of a level source is an MSI";
}

TEST_F(VmAia, AnMsiToAHartIndexNoVcpuHasGoesNowhere) {
    route_uart(2, 10);  // the VM has vCPUs 0 and 1
    vm_.uart.write(kUartIer, 1, kIerThrEmpty);
    EXPECT_TRUE(msis().empty());
    route_uart((1u << 14) - 1, 10);
    vm_.uart.write(kUartIer, 1, 0);
    vm_.uart.write(kUartIer, 1, kIerThrEmpty);
    EXPECT_TRUE(msis().empty());
}

TEST_F(VmAia, AVcpuWithoutAFileGetsNoMsi) {
    vm_.vcpus[0].interrupt_file = 0;
    route_uart(0, 10);
    vm_.uart.write(kUartIer, 1, kIerThrEmpty);
    EXPECT_TRUE(msis().empty());
}

TEST(VmPlicWiring, AVmWithThePlicSendsNoMsis) {
    fake::reset();
    Vm vm;
    vm.vcpu_count = 1;
    vm.vcpus[0].vm = &vm;
    vm.vcpus[0].interrupt_file = 0x2800'1000;  // even if it had one
    ASSERT_TRUE(vm.attach_devices());
    vm.aplic.write(sourcecfg(guest::kUartIrq), 4, kLevelHigh);
    vm.aplic.write(target(guest::kUartIrq), 4, 10);
    vm.aplic.write(kSetienum, 4, guest::kUartIrq);
    vm.aplic.write(kDomaincfg, 4, kDomaincfgIe);
    vm.plic.write(4 * guest::kUartIrq, 4, 1);         // priority 1
    vm.plic.write(0x2000, 4, 1u << guest::kUartIrq);  // enabled for context 0
    vm.uart.write(kUartIer, 1, kIerThrEmpty);
    std::lock_guard<std::mutex> guard(fake::msis_lock);
    EXPECT_TRUE(fake::msis.empty()) << "the UART's line is the PLIC's";
    EXPECT_TRUE(vm.plic.context_output(0));
}

}  // namespace
}  // namespace halyard::testing
