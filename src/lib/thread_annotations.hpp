// SPDX-License-Identifier: Apache-2.0
#pragma once
// Clang thread-safety analysis attributes (-Wthread-safety). They document
// which lock guards which state, and the host build with clang checks them;
// GCC (the target build) ignores them.

#if defined(__clang__)
#define HALYARD_TSA(x) __attribute__((x))
#else
#define HALYARD_TSA(x)
#endif

#define CAPABILITY(name) HALYARD_TSA(capability(name))
#define SCOPED_CAPABILITY HALYARD_TSA(scoped_lockable)
#define GUARDED_BY(lock) HALYARD_TSA(guarded_by(lock))
#define PT_GUARDED_BY(lock) HALYARD_TSA(pt_guarded_by(lock))
#define REQUIRES(...) HALYARD_TSA(requires_capability(__VA_ARGS__))
#define EXCLUDES(...) HALYARD_TSA(locks_excluded(__VA_ARGS__))
#define ACQUIRE(...) HALYARD_TSA(acquire_capability(__VA_ARGS__))
#define RELEASE(...) HALYARD_TSA(release_capability(__VA_ARGS__))
#define TRY_ACQUIRE(...) HALYARD_TSA(try_acquire_capability(__VA_ARGS__))
#define NO_THREAD_SAFETY_ANALYSIS HALYARD_TSA(no_thread_safety_analysis)
