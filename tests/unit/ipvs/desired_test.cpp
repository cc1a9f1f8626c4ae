// SPDX-License-Identifier: GPL-2.0-or-later
// desired_state(): each configuration option to the Service/Dest it gives, with
// keepalived 2.2.7's defaults and corrections (checked with keepalived -C and
// ipvsadm -Sn in a guest), health, quorum, hysteresis and the sorry server.
#include "vigil/ipvs/desired.hpp"

#include <catch2/catch.hpp>

#include "ipvs_helpers.hpp"
#include "vigil/ipvs/format.hpp"

using namespace vigil;
using namespace vigil::ipvs;
using test::dk;
using test::fwm;
using test::load;
using test::tcp;
using test::udp;

namespace {

/// A virtual server block with `body` and the real servers in `rs`.
std::string vs(const std::string& head, const std::string& body, const std::string& rs) {
  return "virtual_server " + head + " {\n" + body + "\n" + rs + "}\n";
}

std::string rs(const std::string& addr, const std::string& body = "") {
  return "  real_server " + addr + " {\n" + body + "\n  }\n";
}

const std::string kTcp = "  protocol TCP\n  lvs_sched rr\n  lvs_method NAT\n";

Table table_of(const std::string& conf) {
  return desired_state(load(conf)).table;
}

const Service& only_service(const Table& t) {
  REQUIRE(t.services.size() == 1);
  return t.services.begin()->second;
}

}  // namespace

TEST_CASE("A virtual server without scheduler, method or protocol gets keepalived's defaults",
          "[ipvs][desired]") {
  const auto t = table_of(vs("198.18.0.1 80", "", rs("198.18.1.1")));
  const Service& s = only_service(t);
  CHECK(s.key == udp("198.18.0.1", 80));  // "no protocol set - defaulting to UDP"
  CHECK(s.spec.sched_name == "wlc");
  CHECK(s.spec.flags == 0);
  CHECK(s.spec.netmask == 0xffffffff);
  REQUIRE(s.dests.size() == 1);
  const Dest& d = s.dests.begin()->second;
  CHECK(d.key == dk("198.18.1.1", 80));  // the service's port
  CHECK(d.spec.fwd == Fwd::Masq);
  CHECK(d.spec.weight == 1);
}

TEST_CASE("Every scheduler keepalived accepts is passed through by name", "[ipvs][desired]") {
  const std::string sched = GENERATE("rr", "wrr", "lc", "wlc", "lblc", "lblcr", "dh", "sh", "sed",
                                     "nq", "fo", "ovf", "mh", "twos");
  const auto t =
      table_of(vs("198.18.0.1 80", "  protocol TCP\n  lvs_method NAT\n  lvs_sched " + sched,
                  rs("198.18.1.1 80")));
  CHECK(only_service(t).spec.sched_name == sched);
  CHECK(is_known_scheduler(sched));
}

TEST_CASE("Scheduler flags map to IP_VS_SVC_F_SCHED1/2/3 as keepalived maps them",
          "[ipvs][desired]") {
  struct Row {
    std::string body;
    std::uint32_t flags;
  };
  const std::vector<Row> rows = {
      {"lvs_sched sh\n sh-port", kSvcSched2},
      {"lvs_sched sh\n sh-fallback", kSvcSched1},
      {"lvs_sched sh\n sh-port\n sh-fallback", kSvcSched1 | kSvcSched2},
      {"lvs_sched mh\n mh-port", kSvcSched2},
      {"lvs_sched mh\n mh-fallback", kSvcSched1},
      {"lvs_sched rr\n flag-1", kSvcSched1},
      {"lvs_sched rr\n flag-2", kSvcSched2},
      {"lvs_sched rr\n flag-3", kSvcSched3},
      {"lvs_sched sh\n flag-1\n flag-2\n flag-3", kSvcSched1 | kSvcSched2 | kSvcSched3},
      {"lvs_sched sh\n hashed", 0},
  };
  for (const auto& r : rows) {
    INFO(r.body);
    const auto t = table_of(
        vs("198.18.0.1 80", " protocol TCP\n lvs_method NAT\n " + r.body, rs("198.18.1.1 80")));
    CHECK(only_service(t).spec.flags == r.flags);
  }
}

