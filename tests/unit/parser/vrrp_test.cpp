// SPDX-License-Identifier: GPL-2.0-or-later
// VRRP family: keyword parsing into the model, invalid values (message and
// line:col), keepalived's defaults and the cross-checks of validate_vrrp.
#include <catch2/catch.hpp>
#include <string>

#include "diags.hpp"
#include "vigil/config/load.hpp"

using namespace vigil::config;
using std::chrono::milliseconds;
using std::chrono::seconds;
using vigil::test::diags;
using vigil::test::has;
using vigil::test::located;

namespace {

LoadResult load(const std::string& text, LoadOptions opts = {}) {
  return load_string(text, "t.conf", opts);
}

/// An instance body with what every valid instance needs.
std::string inst(const std::string& name, const std::string& body, int vrid = 1,
                 const std::string& vip = "198.18.0.1/24") {
  return "vrrp_instance " + name + " {\n interface eth0\n virtual_router_id " +
         std::to_string(vrid) + "\n virtual_ipaddress {\n  " + vip + "\n }\n" + body + "}\n";
}

const VrrpInstance& only(const LoadResult& r) {
  REQUIRE(r.model.vrrp.vrrp_instance.size() == 1);
  return r.model.vrrp.vrrp_instance[0];
}

}  // namespace

TEST_CASE("A vrrp_instance gets keepalived's defaults", "[parser][vrrp]") {
  auto r = load(inst("A", ""));
  CHECK(located(r).empty());
  const auto& v = only(r);
  CHECK(v.state == VrrpState::Backup);
  CHECK(v.priority == 100);
  CHECK(v.version == 2);
  CHECK(v.family == Family::Inet);
  CHECK(v.advert_int == seconds(1));
  CHECK(v.down_timer_adverts == 3);
  CHECK_FALSE(v.nopreempt);
  CHECK_FALSE(v.accept.has_value());
  CHECK_FALSE(v.strict_mode.has_value());
}

TEST_CASE("state MASTER without a priority makes the instance the address owner",
          "[parser][vrrp]") {
  auto r = load(inst("A", " state MASTER\n"));
  CHECK(located(r).empty());
  CHECK(only(r).state == VrrpState::Master);
  CHECK(only(r).priority == 255);
  auto r2 = load(inst("A", " state MASTER\n priority 120\n"));
  CHECK(only(r2).priority == 120);
}

TEST_CASE("Value keywords of vrrp_instance are typed", "[parser][vrrp]") {
  auto r = load(inst("A",
                     " dont_track_primary\n"
                     " mcast_src_ip 198.18.0.2\n"
                     " garp_master_delay 5\n"
                     " garp_master_repeat 3\n"
                     " garp_lower_prio_delay 2\n"
                     " garp_lower_prio_repeat 0\n"
                     " garp_master_refresh 30\n"
                     " garp_master_refresh_repeat 2\n"
                     " garp_extra_if all 100\n"
                     " down_timer_adverts 4\n"
                     " lower_prio_no_advert\n"
                     " higher_prio_send_advert off\n"
                     " kernel_rx_buf_size 65536\n"
                     " debug 2\n"
                     " track_src_ip\n"
                     " promote_secondaries\n"
                     " skip_check_adv_addr yes\n"
                     " no_accept\n"
                     " preempt_delay 10.5\n"
                     " smtp_alert no\n"
                     " notify_priority_changes yes\n"
                     " advert_int 3\n"
                     " priority 150\n"));
  CHECK(located(r).empty());
  const auto& v = only(r);
  CHECK(v.dont_track_primary);
  REQUIRE(v.mcast_src_ip);
  CHECK(v.mcast_src_ip->str() == "198.18.0.2");
  CHECK(v.garp_master_delay == seconds(5));
  CHECK(v.garp_master_repeat == 3);
  CHECK(v.garp_lower_prio_delay == seconds(2));
  CHECK(v.garp_lower_prio_repeat == 0);
  CHECK(v.garp_master_refresh == seconds(30));
  CHECK(v.garp_master_refresh_repeat == 2);
  REQUIRE(v.garp_extra_if);
  CHECK(v.garp_extra_if->all);
  CHECK(v.garp_extra_if->interval == 100);
  CHECK(v.down_timer_adverts == 4);
  CHECK(v.lower_prio_no_advert == true);
  CHECK(v.higher_prio_send_advert == false);
  CHECK(v.kernel_rx_buf_size == 65536u);
  CHECK(v.debug == 2);
  CHECK(v.track_src_ip);
  CHECK(v.promote_secondaries);
  CHECK(v.skip_check_adv_addr == true);
  CHECK(v.accept == false);
  CHECK(v.preempt_delay == milliseconds(10500));
  CHECK(v.smtp_alert == false);
  CHECK(v.notify_priority_changes == true);
  CHECK(v.advert_int == seconds(3));
  CHECK(v.priority == 150);
}

