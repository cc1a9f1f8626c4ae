// SPDX-License-Identifier: GPL-2.0-or-later
// Drains on reload (Drainer, with a manual clock), Reconciler::plan() against
// the ops update() sends, the layout of real servers in the table, and the sync
// daemon role that follows the VRRP instance lvs_sync_daemon names.
#include "vigil/ipvs/drain.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <sstream>

#include "ipvs_helpers.hpp"
#include "vigil/ipvs/desired.hpp"
#include "vigil/ipvs/diff.hpp"
#include "vigil/ipvs/dry_run.hpp"
#include "vigil/ipvs/format.hpp"
#include "vigil/ipvs/reconciler.hpp"

using namespace vigil::ipvs;
using vigil::test::add_dest;
using vigil::test::add_service;
using vigil::test::dk;
using vigil::test::dspec;
using vigil::test::spec;
using vigil::test::tcp;
using Kind = DrainEvent::Kind;
using std::chrono::seconds;

namespace {

ServiceKey key_of(const char* a) {
  ServiceKey k;
  k.af = vigil::config::Family::Inet;
  k.protocol = kProtoTcp;
  k.addr = *IpAddress::parse(a);
  k.port = 80;
  return k;
}
// Built without Catch's REQUIRE: these run before any test does.
const ServiceKey kVs = key_of("198.18.0.100");
const ServiceKey kVs2 = key_of("198.18.0.101");
const DestKey kRs1{*IpAddress::parse("198.18.1.1"), 80};
const DestKey kRs2{*IpAddress::parse("198.18.1.2"), 80};

/// A service at kVs with the given real servers at weight 3.
Table table_with(std::initializer_list<DestKey> rs, const ServiceKey& key = kVs) {
  Table t;
  Service& s = add_service(t, key, spec("rr"));
  for (const DestKey& d : rs) {
    add_dest(s, d, dspec(Fwd::Route, 3));
  }
  return t;
}

std::set<std::pair<ServiceKey, DestKey>> declared(const Table& t) {
  std::set<std::pair<ServiceKey, DestKey>> out;
  for (const auto& [key, svc] : t.services) {
    for (const auto& [dkey, d] : svc.dests) {
      out.emplace(key, dkey);
    }
  }
  return out;
}

/// The kernel's view: `t` with these connection counts on one destination.
Table kernel_with(Table t, const DestKey& d, std::uint32_t active, std::uint32_t inact) {
  Dest& dest = t.services.at(kVs).dests.at(d);
  dest.rt.active_conns = active;
  dest.rt.inact_conns = inact;
  return t;
}

/// Reload from `before` to `after` (declared = after's destinations) and
/// return the table to program: after plus the drains.
Table reload(Drainer& dr, const Table& before, const Table& after, DrainClock::time_point now,
             std::vector<DrainEvent>* events = nullptr) {
  auto ev = dr.reload(before, after, declared(after), now);
  if (events != nullptr) {
    *events = ev;
  }
  Table t = after;
  dr.overlay(t);
  return t;
}

}  // namespace

