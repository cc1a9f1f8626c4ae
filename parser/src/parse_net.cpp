// SPDX-License-Identifier: GPL-2.0-or-later
#include "parse_net.hpp"

#include "vigil/runtime/text.hpp"

namespace vigil::config::detail {

std::optional<IpAddressSpec> parse_ip_address_line(Ctx& ctx, const Node& n) {
  auto p = Prefix::parse(n.keyword.text);
  if (!p) {
    ctx.error(n.keyword,
              fmt::format("'{}' is not an IP address or prefix", text::printable(n.keyword.text)));
    return std::nullopt;
  }
  return IpAddressSpec{ctx.loc(n), *p};
}

std::optional<RouteSpec> parse_route_line(Ctx& ctx, const Node& n) {
  RouteSpec r{ctx.loc(n), {n.keyword.text}};
  for (const auto& a : n.args) {
    r.words.push_back(a.text);
  }
  return r;
}

std::optional<RuleSpec> parse_rule_line(Ctx& ctx, const Node& n) {
  RuleSpec r{ctx.loc(n), {n.keyword.text}};
  for (const auto& a : n.args) {
    r.words.push_back(a.text);
  }
  return r;
}

void parse_ip_address_block(Ctx& ctx, const Node& block, std::vector<IpAddressSpec>& out) {
  for (const auto& c : block.children) {
    if (c.has_block) {
      ctx.error(c.keyword, "an address line does not take a { } block");
      continue;
    }
    if (auto v = parse_ip_address_line(ctx, c)) {
      out.push_back(std::move(*v));
    }
  }
}

void parse_route_block(Ctx& ctx, const Node& block, std::vector<RouteSpec>& out) {
  for (const auto& c : block.children) {
    if (auto v = parse_route_line(ctx, c)) {
      out.push_back(std::move(*v));
    }
  }
}

void parse_rule_block(Ctx& ctx, const Node& block, std::vector<RuleSpec>& out) {
  for (const auto& c : block.children) {
    if (auto v = parse_rule_line(ctx, c)) {
      out.push_back(std::move(*v));
    }
  }
}

}  // namespace vigil::config::detail
