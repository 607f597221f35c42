// SPDX-License-Identifier: MIT
// fuzz/wire: shared helpers for the wire fuzz targets: a crash that libFuzzer reports when an
// emit/parse round trip is not the identity.
#pragma once

#include <cstdio>
#include <cstdlib>

/// Aborts (a libFuzzer finding) with a message if cond is false.
#define NETRIG_FUZZ_CHECK(cond)                                                        \
    do {                                                                               \
        if (!(cond)) {                                                                 \
            std::fprintf(stderr, "round trip broken: %s (%s:%d)\n", #cond, __FILE__,   \
                         __LINE__);                                                    \
            std::abort();                                                              \
        }                                                                              \
    } while (false)
