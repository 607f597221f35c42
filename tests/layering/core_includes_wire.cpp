// SPDX-License-Identifier: MIT
// Must compile: core may depend on wire and base. The control for the WILL_FAIL tests.
#include "base/bytes.hpp"
#include "wire/checksum.hpp"
