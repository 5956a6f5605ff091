#include "vm/vm.hpp"

#include "halyard/guest_layout.hpp"

namespace halyard {

void Vm::attach_devices() {
    bus.attach(guest::kUartBase, Uart16550::kSize, ExitReason::kMmioUart, uart);
}

}  // namespace halyard