TEST_CASE("ops is one-packet scheduling for UDP and fwmark services only", "[ipvs][desired]") {
  auto flags = [](const std::string& head, const std::string& proto) {
    return only_service(table_of(vs(head, proto + "\n lvs_sched rr\n lvs_method NAT\n ops",
                                    rs("198.18.1.1 53"))))
        .spec.flags;
  };
  CHECK(flags("198.18.0.1 53", " protocol UDP") == kSvcOnePacket);
  CHECK(flags("198.18.0.1 53", " protocol TCP") == 0);  // "requires UDP - resetting"
  CHECK(flags("198.18.0.1 53", " protocol SCTP") == 0);
  CHECK(flags("fwmark 1", "") == kSvcOnePacket);
  // Seen in the guest: a group with addresses and fwmarks under TCP loses ops on
  // both kinds of service.
  const auto t = table_of(
      "virtual_server_group G {\n 198.18.2.1 53\n fwmark 11\n}\n" +
      vs("group G", " protocol TCP\n lvs_sched rr\n lvs_method NAT\n ops", rs("198.18.1.1 53")));
  REQUIRE(t.services.size() == 2);
  for (const auto& [k, s] : t.services) {
    CHECK(s.spec.flags == 0);
  }
}

TEST_CASE("Persistence: timeout, granularity, engine, and the forced 360 s for port 0",
          "[ipvs][desired]") {
  struct Row {
    std::string head;
    std::string body;
    std::uint32_t flags;
    std::uint32_t timeout;
    std::uint32_t netmask;
    std::string pe;
  };
  const std::vector<Row> rows = {
      {"198.18.0.1 80", "persistence_timeout 120", kSvcPersistent, 120, 0xffffffff, ""},
      {"198.18.0.1 80", "persistence_timeout", kSvcPersistent, 360, 0xffffffff, ""},
      {"198.18.0.1 80", "persistence_timeout 50\n persistence_granularity 255.255.255.0",
       kSvcPersistent, 50, 0xffffff00, ""},
      {"198.18.0.1 80", "persistence_granularity 255.255.0.0", kSvcPersistent, 360, 0xffff0000, ""},
      {"2001:db8::1 80", "persistence_timeout 30\n persistence_granularity 64", kSvcPersistent, 30,
       64, ""},
      {"2001:db8::1 80", "persistence_timeout 30", kSvcPersistent, 30, 128, ""},
      {"2001:db8::1 80", "", 0, 0, 128, ""},
      {"198.18.0.1 5060", "persistence_timeout 60\n persistence_engine sip", kSvcPersistent, 60,
       0xffffffff, "sip"},
      {"198.18.0.1 5060", "persistence_engine sip", 0, 0, 0xffffffff, "sip"},
      // "zero port only valid for persistent services - setting"
      {"198.18.0.1", "", kSvcPersistent, 360, 0xffffffff, ""},
      {"198.18.0.1 0", "persistence_timeout 20", kSvcPersistent, 20, 0xffffffff, ""},
  };
  for (const auto& r : rows) {
    INFO(r.head << " / " << r.body);
    const bool v6 = r.head.find(':') != std::string::npos;
    const auto t =
        table_of(vs(r.head, kTcp + " " + r.body, rs(v6 ? "2001:db8:1::1 80" : "198.18.1.1 80")));
    const Service& s = only_service(t);
    CHECK(s.spec.flags == r.flags);
    CHECK(s.spec.timeout == r.timeout);
    CHECK(s.spec.netmask == r.netmask);
    CHECK(s.spec.pe_name == r.pe);
  }
}