TEST_CASE("A real server removed by a reload drains at weight 0", "[drain]") {
  const DrainClock::time_point t0{};
  Drainer dr(seconds(60));
  const Table before = table_with({kRs1, kRs2});
  std::vector<DrainEvent> ev;
  const Table next = reload(dr, before, table_with({kRs1}), t0, &ev);
  REQUIRE(ev.size() == 1);
  CHECK(ev[0].kind == Kind::Started);
  CHECK(ev[0].dest == kRs2);
  CHECK(dr.pending());
  CHECK(dr.draining(kVs, kRs2));
  // Still there at weight 0, with its forwarding method; rs1 untouched.
  const auto& dests = next.services.at(kVs).dests;
  REQUIRE(dests.count(kRs2) == 1);
  CHECK(dests.at(kRs2).spec.weight == 0);
  CHECK(dests.at(kRs2).spec.fwd == Fwd::Route);
  CHECK(dests.at(kRs1).spec.weight == 3);
  // diff from the old table: one edit to weight 0, no delete.
  const auto ops = diff(before, next);
  REQUIRE(ops.size() == 1);
  CHECK(rule(ops[0]) == "-e -t 198.18.0.100:80 -r 198.18.1.2:80 -g -w 0");

  SECTION("connections keep it") {
    CHECK(dr.tick(kernel_with(next, kRs2, 1, 0), t0 + seconds(10)).empty());
    CHECK(dr.tick(kernel_with(next, kRs2, 0, 4), t0 + seconds(20)).empty());
    CHECK(dr.pending());
  }
  SECTION("no connection left deletes it") {
    REQUIRE(dr.tick(kernel_with(next, kRs2, 2, 1), t0 + seconds(5)).empty());
    const auto end = dr.tick(kernel_with(next, kRs2, 0, 0), t0 + seconds(7));
    REQUIRE(end.size() == 1);
    CHECK(end[0].kind == Kind::Drained);
    CHECK(end[0].elapsed == seconds(7));
    CHECK_FALSE(dr.pending());
    Table after = table_with({kRs1});
    dr.overlay(after);
    const auto del = diff(next, after);
    REQUIRE(del.size() == 1);
    CHECK(rule(del[0]) == "-d -t 198.18.0.100:80 -r 198.18.1.2:80");
  }
  SECTION("the deadline deletes it with connections left") {
    CHECK(dr.tick(kernel_with(next, kRs2, 3, 0), t0 + seconds(59)).empty());
    const auto end = dr.tick(kernel_with(next, kRs2, 3, 2), t0 + seconds(60));
    REQUIRE(end.size() == 1);
    CHECK(end[0].kind == Kind::Expired);
    CHECK(end[0].active_conns == 3);
    CHECK(end[0].inact_conns == 2);
    CHECK_FALSE(dr.pending());
  }
  SECTION("a later reload that names it again ends the drain") {
    const Table back = reload(dr, next, table_with({kRs1, kRs2}), t0 + seconds(3), &ev);
    REQUIRE(ev.size() == 1);
    CHECK(ev[0].kind == Kind::Readded);
    CHECK_FALSE(dr.pending());
    CHECK(back.services.at(kVs).dests.at(kRs2).spec.weight == 3);
  }
  SECTION("a second reload without it keeps its deadline") {
    const Table again = reload(dr, next, table_with({kRs1}), t0 + seconds(30), &ev);
    CHECK(ev.empty());
    CHECK(again.services.at(kVs).dests.at(kRs2).spec.weight == 0);
    const auto end = dr.tick(kernel_with(again, kRs2, 1, 0), t0 + seconds(60));
    REQUIRE(end.size() == 1);
    CHECK(end[0].kind == Kind::Expired);
  }
  SECTION("removing the virtual server ends the drain: the service goes at once") {
    const Table gone = reload(dr, next, Table{}, t0 + seconds(1), &ev);
    REQUIRE(ev.size() == 1);
    CHECK(ev[0].kind == Kind::Abandoned);
    CHECK(gone.services.empty());
    CHECK_FALSE(dr.pending());
  }
  SECTION("a destination deleted behind our back ends the drain") {
    const auto end = dr.tick(table_with({kRs1}), t0 + seconds(1));
    REQUIRE(end.size() == 1);
    CHECK(end[0].kind == Kind::Abandoned);
  }
}

TEST_CASE("Drain timeout 0 deletes at once, as keepalived does", "[drain]") {
  Drainer dr(seconds(0));
  const Table before = table_with({kRs1, kRs2});
  std::vector<DrainEvent> ev;
  const Table next = reload(dr, before, table_with({kRs1}), DrainClock::time_point{}, &ev);
  CHECK(ev.empty());
  CHECK_FALSE(dr.pending());
  const auto ops = diff(before, next);
  REQUIRE(ops.size() == 1);
  CHECK(std::holds_alternative<DelDest>(ops[0]));
}

TEST_CASE("A removed virtual server is deleted at once, its real servers not drained", "[drain]") {
  Drainer dr(seconds(60));
  Table before = table_with({kRs1});
  const Table second = table_with({kRs2}, kVs2);
  before.services.insert(second.services.begin(), second.services.end());
  std::vector<DrainEvent> ev;
  const Table next = reload(dr, before, table_with({kRs1}), DrainClock::time_point{}, &ev);
  CHECK(ev.empty());
  const auto ops = diff(before, next);
  REQUIRE(ops.size() == 1);
  CHECK(std::holds_alternative<DelService>(ops[0]));
}

