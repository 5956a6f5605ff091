// SPDX-License-Identifier: Apache-2.0
#include "fdt/fdt.hpp"

namespace halyard {

uint32_t load_be32(const uint8_t* p) {
    return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}

uint64_t load_be64(const uint8_t* p) {
    return (uint64_t{load_be32(p)} << 32) | load_be32(p + 4);
}

uint32_t FdtProperty::u32(size_t index) const {
    if (value.size() < (index + 1) * 4) return 0;
    return load_be32(value.data() + index * 4);
}

uint64_t FdtProperty::cells(size_t first, unsigned count) const {
    if (count > 2) return 0;  // no number of more than 64 bits (and no loop of 2^32 cells)
    uint64_t result = 0;
    for (unsigned i = 0; i < count; ++i) result = (result << 32) | u32(first + i);
    return result;
}

std::string_view FdtProperty::string() const {
    if (value.empty()) return {};
    size_t length = 0;
    while (length < value.size() && value[length] != 0) ++length;
    return {reinterpret_cast<const char*>(value.data()), length};
}

bool FdtProperty::contains_string(std::string_view s) const {
    size_t start = 0;
    while (start < value.size()) {
        size_t end = start;
        while (end < value.size() && value[end] != 0) ++end;
        if (std::string_view(reinterpret_cast<const char*>(value.data() + start), end - start) == s)
            return true;
        start = end + 1;
    }
    return false;
}

Fdt Fdt::from(const void* blob, size_t max_size) {
    Fdt fdt;
    if (blob == nullptr) return fdt;
    auto* header = static_cast<const uint8_t*>(blob);
    if (max_size < 40 || load_be32(header) != kMagic) return fdt;
    uint32_t total = load_be32(header + 4);
    uint32_t off_struct = load_be32(header + 8);
    uint32_t off_strings = load_be32(header + 12);
    uint32_t off_reserve_map = load_be32(header + 16);
    uint32_t version = load_be32(header + 20);
    uint32_t size_strings = load_be32(header + 32);
    uint32_t size_struct = load_be32(header + 36);
    if (version < 17 || total > max_size || total < 40) return fdt;
    if (off_struct > total || size_struct > total - off_struct) return fdt;
    if (off_strings > total || size_strings > total - off_strings) return fdt;
    if (size_struct < 8 || load_be32(header + off_struct) != kBeginNode) return fdt;
    // The memory reservation map: 8-byte aligned, room for its terminating entry.
    if (off_reserve_map % 8 != 0 || off_reserve_map > total - 16) return fdt;
    fdt.base_ = header;
    fdt.total_size_ = total;
    fdt.structs_ = header + off_struct;
    fdt.struct_size_ = size_struct;
    fdt.strings_ = reinterpret_cast<const char*>(header + off_strings);
    fdt.strings_size_ = size_strings;
    if (!fdt.structure_is_sound()) return Fdt{};
    return fdt;
}

// One walk over the structure block; afterwards next_token() never stops
// early on a tree that from() accepted.
bool Fdt::structure_is_sound() const {
    unsigned depth = 0;
    bool root_closed = false;
    uint64_t offset = 0;
    while (in_structs(offset, 4)) {
        const auto at = static_cast<uint32_t>(offset);
        uint64_t next = offset + 4;
        switch (load_be32(structs_ + at)) {
            case kBeginNode:
                if (root_closed || depth == kMaxDepth || !node_name_end(at, next)) return false;
                ++depth;
                break;
            case kEndNode:
                if (depth == 0) return false;
                root_closed = --depth == 0;
                break;
            case kProp: {
                FdtProperty property;
                if (depth == 0 || !property_at(at, property, next) || !property.valid())
                    return false;
                break;
            }
            case kNop: break;
            case kEndToken: return root_closed;
            default: return false;
        }
        offset = next;
    }
    return false;  // no FDT_END inside the block
}

uint32_t Fdt::token_at(uint32_t offset) const {
    if (offset == kEnd || !in_structs(offset, 4)) return kEndToken;
    return load_be32(structs_ + offset);
}

std::string_view Fdt::string_at(uint32_t offset) const {
    if (offset >= strings_size_) return {};
    size_t length = 0;
    while (offset + length < strings_size_ && strings_[offset + length] != '\0') ++length;
    if (offset + length == strings_size_) return {};  // runs off the strings block
    return {strings_ + offset, length};
}

bool Fdt::node_name_end(uint32_t offset, uint64_t& next) const {
    if (!in_structs(offset, 4)) return false;
    uint64_t end = uint64_t{offset} + 4;
    while (end < struct_size_ && structs_[end] != 0) ++end;
    if (end == struct_size_) return false;
    next = (end + 1 + 3) & ~uint64_t{3};
    return true;
}

bool Fdt::property_at(uint32_t offset, FdtProperty& out, uint64_t& next) const {
    if (!in_structs(offset, 12)) return false;  // token, length, name offset
    const uint32_t length = load_be32(structs_ + offset + 4);
    const uint64_t value = uint64_t{offset} + 12;
    if (!in_structs(value, length)) return false;
    out = FdtProperty{string_at(load_be32(structs_ + offset + 8)), {structs_ + value, length}};
    next = (value + length + 3) & ~uint64_t{3};
    return true;
}

// Offset of the token after the one at `offset` (skipping a node's name or a
// property's header and value), or kEnd at FDT_END or on malformed input.
uint32_t Fdt::next_token(uint32_t offset) const {
    uint64_t next = uint64_t{offset} + 4;
    switch (token_at(offset)) {
        case kBeginNode:
            if (!node_name_end(offset, next)) return kEnd;
            break;
        case kProp: {
            FdtProperty property;
            if (!property_at(offset, property, next)) return kEnd;
            break;
        }
        case kEndNode:
        case kNop: break;
        default: return kEnd;
    }
    return next < struct_size_ ? static_cast<uint32_t>(next) : kEnd;
}

uint32_t Fdt::skip_to_children(uint32_t begin_offset) const {
    uint32_t offset = next_token(begin_offset);
    while (offset != kEnd && (token_at(offset) == kProp || token_at(offset) == kNop))
        offset = next_token(offset);
    return offset;
}

std::string_view Fdt::name(FdtNode node) const {
    uint64_t end = 0;
    if (token_at(node.offset) != kBeginNode || !node_name_end(node.offset, end)) return {};
    // node_name_end found its NUL inside the block.
    return std::string_view(reinterpret_cast<const char*>(structs_ + node.offset + 4));
}

FdtProperty Fdt::property(FdtNode node, std::string_view wanted) const {
    FdtProperty found;
    for_each_property(node, [&](const FdtProperty& property) {
        if (property.name == wanted) found = property;
        return !found.valid();
    });
    return found;
}

bool Fdt::is_compatible(FdtNode node, std::string_view compatible) const {
    return property(node, "compatible").contains_string(compatible);
}

bool Fdt::find(std::string_view path, FdtNode& out) const {
    if (!valid() || path.empty() || path[0] != '/') return false;
    FdtNode current = root();
    size_t position = 1;
    while (position < path.size()) {
        size_t slash = path.find('/', position);
        if (slash == std::string_view::npos) slash = path.size();
        std::string_view component = path.substr(position, slash - position);
        position = slash + 1;
        if (component.empty()) continue;
        bool found = false;
        for_each_child(current, [&](FdtNode child) {
            std::string_view child_name = name(child);
            bool match = child_name == component;
            if (!match && component.find('@') == std::string_view::npos) {
                size_t at = child_name.find('@');
                match = at != std::string_view::npos && child_name.substr(0, at) == component;
            }
            if (match) {
                current = child;
                found = true;
            }
            return !found;
        });
        if (!found) return false;
    }
    out = current;
    return true;
}

bool Fdt::parent(FdtNode child, FdtNode& out) const {
    // Walk from the root keeping the chain of open nodes.
    uint32_t open[kMaxDepth];
    unsigned depth = 0;
    for (uint32_t offset = 0; offset != kEnd; offset = next_token(offset)) {
        uint32_t token = token_at(offset);
        if (token == kBeginNode) {
            if (offset == child.offset) {
                if (depth == 0) return false;
                out = FdtNode{open[depth - 1]};
                return true;
            }
            if (depth == kMaxDepth) return false;
            open[depth++] = offset;
        } else if (token == kEndNode) {
            if (depth == 0) return false;
            --depth;
        }
    }
    return false;
}

bool Fdt::find_by_phandle(uint32_t handle, FdtNode& out) const {
    bool found = false;
    for_each_node([&](FdtNode node) {
        FdtProperty p = property(node, "phandle");
        if (p.valid() && p.u32() == handle) {
            out = node;
            found = true;
        }
        return !found;
    });
    return found;
}

}  // namespace halyard
