// SPDX-License-Identifier: GPL-2.0-or-later
// global_defs and the other top-level global keywords.
#include "parse_net.hpp"

namespace vigil::config::detail {

namespace {

const Table<GlobalDefs>& global_defs_table() {
  static const Table<GlobalDefs> t("global_defs", {
                                                      kw_string("router_id", &GlobalDefs::router_id),
                                                      kw_raw("include_check", &GlobalDefs::other),
                                                      kw_raw("random_seed", &GlobalDefs::other),
                                                  });
  return t;
}

}  // namespace

void add_global_keywords(TopTable& top) {
  top.push_back({"global_defs", Shape::Block, [](Ctx& ctx, const Node& n, Model& m) {
                   dispatch(ctx, n, m.global.global_defs, global_defs_table());
                 }});
  top.push_back({"static_ipaddress", Shape::Block, [](Ctx& ctx, const Node& n, Model& m) {
                   parse_ip_address_block(ctx, n, m.global.static_ipaddress);
                 }});
  top.push_back({"static_routes", Shape::Block, [](Ctx& ctx, const Node& n, Model& m) {
                   parse_route_block(ctx, n, m.global.static_routes);
                 }});
  top.push_back({"static_rules", Shape::Block, [](Ctx& ctx, const Node& n, Model& m) {
                   parse_rule_block(ctx, n, m.global.static_rules);
                 }});
}

void validate_global(Ctx&, Model&) {}

}  // namespace vigil::config::detail
