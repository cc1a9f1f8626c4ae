// SPDX-License-Identifier: GPL-2.0-or-later
// Helpers for asserting on a load's diagnostics in parser tests.
#pragma once

#include <string>

#include "vigil/config/load.hpp"

namespace vigil::test {

/// Every diagnostic as "file:line:col: severity: message", one per line.
inline std::string diags(const config::LoadResult& r) {
  std::string out;
  for (const auto& d : r.diags.all()) {
    out += config::format(d) + "\n";
  }
  return out;
}

/// Every diagnostic as "line:col: severity: message" (no file), one per line.
inline std::string located(const config::LoadResult& r) {
  std::string out;
  for (const auto& d : r.diags.all()) {
    out += std::to_string(d.loc.line) + ":" + std::to_string(d.loc.col) + ": " +
           config::severity_name(d.severity) + ": " + d.message + "\n";
  }
  return out;
}

/// Whether some diagnostic contains `needle` (with or without its file name).
inline bool has(const config::LoadResult& r, const std::string& needle) {
  return diags(r).find(needle) != std::string::npos;
}

}  // namespace vigil::test
