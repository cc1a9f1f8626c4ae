// SPDX-License-Identifier: GPL-2.0-or-later
// Parsers for the `ip addr` / `ip route` / `ip rule` style lines shared by the
// static_* blocks (global family) and the virtual_* blocks (vrrp family).
#pragma once

#include "parse_util.hpp"

namespace vigil::config::detail {

/// One line of static_ipaddress / virtual_ipaddress(_excluded): the keyword
/// token is the address, the args are the options (dev, scope, label, ...).
std::optional<IpAddressSpec> parse_ip_address_line(Ctx& ctx, const Node& n);
/// One line of static_routes / virtual_routes.
std::optional<RouteSpec> parse_route_line(Ctx& ctx, const Node& n);
/// One line of static_rules / virtual_rules.
std::optional<RuleSpec> parse_rule_line(Ctx& ctx, const Node& n);

/// Runs a whole address/route/rule block into `out`.
void parse_ip_address_block(Ctx& ctx, const Node& block, std::vector<IpAddressSpec>& out);
void parse_route_block(Ctx& ctx, const Node& block, std::vector<RouteSpec>& out);
void parse_rule_block(Ctx& ctx, const Node& block, std::vector<RuleSpec>& out);

}  // namespace vigil::config::detail
