// SPDX-License-Identifier: GPL-2.0-or-later
// LVS family: virtual_server_group, virtual_server, real_server, SSL.
#include "parse_checkers.hpp"

namespace vigil::config::detail {

namespace {

const Table<RealServer>& real_server_table() {
  static const Table<RealServer> t("real_server",
                                   {
                                       kw_int("weight", &RealServer::weight, 0, 65535),
                                   });
  return t;
}

const Table<VirtualServer>& virtual_server_table() {
  static const Table<VirtualServer> t(
      "virtual_server",
      {
          kw_string("lb_algo", &VirtualServer::lb_algo),
          {"real_server", Shape::Block,
           [](Ctx& ctx, const Node& n, VirtualServer& vs) {
             if (!need_args(ctx, n, 1, 2)) {
               return;
             }
             RealServer rs;
             rs.loc = ctx.loc(n);
             if (auto ip = get_ip(ctx, n, 0)) {
               rs.ip = *ip;
             } else {
               return;
             }
             if (n.args.size() > 1) {
               rs.port = get_port(ctx, n, 1);
             }
             for (const auto& c : n.children) {
               if (is_checker_keyword(c.keyword.text)) {
                 parse_checker(ctx, c, rs.checkers);
               }
             }
             Node rest = n;
             std::erase_if(rest.children,
                           [](const Node& c) { return is_checker_keyword(c.keyword.text); });
             dispatch(ctx, rest, rs, real_server_table());
             vs.real_servers.push_back(std::move(rs));
           }},
      });
  return t;
}

}  // namespace

void add_lvs_keywords(TopTable& top) {
  top.push_back({"virtual_server", Shape::Block, [](Ctx& ctx, const Node& n, Model& m) {
                   if (!need_args(ctx, n, 1, 2)) {
                     return;
                   }
                   VirtualServer vs;
                   vs.loc = ctx.loc(n);
                   if (n.args[0].is("fwmark")) {
                     if (auto v = get_int(ctx, n, 1, 1, UINT32_MAX)) {
                       vs.fwmark = static_cast<std::uint32_t>(*v);
                     }
                   } else if (n.args[0].is("group")) {
                     if (need_args(ctx, n, 2, 2)) {
                       vs.group = n.args[1].text;
                     }
                   } else {
                     vs.ip = get_ip(ctx, n, 0);
                     if (n.args.size() > 1) {
                       vs.port = get_port(ctx, n, 1);
                     }
                   }
                   dispatch(ctx, n, vs, virtual_server_table());
                   m.lvs.virtual_server.push_back(std::move(vs));
                 }});
}

void validate_lvs(Ctx&, Model&) {}

}  // namespace vigil::config::detail
