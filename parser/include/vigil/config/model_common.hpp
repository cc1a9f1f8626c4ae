// SPDX-License-Identifier: GPL-2.0-or-later
// Model pieces used by several families.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "vigil/config/diagnostic.hpp"
#include "vigil/config/types.hpp"

namespace vigil::config {

/// A script to run: the command line (with its arguments, as written), and the
/// optional user and group to run it as.
struct Script {
  std::string cmd;
  std::string user;
  std::string group;
  SourceLoc loc;  ///< where it was configured (not part of the dump)
  bool operator==(const Script&) const = default;
};

/// Raw words of keywords that vigil parses but does not act on yet.
using RawLines = std::vector<std::vector<std::string>>;

}  // namespace vigil::config
