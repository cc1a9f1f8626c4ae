// SPDX-License-Identifier: GPL-2.0-or-later
// Parsers for the `ip addr` / `ip route` / `ip rule` style lines shared by the
// static_* blocks (global family) and the virtual_* blocks (vrrp family).
#pragma once

#include "parse_util.hpp"

namespace vigil::config::detail {

/// Which block a line is in: static_* lines may name a track_group, and
/// virtual_ipaddress lines may say use_vmac.
enum class NetContext { Static, Virtual };

/// One line of static_ipaddress / virtual_ipaddress(_excluded): the keyword
/// token is the address, the args are the options (dev, scope, label, ...).
/// The two-argument forms parse a virtual_* line.
std::optional<IpAddressSpec> parse_ip_address_line(Ctx& ctx, const Node& n);
std::optional<IpAddressSpec> parse_ip_address_line(Ctx& ctx, const Node& n, NetContext where);
/// One line of static_routes / virtual_routes.
std::optional<RouteSpec> parse_route_line(Ctx& ctx, const Node& n);
std::optional<RouteSpec> parse_route_line(Ctx& ctx, const Node& n, NetContext where);
/// One line of static_rules / virtual_rules.
std::optional<RuleSpec> parse_rule_line(Ctx& ctx, const Node& n);
std::optional<RuleSpec> parse_rule_line(Ctx& ctx, const Node& n, NetContext where);

/// Runs a whole address/route/rule block into `out` (virtual_* blocks unless
/// `where` says Static).
void parse_ip_address_block(Ctx& ctx, const Node& block, std::vector<IpAddressSpec>& out,
                            NetContext where = NetContext::Virtual);
void parse_route_block(Ctx& ctx, const Node& block, std::vector<RouteSpec>& out,
                       NetContext where = NetContext::Virtual);
void parse_rule_block(Ctx& ctx, const Node& block, std::vector<RuleSpec>& out,
                      NetContext where = NetContext::Virtual);

/// Well-known names of rtnetlink values, for parsing and printing.
std::optional<std::uint8_t> parse_scope(std::string_view s);
std::string scope_name(std::uint8_t scope);
std::optional<std::uint32_t> parse_table(std::string_view s);
std::string table_name(std::uint32_t table);

}  // namespace vigil::config::detail