TEST_CASE("Invalid vrrp_instance values are reported at the value", "[parser][vrrp]") {
  SECTION("virtual_router_id out of range") {
    auto r = load("vrrp_instance A {\n interface eth0\n virtual_router_id 256\n}\n");
    CHECK(has(r, "3:20: error: '256' for 'virtual_router_id' is outside the range [1, 255]"));
    CHECK(has(r, "1:1: error: vrrp_instance A has no virtual_router_id"));
  }
  SECTION("priority 0") {
    auto r = load(inst("A", " priority 0\n"));
    CHECK(has(r, "7:11: error: '0' for 'priority' is outside the range [1, 255]"));
    CHECK(only(r).priority == 100);
  }
  SECTION("advert_int 0") {
    auto r = load(inst("A", " advert_int 0\n"));
    CHECK(has(r, "7:13: error: '0' for 'advert_int' is outside the range [0.01, 255] seconds"));
  }
  SECTION("version 4") {
    auto r = load(inst("A", " version 4\n"));
    CHECK(has(r, "7:10: error: '4' for 'version' is outside the range [2, 3]"));
  }
  SECTION("state is case sensitive") {
    auto r = load(inst("A", " state master\n"));
    CHECK(has(r, "7:8: error: 'master' is not a valid value for 'state' (expected MASTER|BACKUP)"));
  }
  SECTION("state BACKUP after MASTER") {
    auto r = load(inst("A", " state MASTER\n state BACKUP\n"));
    CHECK(has(r, "8:8: error: state was already set to MASTER; BACKUP ignored"));
    CHECK(only(r).state == VrrpState::Master);
  }
  SECTION("bool with a bad value") {
    auto r = load(inst("A", " lower_prio_no_advert maybe\n"));
    CHECK(has(r, "7:23: error: 'maybe' for 'lower_prio_no_advert' is not a boolean"));
  }
  SECTION("ranges") {
    auto r = load(inst("A",
                       " garp_master_repeat 0\n down_timer_adverts 101\n debug 5\n unicast_ttl "
                       "256\n preempt_delay 1001\n"));
    CHECK(has(r, "7:21: error: '0' for 'garp_master_repeat' is outside the range"));
    CHECK(has(r, "8:21: error: '101' for 'down_timer_adverts' is outside the range [1, 100]"));
    CHECK(has(r, "9:8: error: '5' for 'debug' is outside the range [0, 4]"));
    CHECK(has(r, "10:14: error: '256' for 'unicast_ttl' is outside the range [0, 255]"));
    CHECK(has(r, "11:16: error: '1001' for 'preempt_delay' is outside the range [0, 1000]"));
  }
  SECTION("an unknown keyword suggests the right one") {
    auto r = load(inst("A", " priorty 100\n"));
    CHECK(has(r,
              "7:2: warning: unknown keyword 'priorty' in vrrp_instance; did you mean "
              "'priority'?"));
  }
}

TEST_CASE("advert_int follows the VRRP version", "[parser][vrrp]") {
  SECTION("VRRPv2 rounds to whole seconds") {
    auto r = load(inst("A", " advert_int 1.5\n"));
    CHECK(has(r,
              "1:1: warning: vrrp_instance A: VRRPv2 advert_int 1.5s must be whole seconds; "
              "using 2s"));
    CHECK(only(r).advert_int == seconds(2));
  }
  SECTION("VRRPv3 takes centiseconds") {
    auto r = load(inst("A", " version 3\n advert_int 0.5\n"));
    CHECK(located(r).empty());
    CHECK(only(r).advert_int == milliseconds(500));
  }
  SECTION("VRRPv3 is limited to 40.95 s") {
    auto r = load(inst("A", " version 3\n advert_int 41\n"));
    CHECK(has(r, "warning: vrrp_instance A: VRRPv3 advert_int 41s is above 40.95s"));
    CHECK(only(r).advert_int == milliseconds(40950));
  }
  SECTION("IPv6 is always VRRPv3") {
    auto r = load(inst("A", " version 2\n advert_int 0.5\n", 1, "2001:db8::1/64"));
    CHECK(r.diags.count(Severity::Warning) == 0);
    CHECK(r.diags.count(Severity::Error) == 0);
    CHECK(only(r).version == 3);
    CHECK(only(r).family == Family::Inet6);
  }
}

TEST_CASE("authentication is parsed and checked against the version", "[parser][vrrp]") {
  auto r = load(inst("A", " authentication {\n  auth_type AH\n  auth_pass 1234\n }\n"));
  CHECK(located(r).empty());
  REQUIRE(only(r).authentication);
  CHECK(only(r).authentication->auth_type == AuthType::Ah);
  CHECK(only(r).authentication->auth_pass == "1234");

  auto bad = load(inst("A", " authentication {\n  auth_type FOO\n  auth_pass 123456789\n }\n"));
  CHECK(has(bad, "8:13: error: 'FOO' is not a valid value for 'auth_type' (expected PASS|AH)"));
  CHECK(has(bad, "9:13: warning: auth_pass is longer than 8 characters; only '12345678' is used"));

  auto v3 = load(inst("A", " version 3\n authentication {\n  auth_type PASS\n  auth_pass x\n }\n"));
  CHECK(has(v3, "8:2: warning: vrrp_instance A: VRRP version 3 does not support authentication"));
  CHECK_FALSE(only(v3).authentication);

  auto nopass = load(inst("A", " authentication {\n  auth_type PASS\n }\n"));
  CHECK(has(nopass, "authentication needs auth_type and auth_pass"));

  auto ah_master =
      load(inst("A", " state MASTER\n authentication {\n  auth_type AH\n  auth_pass x\n }\n"));
  CHECK(has(ah_master, "initial state MASTER is incompatible with AH authentication"));
  CHECK(only(ah_master).state == VrrpState::Backup);
}

