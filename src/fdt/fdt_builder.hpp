// SPDX-License-Identifier: Apache-2.0
#pragma once
// Writes a flattened device tree (version 17) into a caller's buffer: used to
// describe each virtual machine to its guest.

#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <string_view>

#include "lib/result.hpp"

namespace halyard {

class FdtBuilder {
  public:
    explicit FdtBuilder(std::span<uint8_t> buffer);

    void begin_node(std::string_view name);
    void end_node();
    void property(std::string_view name, std::span<const uint8_t> value);
    void property_empty(std::string_view name) { property(name, {}); }
    void property_u32(std::string_view name, uint32_t value);
    void property_u64(std::string_view name, uint64_t value);  // two cells
    void property_cells(std::string_view name, std::initializer_list<uint32_t> cells);
    void property_string(std::string_view name, std::string_view value);

    // A property whose value is written in pieces, so that a long one (a
    // string list) needs no buffer of its own: begin_property(name), any
    // number of append_to_property(bytes), end_property(). No node may begin
    // or end in between.
    void begin_property(std::string_view name);
    void append_to_property(std::string_view bytes);
    void end_property();

    // Completes the tree; returns its total size. kTooLarge if the buffer (or
    // the string table) was too small, kInvalidInput if the nodes were not
    // balanced or a property begun was not ended.
    Result<size_t> finish();

  private:
    void put_u32(uint32_t value);
    void put_bytes(const void* data, size_t length);
    void align4();
    uint32_t string_offset(std::string_view name);

    static constexpr size_t kHeaderSize = 40;
    static constexpr size_t kReserveMapSize = 16;  // one empty terminating entry

    std::span<uint8_t> buffer_;
    size_t position_;
    int depth_ = 0;
    bool overflow_ = false;
    bool malformed_ = false;  // unbalanced nodes, or a piecewise property left open
    bool property_open_ = false;
    size_t open_property_length_at_ = 0;  // where its length goes once known
    size_t open_property_value_at_ = 0;
    std::array<char, 1024> strings_{};
    size_t strings_size_ = 0;
};

}  // namespace halyard
