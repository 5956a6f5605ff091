// SPDX-License-Identifier: Apache-2.0
#include "memory/page_pool.hpp"

#include <atomic>
#include <cstring>

namespace halyard {
namespace {

// Sv39x4 roots are 16 KiB (and 16 KiB aligned); one per VM, plus a few
// second-level tables each. 256 KiB covers the eight VMs Halyard supports.
constexpr size_t kPoolSize = 256 * 1024;
// Not cleared at boot (see linker/halyard.ld): allocate_pages() zeroes pages.
[[gnu::section(".bss.noclear.page_pool")]] alignas(16384) uint8_t g_pool[kPoolSize];
std::atomic<size_t> g_used{0};

}  // namespace

void* allocate_pages(size_t count, size_t alignment) {
    // Alignment is of the address, not of the offset in the pool; powers of
    // two from one page up.
    if (alignment < kPageSize) alignment = kPageSize;
    if ((alignment & (alignment - 1)) != 0) return nullptr;
    const auto pool = reinterpret_cast<uintptr_t>(g_pool);
    size_t used = g_used.load(std::memory_order_relaxed);
    for (;;) {
        const uintptr_t aligned = (pool + used + alignment - 1) & ~(uintptr_t{alignment} - 1);
        if (aligned < pool + used || aligned - pool > kPoolSize) return nullptr;
        const size_t start = aligned - pool;
        if (count > (kPoolSize - start) / kPageSize) return nullptr;
        const size_t end = start + count * kPageSize;
        if (g_used.compare_exchange_weak(used, end, std::memory_order_relaxed)) {
            std::memset(g_pool + start, 0, count * kPageSize);
            return g_pool + start;
        }
    }
}

size_t page_pool_used() {
    return g_used.load(std::memory_order_relaxed);
}
size_t page_pool_capacity() {
    return kPoolSize;
}

}  // namespace halyard