TEST_CASE("Forwarding methods and tunnel variants become the destination's settings",
          "[ipvs][desired]") {
  struct Row {
    std::string method;
    Fwd fwd;
    TunType type;
    std::uint16_t port;
    std::uint16_t flags;
  };
  const std::vector<Row> rows = {
      {"NAT", Fwd::Masq, TunType::Ipip, 0, 0},
      {"DR", Fwd::Route, TunType::Ipip, 0, 0},
      {"TUN", Fwd::Tunnel, TunType::Ipip, 0, 0},
      {"TUN type ipip", Fwd::Tunnel, TunType::Ipip, 0, 0},
      {"TUN type gue port 6080", Fwd::Tunnel, TunType::Gue, 6080, kTunNoCsum},
      {"TUN type gue port 6080 nocsum", Fwd::Tunnel, TunType::Gue, 6080, kTunNoCsum},
      {"TUN type gue port 6081 csum", Fwd::Tunnel, TunType::Gue, 6081, kTunCsum},
      {"TUN type gue port 6082 remcsum", Fwd::Tunnel, TunType::Gue, 6082, kTunRemCsum},
      {"TUN type gre", Fwd::Tunnel, TunType::Gre, 0, kTunNoCsum},
      {"TUN type gre csum", Fwd::Tunnel, TunType::Gre, 0, kTunCsum},
  };
  for (const auto& r : rows) {
    INFO(r.method);
    // On the virtual server, and overriding it on the real server.
    for (const bool on_rs : {false, true}) {
      const std::string body = on_rs ? " protocol TCP\n lvs_sched rr\n lvs_method NAT"
                                     : " protocol TCP\n lvs_sched rr\n lvs_method " + r.method;
      const auto t = table_of(vs("198.18.0.1 80", body,
                                 rs("198.18.1.1 80", on_rs ? "    lvs_method " + r.method : "")));
      const Dest& d = only_service(t).dests.begin()->second;
      CHECK(d.key == dk("198.18.1.1", 80));
      CHECK(d.spec.fwd == r.fwd);
      CHECK(d.spec.tun_type == r.type);
      CHECK(d.spec.tun_port == r.port);
      CHECK(d.spec.tun_flags == r.flags);
    }
  }
}

TEST_CASE("Real server weight and thresholds are copied", "[ipvs][desired]") {
  const auto t = table_of(vs("198.18.0.1 80", kTcp,
                             rs("198.18.1.1 80", "weight 7\n uthreshold 100\n lthreshold 10") +
                                 rs("198.18.1.2 80", "weight 0")));
  const Service& s = only_service(t);
  const Dest& a = s.dests.at(dk("198.18.1.1", 80));
  CHECK(a.spec.weight == 7);
  CHECK(a.spec.u_threshold == 100);
  CHECK(a.spec.l_threshold == 10);
  CHECK(s.dests.at(dk("198.18.1.2", 80)).spec.weight == 0);
}

TEST_CASE("Real server ports follow keepalived and the kernel", "[ipvs][desired]") {
  SECTION("NAT keeps its own port, or takes the service's") {
    const auto t = table_of(vs("198.18.0.1 80", kTcp, rs("198.18.1.1") + rs("198.18.1.2 8080")));
    const Service& s = only_service(t);
    CHECK(s.dests.count(dk("198.18.1.1", 80)) == 1);
    CHECK(s.dests.count(dk("198.18.1.2", 8080)) == 1);
  }
  SECTION("DR and TUN carry the service's port") {
    const auto t = table_of(vs("198.18.0.1 80", " protocol TCP\n lvs_sched rr\n lvs_method DR",
                               rs("198.18.1.1") + rs("198.18.1.2 8080", "lvs_method TUN")));
    const Service& s = only_service(t);
    CHECK(s.dests.count(dk("198.18.1.1", 80)) == 1);
    CHECK(s.dests.count(dk("198.18.1.2", 80)) == 1);
  }
  SECTION("An fwmark service: NAT keeps its port (0 when none), DR gets 0") {
    const auto t = table_of(
        vs("fwmark 9", " lvs_sched rr\n lvs_method NAT",
           rs("198.18.1.1") + rs("198.18.1.2 8080") + rs("198.18.1.3 80", "lvs_method DR")));
    const Service& s = only_service(t);
    CHECK(s.key == fwm(9));
    CHECK(s.dests.count(dk("198.18.1.1", 0)) == 1);
    CHECK(s.dests.count(dk("198.18.1.2", 8080)) == 1);
    CHECK(s.dests.count(dk("198.18.1.3", 0)) == 1);
  }
}

