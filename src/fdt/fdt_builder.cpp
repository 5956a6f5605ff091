// SPDX-License-Identifier: Apache-2.0
#include "fdt/fdt_builder.hpp"

#include <cstring>

namespace halyard {
namespace {

constexpr uint32_t kBeginNode = 1, kEndNode = 2, kProp = 3, kEnd = 9;

void store_be32(uint8_t* p, uint32_t v) {
    p[0] = static_cast<uint8_t>(v >> 24);
    p[1] = static_cast<uint8_t>(v >> 16);
    p[2] = static_cast<uint8_t>(v >> 8);
    p[3] = static_cast<uint8_t>(v);
}

}  // namespace

FdtBuilder::FdtBuilder(std::span<uint8_t> buffer)
    : buffer_(buffer), position_(kHeaderSize + kReserveMapSize) {
    if (buffer_.size() < position_) {
        overflow_ = true;
        return;
    }
    std::memset(buffer_.data(), 0, position_);
}

void FdtBuilder::put_bytes(const void* data, size_t length) {
    if (overflow_ || length > buffer_.size() - position_) {
        overflow_ = true;
        return;
    }
    if (length != 0) std::memcpy(buffer_.data() + position_, data, length);
    position_ += length;
}

void FdtBuilder::put_u32(uint32_t value) {
    uint8_t bytes[4];
    store_be32(bytes, value);
    put_bytes(bytes, 4);
}

void FdtBuilder::align4() {
    static constexpr uint8_t kZeros[3] = {};
    put_bytes(kZeros, (4 - position_ % 4) % 4);
}

uint32_t FdtBuilder::string_offset(std::string_view name) {
    // Reuse an identical name already in the table (names repeat a lot).
    for (size_t offset = 0; offset < strings_size_;) {
        std::string_view existing(strings_.data() + offset);
        if (existing == name) return static_cast<uint32_t>(offset);
        offset += existing.size() + 1;
    }
    if (name.size() + 1 > strings_.size() - strings_size_) {
        overflow_ = true;
        return 0;
    }
    uint32_t offset = static_cast<uint32_t>(strings_size_);
    std::memcpy(strings_.data() + strings_size_, name.data(), name.size());
    strings_size_ += name.size();
    strings_[strings_size_++] = '\0';
    return offset;
}

void FdtBuilder::begin_node(std::string_view name) {
    if (property_open_) malformed_ = true;
    put_u32(kBeginNode);
    put_bytes(name.data(), name.size());
    static constexpr uint8_t kNul = 0;
    put_bytes(&kNul, 1);
    align4();
    ++depth_;
}

void FdtBuilder::end_node() {
    if (property_open_) malformed_ = true;
    put_u32(kEndNode);
    if (--depth_ < 0) malformed_ = true;  // more ends than begins: not a tree
}

void FdtBuilder::property(std::string_view name, std::span<const uint8_t> value) {
    if (property_open_) malformed_ = true;
    put_u32(kProp);
    put_u32(static_cast<uint32_t>(value.size()));
    put_u32(string_offset(name));
    put_bytes(value.data(), value.size());
    align4();
}

void FdtBuilder::property_u32(std::string_view name, uint32_t value) {
    property_cells(name, {value});
}

void FdtBuilder::property_u64(std::string_view name, uint64_t value) {
    property_cells(name, {static_cast<uint32_t>(value >> 32), static_cast<uint32_t>(value)});
}

void FdtBuilder::property_cells(std::string_view name, std::initializer_list<uint32_t> cells) {
    uint8_t bytes[64];
    size_t length = 0;
    for (uint32_t cell : cells) {
        if (length + 4 > sizeof(bytes)) {
            overflow_ = true;
            return;
        }
        store_be32(bytes + length, cell);
        length += 4;
    }
    property(name, {bytes, length});
}

void FdtBuilder::property_string(std::string_view name, std::string_view value) {
    if (property_open_) malformed_ = true;
    put_u32(kProp);
    put_u32(static_cast<uint32_t>(value.size() + 1));
    put_u32(string_offset(name));
    put_bytes(value.data(), value.size());
    static constexpr uint8_t kNul = 0;
    put_bytes(&kNul, 1);
    align4();
}

void FdtBuilder::begin_property(std::string_view name) {
    if (property_open_) malformed_ = true;
    put_u32(kProp);
    open_property_length_at_ = position_;
    put_u32(0);  // the length, written by end_property
    put_u32(string_offset(name));
    open_property_value_at_ = position_;
    property_open_ = true;
}

void FdtBuilder::append_to_property(std::string_view bytes) {
    if (!property_open_) {
        malformed_ = true;
        return;
    }
    put_bytes(bytes.data(), bytes.size());
}

void FdtBuilder::end_property() {
    if (!property_open_) {
        malformed_ = true;
        return;
    }
    property_open_ = false;
    // After an overflow position_ stopped moving and the header may not even
    // be in the buffer: there is nothing to patch, finish() fails anyway.
    if (!overflow_)
        store_be32(buffer_.data() + open_property_length_at_,
                   static_cast<uint32_t>(position_ - open_property_value_at_));
    align4();
}

Result<size_t> FdtBuilder::finish() {
    if (depth_ != 0 || malformed_ || property_open_) return Error::kInvalidInput;
    put_u32(kEnd);
    size_t struct_offset = kHeaderSize + kReserveMapSize;
    size_t struct_size = position_ - struct_offset;
    size_t strings_offset = position_;
    put_bytes(strings_.data(), strings_size_);
    if (overflow_) return Error::kTooLarge;
    uint8_t* h = buffer_.data();
    store_be32(h + 0, 0xD00DFEED);
    store_be32(h + 4, static_cast<uint32_t>(position_));        // totalsize
    store_be32(h + 8, static_cast<uint32_t>(struct_offset));    // off_dt_struct
    store_be32(h + 12, static_cast<uint32_t>(strings_offset));  // off_dt_strings
    store_be32(h + 16, static_cast<uint32_t>(kHeaderSize));     // off_mem_rsvmap
    store_be32(h + 20, 17);                                     // version
    store_be32(h + 24, 16);                                     // last_comp_version
    store_be32(h + 28, 0);                                      // boot_cpuid_phys
    store_be32(h + 32, static_cast<uint32_t>(strings_size_));   // size_dt_strings
    store_be32(h + 36, static_cast<uint32_t>(struct_size));     // size_dt_struct
    return position_;
}

}  // namespace halyard
