// SPDX-License-Identifier: GPL-2.0-or-later
// The normalized model as stable JSON (keys sorted, defaults filled in), and a
// keepalived.conf-style text rendering of the same tree for `--dump-conf`.
#pragma once

#include <string>

#include "vigil/config/model.hpp"

namespace vigil::config {

std::string dump_json(const Model& m);
std::string dump_text(const Model& m);

}  // namespace vigil::config
