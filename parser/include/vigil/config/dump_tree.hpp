// SPDX-License-Identifier: GPL-2.0-or-later
// The normalized model as a JSON tree (what dump_json() prints), for code that
// compares models rather than printing them: building the tree once and looking
// blocks up in it is far cheaper than printing and parsing a dump per block.
#pragma once

#include <nlohmann/json.hpp>

#include "vigil/config/model.hpp"

namespace vigil::config {

/// Top-level keys are the sections ("global_defs", "vrrp_instance", ...); named
/// blocks are objects keyed by their names.
nlohmann::json dump_tree(const Model& m);
/// The same for the vrrp blocks alone: dump_tree(m) minus the other sections.
nlohmann::json dump_tree(const VrrpConfig& v);
/// The same for the global blocks alone.
nlohmann::json dump_tree(const GlobalConfig& g);

}  // namespace vigil::config
