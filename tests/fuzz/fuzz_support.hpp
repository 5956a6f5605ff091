// SPDX-License-Identifier: Apache-2.0
#pragma once
// Helpers shared by the libFuzzer harnesses: reading typed values from the
// fuzzer's bytes, and checking invariants (a violated one aborts, which
// libFuzzer reports as a crash with the input that caused it).

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <span>

#include "arch/fake_hart_state.hpp"
#include "fake_host_console.hpp"

namespace halyard::fuzz {

[[noreturn]] inline void violated(const char* file, int line, const char* condition) {
    std::fprintf(stderr, "%s:%d: invariant violated: %s\n", file, line, condition);
    std::abort();
}

#define FUZZ_CHECK(condition) \
    ((condition) ? void(0) : ::halyard::fuzz::violated(__FILE__, __LINE__, #condition))

// The fuzzer's bytes read front to back; zeros once they run out.
class Input {
  public:
    Input(const uint8_t* data, size_t size) : data_(data), size_(size) {}

    bool empty() const { return position_ >= size_; }
    size_t remaining() const { return empty() ? 0 : size_ - position_; }

    template <typename T>
    T take() {
        T value{};
        const size_t n = remaining() < sizeof(T) ? remaining() : sizeof(T);
        if (n != 0) std::memcpy(&value, data_ + position_, n);
        position_ += n;
        return value;
    }
    bool take_bool() { return (take<uint8_t>() & 1) != 0; }
    // A value below `bound` (bound > 0).
    uint64_t below(uint64_t bound) { return take<uint64_t>() % bound; }
    // Up to `n` bytes, as a view into the input.
    std::span<const uint8_t> take_bytes(size_t n) {
        if (n > remaining()) n = remaining();
        std::span<const uint8_t> bytes(data_ + position_, n);
        position_ += n;
        return bytes;
    }
    // A 64-bit value that is often one of the edges parsers get wrong.
    uint64_t edgy_u64() {
        static constexpr uint64_t kEdges[] = {0,
                                              1,
                                              4095,
                                              4096,
                                              0x7FFFFFFF,
                                              0x80000000,
                                              0xFFFFFFFF,
                                              0x100000000,
                                              0x7FFFFFFFFFFFFFFF,
                                              0x8000000000000000,
                                              0xFFFFFFFFFFFFF000,
                                              0xFFFFFFFFFFFFFFFF};
        const uint8_t selector = take<uint8_t>();
        if (selector < 96) return kEdges[selector % (sizeof(kEdges) / sizeof(kEdges[0]))];
        if (selector < 160) return kEdges[selector % 12] - (take<uint8_t>() & 15);
        return take<uint64_t>();
    }

  private:
    const uint8_t* data_;
    size_t size_;
    size_t position_ = 0;
};

// Whether [inner, inner + length) lies inside [outer, outer + outer_size).
inline bool within(const void* inner, size_t length, const void* outer, size_t outer_size) {
    const auto i = reinterpret_cast<uintptr_t>(inner), o = reinterpret_cast<uintptr_t>(outer);
    return i >= o && i - o <= outer_size && length <= outer_size - (i - o);
}

// The fakes behind the arch layer, cleared so that inputs do not influence
// each other (and logs do not pile up).
inline void reset_fakes() {
    fake::reset();
    fake::host_console = {};
}

}  // namespace halyard::fuzz
