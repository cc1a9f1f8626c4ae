// SPDX-License-Identifier: GPL-2.0-or-later
// PLACEHOLDER until wip/core merges (same declarations).
#pragma once

#include <vector>

#include "vigil/ipvs/table.hpp"

namespace vigil::ipvs {
std::vector<Op> diff(const Table& current, const Table& desired);
}  // namespace vigil::ipvs
