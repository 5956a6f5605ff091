// SPDX-License-Identifier: Apache-2.0
#pragma once
// The one lock type of Halyard: a fair ticket spinlock, taken through an RAII
// guard. Harts take tickets in arrival order and are served in that order, so
// a vCPU that keeps a lock busy (a flooding guest) can delay another hart by
// at most one critical section per waiter ahead of it, never starve it.
//
// Halyard runs with interrupts off (sstatus.SIE = 0) in HS-mode, so a lock is
// never interrupted by a handler that wants it too; critical sections must
// still be short and must not wait for another hart's progress (no lock held
// across a wait for a vCPU to stop, for instance). Lock order, outer first:
// a VM's lifecycle lock, a device's lock (UART before PLIC), a VM's console
// line, the host console. See docs/concurrency.md.
//
// Uncontended, lock() is one atomic add and one load, unlock() a load and a
// store: cheap enough for every emulated device access.

#include <atomic>
#include <cstdint>

#include "lib/thread_annotations.hpp"

#if !defined(__riscv)
#include <thread>
#endif

namespace halyard {

// What a hart does while it waits for another: nothing on the target (the
// wait is bounded by one short critical section); on the host, where unit
// tests run more threads than cores, give the core away.
inline void spin_wait_hint() {
#if !defined(__riscv)
    std::this_thread::yield();
#endif
}

class CAPABILITY("spinlock") SpinLock {
  public:
    constexpr SpinLock() = default;
    SpinLock(const SpinLock&) = delete;
    SpinLock& operator=(const SpinLock&) = delete;

    void lock() ACQUIRE() {
        // 32-bit counters: RV64A has word and doubleword AMOs only. They wrap
        // harmlessly (equality is all that is compared).
        const uint32_t ticket = next_.fetch_add(1, std::memory_order_relaxed);
        while (serving_.load(std::memory_order_acquire) != ticket) spin_wait_hint();
    }
    void unlock() RELEASE() {
        // One AMO with release ordering (amoadd.w.rl): cheaper on RISC-V than
        // a load and a release store, which GCC emits as fence + amoswap.
        serving_.fetch_add(1, std::memory_order_release);
    }
    bool held() const {
        return next_.load(std::memory_order_relaxed) != serving_.load(std::memory_order_relaxed);
    }

  private:
    std::atomic<uint32_t> next_{0};
    std::atomic<uint32_t> serving_{0};
};

class SCOPED_CAPABILITY SpinLockGuard {
  public:
    explicit SpinLockGuard(SpinLock& lock) ACQUIRE(lock) : lock_(lock) { lock_.lock(); }
    ~SpinLockGuard() RELEASE() { lock_.unlock(); }
    SpinLockGuard(const SpinLockGuard&) = delete;
    SpinLockGuard& operator=(const SpinLockGuard&) = delete;

  private:
    SpinLock& lock_;
};

}  // namespace halyard
