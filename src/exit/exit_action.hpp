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

// What the exit fast path did (the value the trap vector tests for zero).
enum class FastExit : uint64_t {
    kDone = 0,      // the guest resumes
    kFullExit = 1,  // vmexit_handler takes the exit
};

}  // namespace halyard
