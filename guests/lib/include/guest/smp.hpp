// SPDX-License-Identifier: Apache-2.0
#pragma once
// Secondary vCPUs for the test guests: start one with SBI HSM hart_start so it
// runs a C++ function on its own stack (and its own trap stack), stop the
// calling vCPU, ask for a vCPU's HSM state, and a small lock so that lines
// printed by several vCPUs come out whole.
//
// A started vCPU enters guest_secondary_entry (smp_entry.S) with a0 = its
// hart id and a1 = the opaque value of hart_start, which is its HartContext.
// When its function returns, the vCPU stops itself (HSM hart_stop). A vCPU
// can be started again once stopped, vCPU 0 included: it then runs on its
// context's stack, not on the boot stack.

#include <stdint.h>

namespace guest::smp {

inline constexpr unsigned kMaxHarts = 8;

using Entry = void (*)(unsigned hart);

// HSM hart_start of `hart` at `entry`; the SBI error code (0 on success).
int64_t start(unsigned hart, Entry entry);
// HSM hart_get_status: the state (sbi::kHsm*), or a negative SBI error.
int64_t status(unsigned hart);
// HSM hart_stop of the calling vCPU.
[[noreturn]] void stop_self();
// Polls status(hart) until it equals `state`; false after `timeout_ticks`.
bool wait_for_status(unsigned hart, int64_t state, uint64_t timeout_ticks);

// A test-and-set lock between the vCPUs of one guest (guest code, so a plain
// AMO spin is fine here).
class SpinLock {
  public:
    void lock();
    void unlock();

  private:
    volatile uint32_t word_ = 0;
};

// Holds the guest's print lock: whatever is printed in its scope is one
// uninterrupted run of bytes on this VM's console.
class PrintGuard {
  public:
    PrintGuard();
    ~PrintGuard();
    PrintGuard(const PrintGuard&) = delete;
    PrintGuard& operator=(const PrintGuard&) = delete;
};

// Atomic helpers on plain words shared between vCPUs.
inline uint64_t atomic_add(volatile uint64_t* word, uint64_t value) {
    return __atomic_fetch_add(word, value, __ATOMIC_SEQ_CST);
}
inline uint64_t atomic_load(const volatile uint64_t* word) {
    return __atomic_load_n(word, __ATOMIC_SEQ_CST);
}
inline void atomic_store(volatile uint64_t* word, uint64_t value) {
    __atomic_store_n(word, value, __ATOMIC_SEQ_CST);
}

}  // namespace guest::smp
