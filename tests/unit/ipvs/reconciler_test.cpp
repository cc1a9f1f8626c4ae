// SPDX-License-Identifier: GPL-2.0-or-later
// The reconciler over an in-memory backend (a fake for this pure logic only;
// the real kernel is exercised by the VM tests).
#include "vigil/ipvs/reconciler.hpp"

#include <catch2/catch.hpp>
#include <cerrno>
#include <sstream>

#include "vigil/ipvs/dry_run.hpp"

using namespace vigil::ipvs;

namespace {

IpAddress ip(const char* s) {
  return *IpAddress::parse(s);
}

ServiceKey tcp(const char* addr, std::uint16_t port) {
  ServiceKey k;
  k.af = vigil::config::Family::Inet;
  k.protocol = kProtoTcp;
  k.addr = ip(addr);
  k.port = port;
  return k;
}

Service service(const ServiceKey& key, std::string sched, std::initializer_list<const char*> rs,
                std::uint32_t weight = 1) {
  Service s;
  s.key = key;
  s.spec.sched_name = std::move(sched);
  for (const char* r : rs) {
    Dest d;
    d.key = DestKey{ip(r), key.port};
    d.spec.weight = weight;
    s.dests.emplace(d.key, d);
  }
  return s;
}

Desired desired_of(std::initializer_list<Service> services) {
  Desired d;
  for (const Service& s : services) {
    d.table.services.emplace(s.key, s);
  }
  return d;
}

/// A table of n services with m destinations each.
Desired big(int n, int m) {
  Desired d;
  for (int i = 0; i < n; ++i) {
    ServiceKey key = tcp("198.18.0.0", static_cast<std::uint16_t>(1000 + i));
    Service s;
    s.key = key;
    s.spec.sched_name = "wrr";
    for (int j = 0; j < m; ++j) {
      Dest dest;
      IpAddress a = ip("198.19.0.0");
      a.bytes[2] = static_cast<std::uint8_t>(j / 256);
      a.bytes[3] = static_cast<std::uint8_t>(j % 256);
      dest.key = DestKey{a, 80};
      s.dests.emplace(dest.key, dest);
    }
    d.table.services.emplace(key, s);
  }
  return d;
}

std::size_t count_ops(const SyncReport& r) {
  return r.ops.size();
}

}  // namespace

TEST_CASE("reconciler programs an empty kernel and then has nothing to do", "[reconciler]") {
  std::ostringstream out;
  DryRunBackend kernel(&out);
  Reconciler rec(kernel);
  auto r = rec.start(
      desired_of({service(tcp("198.18.0.1", 80), "rr", {"198.18.1.1", "198.18.1.2"})}), false);
  CHECK(r.clean());
  CHECK(r.succeeded() == 3);
  CHECK(kernel.dump().value().services.size() == 1);
  auto again = rec.resync();
  CHECK(again.clean());
  CHECK(again.ops.empty());
}

TEST_CASE("reconciler adopts a matching table on start without touching it", "[reconciler]") {
  std::ostringstream out;
  DryRunBackend kernel(&out);
  {
    Reconciler first(kernel);
    first.start(big(10, 10), false);
  }
  const auto sent = kernel.requests_sent();
  Reconciler second(kernel);
  auto r = second.start(big(10, 10), false);
  CHECK(r.clean());
  CHECK(r.ops.empty());
  CHECK(r.dumped);
  CHECK(kernel.requests_sent() == sent);  // nothing sent to the kernel
}

TEST_CASE("one changed destination in 10,000 is one op and no dump", "[reconciler]") {
  std::ostringstream out;
  DryRunBackend kernel(&out);
  Reconciler rec(kernel);
  Desired d = big(1000, 10);
  REQUIRE(rec.start(d, false).clean());
  auto& dest = d.table.services.begin()->second.dests.begin()->second;
  dest.spec.weight = 7;
  const auto before = kernel.requests_sent();
  auto r = rec.update(d);
  CHECK(r.clean());
  CHECK_FALSE(r.dumped);
  REQUIRE(count_ops(r) == 1);
  CHECK(std::holds_alternative<EditDest>(r.ops[0].op));
  CHECK(kernel.requests_sent() - before == 1);
}

TEST_CASE("reconciler leaves services it does not own alone", "[reconciler]") {
  std::ostringstream out;
  Table foreign;
  Service other = service(tcp("198.18.9.9", 80), "rr", {"198.18.9.10"});
  foreign.services.emplace(other.key, other);
  DryRunBackend kernel(&out, foreign);
  Reconciler rec(kernel);
  REQUIRE(
      rec.start(desired_of({service(tcp("198.18.0.1", 80), "rr", {"198.18.1.1"})}), false).clean());
  CHECK(kernel.dump().value().services.count(other.key) == 1);
  REQUIRE(rec.release(false).clean());
  auto left = kernel.dump().value().services;
  CHECK(left.size() == 1);
  CHECK(left.count(other.key) == 1);
}

