// SPDX-License-Identifier: GPL-2.0-or-later
// resolve(): a vrrp_instance plus global_defs -> Settings, with keepalived 2.2.7's
// defaults (keepalived.conf(5), global_defs and vrrp_instance sections).
#include "vigil/vrrp/settings.hpp"

#include <chrono>

#include "vigil/vrrp/auth.hpp"

namespace vigil::vrrp {
namespace {

config::IpAddress parse_or_empty(const char* s) {
  return config::IpAddress::parse(s).value_or(config::IpAddress{});
}

int to_int(std::uint32_t v) {
  return v > 0x7fffffffU ? 0x7fffffff : static_cast<int>(v);
}

}  // namespace

Settings resolve(const config::Model& m, const config::VrrpInstance& v) {
  const config::GlobalDefs& g = m.global.global_defs;
  Settings s;
  s.name = v.name;
  s.interface = v.interface;
  s.family = v.family == config::Family::None ? config::Family::Inet : v.family;
  s.version =
      s.family == config::Family::Inet6 ? 3 : v.version.value_or(g.vrrp_version.value_or(2));
  s.vrid = static_cast<std::uint8_t>(v.virtual_router_id & 0xff);
  s.initial_master = v.state == config::VrrpState::Master;
  const int prio = v.priority.value_or(s.initial_master ? 255 : 100);
  s.priority = static_cast<std::uint8_t>(prio < 1 ? 1 : (prio > 255 ? 255 : prio));
  s.advert_int = v.advert_int;
  s.preempt = !v.nopreempt;
  s.preempt_delay = v.preempt_delay;
  s.strict = v.strict_mode.value_or(g.vrrp_strict);
  // keepalived.conf(5) vrrp_strict: "If accept/no accept is not specified, accept is set if
  // priority is 255 and cleared otherwise"; without strict, accept is the default.
  s.accept = v.accept.value_or(s.strict ? s.owner() : true);
  s.skip_check_adv_addr = v.skip_check_adv_addr.value_or(g.vrrp_skip_check_adv_addr);
  s.down_timer_adverts = v.down_timer_adverts;
  if (v.down_timer_adverts == 3 && g.vrrp_down_timer_adverts) {
    s.down_timer_adverts = to_int(*g.vrrp_down_timer_adverts);
  }
  // Strict mode: lower_prio_no_advert cannot be cleared, higher_prio_send_advert cannot be set.
  s.lower_prio_no_advert =
      s.strict || v.lower_prio_no_advert.value_or(g.vrrp_lower_prio_no_advert.value_or(false));
  s.higher_prio_send_advert = !s.strict && v.higher_prio_send_advert.value_or(
                                               g.vrrp_higher_prio_send_advert.value_or(false));
  s.dont_track_primary = v.dont_track_primary;
  s.v3_checksum_as_v2 = v.v3_checksum_as_v2.value_or(false);

  if (v.authentication && v.authentication->auth_type && s.version == 2 && !s.strict) {
    s.auth_type =
        *v.authentication->auth_type == config::AuthType::Ah ? AuthType::Ah : AuthType::Pass;
    s.auth_key = auth_key(v.authentication->auth_pass);
  }

  for (const config::IpAddressSpec& a : v.virtual_ipaddress) {
    if (a.address.addr.family == s.family) {
      s.vips.push_back(a.address.addr);
    }
  }

  if (v.mcast_dst_ip) {
    s.mcast_group = *v.mcast_dst_ip;
  } else if (s.family == config::Family::Inet6) {
    s.mcast_group = g.vrrp_mcast_group6.value_or(parse_or_empty("ff02::12"));
  } else {
    s.mcast_group = g.vrrp_mcast_group4.value_or(parse_or_empty("224.0.0.18"));
  }
  s.mcast_src_ip = v.mcast_src_ip;
  s.unicast_src_ip = v.unicast_src_ip;
  s.check_unicast_src = v.check_unicast_src || g.vrrp_check_unicast_src;
  for (const config::UnicastPeer& p : v.unicast_peer) {
    UnicastPeer peer;
    peer.address = p.address;
    peer.min_ttl = p.min_ttl.value_or(0);
    peer.max_ttl = p.max_ttl.value_or(255);
    // keepalived.conf(5): specifying min_ttl or max_ttl turns on check_unicast_src.
    if (p.min_ttl || p.max_ttl) {
      s.check_unicast_src = true;
    }
    s.unicast_peers.push_back(peer);
  }
  s.unicast_ttl = v.unicast_ttl.value_or(255);

  // GARP: instance garp_* over global vrrp_garp_* over keepalived's defaults (delay 5 s,
  // repeat 5, refresh off, refresh repeat 1; lower_prio_* default to the master values).
  // vrrp_min_garp changes the defaults to one message and no second burst.
  const bool min_garp = g.vrrp_min_garp.value_or(false);
  Duration master_delay = min_garp ? Duration(0) : Duration(std::chrono::seconds(5));
  int master_repeat = min_garp ? 1 : 5;
  if (g.vrrp_garp_master_delay) {
    master_delay = *g.vrrp_garp_master_delay;
  }
  if (g.vrrp_garp_master_repeat) {
    master_repeat = to_int(*g.vrrp_garp_master_repeat);
  }
  s.garp_master_delay = v.garp_master_delay ? Duration(*v.garp_master_delay) : master_delay;
  s.garp_master_repeat = v.garp_master_repeat.value_or(master_repeat);
  s.garp_master_refresh = v.garp_master_refresh ? Duration(*v.garp_master_refresh)
                                                : g.vrrp_garp_master_refresh.value_or(Duration(0));
  s.garp_master_refresh_repeat =
      v.garp_master_refresh_repeat.value_or(to_int(g.vrrp_garp_master_refresh_repeat.value_or(1)));
  Duration lower_delay = s.garp_master_delay;
  if (v.garp_lower_prio_delay) {
    lower_delay = *v.garp_lower_prio_delay;
  } else if (g.vrrp_garp_lower_prio_delay) {
    lower_delay = *g.vrrp_garp_lower_prio_delay;
  }
  s.garp_lower_prio_delay = lower_delay;
  s.garp_lower_prio_repeat = v.garp_lower_prio_repeat.value_or(
      g.vrrp_garp_lower_prio_repeat ? to_int(*g.vrrp_garp_lower_prio_repeat)
                                    : s.garp_master_repeat);
  s.garp_interval = g.vrrp_garp_interval.value_or(Duration(0));
  s.gna_interval = g.vrrp_gna_interval.value_or(Duration(0));
  return s;
}

}  // namespace vigil::vrrp