TEST_CASE("fwmark services take their family from ip_family or the real servers",
          "[ipvs][desired]") {
  CHECK(only_service(table_of(vs("fwmark 1", " lvs_sched rr\n lvs_method DR", rs("198.18.1.1"))))
            .key == fwm(1));
  CHECK(only_service(
            table_of(vs("fwmark 7", " lvs_sched rr\n lvs_method DR\n persistence_timeout 300",
                        rs("2001:db8:1::41"))))
            .key == fwm(7, true));
  const auto t = table_of(
      vs("fwmark 8", " ip_family inet6\n lvs_sched rr\n lvs_method TUN", rs("198.18.1.42")));
  const Service& s = only_service(t);
  CHECK(s.key == fwm(8, true));
  CHECK(s.spec.netmask == 128);
  CHECK(s.dests.count(dk("198.18.1.42", 0)) == 1);
}

TEST_CASE("virtual_server_group expands ranges, prefixes and fwmarks into services",
          "[ipvs][desired]") {
  const std::string conf = R"(
virtual_server_group G4 {
  198.18.2.1-3 80
  198.18.3.0/30 80
  198.18.4.254-198.18.5.1 80
  fwmark 5
}
virtual_server group G4 {
  protocol TCP
  lvs_sched rr
  lvs_method NAT
  real_server 198.18.1.40 {
  }
  real_server 198.18.1.41 8080 {
  }
  real_server 198.18.1.42 8080 {
    lvs_method DR
  }
}
virtual_server_group G6 {
  2001:db8:2::ff-101 53
  fwmark 6 inet6
}
virtual_server group G6 {
  protocol UDP
  lvs_sched wrr
  lvs_method NAT
  real_server 2001:db8:1::40 53 {
  }
}
)";
  const auto t = table_of(conf);
  std::vector<std::string> names;
  for (const auto& [k, s] : t.services) {
    names.push_back(describe(k));
  }
  CHECK(names ==
        std::vector<std::string>{"FWM 5", "TCP 198.18.2.1:80", "TCP 198.18.2.2:80",
                                 "TCP 198.18.2.3:80", "TCP 198.18.3.0:80", "TCP 198.18.3.1:80",
                                 "TCP 198.18.3.2:80", "TCP 198.18.3.3:80", "TCP 198.18.4.254:80",
                                 "TCP 198.18.4.255:80", "TCP 198.18.5.0:80", "TCP 198.18.5.1:80",
                                 "FWM 6 IPv6", "UDP [2001:db8:2::ff]:53",
                                 "UDP [2001:db8:2::100]:53", "UDP [2001:db8:2::101]:53"});
  for (const auto& [k, s] : t.services) {
    INFO(describe(k));
    if (k.af == Family::Inet6) {
      CHECK(s.spec.sched_name == "wrr");
      CHECK(s.dests.count(dk("2001:db8:1::40", 53)) == 1);
      continue;
    }
    CHECK(s.spec.sched_name == "rr");
    // In a group NAT real servers keep their own port (0 when none); DR ones
    // carry each service's port.
    CHECK(s.dests.count(dk("198.18.1.40", 0)) == 1);
    CHECK(s.dests.count(dk("198.18.1.41", 8080)) == 1);
    CHECK(s.dests.count(dk("198.18.1.42", k.port)) == 1);
  }
}

TEST_CASE("A group address without a port makes the whole virtual server persistent",
          "[ipvs][desired]") {
  const auto t = table_of(R"(
virtual_server_group G {
  198.18.2.1 80
  198.18.3.0/31
  fwmark 5
}
virtual_server group G {
  protocol TCP
  lvs_sched rr
  lvs_method NAT
  real_server 198.18.1.40 80 {
  }
}
)");
  REQUIRE(t.services.size() == 4);
  for (const auto& [k, s] : t.services) {
    CHECK(s.spec.flags == kSvcPersistent);
    CHECK(s.spec.timeout == 360);
  }
}

TEST_CASE("A virtual server without real servers is ignored, sorry server or not",
          "[ipvs][desired]") {
  const auto d = desired_state(load(vs("198.18.0.4 80", kTcp + " sorry_server 198.18.1.9 80", "") +
                                    vs("198.18.0.5 80", kTcp, rs("198.18.1.1 80"))));
  CHECK(d.table.services.size() == 1);
  CHECK(d.table.services.count(tcp("198.18.0.5", 80)) == 1);
  CHECK(d.quorum_up == std::vector<bool>{false, true});
}

