// SPDX-License-Identifier: Apache-2.0
#include "guest/uart.hpp"

#include "guest/mmio.hpp"

namespace guest::uart {

void put(char c) {
    while ((mmio_read8(kBase + kLsr) & kLsrThrEmpty) == 0) {
    }
    mmio_write8(kBase + kRbrThr, static_cast<uint8_t>(c));
}

int try_get() {
    if ((mmio_read8(kBase + kLsr) & kLsrDataReady) == 0) return -1;
    return mmio_read8(kBase + kRbrThr);
}

}  // namespace guest::uart
