// SPDX-License-Identifier: MIT
// Must NOT compile: core may not depend on runtime (DESIGN.md). Built only by a WILL_FAIL test.
#include "runtime/task.hpp"
