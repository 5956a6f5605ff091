// SPDX-License-Identifier: Apache-2.0
#include "platform/hart_isa.hpp"

#include "console/log.hpp"

namespace halyard {
namespace {

constexpr std::string_view kRv64 = "rv64";
// riscv,isa-base for the only base Halyard runs on, with its NUL: the value
// must be exactly one string.
constexpr std::string_view kRv64iBase{"rv64i", 6};
// What "g" abbreviates, and what "i" in riscv,isa implies (the binding:
// riscv,isa predates the split of these from the base ISA).
constexpr std::string_view kG[] = {"i", "m", "a", "f", "d", "zicsr", "zifencei"};
constexpr std::string_view kImpliedByI[] = {"zicntr", "zicsr", "zifencei", "zihpm"};

std::string_view as_text(std::span<const uint8_t> bytes) {
    return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

bool is_lowercase_letter(char c) {
    return c >= 'a' && c <= 'z';
}

// In riscv,isa after "rv64": the single letters end at the first '_' or at
// the first multi-letter name, which the naming rules let follow the letters
// without '_' (it starts with 's', 'z' or 'x'; an 'h' there is the letter H).
size_t single_letters_end(std::string_view letters) {
    size_t i = 0;
    while (i < letters.size() && letters[i] != '_' && letters[i] != 's' && letters[i] != 'z' &&
           letters[i] != 'x')
        ++i;
    return i;
}

// Calls visit(name) for each name of a NUL-separated list (empty ones skipped).
template <typename Visit>
bool for_each_list_entry(std::string_view list, Visit visit) {
    size_t start = 0;
    while (start < list.size()) {
        size_t end = list.find('\0', start);
        if (end == std::string_view::npos) end = list.size();
        if (end > start && !visit(list.substr(start, end - start))) return false;
        start = end + 1;
    }
    return true;
}

// Multi-letter names of riscv,isa after its single letters.
template <typename Visit>
bool for_each_multi_letter_name(std::string_view text, Visit visit) {
    size_t position = 0;
    while (position < text.size()) {
        if (text[position] == '_') {
            ++position;
            continue;
        }
        size_t end = text.find('_', position);
        if (end == std::string_view::npos) end = text.size();
        if (!visit(text.substr(position, end - position))) return false;
        position = end;
    }
    return true;
}

// What is wrong, as the end of "hart N: <property> ...".
const char* problem_text(HartIsa::Problem problem) {
    using Problem = HartIsa::Problem;
    switch (problem) {
        case Problem::kNone: return "is fine";
        case Problem::kMissing:
            return "is missing, and so are riscv,isa-base and riscv,isa-extensions: the hart's ISA "
                   "is unknown";
        case Problem::kNotTerminated: return "is not NUL-terminated";
        case Problem::kEmpty: return "is empty";
        case Problem::kListWithoutBase: return "comes without riscv,isa-base";
        case Problem::kBaseWithoutList: return "comes without riscv,isa-extensions";
        case Problem::kNotRv64:
            return "does not describe an RV64I hart (Halyard runs on rv64i harts only)";
        case Problem::kNoBaseInteger: return "does not name the base integer extension \"i\"";
        case Problem::kTooManyExtensions: return "lists too many extensions";
    }
    return "is not understood";
}

}  // namespace

HartIsa HartIsa::checked(HartIsa isa) {
    isa.problem_ = Problem::kNone;
    size_t listed = 0;
    const auto count = [&](std::string_view) {
        ++listed;
        return true;
    };
    if (isa.form_ == Form::kExtensionList) {
        (void)for_each_list_entry(isa.text_, count);
    } else {
        const std::string_view rest = isa.text_.substr(kRv64.size());
        const size_t letters_end = single_letters_end(rest);
        for (size_t i = 0; i < letters_end; ++i) listed += is_lowercase_letter(rest[i]) ? 1 : 0;
        (void)for_each_multi_letter_name(rest.substr(letters_end), count);
    }
    isa.listed_ = listed;
    if (listed > kMaxExtensions) {
        isa.problem_ = Problem::kTooManyExtensions;
    } else if (!isa.has("i")) {
        isa.problem_ = Problem::kNoBaseInteger;
    }
    return isa;
}

HartIsa HartIsa::from_isa_string(std::string_view isa) {
    HartIsa result;
    result.form_ = Form::kIsaString;
    result.problem_property_ = "riscv,isa";
    result.text_ = isa;
    if (isa.empty()) {
        result.problem_ = Problem::kEmpty;
        return result;
    }
    if (isa.substr(0, kRv64.size()) != kRv64) {
        result.problem_ = Problem::kNotRv64;
        return result;
    }
    return checked(result);
}

HartIsa HartIsa::from_extension_list(std::string_view extensions) {
    HartIsa result;
    result.form_ = Form::kExtensionList;
    result.problem_property_ = "riscv,isa-extensions";
    result.text_ = extensions;
    if (extensions.empty()) {
        result.problem_ = Problem::kEmpty;
        return result;
    }
    if (extensions.back() != '\0') {
        result.problem_ = Problem::kNotTerminated;
        return result;
    }
    return checked(result);
}

HartIsa HartIsa::from_properties(const FdtProperty& isa_string, const FdtProperty& isa_base,
                                 const FdtProperty& isa_extensions) {
    // The list, when it can be read at all, is authoritative (see the header).
    Problem list_problem = Problem::kNone;
    const char* list_property = "riscv,isa-extensions";
    if (isa_extensions.valid() || isa_base.valid()) {
        const std::string_view base = as_text(isa_base.value);
        if (!isa_base.valid()) {
            list_problem = Problem::kListWithoutBase;
        } else if (!isa_extensions.valid()) {
            list_problem = Problem::kBaseWithoutList;
            list_property = "riscv,isa-base";
        } else if (base.empty() || base.back() != '\0') {
            list_problem = base.empty() ? Problem::kEmpty : Problem::kNotTerminated;
            list_property = "riscv,isa-base";
        } else {
            HartIsa list = from_extension_list(as_text(isa_extensions.value));
            if (list.problem_ == Problem::kEmpty || list.problem_ == Problem::kNotTerminated) {
                list_problem = list.problem_;
            } else if (base != kRv64iBase) {
                // A readable base that is not rv64i: the hart is no RV64I hart.
                list.problem_ = Problem::kNotRv64;
                list.problem_property_ = "riscv,isa-base";
                return list;
            } else {
                return list;
            }
        }
    }
    if (isa_string.valid()) {
        const std::string_view value = as_text(isa_string.value);
        HartIsa string;
        if (value.empty() || value.back() != '\0') {
            string.form_ = Form::kIsaString;
            string.problem_ = value.empty() ? Problem::kEmpty : Problem::kNotTerminated;
            string.problem_property_ = "riscv,isa";
        } else {
            // One string: what comes after an inner NUL is not part of it.
            string = from_isa_string(isa_string.string());
        }
        string.ignored_list_problem_ = list_problem;
        string.ignored_list_property_ = list_property;
        return string;
    }
    HartIsa missing;
    if (list_problem != Problem::kNone) {
        missing.form_ = Form::kExtensionList;
        missing.problem_ = list_problem;
        missing.problem_property_ = list_property;
    }
    return missing;
}

bool HartIsa::walk(Visitor visit, void* context) const {
    if (!usable()) return true;
    const auto forward = [&](std::string_view name) { return visit(context, name); };
    if (form_ == Form::kExtensionList) return for_each_list_entry(text_, forward);
    if (form_ != Form::kIsaString) return true;
    const std::string_view rest = text_.substr(kRv64.size());
    const size_t letters_end = single_letters_end(rest);
    bool base_integer = false;
    for (size_t i = 0; i < letters_end; ++i) {
        const char letter = rest[i];
        if (letter == 'g') {
            for (std::string_view name : kG)
                if (!forward(name)) return false;
            base_integer = true;
        } else if (is_lowercase_letter(letter)) {
            // Anything else (a digit of a version number, an uppercase or
            // non-ASCII byte) names nothing.
            if (!forward(rest.substr(i, 1))) return false;
            base_integer = base_integer || letter == 'i';
        }
    }
    if (base_integer) {
        for (std::string_view name : kImpliedByI)
            if (!forward(name)) return false;
    }
    return for_each_multi_letter_name(rest.substr(letters_end), forward);
}

bool HartIsa::has(std::string_view extension) const {
    if (extension.empty()) return false;
    bool found = false;
    for_each_extension([&](std::string_view name) {
        found = name == extension;
        return !found;
    });
    return found;
}

void log_hart_isa_problem(const char* context, uint64_t hart_id, const HartIsa& isa) {
    const bool with_context = context != nullptr && context[0] != '\0';
    const char* separator = with_context ? ": " : "";
    if (!with_context) context = "";
    const auto id = static_cast<unsigned long long>(hart_id);
    if (isa.problem() == HartIsa::Problem::kTooManyExtensions) {
        log("error: %s%shart %llu: its %s lists %zu extensions, more than Halyard's limit of %zu",
            context, separator, id, isa.problem_property(), isa.listed_extensions(),
            HartIsa::kMaxExtensions);
        return;
    }
    log("error: %s%shart %llu: its %s %s", context, separator, id, isa.problem_property(),
        problem_text(isa.problem()));
}

void log_hart_isa_notes(uint64_t hart_id, const HartIsa& isa) {
    if (isa.ignored_list_problem() == HartIsa::Problem::kNone) return;
    log("note: hart %llu: its %s %s; Halyard reads its riscv,isa instead",
        static_cast<unsigned long long>(hart_id), isa.ignored_list_property(),
        problem_text(isa.ignored_list_problem()));
}

}  // namespace halyard