TEST_CASE("lvs_timeouts becomes the Timeouts to set", "[ipvs][desired]") {
  CHECK_FALSE(desired_state(load(vs("198.18.0.1 80", kTcp, rs("198.18.1.1 80")))).timeouts);
  const auto d = desired_state(load("global_defs {\n lvs_timeouts tcp 900 udp 300\n}\n"));
  REQUIRE(d.timeouts);
  CHECK(*d.timeouts == Timeouts{900, 0, 300});
  CHECK(d.table.services.empty());
}

TEST_CASE("lvs_sync_daemon without an instance runs both daemons", "[ipvs][desired]") {
  const auto m = load(
      "global_defs {\n lvs_sync_daemon eth0 id 7 maxlen 1400 port 8850 ttl 2 group 239.1.2.3\n}\n");
  const auto d = desired_state(m);
  REQUIRE(d.sync_daemons.size() == 2);
  const SyncDaemon want{SyncDaemon::Role::Master, "eth0", 7, 1400, 8850, 2, test::ip("239.1.2.3")};
  CHECK(d.sync_daemons[0] == want);
  SyncDaemon backup = want;
  backup.role = SyncDaemon::Role::Backup;
  CHECK(d.sync_daemons[1] == backup);
  CHECK(sync_daemons(m, SyncDaemon::Role::Master) == d.sync_daemons);

  const auto bare = sync_daemons(load("global_defs {\n lvs_sync_daemon eth0\n}\n"));
  REQUIRE(bare.size() == 2);
  CHECK(bare[0] == SyncDaemon{SyncDaemon::Role::Master, "eth0", 0, 0, 0, 0, std::nullopt});
}

TEST_CASE("lvs_sync_daemon with an instance follows its state and VRID", "[ipvs][desired]") {
  const std::string conf = R"(
global_defs {
  lvs_sync_daemon eth0 VI_1
}
vrrp_instance VI_1 {
  interface eth0
  virtual_router_id 42
  priority 100
  virtual_ipaddress {
    198.18.0.1
  }
}
)";
  const auto m = load(conf);
  const auto backup = sync_daemons(m);
  REQUIRE(backup.size() == 1);
  CHECK(backup[0] == SyncDaemon{SyncDaemon::Role::Backup, "eth0", 42, 0, 0, 0, std::nullopt});
  const auto master = sync_daemons(m, SyncDaemon::Role::Master);
  REQUIRE(master.size() == 1);
  CHECK(master[0].role == SyncDaemon::Role::Master);
  CHECK(master[0].syncid == 42);
  CHECK(desired_state(m).sync_daemons == backup);
}

TEST_CASE("No lvs_sync_daemon, no daemons", "[ipvs][desired]") {
  CHECK(sync_daemons(load(vs("198.18.0.1 80", kTcp, rs("198.18.1.1 80")))).empty());
}

// ---------------------------------------------------------------------------
// Health, quorum and the sorry server

namespace {

/// Health from a list of dead real server addresses and weight overrides.
HealthView health(std::vector<std::string> dead,
                  std::vector<std::pair<std::string, std::uint32_t>> weights = {}) {
  return [dead = std::move(dead), weights = std::move(weights)](const config::VirtualServer&,
                                                                const config::RealServer& r) {
    RsHealth h;
    const std::string a = r.ip.str();
    h.alive = std::find(dead.begin(), dead.end(), a) == dead.end();
    for (const auto& [addr, w] : weights) {
      if (addr == a) {
        h.weight = w;
      }
    }
    return h;
  };
}

QuorumView was(bool up) {
  return [up](const config::VirtualServer&) { return std::optional<bool>(up); };
}

std::map<std::string, std::uint32_t> weights(const Desired& d) {
  std::map<std::string, std::uint32_t> out;
  for (const auto& [k, s] : d.table.services) {
    for (const auto& [dkey, dest] : s.dests) {
      out[addr_port(dkey.addr, dkey.port)] = dest.spec.weight;
    }
  }
  return out;
}

using W = std::map<std::string, std::uint32_t>;

}  // namespace

