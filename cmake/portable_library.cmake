# SPDX-License-Identifier: Apache-2.0
# halyard_portable: the portable sources (src/) compiled against the fake arch
# layer (tests/fake_arch comes first on the include path, so "arch/csr.hpp" is
# the fake). The unit tests and the fuzz harnesses link it.
include(${CMAKE_SOURCE_DIR}/cmake/warnings.cmake)

option(HALYARD_THREAD_SAFETY_ANALYSIS
    "Compile the portable library with clang's -Wthread-safety as errors" OFF)

if(NOT TARGET halyard_portable)
    list(TRANSFORM HALYARD_PORTABLE_SOURCES PREPEND ${CMAKE_SOURCE_DIR}/ OUTPUT_VARIABLE portable)
    add_library(halyard_portable STATIC
        ${portable} ${CMAKE_SOURCE_DIR}/tests/fake_arch/fake_host_console.cpp)
    target_include_directories(halyard_portable PUBLIC
        ${CMAKE_SOURCE_DIR}/tests/fake_arch ${CMAKE_SOURCE_DIR}/include ${CMAKE_SOURCE_DIR}/src)
    # Users (tests, harnesses) get the usual warnings; the library itself the strict set.
    target_compile_options(halyard_portable
        PUBLIC -Wall -Wextra
        PRIVATE ${HALYARD_PORTABLE_WARNINGS})
    # The word-wise copies are built as in the image, without the compiler
    # turning their loops into calls to the host's memcpy/memset (GCC's loop
    # distribution; clang's loop idiom recognition, off with -fno-builtin):
    # the tests must exercise Halyard's loops, not the C library's.
    set_source_files_properties(${CMAKE_SOURCE_DIR}/src/lib/memory_copy.cpp PROPERTIES
        COMPILE_OPTIONS "-fno-builtin;$<$<CXX_COMPILER_ID:GNU>:-fno-tree-loop-distribute-patterns>")
    if(HALYARD_THREAD_SAFETY_ANALYSIS)
        if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
            message(FATAL_ERROR "HALYARD_THREAD_SAFETY_ANALYSIS needs clang")
        endif()
        target_compile_options(halyard_portable PRIVATE -Wthread-safety -Werror=thread-safety)
    endif()
endif()
