// SPDX-License-Identifier: MIT
// placeholder replaced by the wire layer
#pragma once