TEST_CASE("A declared but dead real server is not drained", "[drain]") {
  // Health took it out (it is still in the configuration): removed as before.
  Drainer dr(seconds(60));
  const Table before = table_with({kRs1, kRs2});
  const Table after = table_with({kRs1});
  auto ev = dr.reload(before, after, declared(before), DrainClock::time_point{});
  CHECK(ev.empty());
  CHECK_FALSE(dr.pending());
}

TEST_CASE("The drain survives health updates through overlay", "[drain]") {
  Drainer dr(seconds(60));
  reload(dr, table_with({kRs1, kRs2}), table_with({kRs1}), DrainClock::time_point{});
  // A health change recomputes the desired table: rs1 down, the drain stays.
  Table health = table_with({});
  dr.overlay(health);
  REQUIRE(health.services.at(kVs).dests.count(kRs2) == 1);
  CHECK(health.services.at(kVs).dests.at(kRs2).spec.weight == 0);
}

TEST_CASE("Reconciler::plan lists exactly the ops update then sends", "[reconciler][plan]") {
  std::ostringstream out;
  DryRunBackend kernel(&out);
  Reconciler rec(kernel);
  Desired first;
  first.table = table_with({kRs1, kRs2});
  const Table other = table_with({kRs1}, kVs2);
  first.table.services.insert(other.services.begin(), other.services.end());
  REQUIRE(rec.start(first, false).clean());

  Drainer dr(seconds(60));
  Desired next;
  next.table = reload(dr, rec.desired().table, table_with({kRs1}), DrainClock::time_point{});
  next.table.services.at(kVs).dests.at(kRs1).spec.weight = 5;
  SyncDaemon sd;
  sd.role = SyncDaemon::Role::Backup;
  sd.mcast_ifn = "eth0";
  next.sync_daemons = {sd};

  const auto sent_before = kernel.requests_sent();
  const auto planned = rec.plan(next);
  REQUIRE(planned.ok());
  // plan() reads, never writes: the dump and the daemon list only.
  CHECK(kernel.requests_sent() == sent_before);
  CHECK(rec.desired().table.services.size() == 2);

  const SyncReport r = rec.update(next);
  REQUIRE(r.clean());
  std::vector<std::string> planned_rules;
  for (const Op& op : planned.value()) {
    planned_rules.push_back(rule(op));
  }
  std::vector<std::string> sent_rules;
  for (const Applied& a : r.ops) {
    sent_rules.push_back(rule(a.op));
  }
  // update() sends the service ops first (its two batches), so compare as sets
  // and check the content.
  std::sort(planned_rules.begin(), planned_rules.end());
  std::sort(sent_rules.begin(), sent_rules.end());
  CHECK(planned_rules == sent_rules);
  CHECK(planned_rules == std::vector<std::string>{
                             "--start-daemon backup --mcast-interface eth0 --syncid 0",
                             "-D -t 198.18.0.101:80",
                             "-e -t 198.18.0.100:80 -r 198.18.1.1:80 -g -w 5",
                             "-e -t 198.18.0.100:80 -r 198.18.1.2:80 -g -w 0",
                         });
  // Nothing left to do.
  const auto again = rec.plan(next);
  REQUIRE(again.ok());
  CHECK(again.value().empty());
}

TEST_CASE("layout places real servers and the sorry server in each service", "[desired][layout]") {
  const auto model = vigil::test::load(R"(
virtual_server_group G {
  198.18.0.10 80
  198.18.0.11 8080
}
virtual_server group G {
  lvs_method DR
  protocol TCP
  sorry_server 198.18.2.9 80
  real_server 198.18.1.1 {
    weight 2
  }
}
virtual_server 198.18.0.20 80 {
  lvs_method NAT
  protocol TCP
  real_server 198.18.1.2 8000 {
  }
}
virtual_server 198.18.0.30 80 {
}
)");
  const auto places = layout(model);
  REQUIRE(places.size() == 3);
  REQUIRE(places[0].size() == 2);
  CHECK(places[0][0].service == tcp("198.18.0.10", 80));
  CHECK(places[0][0].real_servers == std::vector<DestKey>{dk("198.18.1.1", 80)});
  CHECK(places[0][1].real_servers == std::vector<DestKey>{dk("198.18.1.1", 8080)});
  REQUIRE(places[0][1].sorry.has_value());
  CHECK(*places[0][1].sorry == dk("198.18.2.9", 8080));
  REQUIRE(places[1].size() == 1);
  CHECK(places[1][0].real_servers == std::vector<DestKey>{dk("198.18.1.2", 8000)});
  CHECK(places[2].empty());  // no real servers: no service
  const auto decl = declared_dests(model);
  CHECK(decl.size() == 5);
  // Every destination desired_state makes is declared.
  for (const auto& [key, svc] : desired_state(model).table.services) {
    for (const auto& [dkey, d] : svc.dests) {
      CHECK(decl.count({key, dkey}) == 1);
    }
  }
}