TEST_CASE("Preemption conflicts are reported as keepalived does", "[parser][vrrp]") {
  auto owner = load(inst("A", " state MASTER\n nopreempt\n"));
  CHECK(has(owner, "nopreempt is incompatible with priority 255"));
  CHECK_FALSE(only(owner).nopreempt);

  auto master = load(inst("A", " state MASTER\n priority 100\n nopreempt\n"));
  CHECK(has(master, "nopreempt does not work with initial state MASTER"));

  auto delay = load(inst("A", " state MASTER\n priority 100\n preempt_delay 4\n"));
  CHECK(has(delay, "preempt_delay does not work with initial state MASTER"));

  auto both = load(inst("A", " nopreempt\n preempt_delay 4\n"));
  CHECK(has(both, "preempt_delay is incompatible with nopreempt"));

  auto legacy = load(inst("A", " nopreempt\n preempt\n"));
  CHECK(located(legacy).empty());
  CHECK_FALSE(only(legacy).nopreempt);
}

TEST_CASE("strict_mode checks", "[parser][vrrp]") {
  auto r = load(inst("A", " strict_mode\n state MASTER\n priority 100\n accept\n"));
  CHECK(has(r, "in strict mode, state MASTER requires priority 255"));
  CHECK(has(r, "accept mode with VRRP version 2 does not comply with RFC 3768"));
  CHECK(only(r).accept == false);
  auto off = load(inst("A", " strict_mode off\n accept\n"));
  CHECK(located(off).empty());
}

TEST_CASE("One address family per instance", "[parser][vrrp]") {
  SECTION("mixed VIPs") {
    auto r = load(inst("A", "", 1, "198.18.0.1/24\n  2001:db8::1/64"));
    CHECK(has(r,
              "6:3: error: virtual_ipaddress 2001:db8::1/64 is IPv6 but vrrp_instance A is "
              "IPv4; ignored"));
    CHECK(only(r).virtual_ipaddress.size() == 1);
  }
  SECTION("the first address decides") {
    auto r = load(
        "vrrp_instance A {\n interface eth0\n virtual_router_id 1\n mcast_src_ip 2001:db8::2\n"
        " virtual_ipaddress {\n  198.18.0.1\n }\n}\n");
    CHECK(has(r, "6:3: error: virtual_ipaddress 198.18.0.1 is IPv4 but vrrp_instance A is IPv6"));
    CHECK(has(r, "warning: vrrp_instance A has no virtual_ipaddress"));
  }
  SECTION("unicast peer of the other family") {
    auto r = load(inst("A", " unicast_peer {\n  2001:db8::2\n }\n"));
    CHECK(has(r, "8:3: error: unicast_peer 2001:db8::2 is IPv6 but vrrp_instance A is IPv4"));
  }
  SECTION("excluded addresses may mix families") {
    auto r = load(inst("A", " virtual_ipaddress_excluded {\n  2001:db8::5/64\n }\n"));
    CHECK(located(r).empty());
    CHECK(only(r).virtual_ipaddress_excluded.size() == 1);
  }
  SECTION("native_ipv6 makes the instance IPv6") {
    auto r = load(
        "vrrp_instance A {\n interface eth0\n virtual_router_id 1\n native_ipv6\n"
        " virtual_ipaddress {\n  198.18.0.1\n }\n}\n");
    CHECK(has(r, "is IPv4 but vrrp_instance A is IPv6"));
    CHECK(has(r, "4:2: note: 'native_ipv6' is deprecated"));
  }
}

