// SPDX-License-Identifier: Apache-2.0
#pragma once
// The one result type of Halyard's fallible functions: a value or the reason
// it could not be produced, which the caller cannot ignore ([[nodiscard]]).
// Status is a Result without a value. A function that fails because of its
// input logs what a user needs to know (one line naming the problem) before
// it returns the error; the error itself says what kind of failure it was.
//
//   Result<size_t> size = build_guest_dtb(spec, out);
//   if (!size) return size.error();
//   use(size.value());

#include <cstdint>
#include <type_traits>

namespace halyard {

enum class Error : uint8_t {
    kInvalidInput,  // malformed or hostile input: device tree, bundle, image
    kTooLarge,      // does not fit where it must go (guest RAM, a buffer)
    kCapacity,      // beyond one of Halyard's fixed capacities (lib/capacity.hpp)
    kOutOfMemory,   // no memory left to hand out
    kUnsupported,   // the machine lacks something Halyard needs
};

template <typename T>
class [[nodiscard]] Result {
    static_assert(std::is_trivially_copyable_v<T>, "results are small values");

  public:
    constexpr Result(T value) : value_(value), ok_(true) {}       // NOLINT: implicit by design
    constexpr Result(Error error) : error_(error), ok_(false) {}  // NOLINT

    constexpr explicit operator bool() const { return ok_; }
    constexpr bool ok() const { return ok_; }
    // Only meaningful when ok().
    constexpr T value() const { return value_; }
    constexpr T value_or(T fallback) const { return ok_ ? value_ : fallback; }
    // Only meaningful when !ok().
    constexpr Error error() const { return error_; }

  private:
    T value_{};
    Error error_{};
    bool ok_;
};

template <>
class [[nodiscard]] Result<void> {
  public:
    constexpr Result() = default;
    constexpr Result(Error error) : error_(error), ok_(false) {}  // NOLINT: implicit by design

    constexpr explicit operator bool() const { return ok_; }
    constexpr bool ok() const { return ok_; }
    constexpr Error error() const { return error_; }

  private:
    Error error_{};
    bool ok_ = true;
};

using Status = Result<void>;

// The success of a Status-returning function: `return ok();`.
constexpr Status ok() {
    return Status{};
}

}  // namespace halyard
