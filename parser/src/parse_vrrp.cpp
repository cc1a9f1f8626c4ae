// SPDX-License-Identifier: GPL-2.0-or-later
// VRRP family: vrrp_script, track_file, vrrp_track_process, vrrp_sync_group,
// garp_group and vrrp_instance.
#include "parse_net.hpp"

namespace vigil::config::detail {

namespace {

using std::chrono::seconds;

const Table<VrrpScript>& vrrp_script_table() {
  static const Table<VrrpScript> t(
      "vrrp_script",
      {
          kw_script("script", &VrrpScript::script),
          kw_timer("interval", &VrrpScript::interval, Micros(1), Micros(seconds(UINT32_MAX / 1000000))),
          kw_timer("timeout", &VrrpScript::timeout, Micros(1), Micros(seconds(UINT32_MAX / 1000000))),
          {"weight", Shape::Value,
           [](Ctx& ctx, const Node& n, VrrpScript& s) {
             if (!need_args(ctx, n, 1, 2)) {
               return;
             }
             if (auto v = get_int(ctx, n, 0, -253, 253)) {
               s.weight = static_cast<int>(*v);
             }
             if (n.args.size() > 1) {
               if (n.args[1].is("reverse")) {
                 s.weight_reverse = true;
               } else {
                 ctx.error(n.args[1], "'weight' takes only 'reverse' after the number");
               }
             }
           }},
          kw_int("rise", &VrrpScript::rise, 1, INT32_MAX),
          kw_int("fall", &VrrpScript::fall, 1, INT32_MAX),
          {"user", Shape::Value,
           [](Ctx& ctx, const Node& n, VrrpScript& s) {
             if (need_args(ctx, n, 1, 2)) {
               s.user = n.args[0].text;
               s.group = n.args.size() > 1 ? n.args[1].text : std::string();
             }
           }},
          kw_flag("init_fail", &VrrpScript::init_fail),
      });
  return t;
}

const Table<VrrpInstance>& vrrp_instance_table() {
  static const Table<VrrpInstance> t(
      "vrrp_instance",
      {
          kw_string("interface", &VrrpInstance::interface),
          kw_int("virtual_router_id", &VrrpInstance::virtual_router_id, 1, 255),
          kw_int("priority", &VrrpInstance::priority, 1, 255),
          {"virtual_ipaddress", Shape::Block,
           [](Ctx& ctx, const Node& n, VrrpInstance& v) {
             parse_ip_address_block(ctx, n, v.virtual_ipaddress);
           }},
      });
  return t;
}

}  // namespace

void add_vrrp_keywords(TopTable& top) {
  top.push_back({"vrrp_script", Shape::Block, [](Ctx& ctx, const Node& n, Model& m) {
                   if (!need_args(ctx, n, 1, 1)) {
                     return;
                   }
                   VrrpScript s;
                   s.name = n.args[0].text;
                   s.loc = ctx.loc(n);
                   dispatch(ctx, n, s, vrrp_script_table());
                   if (s.script.cmd.empty()) {
                     ctx.error(n.keyword,
                               fmt::format("vrrp_script {} has no 'script'; ignored", s.name));
                     return;
                   }
                   m.vrrp.vrrp_script.push_back(std::move(s));
                 }});
  top.push_back({"vrrp_instance", Shape::Block, [](Ctx& ctx, const Node& n, Model& m) {
                   if (!need_args(ctx, n, 1, 1)) {
                     return;
                   }
                   VrrpInstance v;
                   v.name = n.args[0].text;
                   v.loc = ctx.loc(n);
                   dispatch(ctx, n, v, vrrp_instance_table());
                   m.vrrp.vrrp_instance.push_back(std::move(v));
                 }});
}

void validate_vrrp(Ctx& ctx, Model& m) {
  for (const auto& v : m.vrrp.vrrp_instance) {
    if (v.virtual_router_id == 0) {
      ctx.error(v.loc, fmt::format("vrrp_instance {} has no virtual_router_id", v.name));
    }
  }
}

}  // namespace vigil::config::detail
