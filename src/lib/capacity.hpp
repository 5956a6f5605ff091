// SPDX-License-Identifier: Apache-2.0
#pragma once
// Every fixed capacity of Halyard in one place, with the relations between
// them checked at compile time. Input beyond a capacity is refused with a log
// line where it is read (the VM bundle, the host device tree, the allocator),
// never truncated. The arch layer's HALYARD_MAX_HARTS is tied to kHarts where
// both are visible (src/boot/boot.cpp).

#include <cstddef>

namespace halyard::capacity {

inline constexpr unsigned kVms = 8;              // VMs in a bundle
inline constexpr unsigned kHarts = 8;            // physical harts Halyard runs on
inline constexpr unsigned kVcpusPerVm = 8;       // vCPUs of one VM
inline constexpr unsigned kHostHarts = 8;        // harts read from the host DT
inline constexpr unsigned kMemoryRanges = 8;     // host RAM ranges
inline constexpr unsigned kReservedRanges = 16;  // host reserved ranges (never dropped)
// The host's reserved ranges, plus firmware and Halyard, the host DT, the
// bundle, and one block of guest RAM per VM.
inline constexpr unsigned kAllocatorReservations = 32;
inline constexpr unsigned kMmioRegions = 8;   // device windows of one VM
inline constexpr unsigned kPlicSources = 64;  // interrupt ids 0..63 of a VM's PLIC
inline constexpr unsigned kPlicContexts = 8;  // one S-mode context per vCPU
inline constexpr unsigned kFdtDepth = 64;     // node nesting the FDT reader follows
// Sources 1..96 of a VM's APLIC: QEMU virt's riscv,num-sources.
inline constexpr unsigned kAplicSources = 96;
// Extension names one host hart's ISA description may list (QEMU 10's
// -cpu max lists about 140). Nothing is copied; a longer list is refused as
// not a real hart's. (The bytes walked are bounded by the DT's size only.)
inline constexpr size_t kHostIsaExtensions = 512;

static_assert(kVcpusPerVm <= kHarts, "each vCPU is pinned to a hart of its own");
static_assert(kHarts <= kHostHarts, "every hart Halyard runs on comes from the host DT");
static_assert(kPlicContexts >= kVcpusPerVm, "every vCPU has a PLIC context");
static_assert(kPlicSources <= 64 && kPlicContexts <= 32, "the PLIC keeps them in bit masks");
static_assert(kAplicSources >= 1 && kAplicSources <= 1023,
              "an APLIC has 1..1023 sources (AIA 4.1)");
static_assert(kVcpusPerVm <= (1u << 14), "every vCPU has an APLIC hart index (AIA 4.3)");
static_assert(kAllocatorReservations >= kReservedRanges + 3 + kVms,
              "the allocator holds every reservation boot makes");

}  // namespace halyard::capacity
