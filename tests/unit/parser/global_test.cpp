// SPDX-License-Identifier: GPL-2.0-or-later
// global_defs and the other top-level global keywords: typed values, ranges,
// legacy names and located diagnostics.
#include <catch2/catch.hpp>

#include "vigil/config/load.hpp"

using namespace vigil::config;

namespace {

LoadResult defs(const std::string& body) {
  return load_string("global_defs {\n" + body + "\n}\n", "t.conf", {});
}

/// The only diagnostic, as "line:col: message".
std::string only(const LoadResult& r) {
  REQUIRE(r.diags.all().size() == 1);
  const auto& d = r.diags.all()[0];
  return std::to_string(d.loc.line) + ":" + std::to_string(d.loc.col) + ": " + d.message;
}

}  // namespace

TEST_CASE("global_defs strings, flags and booleans are typed", "[parser][global]") {
  auto r = defs(
      "router_id LVS_A\n notification_email_from a@example.com\n smtp_alert off\n"
      " vrrp_strict\n vrrp_min_garp\n data_use_instance no\n notification_email {\n"
      "  x@example.com\n  y@example.com\n }");
  CHECK(r.diags.all().empty());
  const auto& g = r.model.global.global_defs;
  CHECK(g.router_id == "LVS_A");
  CHECK(g.notification_email_from == "a@example.com");
  CHECK(g.smtp_alert == false);
  CHECK(g.vrrp_strict);
  CHECK(g.vrrp_min_garp == true);
  CHECK(g.data_use_instance == false);
  CHECK(g.notification_email == std::vector<std::string>{"x@example.com", "y@example.com"});
}

TEST_CASE("global_defs numbers and timers keep keepalived's units", "[parser][global]") {
  auto r = defs(
      " smtp_server 198.18.0.25 2525\n smtp_connect_timeout 30\n vrrp_garp_master_delay 10\n"
      " vrrp_garp_interval 0.001\n vrrp_startup_delay 5.5\n vrrp_priority -5\n"
      " vrrp_cpu_affinity 0 1\n umask 022\n max_auto_priority\n vrrp_version 3\n"
      " vrrp_rx_bufs_policy advert\n nftables");
  CHECK(r.diags.all().empty());
  const auto& g = r.model.global.global_defs;
  CHECK(g.smtp_server == "198.18.0.25");
  CHECK(g.smtp_server_port == 2525);
  CHECK(g.smtp_connect_timeout == Micros(30'000'000));
  CHECK(g.vrrp_garp_master_delay == Micros(10'000'000));
  CHECK(g.vrrp_garp_interval == Micros(1000));
  CHECK(g.vrrp_startup_delay == Micros(5'500'000));
  CHECK(g.vrrp_priority == -5);
  CHECK(g.vrrp_cpu_affinity == std::vector<std::uint32_t>{0, 1});
  CHECK(g.umask == 022U);
  CHECK(g.max_auto_priority == 99);
  CHECK(g.vrrp_version == 3);
  REQUIRE(g.vrrp_rx_bufs_policy);
  CHECK(g.vrrp_rx_bufs_policy->kind == RxBufsPolicy::Kind::Advert);
  CHECK(g.nftables == "keepalived");
}

TEST_CASE("umask accepts mode bits joined by '|'", "[parser][global]") {
  auto r = defs("umask IWGRP | IWOTH");
  CHECK(r.diags.all().empty());
  CHECK(r.model.global.global_defs.umask == 022U);
  CHECK(only(defs("umask IWGRP|IWXXX")) ==
        "2:7: 'IWXXX' in 'umask' is not a mode bit (I{R|W|X}{USR|GRP|OTH}, joined with '|')");
}

