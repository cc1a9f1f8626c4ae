// SPDX-License-Identifier: GPL-2.0-or-later
// resolve(): keepalived's defaults and the global_defs fallbacks.
#include "vigil/vrrp/settings.hpp"

#include <catch2/catch.hpp>
#include <chrono>

using vigil::vrrp::resolve;
using vigil::vrrp::Settings;
namespace config = vigil::config;
using std::chrono::seconds;

namespace {

config::IpAddressSpec vip(const char* s) {
  config::IpAddressSpec a;
  a.address = *config::Prefix::parse(s);
  return a;
}

config::VrrpInstance instance() {
  config::VrrpInstance v;
  v.name = "VI_1";
  v.interface = "eth0";
  v.family = config::Family::Inet;
  v.version = 2;
  v.virtual_router_id = 51;
  v.priority = 100;
  v.virtual_ipaddress = {vip("192.0.2.10/24"), vip("2001:db8::1"), vip("192.0.2.11")};
  return v;
}

}  // namespace

TEST_CASE("resolve applies keepalived's defaults", "[vrrp][settings]") {
  const Settings s = resolve(config::Model{}, instance());
  CHECK(s.vrid == 51);
  CHECK(s.version == 2);
  CHECK(s.priority == 100);
  CHECK(s.preempt);
  CHECK(s.accept);
  CHECK_FALSE(s.strict);
  CHECK_FALSE(s.lower_prio_no_advert);
  CHECK_FALSE(s.higher_prio_send_advert);
  CHECK(s.down_timer_adverts == 3);
  CHECK(s.vips.size() == 2);  // only the instance's family, in order
  CHECK(s.vips[1].str() == "192.0.2.11");
  CHECK(s.mcast_group.str() == "224.0.0.18");
  CHECK(s.garp_master_delay == seconds(5));
  CHECK(s.garp_master_repeat == 5);
  CHECK(s.garp_master_refresh.count() == 0);
  CHECK(s.garp_master_refresh_repeat == 1);
  CHECK(s.garp_lower_prio_delay == seconds(5));
  CHECK(s.garp_lower_prio_repeat == 5);
  CHECK(s.garp_interval.count() == 0);
  CHECK(s.auth_type == vigil::vrrp::AuthType::None);
}

TEST_CASE("resolve takes global_defs and strict mode into account", "[vrrp][settings]") {
  config::Model m;
  auto& g = m.global.global_defs;
  g.vrrp_strict = true;
  g.vrrp_garp_master_repeat = 2;
  g.vrrp_garp_master_delay = seconds(10);
  g.vrrp_mcast_group4 = config::IpAddress::parse("224.0.0.19");
  g.vrrp_down_timer_adverts = 4;
  config::VrrpInstance v = instance();
  v.higher_prio_send_advert = true;
  v.authentication = config::Authentication{config::AuthType::Pass, "secret", {}};
  const Settings s = resolve(m, v);
  CHECK(s.strict);
  CHECK_FALSE(s.accept);  // strict: accept only for the owner
  CHECK(s.lower_prio_no_advert);
  CHECK_FALSE(s.higher_prio_send_advert);
  CHECK(s.auth_type == vigil::vrrp::AuthType::None);  // strict: no authentication
  CHECK(s.garp_master_repeat == 2);
  CHECK(s.garp_lower_prio_repeat == 2);
  CHECK(s.garp_lower_prio_delay == seconds(10));
  CHECK(s.mcast_group.str() == "224.0.0.19");
  CHECK(s.down_timer_adverts == 4);

  config::VrrpInstance u = instance();
  u.authentication = config::Authentication{config::AuthType::Ah, "secret", {}};
  u.unicast_peer.push_back({{}, *config::IpAddress::parse("192.0.2.7"), 250, std::nullopt});
  const Settings t = resolve(config::Model{}, u);
  CHECK(t.auth_type == vigil::vrrp::AuthType::Ah);
  CHECK(t.auth_key[5] == 't');
  CHECK(t.check_unicast_src);  // min_ttl implies it
  CHECK(t.unicast_peers.at(0).min_ttl == 250);
  CHECK(t.unicast_peers.at(0).max_ttl == 255);
}

TEST_CASE("v3_checksum_as_v2 is off unless the instance sets it", "[vrrp][settings]") {
  config::VrrpInstance v = instance();
  CHECK_FALSE(resolve(config::Model{}, v).v3_checksum_as_v2);
  v.v3_checksum_as_v2 = true;
  CHECK(resolve(config::Model{}, v).v3_checksum_as_v2);
  v.v3_checksum_as_v2 = false;
  CHECK_FALSE(resolve(config::Model{}, v).v3_checksum_as_v2);
}
