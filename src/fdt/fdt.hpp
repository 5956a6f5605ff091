// SPDX-License-Identifier: Apache-2.0
#pragma once
// Read-only access to a flattened device tree (devicetree specification,
// "Flattened Devicetree (DTB) Format"): the host's DT from the firmware and
// the VM bundle that tools/run builds.
//
// Both are hostile input. Fdt::from() checks the header and walks the whole
// structure block once: every token, node name, property header, value and
// name string must lie inside its block, nodes must balance and nest at most
// kMaxDepth deep, and FDT_END must follow the root. A blob that fails any of
// these is refused as a whole. Every accessor still bounds each read on its
// own (a caller may pass any FdtNode), computing offsets in 64 bits.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "lib/capacity.hpp"

namespace halyard {

struct FdtNode {
    uint32_t offset;  // of the FDT_BEGIN_NODE token in the structure block
};

struct FdtProperty {
    std::string_view name;
    std::span<const uint8_t> value;

    bool valid() const { return name.data() != nullptr; }
    uint32_t u32(size_t index = 0) const;                // big-endian cell at index
    uint64_t cells(size_t first, unsigned count) const;  // 1 or 2 cells as one number (else 0)
    uint64_t u64() const { return value.size() >= 8 ? cells(0, 2) : u32(); }
    std::string_view string() const;                 // first string of a stringlist
    bool contains_string(std::string_view s) const;  // stringlist membership
};

class Fdt {
  public:
    static constexpr uint32_t kMagic = 0xD00DFEED;
    static constexpr unsigned kMaxDepth =
        capacity::kFdtDepth;  // nesting of nodes, the root being depth 1

    // Checks the header; returns an invalid Fdt (valid() == false) on garbage.
    static Fdt from(const void* blob, size_t max_size = 0x10000000);

    bool valid() const { return base_ != nullptr; }
    const uint8_t* data() const { return base_; }
    uint32_t total_size() const { return total_size_; }

    FdtNode root() const { return FdtNode{0}; }
    // A node by absolute path; a path component without "@unit" matches the
    // first node of that name with any unit address.
    bool find(std::string_view path, FdtNode& out) const;
    std::string_view name(FdtNode node) const;
    FdtProperty property(FdtNode node, std::string_view name) const;
    bool is_compatible(FdtNode node, std::string_view compatible) const;
    // Node holding the property "phandle" = handle.
    bool find_by_phandle(uint32_t handle, FdtNode& out) const;
    // The node that contains `child` (false for the root).
    bool parent(FdtNode child, FdtNode& out) const;

    // Calls visit(child) for every direct child; visit returns false to stop.
    template <typename Visit>
    void for_each_child(FdtNode node, Visit visit) const {
        uint32_t offset = skip_to_children(node.offset);
        int depth = 0;
        while (offset != kEnd) {
            uint32_t token = token_at(offset);
            if (token == kBeginNode) {
                if (depth == 0 && !visit(FdtNode{offset})) return;
                ++depth;
            } else if (token == kEndNode) {
                if (depth == 0) return;
                --depth;
            }
            offset = next_token(offset);
        }
    }

    // Calls visit(property) for every property of `node` in order; visit
    // returns false to stop.
    template <typename Visit>
    void for_each_property(FdtNode node, Visit visit) const {
        if (token_at(node.offset) != kBeginNode) return;
        for (uint32_t offset = next_token(node.offset); offset != kEnd;
             offset = next_token(offset)) {
            const uint32_t token = token_at(offset);
            if (token == kNop) continue;
            FdtProperty property;
            uint64_t next = 0;
            if (token != kProp || !property_at(offset, property, next)) return;
            if (property.valid() && !visit(property)) return;
        }
    }

    // Every node of the tree in order (depth-first).
    template <typename Visit>
    void for_each_node(Visit visit) const {
        for (uint32_t offset = 0; offset != kEnd; offset = next_token(offset)) {
            if (token_at(offset) == kBeginNode && !visit(FdtNode{offset})) return;
        }
    }

  private:
    static constexpr uint32_t kBeginNode = 1, kEndNode = 2, kProp = 3, kNop = 4, kEndToken = 9;
    static constexpr uint32_t kEnd = 0xFFFFFFFF;

    // Whether [offset, offset + length) lies inside the structure block.
    bool in_structs(uint64_t offset, uint64_t length) const {
        return offset <= struct_size_ && length <= struct_size_ - offset;
    }
    uint32_t token_at(uint32_t offset) const;
    uint32_t next_token(uint32_t offset) const;  // kEnd after the last token
    uint32_t skip_to_children(uint32_t begin_offset) const;
    // The property whose FDT_PROP token is at `offset`; false (and `out`
    // untouched) if its header or value leaves the block. `next` is the
    // offset after its value, rounded up to a token.
    bool property_at(uint32_t offset, FdtProperty& out, uint64_t& next) const;
    // Offset after the NUL ending the name of the node at `offset`, rounded up
    // to a token; false if the name is not terminated inside the block.
    bool node_name_end(uint32_t offset, uint64_t& next) const;
    std::string_view string_at(uint32_t offset) const;  // {} unless NUL-terminated in the block
    bool structure_is_sound() const;

    const uint8_t* base_ = nullptr;
    const uint8_t* structs_ = nullptr;
    uint32_t struct_size_ = 0;
    const char* strings_ = nullptr;
    uint32_t strings_size_ = 0;
    uint32_t total_size_ = 0;
};

uint32_t load_be32(const uint8_t* p);
uint64_t load_be64(const uint8_t* p);

}  // namespace halyard
