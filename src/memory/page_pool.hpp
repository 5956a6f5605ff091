// SPDX-License-Identifier: Apache-2.0
#pragma once
// Zeroed 4 KiB pages for page tables, carved from a fixed pool inside
// Halyard's image (so Halyard's RAM use is known at link time).

#include <cstddef>
#include <cstdint>

namespace halyard {

inline constexpr size_t kPageSize = 4096;

// `count` contiguous zeroed pages aligned to `alignment`, or nullptr.
void* allocate_pages(size_t count, size_t alignment = kPageSize);
size_t page_pool_used();
size_t page_pool_capacity();

}  // namespace halyard
