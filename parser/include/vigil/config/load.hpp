// SPDX-License-Identifier: GPL-2.0-or-later
// Entry points: read a configuration (file or string) into the typed model, with
// every problem as a located diagnostic. Pure apart from the FileSource and the
// host lookups passed in LoadOptions.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "vigil/config/diagnostic.hpp"
#include "vigil/config/model.hpp"
#include "vigil/config/source.hpp"

namespace vigil::config {

struct LoadOptions {
  std::string config_id;  ///< for @ID lines; keepalived defaults to the short host name
  bool strict = false;    ///< unknown keywords are errors, not warnings
  std::function<std::optional<std::string>(const std::string&)> getenv;
  std::uint32_t random_seed = 0;
  std::uint64_t max_generated_lines = 20'000'000;
  /// Whether a network interface exists on this host. When unset, interface
  /// names are not checked (keepalived checks them, so `vigild -t` sets it).
  std::function<bool(const std::string&)> interface_exists;
  /// Host lookups for the other things keepalived checks on the machine: users
  /// and groups (script_user, startup_script, ...) and whether a script's
  /// program exists (an absolute path, or a name found on PATH). Unset means
  /// "not checked"; `vigild -t` sets them all.
  std::function<bool(const std::string&)> user_exists;
  std::function<bool(const std::string&)> group_exists;
  std::function<bool(const std::string&)> script_exists;
};

struct LoadResult {
  Model model;
  Diagnostics diags;
  std::vector<std::string> files;  ///< every file read, main file first
};

LoadResult load_file(const std::string& path, const FileSource& fs, const LoadOptions& opts);
LoadResult load_string(const std::string& text, const std::string& name, const LoadOptions& opts);

}  // namespace vigil::config
