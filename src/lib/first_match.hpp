// SPDX-License-Identifier: Apache-2.0
#pragma once
// Dispatch over a compile-time list of types (the SBI extensions, a VM's
// devices): a chain of inlined tests ending in one call, with no table of
// function pointers.

namespace halyard {

// on_match.template operator()<T>() for the first T of Types (in order) for
// which matches.template operator()<T>() holds, or on_none() if none does.
// Every branch must return the same type.
template <typename First, typename... Rest, typename Matches, typename OnMatch, typename OnNone>
[[gnu::always_inline]] inline auto visit_first_match(Matches& matches, OnMatch& on_match,
                                                     OnNone& on_none) {
    if (matches.template operator()<First>()) return on_match.template operator()<First>();
    if constexpr (sizeof...(Rest) == 0) {
        return on_none();
    } else {
        return visit_first_match<Rest...>(matches, on_match, on_none);
    }
}

}  // namespace halyard
