// SPDX-License-Identifier: MIT
// Must NOT compile: core may not depend on link (DESIGN.md). Built only by a WILL_FAIL test.
#include "link/device.hpp"
