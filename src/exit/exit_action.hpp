// SPDX-License-Identifier: Apache-2.0
#pragma once
// What the exit handlers ask the hart's run loop to do next. (SBI calls that
// end the vCPU's run, such as hart_stop or a reboot, go to the lifecycle
// directly and never return.)

#include <cstdint>

namespace halyard {

enum class ExitAction : uint8_t {
    kResume,      // re-enter the same vCPU
    kStopVm,      // the guest did something Halyard cannot continue from; logged
    kVmStopping,  // the VM is stopping or rebooting (seen at a host IPI): this vCPU stops
};

}  // namespace halyard