TEST_CASE("Unicast peers, TTL bounds and unicast-only keywords", "[parser][vrrp]") {
  auto r = load(inst("A",
                     " unicast_src_ip 198.18.0.1\n unicast_peer {\n  198.18.0.2 min_ttl 1 max_ttl "
                     "250\n  198.18.0.3\n }\n unicast_ttl 10\n check_unicast_src\n"));
  CHECK(located(r).empty());
  const auto& v = only(r);
  REQUIRE(v.unicast_peer.size() == 2);
  CHECK(v.unicast_peer[0].min_ttl == 1);
  CHECK(v.unicast_peer[0].max_ttl == 250);
  CHECK_FALSE(v.unicast_peer[1].min_ttl);
  CHECK(v.unicast_ttl == 10);

  auto bad = load(inst("A",
                       " unicast_peer {\n  198.18.0.2 min_ttl 300\n  198.18.0.3 foo\n  bad\n  "
                       "198.18.0.4 max_ttl 1 min_ttl 5\n }\n"));
  CHECK(has(bad, "8:22: error: '300' for 'min_ttl' is not in the range [0, 255]"));
  CHECK(has(bad, "9:14: error: unknown unicast_peer option 'foo' (expected min_ttl|max_ttl)"));
  CHECK(has(bad, "10:3: error: 'bad' in unicast_peer is not an IP address"));
  CHECK(has(bad, "11:3: warning: unicast_peer 198.18.0.4: min_ttl 5 > max_ttl 1"));

  auto nopeer = load(inst("A", " unicast_ttl 3\n unicast_src_ip 198.18.0.1\n"));
  CHECK(has(nopeer, "unicast_ttl needs unicast peers; ignored"));
  CHECK(has(nopeer, "a unicast keyword is given without any unicast_peer"));

  auto vmac = load(inst("A", " use_vmac\n unicast_peer {\n  198.18.0.2\n }\n"));
  CHECK(has(vmac, "use_vmac with unicast peers requires vmac_xmit_base"));
  CHECK(only(vmac).vmac_xmit_base);
}

TEST_CASE("use_vmac, use_ipvlan and mcast_dst_ip", "[parser][vrrp]") {
  auto r = load(inst("A",
                     " use_vmac vrrp.1 02:00:5e:00:01\n use_ipvlan ipv1 198.18.0.5/24 private\n"
                     " mcast_dst_ip 224.0.0.19\n"));
  CHECK(located(r).empty());
  const auto& v = only(r);
  REQUIRE(v.use_vmac);
  CHECK(v.use_vmac->ifname == "vrrp.1");
  CHECK(v.use_vmac->mac == "02:00:5e:00:01");
  REQUIRE(v.use_ipvlan);
  CHECK(v.use_ipvlan->mode == IpvlanMode::Private);
  REQUIRE(v.use_ipvlan->address);
  CHECK(v.use_ipvlan->address->str() == "198.18.0.5/24");

  auto bad = load(inst("A", " use_vmac vrrp1 00:00:5e:00:01:07\n mcast_dst_ip 198.18.0.9\n"));
  CHECK(has(bad, "7:17: error: use_vmac: MAC address 00:00:5e:00:01:07 is in the RFC 5798"));
  CHECK(has(bad, "8:15: error: mcast_dst_ip 198.18.0.9 is not a multicast address"));
  auto mc = load(inst("A", " use_vmac 01:00:00:00:00:01\n"));
  CHECK(has(mc, "is a multicast address"));
  auto junk = load(inst("A", " use_vmac zz:00\n"));
  CHECK(has(junk, "'zz:00' for 'use_vmac' is not a valid interface name") == false);
}

TEST_CASE("Interfaces are checked when the host lookup is available", "[parser][vrrp]") {
  LoadOptions o;
  o.interface_exists = [](const std::string& n) { return n == "eth0" || n == "eth1" || n == "lo"; };
  auto r = load(
      "vrrp_instance A {\n interface eth9\n virtual_router_id 1\n track_interface {\n  eth7\n  "
      "lo weight 5\n }\n virtual_ipaddress {\n  198.18.0.1\n }\n}\n",
      o);
  CHECK(has(r, "2:12: warning: interface 'eth9' for vrrp_instance A does not exist"));
  CHECK(has(r, "5:3: warning: interface 'eth7' for track_interface does not exist"));
  CHECK_FALSE(has(r, "'lo' for track_interface"));

  auto lo = load(inst("A", "").replace(inst("A", "").find("eth0"), 4, "lo"), o);
  CHECK(has(lo, "2:12: error: vrrp_instance A cannot use the loopback interface lo"));
  CHECK(has(lo, "1:1: error: vrrp_instance A has no (usable) interface"));

  // Without the lookup, names are not checked.
  auto none = load(inst("A", "").replace(inst("A", "").find("eth0"), 4, "eth9"));
  CHECK(located(none).empty());
}

TEST_CASE("track_interface weights", "[parser][vrrp]") {
  auto r = load(inst("A", " track_interface {\n  eth1\n  eth2 weight -10 reverse\n }\n"));
  CHECK(located(r).empty());
  const auto& t = only(r).track_interface;
  REQUIRE(t.size() == 2);
  CHECK(t[0].weight == 0);
  CHECK(t[1].weight == -10);
  CHECK(t[1].reverse);

  auto bad = load(inst("A",
                       " track_interface {\n  eth1 weight 254\n  eth2 weight\n  eth3 foo\n  eth4 "
                       "weight 3\n  eth4\n }\n"));
  CHECK(has(bad,
            "8:15: error: weight 254 for track_interface 'eth1' is outside the range "
            "[-253, 253]"));
  CHECK(has(bad, "9:8: error: 'weight' needs a value for track_interface 'eth2'"));
  CHECK(has(bad, "10:8: error: unknown option 'foo' for track_interface 'eth3'"));
  CHECK(has(bad, "12:3: error: duplicate track_interface 'eth4'; ignored"));
}

