// SPDX-License-Identifier: GPL-2.0-or-later
// Addresses, routes and rules as written in static_ipaddress / virtual_ipaddress,
// static_routes / virtual_routes and static_rules / virtual_rules (the `ip addr`,
// `ip route` and `ip rule` syntax keepalived accepts).
#pragma once

#include "vigil/config/model_common.hpp"

namespace vigil::config {

/// One line of static_ipaddress / virtual_ipaddress(_excluded).
struct IpAddressSpec {
  SourceLoc loc;
  Prefix address;
  bool operator==(const IpAddressSpec&) const = default;
};

/// One line of static_routes / virtual_routes.
struct RouteSpec {
  SourceLoc loc;
  std::vector<std::string> words;
  bool operator==(const RouteSpec&) const = default;
};

/// One line of static_rules / virtual_rules.
struct RuleSpec {
  SourceLoc loc;
  std::vector<std::string> words;
  bool operator==(const RuleSpec&) const = default;
};

}  // namespace vigil::config