TEST_CASE("lvs_flush flushes everything at start, lvs_flush_on_stop at stop", "[reconciler]") {
  std::ostringstream out;
  Table foreign;
  Service other = service(tcp("198.18.9.9", 80), "rr", {"198.18.9.10"});
  foreign.services.emplace(other.key, other);
  DryRunBackend kernel(&out, foreign);
  Reconciler rec(kernel);
  auto r = rec.start(desired_of({service(tcp("198.18.0.1", 80), "rr", {"198.18.1.1"})}), true);
  REQUIRE(r.clean());
  CHECK(std::holds_alternative<Flush>(r.ops.front().op));
  CHECK(kernel.dump().value().services.count(other.key) == 0);
  kernel.apply(AddService{other.key, other.spec});
  REQUIRE(rec.release(true).clean());
  CHECK(kernel.dump().value().services.empty());
}

TEST_CASE("resync repairs a flushed table and a deleted destination", "[reconciler]") {
  std::ostringstream out;
  DryRunBackend kernel(&out);
  Reconciler rec(kernel);
  const Service s = service(tcp("198.18.0.1", 80), "rr", {"198.18.1.1", "198.18.1.2"});
  REQUIRE(rec.start(desired_of({s}), false).clean());

  REQUIRE_FALSE(kernel.apply(DelDest{s.key, DestKey{ip("198.18.1.2"), 80}}));
  auto r = rec.resync();
  REQUIRE(r.clean());
  REQUIRE(r.ops.size() == 1);
  CHECK(std::holds_alternative<AddDest>(r.ops[0].op));

  REQUIRE_FALSE(kernel.apply(Flush{}));
  r = rec.resync();
  CHECK(r.clean());
  CHECK(r.ops.size() == 3);
  CHECK(kernel.dump().value().services.at(s.key).dests.size() == 2);

  // A destination someone added to our service is removed again.
  Dest extra;
  extra.key = DestKey{ip("198.18.1.3"), 80};
  REQUIRE_FALSE(kernel.apply(AddDest{s.key, extra.key, extra.spec}));
  r = rec.resync();
  REQUIRE(r.ops.size() == 1);
  CHECK(std::holds_alternative<DelDest>(r.ops[0].op));
}

TEST_CASE("a refused op is reported, the rest applies, and it is retried", "[reconciler]") {
  std::ostringstream out;
  DryRunBackend kernel(&out);
  Reconciler rec(kernel);
  Service good = service(tcp("198.18.0.1", 80), "rr", {"198.18.1.1"});
  Service bad = service(tcp("198.18.0.2", 80), "nosuch", {"198.18.1.1", "198.18.1.2"});
  auto r = rec.start(desired_of({good, bad}), false);
  CHECK(r.failed() == 1);
  CHECK(r.skipped == 2);  // bad's destinations cannot follow
  const auto& failed = *std::find_if(r.ops.begin(), r.ops.end(),
                                     [](const Applied& a) { return a.error.has_value(); });
  CHECK(std::holds_alternative<AddService>(failed.op));
  CHECK(failed.error->err == ENOENT);
  CHECK_THAT(failed.error->text(), Catch::Contains("198.18.0.2:80"));
  CHECK(kernel.dump().value().services.at(good.key).dests.size() == 1);

  // Still refused on the next resync: retried, and the good service untouched.
  r = rec.resync();
  CHECK(r.failed() == 1);
  CHECK(r.ops.size() == 1);
}

TEST_CASE("update deletes services dropped from the config", "[reconciler]") {
  std::ostringstream out;
  DryRunBackend kernel(&out);
  Reconciler rec(kernel);
  Service a = service(tcp("198.18.0.1", 80), "rr", {"198.18.1.1"});
  Service b = service(tcp("198.18.0.2", 80), "rr", {"198.18.1.1"});
  REQUIRE(rec.start(desired_of({a, b}), false).clean());
  auto r = rec.update(desired_of({a}));
  REQUIRE(r.clean());
  REQUIRE(r.ops.size() == 1);
  CHECK(std::holds_alternative<DelService>(r.ops[0].op));
  CHECK(rec.owned().size() == 1);
}

TEST_CASE("timeouts and sync daemons are set once and stopped on release", "[reconciler]") {
  std::ostringstream out;
  DryRunBackend kernel(&out);
  Reconciler rec(kernel);
  Desired d;
  d.timeouts = Timeouts{600, 60, 200};  // the kernel defaults are 900 120 300
  SyncDaemon m;
  m.role = SyncDaemon::Role::Master;
  m.mcast_ifn = "eth0";
  m.syncid = 5;
  d.sync_daemons = {m};
  auto r = rec.start(d, false);
  REQUIRE(r.clean());
  CHECK(r.ops.size() == 2);
  CHECK(rec.resync().ops.empty());
  CHECK(kernel.daemons().value().size() == 1);
  REQUIRE(rec.release(false).clean());
  CHECK(kernel.daemons().value().empty());
}