TEST_CASE("Tracked objects must exist and be defined first", "[parser][vrrp]") {
  const std::string objs =
      "vrrp_script chk {\n script /bin/true\n weight 5\n}\n"
      "track_file tf {\n file /tmp/tf\n}\n"
      "vrrp_track_process tp {\n process haproxy\n}\n"
      "bfd_instance b {\n neighbor_ip 198.18.0.9\n}\n";
  const std::string tracks =
      " track_script {\n  chk weight 3 reverse\n }\n track_file {\n  tf weight -2 noreverse\n "
      "}\n track_process {\n  tp\n }\n track_bfd {\n  b weight 7\n }\n";
  auto r = load(objs + inst("A", tracks));
  CHECK(located(r).empty());
  const auto& v = only(r);
  REQUIRE(v.track_script.size() == 1);
  CHECK(v.track_script[0].weight == 3);
  CHECK(v.track_script[0].reverse);
  REQUIRE(v.track_file.size() == 1);
  CHECK(v.track_file[0].weight == -2);
  CHECK_FALSE(v.track_file[0].reverse);
  REQUIRE(v.track_process.size() == 1);
  CHECK_FALSE(v.track_process[0].weight);
  REQUIRE(v.track_bfd.size() == 1);

  auto after = load(inst("A", tracks) + objs);
  CHECK(has(after,
            "8:3: error: vrrp_instance A: track_script 'chk' is defined after this "
            "block (at t.conf:20); define it first; ignored"));
  CHECK(only(after).track_script.empty());
  CHECK(only(after).track_bfd.empty());

  auto missing = load(inst("A", " track_script {\n  nope\n }\n"));
  CHECK(
      has(missing, "8:3: error: vrrp_instance A: track_script 'nope' does not name a vrrp_script"));

  auto weights = load(objs + inst("A", " track_script {\n  chk weight 300\n  chk foo\n }\n"));
  CHECK(has(weights,
            "21:14: error: weight 300 for track_script 'chk' is outside the range "
            "[-253, 253]"));
  CHECK(has(weights, "22:7: error: unknown option 'foo' for track_script 'chk'"));
  auto noreverse = load(objs + inst("A", " track_script {\n  chk weight 2 no_reverse\n }\n"));
  CHECK(has(noreverse, "unknown weight option 'no_reverse'"));

  auto checker_only = load("bfd_instance b {\n neighbor_ip 198.18.0.9\n checker\n}\n" +
                           inst("A", " track_bfd {\n  b\n }\n"));
  CHECK(has(checker_only, "track_bfd 'b' does not name a bfd_instance (with vrrp events)"));
}

TEST_CASE("An address owner ignores tracking weights", "[parser][vrrp]") {
  auto r =
      load("track_file tf {\n file /tmp/tf\n}\n" +
           inst("A",
                " priority 255\n track_file {\n  tf\n }\n track_interface {\n  eth1 weight 5\n "
                "}\n"));
  CHECK(has(r,
            "track_file tf has weight 1 (its default), which is ignored for an address "
            "owner (priority 255); specify weight 0"));
  CHECK(has(r, "track_interface eth1 has weight 5, which is ignored for an address owner"));
  CHECK(only(r).track_file.empty());
  auto zero = load("track_file tf {\n file /tmp/tf\n}\n" +
                   inst("A", " priority 255\n track_file {\n  tf weight 0\n }\n"));
  CHECK(located(zero).empty());
}

TEST_CASE("VRIDs are unique per interface and family", "[parser][vrrp]") {
  auto dup = load(inst("A", "") + inst("B", "", 1, "198.18.0.2/24"));
  CHECK(has(dup,
            "error: vrrp_instance B uses virtual_router_id 1 with IPv4 on interface eth0, "
            "as vrrp_instance A does"));
  auto v6 = load(inst("A", "") + inst("B", "", 1, "2001:db8::1/64"));
  CHECK(located(v6).empty());
  auto mcast = load(inst("A", "") + inst("B", " mcast_dst_ip 224.0.0.19\n", 1, "198.18.0.2/24"));
  CHECK(located(mcast).empty());
  auto unicast = load(inst("A", " unicast_peer {\n  198.18.0.8\n }\n") +
                      inst("B", " unicast_peer {\n  198.18.0.9\n }\n", 1, "198.18.0.2/24"));
  CHECK(located(unicast).empty());
  auto overlap = load(inst("A", " unicast_peer {\n  198.18.0.8\n }\n") +
                      inst("B", " unicast_peer {\n  198.18.0.8\n }\n", 1, "198.18.0.2/24"));
  CHECK(has(overlap, "uses virtual_router_id 1"));
}

TEST_CASE("Duplicate vrrp_instance names", "[parser][vrrp]") {
  auto r = load(inst("A", "") + inst("A", "", 2));
  CHECK(has(r, "8:1: error: vrrp_instance A is already defined at t.conf:1; this one is ignored"));
  CHECK(r.model.vrrp.vrrp_instance.size() == 1);
}

