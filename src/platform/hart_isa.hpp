// SPDX-License-Identifier: Apache-2.0
#pragma once
// What one host hart implements, as its device-tree node says, in either of
// the two forms the RISC-V bindings define (Linux,
// Documentation/devicetree/bindings/riscv/{cpus,extensions}.yaml):
//
//   riscv,isa-base = "rv64i" and riscv,isa-extensions = "i", "m", ..., "h",
//     "zicbom", ...: the current form, one name per string;
//   riscv,isa = "rv64imafdch_zicbom_...": the older single string, now
//     deprecated. Its "i" implies zicntr, zicsr, zifencei and zihpm (the
//     string predates their split from the base ISA) and a "g" stands for
//     "imafd" plus zicsr and zifencei.
//
// A hart may carry either form or both (QEMU 10 writes both, QEMU 7.2 only
// the string). When both are there the list is authoritative: the binding
// deprecates riscv,isa in its favour and Linux reads the list first, so a
// guest OS on the same board would believe the list. The string is used
// instead only when the list cannot be read at all (it is empty, not
// NUL-terminated, or riscv,isa-base is missing), as Linux falls back too.
//
// Every question "does this hart have extension X" goes through has(), so it
// gets the same answer whichever form the firmware wrote. A HartIsa views the
// host DT's bytes and copies nothing; every byte of them is hostile input:
// names are matched exactly (the bindings allow lowercase only, so "H" or a
// non-ASCII byte is simply an unknown name), empty names and duplicates are
// harmless, and a description of more than capacity::kHostIsaExtensions
// names is refused. That limit does not bound the bytes walked (separators and
// empty names are not counted): each has() walks the whole property, which is
// linear in the DT's size and asked only a few times per hart and per VM.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "fdt/fdt.hpp"
#include "lib/capacity.hpp"

namespace halyard {

class HartIsa {
  public:
    static constexpr size_t kMaxExtensions = capacity::kHostIsaExtensions;

    enum class Form : uint8_t {
        kNone,           // nothing usable (see problem())
        kIsaString,      // riscv,isa
        kExtensionList,  // riscv,isa-base + riscv,isa-extensions
    };

    // Why the hart's ISA cannot be used; kNone when it can.
    enum class Problem : uint8_t {
        kNone,
        kMissing,            // neither form is present
        kNotTerminated,      // a string (list) whose last byte is not NUL
        kEmpty,              // a property without a value
        kListWithoutBase,    // riscv,isa-extensions without riscv,isa-base
        kBaseWithoutList,    // riscv,isa-base without riscv,isa-extensions
        kNotRv64,            // riscv,isa-base is not "rv64i", or riscv,isa not "rv64..."
        kNoBaseInteger,      // the description never names "i" (or "g")
        kTooManyExtensions,  // more than kMaxExtensions names
    };

    HartIsa() = default;

    // From a cpu node's properties (each may be absent: !valid()).
    static HartIsa from_properties(const FdtProperty& isa_string, const FdtProperty& isa_base,
                                   const FdtProperty& isa_extensions);
    // From text that is known to be one string / one string list (tests, and
    // Halyard's own descriptions). `extensions` holds NUL-terminated names.
    static HartIsa from_isa_string(std::string_view isa);
    static HartIsa from_extension_list(std::string_view extensions);

    bool usable() const { return problem_ == Problem::kNone; }
    Form form() const { return form_; }
    Problem problem() const { return problem_; }
    // The property the problem is about ("riscv,isa", ...), for messages.
    const char* problem_property() const { return problem_property_; }
    // The riscv,isa text when that is the form used (empty otherwise), for
    // messages: a view into the host DT, to be printed with care.
    std::string_view isa_string() const { return form_ == Form::kIsaString ? text_ : ""; }
    // Names the description lists (letters of riscv,isa count one each;
    // duplicates count; implied ones do not), counted even when too many.
    size_t listed_extensions() const { return listed_; }
    // When the list was present but unreadable and the string was used: why.
    Problem ignored_list_problem() const { return ignored_list_problem_; }
    const char* ignored_list_property() const { return ignored_list_property_; }

    // Whether the hart implements `extension`, a lowercase name: "h", "i",
    // "sstc", "zicbom". False for every name when !usable().
    bool has(std::string_view extension) const;

    // Calls visit(name) for every extension the hart implements, implied ones
    // included, in the description's order (a name may come more than once);
    // visit returns false to stop. Nothing when !usable().
    template <typename Visit>
    void for_each_extension(Visit visit) const {
        walk(&call_visit<Visit>, &visit);
    }

  private:
    using Visitor = bool (*)(void* context, std::string_view name);
    template <typename Visit>
    static bool call_visit(void* context, std::string_view name) {
        return (*static_cast<Visit*>(context))(name);
    }
    // Every name of the chosen form (false if visit stopped the walk).
    bool walk(Visitor visit, void* context) const;
    static HartIsa checked(HartIsa isa);

    Form form_ = Form::kNone;
    Problem problem_ = Problem::kMissing;
    Problem ignored_list_problem_ = Problem::kNone;
    const char* problem_property_ = "riscv,isa";
    const char* ignored_list_property_ = "riscv,isa-extensions";
    size_t listed_ = 0;
    std::string_view text_;  // riscv,isa without its NUL, or the list with its NULs
};

// One line (with "error: <context>: hart N: ..." or a note for an ignored
// list) saying what is wrong with a hart's ISA description.
void log_hart_isa_problem(const char* context, uint64_t hart_id, const HartIsa& isa);
void log_hart_isa_notes(uint64_t hart_id, const HartIsa& isa);

}  // namespace halyard