TEST_CASE("lvs_sync_daemon follows its VRRP instance", "[desired][sync]") {
  const auto model = vigil::test::load(R"(
global_defs {
  lvs_sync_daemon eth0 VI_1 id 7
}
vrrp_instance VI_1 {
  interface eth0
  virtual_router_id 51
  priority 100
  virtual_ipaddress {
    198.18.0.100
  }
}
)");
  CHECK(sync_daemon_instance(model) == "VI_1");
  const auto backup = sync_daemons(model, SyncDaemon::Role::Backup);
  REQUIRE(backup.size() == 1);
  CHECK(backup[0].role == SyncDaemon::Role::Backup);
  CHECK(backup[0].syncid == 7);
  const auto master = sync_daemons(model, SyncDaemon::Role::Master);
  REQUIRE(master.size() == 1);
  CHECK(master[0].role == SyncDaemon::Role::Master);

  // Becoming master: the reconciler starts the master and stops the backup.
  std::ostringstream out;
  DryRunBackend kernel(&out);
  Reconciler rec(kernel);
  Desired d;
  d.sync_daemons = backup;
  REQUIRE(rec.start(d, false).clean());
  REQUIRE(kernel.daemons().value().size() == 1);
  CHECK(kernel.daemons().value()[0].role == SyncDaemon::Role::Backup);
  d.sync_daemons = master;
  auto r = rec.update(d);
  REQUIRE(r.clean());
  REQUIRE(r.ops.size() == 2);
  CHECK(rule(r.ops[0].op) == "--start-daemon master --mcast-interface eth0 --syncid 7");
  CHECK(rule(r.ops[1].op) == "--stop-daemon backup");
  REQUIRE(kernel.daemons().value().size() == 1);
  CHECK(kernel.daemons().value()[0].role == SyncDaemon::Role::Master);
  // And back.
  d.sync_daemons = backup;
  REQUIRE(rec.update(d).clean());
  REQUIRE(kernel.daemons().value().size() == 1);
  CHECK(kernel.daemons().value()[0].role == SyncDaemon::Role::Backup);

  SECTION("the deprecated lvs_sync_daemon_interface names its own instance") {
    const auto old = vigil::test::load(R"(
vrrp_instance VI_2 {
  interface eth0
  lvs_sync_daemon_interface eth0
  virtual_router_id 52
  priority 100
  virtual_ipaddress {
    198.18.0.100
  }
}
)");
    CHECK(sync_daemon_instance(old) == "VI_2");
  }
  SECTION("without lvs_sync_daemon there is no instance to follow") {
    CHECK(sync_daemon_instance(vigil::test::load("global_defs {\n}\n")).empty());
  }
}

TEST_CASE("services() lists each service with a drain once, in order", "[drain]") {
  const DrainClock::time_point t0{};
  Drainer dr(seconds(60));
  CHECK(dr.services().empty());
  const ServiceKey other = tcp("198.18.0.101", 80);
  Table before = table_with({kRs1, kRs2});
  Service& o = add_service(before, other, spec("rr"));
  add_dest(o, kRs1, dspec(Fwd::Route, 1));
  add_dest(o, kRs2, dspec(Fwd::Route, 1));
  Table after = table_with({});
  add_service(after, other, spec("rr"));
  reload(dr, before, after, t0);
  REQUIRE(dr.size() == 4);
  const std::vector<ServiceKey> got = dr.services();
  REQUIRE(got.size() == 2);
  CHECK(std::is_sorted(got.begin(), got.end()));
  CHECK(std::count(got.begin(), got.end(), kVs) == 1);
  CHECK(std::count(got.begin(), got.end(), other) == 1);
}