TEST_CASE("Notify scripts", "[parser][vrrp]") {
  auto r = load(inst("A",
                     " notify_master \"/bin/x master\"\n notify_backup /bin/x root\n"
                     " notify_fault /bin/x root wheel\n notify_deleted\n notify /bin/n\n"
                     " notify_master_rx_lower_pri /bin/l\n notify_master /bin/y\n"));
  CHECK(has(r, "13:2: error: 'notify_master' is already set; '/bin/y' ignored"));
  const auto& v = only(r);
  REQUIRE(v.notify_master);
  CHECK(v.notify_master->cmd == "/bin/x master");
  CHECK(v.notify_backup->user == "root");
  CHECK(v.notify_fault->group == "wheel");
  REQUIRE(v.notify_deleted);
  CHECK(v.notify_deleted->cmd.empty());
  CHECK(v.notify->cmd == "/bin/n");
  CHECK(v.notify_master_rx_lower_pri->cmd == "/bin/l");
}

TEST_CASE("Deprecated vrrp_instance keywords warn as keepalived does", "[parser][vrrp]") {
  auto r = load(inst("A",
                     " linkbeat_use_polling\n vmac_garp_intvl 10\n lvs_sync_daemon_interface "
                     "eth0\n"));
  CHECK(has(r, "7:2: warning: 'linkbeat_use_polling' is deprecated"));
  CHECK(has(r, "8:2: warning: 'vmac_garp_intvl' is deprecated; use 'garp_extra_if'"));
  CHECK(has(r, "9:2: warning: 'lvs_sync_daemon_interface' is deprecated"));
  REQUIRE(only(r).garp_extra_if);
  CHECK(only(r).garp_extra_if->interval == 10);
}

TEST_CASE("vrf and interface exclude each other", "[parser][vrrp]") {
  auto r = load(
      "vrrp_instance A {\n interface eth0\n vrf eth1\n virtual_router_id 1\n"
      " virtual_ipaddress {\n  198.18.0.1\n }\n}\n");
  CHECK(has(r, "3:6: error: 'vrf' cannot be given with 'interface'; ignored"));
}

TEST_CASE("A unicast instance may omit the interface", "[parser][vrrp]") {
  auto r = load(
      "vrrp_instance A {\n virtual_router_id 1\n unicast_peer {\n  198.18.0.2\n }\n"
      " virtual_ipaddress {\n  198.18.0.1\n }\n}\n");
  CHECK(located(r).empty());
  auto m = load(
      "vrrp_instance A {\n virtual_router_id 1\n virtual_ipaddress {\n  198.18.0.1\n "
      "}\n}\n");
  CHECK(has(m, "1:1: error: vrrp_instance A has no (usable) interface"));
}

TEST_CASE("vrrp_script keywords", "[parser][vrrp]") {
  auto r = load(
      "vrrp_script chk {\n script \"/bin/true x\"\n interval 2\n timeout 3\n weight -253 "
      "reverse\n rise 2\n fall 3\n user root wheel\n init_fail\n}\n");
  CHECK(located(r).empty());
  REQUIRE(r.model.vrrp.vrrp_script.size() == 1);
  const auto& s = r.model.vrrp.vrrp_script[0];
  CHECK(s.script.cmd == "/bin/true x");
  CHECK(s.interval == seconds(2));
  CHECK(s.timeout == seconds(3));
  CHECK(s.weight == -253);
  CHECK(s.weight_reverse);
  CHECK(s.rise == 2);
  CHECK(s.fall == 3);
  CHECK(s.user == "root");
  CHECK(s.group == "wheel");
  CHECK(s.init_fail);

  auto bad = load(
      "vrrp_script chk {\n script /bin/true\n interval 1.5\n timeout 0\n rise 0\n weight 254\n "
      "weight 2 foo\n}\nvrrp_script none {\n interval 2\n}\n");
  CHECK(has(bad, "3:11: error: '1.5' for 'interval' is not an integer"));
  CHECK(has(bad, "4:10: error: '0' for 'timeout' is outside the range [1, 4294]"));
  CHECK(has(bad, "5:7: error: '0' for 'rise' is outside the range"));
  CHECK(has(bad, "6:9: error: '254' for 'weight' is outside the range [-253, 253]"));
  CHECK(has(bad, "7:11: error: unknown weight option 'foo' (expected reverse|noreverse)"));
  CHECK(has(bad, "9:1: error: vrrp_script none has no 'script'; ignored"));
}

