// SPDX-License-Identifier: GPL-2.0-or-later
// The ip addr / ip route / ip rule line grammar of static_* (and virtual_*)
// blocks: typed options, family checks and located rejections.
#include <catch2/catch.hpp>

#include "vigil/config/load.hpp"

using namespace vigil::config;

namespace {

LoadResult block(const std::string& name, const std::string& line) {
  return load_string(name + " {\n" + line + "\n}\n", "t.conf", {});
}

std::string first(const LoadResult& r) {
  REQUIRE_FALSE(r.diags.all().empty());
  const auto& d = r.diags.all()[0];
  return std::to_string(d.loc.line) + ":" + std::to_string(d.loc.col) + ": " + d.message;
}

}  // namespace

TEST_CASE("An address line reads every ip addr option", "[parser][net]") {
  auto r = block("static_ipaddress",
                 "198.18.0.1/24 brd + dev eth0 scope link label eth0:1 noprefixroute autojoin "
                 "home no_track");
  CHECK(r.diags.all().empty());
  REQUIRE(r.model.global.static_ipaddress.size() == 1);
  const auto& a = r.model.global.static_ipaddress[0];
  CHECK(a.address.str() == "198.18.0.1/24");
  CHECK(a.brd_mode == BroadcastMode::SetHostBits);
  CHECK(a.dev == "eth0");
  CHECK(a.scope == 253);
  CHECK(a.label == "eth0:1");
  CHECK(a.noprefixroute);
  CHECK(a.autojoin);
  CHECK(a.home);
  CHECK(a.no_track);
  CHECK(a.str() ==
        "198.18.0.1/24 brd + dev eth0 scope link label eth0:1 home noprefixroute "
        "autojoin no_track");

  auto v6 = block("static_ipaddress", "2001:db8::1/64 dev eth0 -nodad preferred_lft forever");
  CHECK(v6.diags.all().empty());
  CHECK(v6.model.global.static_ipaddress[0].nodad);
  CHECK(v6.model.global.static_ipaddress[0].preferred_lft == UINT32_MAX);
}

TEST_CASE("Address rejections are located at the bad word", "[parser][net]") {
  CHECK(first(block("static_ipaddress", "198.18.0.1/33 dev eth0")) ==
        "2:1: '198.18.0.1/33' is not an IP address or prefix");
  CHECK(first(block("static_ipaddress", "198.18.0.1/24 dev eth0 scope bogus")) ==
        "2:30: 'bogus' for 'scope' in address 198.18.0.1/24 is not a scope "
        "(global|site|link|host|nowhere or 0..255)");
  CHECK(first(block("static_ipaddress", "198.18.0.1 dev eth0 peer 2001:db8::2")) ==
        "2:26: peer '2001:db8::2' is not of the same address family as address 198.18.0.1/32");
  CHECK(first(block("static_ipaddress", "2001:db8::1/64 nodad")) ==
        "2:16: unknown option 'nodad' in address 2001:db8::1/64; did you mean '-nodad'?");
  // use_vmac belongs to virtual_ipaddress only; track_group to static_* only.
  CHECK(first(block("static_ipaddress", "198.18.0.1 use_vmac")) ==
        "2:12: unknown option 'use_vmac' in address 198.18.0.1/32");
}

TEST_CASE("A route line reads destination, gateway and options", "[parser][net]") {
  auto r = block("static_routes",
                 "src 198.18.0.1 to 198.18.2.0/24 via 198.18.0.254 dev eth0 table 100 metric 10 "
                 "mtu lock 1400 rtt 1.5s protocol bird no_track");
  CHECK(r.diags.all().empty());
  REQUIRE(r.model.global.static_routes.size() == 1);
  const auto& rt = r.model.global.static_routes[0];
  CHECK(rt.to.str() == "198.18.2.0/24");
  CHECK(rt.src->str() == "198.18.0.1");
  CHECK(rt.via->str() == "198.18.0.254");
  CHECK(rt.table == 100U);
  CHECK(rt.metric == 10U);
  CHECK(rt.mtu->lock);
  CHECK(rt.mtu->value == 1400U);
  CHECK(rt.rtt->value == 1500U);
  CHECK(rt.protocol == 12);
  CHECK(rt.str() ==
        "198.18.2.0/24 src 198.18.0.1 via 198.18.0.254 dev eth0 table 100 metric 10 "
        "protocol bird mtu lock 1400 rtt 1500ms no_track");
}

TEST_CASE("Route types and multipath nexthops", "[parser][net]") {
  auto r = block("static_routes",
                 "blackhole 198.18.7.0/24 no_track\n198.18.6.0/24 table 6909 no_track nexthop via "
                 "198.18.0.1 dev eth0 weight 1 nexthop via 198.18.0.2 dev eth1 onlink weight 2");
  CHECK(r.diags.all().empty());
  REQUIRE(r.model.global.static_routes.size() == 2);
  CHECK(r.model.global.static_routes[0].type == RouteType::Blackhole);
  const auto& nh = r.model.global.static_routes[1].nexthop;
  REQUIRE(nh.size() == 2);
  CHECK(nh[1].dev == "eth1");
  CHECK(nh[1].onlink);
  CHECK(nh[1].weight == 2);
}

