// SPDX-License-Identifier: GPL-2.0-or-later
// render_data / render_stats / render_json on hand-built States, against
// golden files in golden/ (UPDATE_GOLDEN=1 rewrites them), the JSON's
// keepalived key names, and write_dump's atomic write.
#include "dumps.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "golden.hpp"

using namespace vigil::daemon;

namespace {

std::filesystem::path golden_dir() {
  return vigil::test::source_dir() / "tests" / "unit" / "daemon_ops" / "golden";
}

void check_golden(const std::string& name, const std::string& actual) {
  const auto expected = vigil::test::golden(golden_dir() / name, actual);
  CHECK(actual == expected);
}

State empty_state() {
  State s;
  s.daemon.pid = 4242;
  s.daemon.version = "0.1.0";
  s.daemon.config_file = "/etc/keepalived/keepalived.conf";
  s.daemon.uptime_seconds = 12.34;
  return s;
}

/// Two instances (one IPv6 in a sync group, heard from a master), one NAT
/// virtual server with a live, a failed and a draining real server and a sorry
/// server, one fwmark service missing from the kernel.
State full_state() {
  State s = empty_state();
  s.daemon.reloads = 2;
  s.daemon.reloads_failed = 1;
  s.daemon.vrrp = true;
  s.daemon.ipvs = true;
  s.daemon.sync_daemons = {"master eth0 id 1"};

  VrrpStatus a;
  a.name = "VI_1";
  a.interface = "eth0";
  a.vrid = 51;
  a.version = 2;
  a.state = "MASTER";
  a.base_priority = 150;
  a.effective_priority = 140;
  a.vips = {"198.18.100.1/32", "198.18.100.2/32"};
  a.state_seconds = 3.5;
  a.adverts_sent = 1200;
  a.adverts_received = 3;
  a.became_master = 1;
  a.released_master = 0;
  a.packets_dropped = 2;
  a.priority_zero_received = 1;
  s.vrrp.push_back(a);

  VrrpStatus b;
  b.name = "VI_6";
  b.interface = "eth1";
  b.vrid = 6;
  b.version = 3;
  b.family = "inet6";
  b.state = "BACKUP";
  b.sync_group = "G1";
  b.base_priority = 100;
  b.effective_priority = 100;
  b.vips = {"2001:db8:100::6/128"};
  b.master_address = "fe80::1";
  b.state_seconds = 60;
  b.adverts_received = 600;
  b.priority_zero_sent = 1;
  s.vrrp.push_back(b);

  VirtualServerStatus v;
  v.name = "198.18.0.100:80 TCP";
  v.scheduler = "wlc";
  v.method = "NAT";
  v.counters = IpvsCounters{10, 200, 180, 30000, 250000};
  RealServerStatus r1;
  r1.address = "198.18.0.11:80";
  r1.weight = 3;
  r1.alive = true;
  r1.kernel_weight = 3;
  r1.active_conns = 4;
  r1.inactive_conns = 1;
  r1.counters = IpvsCounters{6, 120, 100, 18000, 150000};
  CheckStatus c1;
  c1.kind = "HTTP_GET";
  c1.target = "198.18.0.11:80";
  c1.up = true;
  c1.runs = 40;
  c1.failures = 1;
  c1.last_latency_ms = 1.25;
  r1.checks.push_back(c1);
  RealServerStatus r2;
  r2.address = "198.18.0.12:80";
  r2.weight = 1;
  r2.alive = false;
  CheckStatus c2;
  c2.kind = "TCP_CHECK";
  c2.target = "198.18.0.12:80";
  c2.runs = 40;
  c2.failures = 40;
  c2.last_error = "connection refused";
  r2.checks.push_back(c2);
  RealServerStatus r3;
  r3.address = "198.18.0.13:80";
  r3.weight = 1;
  r3.alive = true;
  r3.draining = true;
  r3.kernel_weight = 0;
  r3.inactive_conns = 2;
  RealServerStatus sorry;
  sorry.address = "198.18.0.99:80";
  sorry.weight = 1;
  sorry.sorry = true;
  v.real_servers = {r1, r2, r3, sorry};
  s.virtual_servers.push_back(v);

  VirtualServerStatus f;
  f.name = "fwmark 5";
  f.scheduler = "rr";
  f.method = "DR";
  f.quorum_up = false;
  f.sorry_active = true;
  s.virtual_servers.push_back(f);
  return s;
}

}  // namespace

