#pragma once
// What the exit handlers ask the hart's run loop to do next.

#include <cstdint>

namespace halyard {

enum class ExitAction : uint8_t {
    kResume,      // re-enter the same vCPU
    kShutdownVm,  // the guest asked to power off (SRST shutdown, legacy shutdown)
    kRebootVm,    // the guest asked for a reboot: reload and restart the VM
    kStopVm,      // the guest did something Halyard cannot continue from; logged
    kStopVcpu,    // SBI HSM hart_stop: this vCPU stops, its hart parks until it is started
    kVmStopping,  // the VM was stopped from another hart: this vCPU stops running
};

}  // namespace halyard