TEST_CASE("A dead real server is removed, or kept at weight 0 with inhibit_on_failure",
          "[ipvs][desired]") {
  const auto m = load(vs("198.18.0.1 80", kTcp,
                         rs("198.18.1.1 80") + rs("198.18.1.2 80", "inhibit_on_failure") +
                             rs("198.18.1.3 80", "weight 5")));
  CHECK(weights(desired_state(m)) ==
        W{{"198.18.1.1:80", 1}, {"198.18.1.2:80", 1}, {"198.18.1.3:80", 5}});
  CHECK(weights(desired_state(m, health({"198.18.1.1", "198.18.1.2"}, {{"198.18.1.3", 9}}))) ==
        W{{"198.18.1.2:80", 0}, {"198.18.1.3:80", 9}});
  const auto vs_inhibit = load(
      vs("198.18.0.1 80", kTcp + " inhibit_on_failure", rs("198.18.1.1 80") + rs("198.18.1.2 80")));
  CHECK(weights(desired_state(vs_inhibit, health({"198.18.1.1"}))) ==
        W{{"198.18.1.1:80", 0}, {"198.18.1.2:80", 1}});
}

TEST_CASE("Losing quorum swaps the pool for the sorry server", "[ipvs][desired]") {
  const auto m = load(vs("198.18.0.1 80", kTcp + " quorum 2\n sorry_server 198.18.1.9 8080",
                         rs("198.18.1.1 80") + rs("198.18.1.2 80", "inhibit_on_failure") +
                             rs("198.18.1.3 80", "weight 0")));
  const auto up = desired_state(m);
  CHECK(up.quorum_up == std::vector<bool>{true});
  CHECK(weights(up) == W{{"198.18.1.1:80", 1}, {"198.18.1.2:80", 1}, {"198.18.1.3:80", 0}});
  const auto down = desired_state(m, health({"198.18.1.1"}));
  CHECK(down.quorum_up == std::vector<bool>{false});
  CHECK(weights(down) == W{{"198.18.1.2:80", 0}, {"198.18.1.9:8080", 1}});
  const Dest& sorry = down.table.services.begin()->second.dests.at(dk("198.18.1.9", 8080));
  CHECK(sorry.spec.fwd == Fwd::Masq);
}

TEST_CASE("Without a sorry server, lost quorum changes nothing but the dead", "[ipvs][desired]") {
  const auto m =
      load(vs("198.18.0.1 80", kTcp + " quorum 2", rs("198.18.1.1 80") + rs("198.18.1.2 80")));
  const auto d = desired_state(m, health({"198.18.1.1"}));
  CHECK(d.quorum_up == std::vector<bool>{false});
  CHECK(weights(d) == W{{"198.18.1.2:80", 1}});
}

TEST_CASE("Hysteresis: quorum is gained at quorum+hysteresis and lost below quorum-hysteresis",
          "[ipvs][desired]") {
  const auto m = load(
      vs("198.18.0.1 80", kTcp + " quorum 3\n hysteresis 1\n sorry_server 198.18.1.9 80",
         rs("198.18.1.1 80") + rs("198.18.1.2 80") + rs("198.18.1.3 80") + rs("198.18.1.4 80")));
  struct Row {
    std::optional<bool> prev;
    std::vector<std::string> dead;
    bool up;
  };
  const std::vector<Row> rows = {
      {std::nullopt, {}, true},                                   // 4 >= 3+1
      {std::nullopt, {"198.18.1.1"}, false},                      // 3 < 4 at start-up
      {true, {"198.18.1.1", "198.18.1.2"}, true},                 // 2 >= 3-1
      {true, {"198.18.1.1", "198.18.1.2", "198.18.1.3"}, false},  // 1 < 2
      {false, {"198.18.1.1"}, false},                             // 3 < 4
      {false, {}, true},                                          // 4 >= 4
  };
  for (const auto& r : rows) {
    INFO("prev " << (r.prev ? (*r.prev ? "up" : "down") : "none") << ", dead " << r.dead.size());
    const auto d = desired_state(m, health(r.dead), r.prev ? was(*r.prev) : QuorumView{});
    CHECK(d.quorum_up == std::vector<bool>{r.up});
    CHECK(weights(d).count("198.18.1.9:80") == (r.up ? 0U : 1U));
  }
}