TEST_CASE("dumps: empty state", "[dumps]") {
  const State s = empty_state();
  check_golden("empty.data", render_data(s));
  CHECK(render_stats(s).empty());
  CHECK(render_json(s) == "[]\n");
}

TEST_CASE("dumps: data dump of a full state", "[dumps]") {
  check_golden("full.data", render_data(full_state()));
}

TEST_CASE("dumps: stats dump of a full state", "[dumps]") {
  check_golden("full.stats", render_stats(full_state()));
}

TEST_CASE("dumps: JSON dump of a full state", "[dumps]") {
  const std::string text = render_json(full_state());
  check_golden("full.json", text);
  const auto j = nlohmann::json::parse(text);
  REQUIRE(j.is_array());
  REQUIRE(j.size() == 2);
  // keepalived's key names, which readers of keepalived.json use.
  for (const char* key : {"iname", "state", "wantstate", "ifp_ifname", "vrid", "vips"}) {
    CAPTURE(key);
    CHECK(j[0]["data"].contains(key));
  }
  for (const char* key : {"advert_rcvd", "advert_sent", "become_master", "release_master",
                          "packet_len_err", "advert_interval_err", "ip_ttl_err",
                          "invalid_type_rcvd", "addr_list_err", "invalid_authtype",
                          "authtype_mismatch", "auth_failure", "pri_zero_rcvd", "pri_zero_sent"}) {
    CAPTURE(key);
    CHECK(j[0]["stats"].contains(key));
  }
  CHECK(j[0]["data"]["iname"] == "VI_1");
  CHECK(j[0]["data"]["vips"] == nlohmann::json::array({"198.18.100.1/32", "198.18.100.2/32"}));
  CHECK(j[0]["stats"]["advert_sent"] == 1200);
  CHECK(j[1]["stats"]["pri_zero_sent"] == 1);
}

TEST_CASE("dumps: JSON state codes are keepalived's", "[dumps]") {
  const auto code = [](const std::string& state) {
    State s;
    VrrpStatus v;
    v.name = "VI";
    v.state = state;
    s.vrrp.push_back(v);
    return nlohmann::json::parse(render_json(s))[0]["data"]["state"].get<int>();
  };
  CHECK(code("INIT") == 0);
  CHECK(code("BACKUP") == 1);
  CHECK(code("MASTER") == 2);
  CHECK(code("FAULT") == 3);
  CHECK(code("STOP") == 0);
}

TEST_CASE("dumps: keepalived's file names", "[dumps]") {
  CHECK(dump_file_name(DumpKind::Data) == "keepalived.data");
  CHECK(dump_file_name(DumpKind::Stats) == "keepalived.stats");
  CHECK(dump_file_name(DumpKind::Json) == "keepalived.json");
  const State s = full_state();
  CHECK(render_dump(DumpKind::Data, s) == render_data(s));
  CHECK(render_dump(DumpKind::Stats, s) == render_stats(s));
  CHECK(render_dump(DumpKind::Json, s) == render_json(s));
}

TEST_CASE("dumps: write_dump replaces the file and leaves no temporary", "[dumps]") {
  std::string tmpl = (std::filesystem::temp_directory_path() / "vigil-dumps-XXXXXX").string();
  REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
  const std::filesystem::path dir(tmpl);
  std::string error;
  auto path = write_dump(dir.string(), "keepalived.data", "first\n", error);
  REQUIRE(path);
  CHECK(*path == (dir / "keepalived.data").string());
  CHECK(vigil::test::read_file(*path) == "first\n");
  path = write_dump(dir.string(), "keepalived.data", "second\n", error);
  REQUIRE(path);
  CHECK(vigil::test::read_file(*path) == "second\n");
  struct stat st {};
  REQUIRE(::stat(path->c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0644);
  CHECK(std::distance(std::filesystem::directory_iterator(dir),
                      std::filesystem::directory_iterator()) == 1);
  std::filesystem::remove_all(dir);
}

TEST_CASE("dumps: write_dump into a missing directory is an error, not a crash", "[dumps]") {
  std::string error;
  const auto path = write_dump("/nonexistent-vigil-dir/sub", "keepalived.json", "[]\n", error);
  CHECK_FALSE(path);
  CHECK(error.find("/nonexistent-vigil-dir/sub/keepalived.json") != std::string::npos);
}
