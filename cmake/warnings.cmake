# SPDX-License-Identifier: Apache-2.0
# The warnings the portable sources (src/) must compile without, on the host
# with GCC and with clang. -Werror: a new warning fails the build instead of
# scrolling past.
set(HALYARD_PORTABLE_WARNINGS
    -Wall -Wextra -Wshadow -Wconversion -Wold-style-cast -Werror)