TEST_CASE("track_file and its legacy name", "[parser][vrrp]") {
  auto r = load(
      "track_file tf {\n file /tmp/tf\n weight -2 reverse\n init_file 5 overwrite\n}\n"
      "vrrp_track_file old {\n file /tmp/old\n init_file\n}\n");
  CHECK(has(r, "6:1: note: 'vrrp_track_file' is deprecated; use 'track_file'"));
  CHECK(r.diags.count(Severity::Warning) + r.diags.count(Severity::Error) == 0);
  REQUIRE(r.model.vrrp.track_file.size() == 2);
  const auto& f = r.model.vrrp.track_file[0];
  CHECK(f.file == "/tmp/tf");
  CHECK(f.weight == -2);
  CHECK(f.weight_reverse);
  REQUIRE(f.init_file);
  CHECK(f.init_file->value == 5);
  CHECK(f.init_file->overwrite);
  CHECK(r.model.vrrp.track_file[1].weight == 1);
  CHECK(r.model.vrrp.track_file[1].init_file->value == 0);

  auto bad = load(
      "track_file tf {\n file /a\n file /b\n weight 2147483647\n init_file abc\n init_file 1 "
      "foo\n}\ntrack_file nofile {\n weight 3\n}\n");
  CHECK(has(bad, "3:7: error: track_file tf already has a file ('/a'); '/b' ignored"));
  CHECK(has(bad, "4:9: error: '2147483647' for 'weight' is outside the range [-254, 254]"));
  CHECK(has(bad, "5:12: error: 'abc' for 'init_file' is not an integer value or 'overwrite'"));
  CHECK(has(bad, "6:14: error: unknown init_file option 'foo' (expected 'overwrite')"));
  CHECK(has(bad, "8:1: error: track_file nofile has no 'file'; ignored"));
}

TEST_CASE("vrrp_track_process keywords", "[parser][vrrp]") {
  auto r = load(
      "vrrp_track_process tp {\n process haproxy -f \"a b\"\n param_match initial\n weight -254 "
      "reverse\n quorum 2\n quorum_max 3\n delay 0.5\n fork_delay 1\n full_command\n}\n");
  CHECK(located(r).empty());
  REQUIRE(r.model.vrrp.vrrp_track_process.size() == 1);
  const auto& p = r.model.vrrp.vrrp_track_process[0];
  CHECK(p.process == std::vector<std::string>{"haproxy", "-f", "a b"});
  CHECK(p.param_match == ParamMatch::Initial);
  CHECK(p.weight == -254);
  CHECK(p.weight_reverse);
  CHECK(p.quorum == 2);
  CHECK(p.quorum_max == 3);
  CHECK(p.fork_delay == seconds(1));
  CHECK(p.terminate_delay == milliseconds(500));
  CHECK(p.full_command);

  auto bad = load(
      "vrrp_track_process tp {\n process x\n process y\n quorum 0\n delay 3601\n param_match foo\n"
      " quorum 3\n quorum_max 2\n}\nvrrp_track_process none {\n quorum 2\n}\n");
  CHECK(has(bad, "3:10: error: vrrp_track_process tp already has a process; 'y' ignored"));
  CHECK(has(bad, "4:9: error: '0' for 'quorum' is outside the range [1, 65535]"));
  CHECK(has(bad, "5:8: error: '3601' for 'delay' is outside the range [1e-06, 3600] seconds"));
  CHECK(has(bad,
            "6:14: error: 'foo' is not a valid value for 'param_match' (expected "
            "initial|partial)"));
  CHECK(has(bad, "8:13: error: quorum_max 2 is less than quorum 3; ignored"));
  CHECK(has(bad, "10:1: error: vrrp_track_process none has no 'process'; ignored"));
  auto qmax0 = load("vrrp_track_process tp {\n process x\n quorum_max 0\n}\n");
  CHECK(located(qmax0).empty());
}