TEST_CASE("global_defs out-of-range values are located errors", "[parser][global]") {
  CHECK(only(defs("vrrp_version 4")) == "2:14: '4' for 'vrrp_version' is outside the range [2, 3]");
  CHECK(only(defs(" vrrp_priority 20")) ==
        "2:16: '20' for 'vrrp_priority' is outside the range [-20, 19]");
  CHECK(only(defs("vrrp_mcast_group4 198.18.0.1")) ==
        "2:19: '198.18.0.1' for 'vrrp_mcast_group4' is not a multicast address");
  CHECK(only(defs("vrrp_mcast_group6 224.0.0.18")) ==
        "2:19: '224.0.0.18' for 'vrrp_mcast_group6' is not an IPv6 address");
  CHECK(only(defs("smtp_connect_timeout 0")) ==
        "2:22: 'smtp_connect_timeout' must be greater than 0; 1 is used");
  CHECK(only(defs("vrrp_garp_extra_if foo 10")) ==
        "2:20: 'foo' is not a valid value for 'vrrp_garp_extra_if' (expected all)");
  CHECK(only(defs("smtp_alert maybe")) ==
        "2:12: 'maybe' for 'smtp_alert' is not a boolean (on|off|true|false|yes|no)");
  CHECK(only(defs("vrrp_rt_priority 100")) ==
        "2:18: '100' for 'vrrp_rt_priority' is outside the range [1, 99]");
  CHECK(only(defs("startup_script_timeout 1001")) ==
        "2:24: '1001' for 'startup_script_timeout' is outside the range [1, 1000]");
}

TEST_CASE("A keyword missing its value is a located error", "[parser][global]") {
  CHECK(only(defs("vrrp_version")) == "2:1: 'vrrp_version' needs a value");
  CHECK(only(defs("router_id")) == "2:1: 'router_id' needs at least 1 argument");
}

TEST_CASE("Flags ignore extra words with a note, as keepalived does", "[parser][global]") {
  auto r = defs("vrrp_no_swap x");
  REQUIRE(r.diags.all().size() == 1);
  CHECK(r.diags.all()[0].severity == Severity::Note);
  CHECK(r.diags.config_test_status() == 0);
  CHECK(r.model.global.global_defs.vrrp_no_swap);
}

TEST_CASE("Legacy global_defs names map as keepalived 2.2.7 maps them", "[parser][global]") {
  auto r = defs("vrrp_rlimit_rtime 100\n enable_snmp_keepalived\n lvs_flush_onstop");
  CHECK(r.diags.config_test_status() == 0);
  CHECK(r.model.global.global_defs.vrrp_rlimit_rttime == 100U);
  CHECK(r.model.global.global_defs.enable_snmp_vrrp);
  CHECK(r.model.global.global_defs.lvs_flush_on_stop);

  auto dep = defs("vrrp_vmac_garp_intvl 10");
  CHECK(dep.diags.config_test_status() == 5);
  CHECK(dep.model.global.global_defs.vrrp_garp_extra_if == Micros(10'000'000));

  // Removed before 2.2.7: keepalived calls them unknown; vigil names the replacement.
  auto gone = defs("lvs_id LVS_A");
  CHECK(only(gone) ==
        "2:1: 'lvs_id' is no longer supported (keepalived removed it); use 'router_id'; ignored");
  CHECK(gone.diags.all()[0].severity == Severity::Warning);
  CHECK_FALSE(gone.model.global.global_defs.router_id);
}

TEST_CASE("lvs_sync_daemon takes its full syntax", "[parser][global]") {
  auto r = load_string(
      "global_defs {\n lvs_sync_daemon eth0 inst VI_1 id 5 maxlen 1400 port 8848 ttl 2 group "
      "ff02::81\n}\nvrrp_instance VI_1 {\n interface eth0\n virtual_router_id 5\n"
      " virtual_ipaddress {\n  198.18.0.1\n }\n}\n",
      "t.conf", {});
  CHECK(r.diags.all().empty());
  const auto& d = r.model.global.global_defs.lvs_sync_daemon;
  REQUIRE(d);
  CHECK(d->interface == "eth0");
  CHECK(d->inst == "VI_1");
  CHECK(d->id == 5);
  CHECK(d->maxlen == 1400);
  CHECK(d->port == 8848);
  CHECK(d->ttl == 2);
  CHECK(d->group->str() == "ff02::81");

  auto old = defs("lvs_sync_daemon eth0 VI_1 id 256");
  REQUIRE(old.diags.all().size() == 2);
  CHECK(old.diags.all()[0].message ==
        "'256' for 'id' in 'lvs_sync_daemon' is not a number in [0, 255]");
  CHECK(old.diags.all()[1].message ==
        "lvs_sync_daemon names vrrp_instance 'VI_1', which is not defined");
  CHECK(old.diags.all()[1].loc.col == 22);
}

