// SPDX-License-Identifier: GPL-2.0-or-later
// bfd_instance blocks.
#pragma once

#include "vigil/config/model_common.hpp"

namespace vigil::config {

struct BfdInstance {
  std::string name;
  SourceLoc loc;
  std::optional<IpAddress> neighbor_ip;
  bool operator==(const BfdInstance&) const = default;
};

struct BfdConfig {
  std::vector<BfdInstance> bfd_instance;
  bool operator==(const BfdConfig&) const = default;
};

}  // namespace vigil::config
