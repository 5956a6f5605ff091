// SPDX-License-Identifier: Apache-2.0
#include "guest/smp.hpp"

#include <stddef.h>

#include "guest/csr.hpp"
#include "guest/sbi.hpp"

extern "C" char guest_secondary_entry[];

namespace guest::smp {

// Read by smp_entry.S: keep the first two fields where it expects them.
struct HartContext {
    uint64_t stack_top;
    uint64_t trap_stack_top;
    Entry entry;
};
static_assert(offsetof(HartContext, stack_top) == 0);
static_assert(offsetof(HartContext, trap_stack_top) == 8);

namespace {

constexpr size_t kStackSize = 8192;
constexpr size_t kTrapStackSize = 4096;

alignas(16) uint8_t g_stacks[kMaxHarts][kStackSize];
alignas(16) uint8_t g_trap_stacks[kMaxHarts][kTrapStackSize];
HartContext g_contexts[kMaxHarts];
SpinLock g_print_lock;

}  // namespace

int64_t start(unsigned hart, Entry entry) {
    if (hart >= kMaxHarts) return sbi::kErrInvalidParam;
    HartContext& context = g_contexts[hart];
    context.stack_top = reinterpret_cast<uint64_t>(g_stacks[hart] + kStackSize);
    context.trap_stack_top = reinterpret_cast<uint64_t>(g_trap_stacks[hart] + kTrapStackSize);
    context.entry = entry;
    // The new vCPU reads its context from memory: make the stores visible first.
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    return sbi::call(sbi::kEidHsm, sbi::kHsmHartStart, hart,
                     reinterpret_cast<uint64_t>(guest_secondary_entry),
                     reinterpret_cast<uint64_t>(&context))
        .error;
}

int64_t status(unsigned hart) {
    const sbi::SbiRet r = sbi::call(sbi::kEidHsm, sbi::kHsmHartGetStatus, hart);
    return r.error != sbi::kSuccess ? r.error : static_cast<int64_t>(r.value);
}

void stop_self() {
    sbi::call(sbi::kEidHsm, sbi::kHsmHartStop);
    // hart_stop returns only on failure; nothing sensible is left to do.
    for (;;) asm volatile("wfi");
}

bool wait_for_status(unsigned hart, int64_t state, uint64_t timeout_ticks) {
    const uint64_t begin = rdtime();
    while (status(hart) != state) {
        if (rdtime() - begin > timeout_ticks) return false;
    }
    return true;
}

void SpinLock::lock() {
    while (__atomic_exchange_n(&word_, 1u, __ATOMIC_ACQUIRE) != 0) {
        while (__atomic_load_n(&word_, __ATOMIC_RELAXED) != 0) {
        }
    }
}

void SpinLock::unlock() {
    __atomic_store_n(&word_, 0u, __ATOMIC_RELEASE);
}

PrintGuard::PrintGuard() {
    g_print_lock.lock();
}

PrintGuard::~PrintGuard() {
    g_print_lock.unlock();
}

}  // namespace guest::smp

extern "C" [[noreturn]] void guest_secondary_main(uint64_t hart, guest::smp::HartContext* context);

extern "C" void guest_secondary_main(uint64_t hart, guest::smp::HartContext* context) {
    context->entry(static_cast<unsigned>(hart));
    guest::smp::stop_self();
}
