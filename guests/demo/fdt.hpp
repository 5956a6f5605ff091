// SPDX-License-Identifier: Apache-2.0
#pragma once
// Just enough of a flattened-device-tree reader for the demo to say what its
// virtual machine looks like: model, memory, CPUs, timebase.

#include <stdint.h>

namespace demo {

struct MachineSummary {
    uint32_t total_size = 0;
    const char* model = nullptr;       // root "model"
    const char* compatible = nullptr;  // first string of root "compatible"
    uint64_t memory_base = 0;          // first /memory node "reg"
    uint64_t memory_size = 0;
    uint32_t timebase_hz = 0;  // /cpus "timebase-frequency"
    unsigned cpu_count = 0;    // /cpus/cpu@N nodes
};

// `blob` must already be known to be readable and to start with the FDT
// magic. Returns false if the structure is malformed.
bool summarize_fdt(uintptr_t blob, MachineSummary& out);

}  // namespace demo