TEST_CASE("vrrp_sync_group keywords and membership", "[parser][vrrp]") {
  const std::string two = inst("A", "") + inst("B", "", 2, "198.18.0.2/24");
  auto r = load(
      "vrrp_sync_group G {\n group {\n  A\n  B\n }\n track_interface {\n  lo weight 5\n }\n"
      " notify_master /bin/m\n notify_backup /bin/b\n notify_fault /bin/f\n notify_stop /bin/s\n"
      " notify /bin/n\n notify_priority_changes yes\n smtp_alert\n "
      "sync_group_tracking_weight\n}\n" +
      two);
  CHECK(located(r).empty());
  REQUIRE(r.model.vrrp.vrrp_sync_group.size() == 1);
  const auto& g = r.model.vrrp.vrrp_sync_group[0];
  REQUIRE(g.group.size() == 2);
  CHECK(g.group[1].name == "B");
  CHECK(g.track_interface[0].weight == 5);
  CHECK(g.notify_stop->cmd == "/bin/s");
  CHECK(g.notify_priority_changes == true);
  CHECK(g.smtp_alert == true);
  CHECK(g.sync_group_tracking_weight);

  auto unknown = load("vrrp_sync_group G {\n group {\n  A\n  C\n }\n}\n" + two);
  CHECK(has(unknown, "4:3: error: vrrp_sync_group G: vrrp_instance C does not exist; ignored"));
  CHECK(has(unknown, "1:1: warning: vrrp_sync_group G has only one vrrp_instance (A)"));

  auto twice = load(
      "vrrp_sync_group G {\n group {\n  A\n  B\n }\n}\n"
      "vrrp_sync_group H {\n group {\n  A\n }\n}\n" +
      two);
  CHECK(has(twice,
            "9:3: error: vrrp_sync_group H: vrrp_instance A is already in "
            "vrrp_sync_group G; an instance can be in only one sync group"));
  CHECK(has(twice, "7:1: warning: vrrp_sync_group H has no vrrp_instance; group ignored"));
  CHECK(twice.model.vrrp.vrrp_sync_group.size() == 1);

  auto empty = load("vrrp_sync_group G {\n group {\n }\n}\n");
  CHECK(has(empty, "2:2: warning: vrrp_sync_group G has an empty group block"));

  auto deprecated =
      load("vrrp_sync_group G {\n group {\n  A\n  B\n }\n global_tracking\n}\n" + two);
  CHECK(has(deprecated, "6:2: warning: 'global_tracking' is deprecated"));

  auto member_weight = load(
      "track_file tf {\n file /tmp/tf\n}\n"
      "vrrp_sync_group G {\n group {\n  A\n  B\n }\n}\n" +
      inst("A", " track_file {\n  tf\n }\n") + inst("B", "", 2, "198.18.0.2/24"));
  CHECK(has(member_weight,
            "vrrp_instance A: track_file tf has weight 1 (its default), which is "
            "ignored in vrrp_sync_group G"));

  auto both = load(
      "vrrp_sync_group G {\n group {\n  A\n  B\n }\n track_interface {\n  eth0\n "
      "}\n}\n" +
      two);
  CHECK(has(both,
            "7:3: warning: track_interface eth0 is tracked by both vrrp_sync_group G and its "
            "member vrrp_instance A"));

  auto dup = load(
      "vrrp_sync_group G {\n group {\n  A\n  B\n }\n}\n"
      "vrrp_sync_group G {\n group {\n  A\n  B\n }\n}\n" +
      two);
  CHECK(has(dup, "7:1: error: vrrp_sync_group G is already defined at t.conf:1"));

  auto badbool = load("vrrp_sync_group G {\n group {\n  A\n  B\n }\n smtp_alert maybe\n}\n" + two);
  CHECK(has(badbool, "6:13: error: 'maybe' for 'smtp_alert' is not a boolean"));

  auto no_deleted = load("vrrp_sync_group G {\n group {\n  A\n  B\n }\n notify_deleted\n}\n" + two);
  CHECK(has(no_deleted, "6:2: warning: unknown keyword 'notify_deleted' in vrrp_sync_group"));
}

TEST_CASE("garp_group keywords", "[parser][vrrp]") {
  auto r = load(
      "garp_group {\n garp_interval 0.5\n gna_interval 1\n interface eth0\n}\n"
      "garp_group {\n garp_interval 0.1\n interfaces {\n  eth1\n }\n}\n");
  CHECK(located(r).empty());
  REQUIRE(r.model.vrrp.garp_group.size() == 2);
  CHECK(r.model.vrrp.garp_group[0].garp_interval == milliseconds(500));
  CHECK(r.model.vrrp.garp_group[0].interface == "eth0");
  CHECK(r.model.vrrp.garp_group[1].interfaces[0].name == "eth1");

  auto bad = load(
      "garp_group {\n interface eth0\n}\ngarp_group {\n garp_interval 1\n interface eth1\n}\n"
      "garp_group {\n gna_interval 1\n interface eth1\n}\ngarp_group {\n garp_interval x\n "
      "interfaces {\n }\n}\n");
  CHECK(has(bad, "1:1: error: garp_group has neither garp_interval nor gna_interval; ignored"));
  CHECK(has(bad, "8:1: error: interface eth1 is already in another garp_group; ignored"));
  CHECK(has(bad, "13:16: error: 'x' for 'garp_interval' is not a time in seconds"));
  CHECK(has(bad, "14:2: warning: empty garp_group interfaces block"));
}

TEST_CASE("Blocks need their name", "[parser][vrrp]") {
  auto r = load("vrrp_instance {\n interface eth0\n}\nvrrp_sync_group {\n}\n");
  CHECK(has(r, "1:1: error: 'vrrp_instance' needs a value"));
  CHECK(has(r, "4:1: error: 'vrrp_sync_group' needs a value"));
  CHECK(r.model.vrrp.vrrp_instance.empty());
}

TEST_CASE("Many instances parse quickly", "[parser][vrrp][perf]") {
  std::string text = "vrrp_script chk {\n script /bin/true\n}\n";
  text.reserve(65000 * 120);
  for (int i = 0; i < 65000; ++i) {
    text += "vrrp_instance VI_" + std::to_string(i) + " {\n interface eth" +
            std::to_string(i / 255) + "\n virtual_router_id " + std::to_string(i % 255 + 1) +
            "\n track_script {\n  chk\n }\n virtual_ipaddress {\n  198.18.0.1\n }\n}\n";
  }
  auto r = load(text);
  CHECK(r.diags.all().empty());
  CHECK(r.model.vrrp.vrrp_instance.size() == 65000);
}
