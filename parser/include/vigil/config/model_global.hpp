// SPDX-License-Identifier: GPL-2.0-or-later
// global_defs and the other top-level global blocks.
#pragma once

#include "vigil/config/model_common.hpp"
#include "vigil/config/model_net.hpp"

namespace vigil::config {

struct GlobalDefs {
  std::optional<std::string> router_id;
  RawLines other;
  bool operator==(const GlobalDefs&) const = default;
};

struct GlobalConfig {
  GlobalDefs global_defs;
  std::vector<IpAddressSpec> static_ipaddress;
  std::vector<RouteSpec> static_routes;
  std::vector<RuleSpec> static_rules;
  bool operator==(const GlobalConfig&) const = default;
};

}  // namespace vigil::config