TEST_CASE("Route family mismatches are errors", "[parser][net]") {
  CHECK(first(block("static_routes", "198.18.1.0/24 via 2001:db8::1 dev eth0")) ==
        "2:19: cannot mix IPv4 and IPv6 in a route: '2001:db8::1' is IPv6 and an earlier address "
        "is IPv4");
  CHECK(first(block("static_routes", "198.18.1.0/24 dev eth0 pref high")) ==
        "2:24: 'pref' is only valid for an IPv6 route");
  CHECK(first(block("static_routes", "198.18.1.0/24 dev eth0 inet6")) ==
        "2:24: 'inet6' is given for an IPv4 route");
  auto v6 = block("static_routes", "inet6 default dev eth0");
  CHECK(v6.diags.all().empty());
  CHECK(v6.model.global.static_routes[0].to.str() == "::/0");
}

TEST_CASE("Untrackable routes warn, as keepalived does", "[parser][net]") {
  auto r = block("static_routes", "198.18.1.0/24 via 198.18.0.254");
  REQUIRE(r.diags.all().size() == 1);
  CHECK(r.diags.all()[0].severity == Severity::Warning);
  CHECK(r.diags.all()[0].message ==
        "route 198.18.1.0/24 has no interface ('dev') so it cannot be tracked; add 'no_track' to "
        "say so");
  CHECK(block("static_routes", "198.18.1.0/24 via 198.18.0.254 no_track").diags.all().empty());
}

TEST_CASE("Route option values are range checked", "[parser][net]") {
  CHECK(first(block("static_routes", "198.18.1.0/24 dev eth0 hoplimit 256")) ==
        "2:33: '256' for 'hoplimit' in a route is not a number in [0, 255]");
  CHECK(first(block("static_routes", "198.18.1.0/24 dev eth0 window lock 5")) ==
        "2:31: 'window' in a route cannot be locked");
  CHECK(first(block("static_routes", "198.18.1.0/24 nexthop via 198.18.0.1 weight 0")) ==
        "2:45: '0' for 'weight' in a route is not a number in [1, 256]");
  CHECK(first(block("static_routes", "198.18.1.0/24 dev eth0 table 4294967296")) ==
        "2:30: '4294967296' for 'table' in a route is not a routing table (main|local|default or "
        "0..4294967295)");
}

TEST_CASE("A rule line reads selectors and one action", "[parser][net]") {
  auto r = block("static_rules",
                 "from 198.18.28.0/24 to 198.18.29.0/26 table 100 iif eth0 fwmark 24/12 "
                 "preference 39 ipproto UDP sport 10-20 uidrange 1000-1999");
  CHECK(r.diags.all().empty());
  REQUIRE(r.model.global.static_rules.size() == 1);
  const auto& u = r.model.global.static_rules[0];
  CHECK(u.from->str() == "198.18.28.0/24");
  CHECK(u.action == RuleAction::Table);
  CHECK(u.table == 100U);
  CHECK(u.fwmark == 24U);
  CHECK(u.fwmask == 12U);
  CHECK(u.ipproto == 17);
  CHECK(u.sport->low == 10);
  CHECK(u.uidrange->high == 1999U);
  CHECK(u.preference == 39U);
}

TEST_CASE("Rule rejections and warnings", "[parser][net]") {
  CHECK(first(block("static_rules", "from 198.18.2.0/24 table 1 goto 40 preference 1")) ==
        "2:28: 'goto': a rule takes only one action, and 'table' was already given "
        "(table|lookup|goto|nop|blackhole|prohibit|unreachable|l3mdev)");
  CHECK(first(block("static_rules", "from 198.18.2.0/24 goto 40")) ==
        "2:20: a rule with 'goto' needs a 'preference'");
  CHECK(first(block("static_rules", "from 198.18.2.0/24 preference 1")) ==
        "2:1: rule has no action (table|lookup|goto|nop|blackhole|prohibit|unreachable|l3mdev)");
  CHECK(first(block("static_rules", "from 198.18.2.0/24 table 1 sport 20-10 preference 1")) ==
        "2:34: '20-10' for 'sport' in a rule is an empty range (LOW is above HIGH)");
  auto nopref = block("static_rules", "from 198.18.2.0/24 table 1");
  REQUIRE(nopref.diags.all().size() == 1);
  CHECK(nopref.diags.all()[0].severity == Severity::Warning);
}

TEST_CASE("virtual_ipaddress lines accept use_vmac but not track_group", "[parser][net]") {
  auto r = load_string(
      "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 5\n virtual_ipaddress {\n"
      "  198.18.0.1/24 dev eth0 use_vmac\n  198.18.0.2/24 track_group G\n }\n}\n",
      "t.conf", {});
  REQUIRE(r.diags.all().size() == 1);
  CHECK(r.diags.all()[0].message == "unknown option 'track_group' in address 198.18.0.2/24");
  REQUIRE(r.model.vrrp.vrrp_instance[0].virtual_ipaddress.size() == 1);
  CHECK(r.model.vrrp.vrrp_instance[0].virtual_ipaddress[0].use_vmac);
}