TEST_CASE("lvs_timeouts reads each protocol's timeout", "[parser][global]") {
  auto r = defs("lvs_timeouts tcp 900 udp 300");
  CHECK(r.diags.all().empty());
  CHECK(r.model.global.global_defs.lvs_timeouts->tcp == 900U);
  CHECK(r.model.global.global_defs.lvs_timeouts->udp == 300U);
  CHECK_FALSE(r.model.global.global_defs.lvs_timeouts->tcpfin);
  CHECK(only(defs("lvs_timeouts tcp 2678401")) ==
        "2:18: '2678401' for 'tcp' in 'lvs_timeouts' is not a number of seconds in [0, 2678400]");
}

TEST_CASE("Top-level global keywords", "[parser][global]") {
  auto r = load_string(
      "net_namespace blue\nnet_namespace_ipvs\ninstance kv1\nuse_pid_dir\nchild_wait_time 9\n"
      "linkbeat_interfaces {\n eth0\n eth1 ETHTOOL\n}\ninterface_up_down_delays {\n eth0 1 2\n"
      " eth1 0.5\n}\n",
      "t.conf", {});
  CHECK(r.diags.all().empty());
  const auto& g = r.model.global;
  CHECK(g.net_namespace == "blue");
  CHECK(g.net_namespace_ipvs == "");
  CHECK(g.instance == "kv1");
  CHECK(g.use_pid_dir);
  CHECK(g.child_wait_time == 9U);
  REQUIRE(g.linkbeat_interfaces.size() == 2);
  CHECK(g.linkbeat_interfaces[1].type == "ETHTOOL");
  REQUIRE(g.interface_up_down_delays.size() == 2);
  CHECK(g.interface_up_down_delays[0].up_delay == Micros(2'000'000));
  CHECK(g.interface_up_down_delays[1].up_delay == Micros(500'000));
}

TEST_CASE("Interfaces that must exist are checked when the host is known", "[parser][global]") {
  LoadOptions opts;
  opts.interface_exists = [](const std::string& n) { return n == "eth0"; };
  auto r = load_string("linkbeat_interfaces {\n eth9\n}\n", "t.conf", opts);
  CHECK(r.diags.config_test_status() == 4);
  auto s = load_string(
      "global_defs {\n default_interface eth9\n}\nstatic_ipaddress {\n"
      " 198.18.0.5/24\n}\n",
      "t.conf", opts);
  REQUIRE(s.diags.all().size() == 1);
  CHECK(s.diags.all()[0].message ==
        "static address 198.18.0.5/24 has no 'dev' and the default interface 'eth9' does not "
        "exist");
  CHECK(s.diags.config_test_status() == 4);
}

TEST_CASE("track_group members and users are cross-checked", "[parser][global]") {
  auto r = load_string(
      "track_group G1 {\n group {\n  VI_9\n }\n}\nstatic_ipaddress {\n 198.18.0.5/24 dev eth0 "
      "track_group G2\n}\n",
      "t.conf", {});
  REQUIRE(r.diags.all().size() == 2);
  CHECK(r.diags.all()[0].message ==
        "track_group 'G1' names vrrp_instance 'VI_9', which is not defined");
  CHECK(r.diags.all()[0].loc.line == 3);
  CHECK(r.diags.all()[1].message == "track_group 'G2' is not defined");
  CHECK(r.diags.all()[1].loc.line == 7);
}