TEST_CASE("sorry_server_inhibit keeps the sorry server at weight 0 while quorum is up",
          "[ipvs][desired]") {
  const auto m =
      load(vs("198.18.0.7 80", kTcp + " sorry_server 198.18.1.9 80\n sorry_server_inhibit",
              rs("198.18.1.10 80")));
  CHECK(weights(desired_state(m)) == W{{"198.18.1.9:80", 0}, {"198.18.1.10:80", 1}});
  CHECK(weights(desired_state(m, health({"198.18.1.10"}))) == W{{"198.18.1.9:80", 1}});
}

TEST_CASE("The sorry server's port and method follow keepalived", "[ipvs][desired]") {
  // Checked in the guest: a NAT sorry server without a port is programmed on
  // port 0; sorry_server_lvs_method DR gives it the service's port.
  const auto nat =
      load(vs("198.18.0.20 80", kTcp + " sorry_server 198.18.1.50", rs("198.18.1.51 80")));
  CHECK(weights(desired_state(nat, health({"198.18.1.51"}))) == W{{"198.18.1.50:0", 1}});
  const auto dr = load(vs("198.18.0.20 80",
                          kTcp + " sorry_server 198.18.1.50 8080\n sorry_server_lvs_method DR",
                          rs("198.18.1.51 80")));
  const auto d = desired_state(dr, health({"198.18.1.51"}));
  const Dest& s = d.table.services.begin()->second.dests.at(dk("198.18.1.50", 80));
  CHECK(s.spec.fwd == Fwd::Route);
}

TEST_CASE("Real servers all at weight 0 start with the sorry server (quorum reduced to 0)",
          "[ipvs][desired]") {
  // keepalived 2.2.7: "reducing quorum to 0", "setting hysteresis to 4294967295",
  // then "Starting with quorum down" and the sorry server goes in (seen in the guest).
  const auto m = load(
      vs("198.18.0.20 80", kTcp + " sorry_server 198.18.1.50", rs("198.18.1.51 80", "weight 0")));
  CHECK(weights(desired_state(m)) == W{{"198.18.1.50:0", 1}});
  const auto inhibit = load(vs("198.18.0.21 80",
                               kTcp + " inhibit_on_failure\n sorry_server 198.18.1.50 8080\n "
                                      "sorry_server_inhibit",
                               rs("198.18.1.51 80", "weight 0")));
  CHECK(weights(desired_state(inhibit)) == W{{"198.18.1.50:8080", 1}, {"198.18.1.51:80", 0}});
}

TEST_CASE("Quorum above the total weight is reduced to it", "[ipvs][desired]") {
  const auto m = load(vs("198.18.0.6 80", kTcp + " quorum 3\n sorry_server 198.18.1.9 80",
                         rs("198.18.1.10 80") + rs("198.18.1.11 80")));
  const auto d = desired_state(m);
  CHECK(d.quorum_up == std::vector<bool>{true});
  CHECK(weights(d) == W{{"198.18.1.10:80", 1}, {"198.18.1.11:80", 1}});
}

TEST_CASE("A sorry server that is also a real server takes its place only when active",
          "[ipvs][desired]") {
  const auto m = load(vs("198.18.0.1 80",
                         kTcp + " quorum 2\n sorry_server 198.18.1.2 80\n "
                                "sorry_server_inhibit",
                         rs("198.18.1.1 80") + rs("198.18.1.2 80", "weight 3")));
  CHECK(weights(desired_state(m)) == W{{"198.18.1.1:80", 1}, {"198.18.1.2:80", 3}});
  CHECK(weights(desired_state(m, health({"198.18.1.1", "198.18.1.2"}))) == W{{"198.18.1.2:80", 1}});
}

TEST_CASE("Two virtual servers naming one service merge, the first one's settings winning",
          "[ipvs][desired]") {
  const auto t = table_of(R"(
virtual_server_group G {
  198.18.0.1 80
}
virtual_server group G {
  protocol TCP
  lvs_sched rr
  lvs_method NAT
  real_server 198.18.1.1 80 {
  }
}
virtual_server 198.18.0.1 80 {
  protocol TCP
  lvs_sched wrr
  lvs_method NAT
  real_server 198.18.1.2 80 {
  }
}
)");
  const Service& s = only_service(t);
  CHECK(s.spec.sched_name == "rr");
  CHECK(s.dests.size() == 2);
}
