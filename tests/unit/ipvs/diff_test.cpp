// SPDX-License-Identifier: GPL-2.0-or-later
// diff(): emptiness on equal tables, op order, edits instead of delete+add,
// ignored runtime fields, the one-op property on a 10,000-destination table,
// and diff(a, b) applied to a giving b.
#include "vigil/ipvs/diff.hpp"

#include <catch2/catch.hpp>

#include "ipvs_helpers.hpp"
#include "vigil/ipvs/dry_run.hpp"
#include "vigil/ipvs/format.hpp"

using namespace vigil;
using namespace vigil::ipvs;
using test::add_dest;
using test::add_service;
using test::dk;
using test::dspec;
using test::fwm;
using test::spec;
using test::tcp;
using test::udp;

namespace {

std::vector<std::string> rules(const std::vector<Op>& ops) {
  std::vector<std::string> out;
  for (const auto& op : ops) {
    out.push_back(rule(op));
  }
  return out;
}

Table sample() {
  Table t;
  auto& a = add_service(t, tcp("198.18.0.1", 80), spec("rr"));
  add_dest(a, dk("198.18.1.1", 80), dspec(Fwd::Masq));
  add_dest(a, dk("198.18.1.2", 80), dspec(Fwd::Masq, 2));
  auto& b = add_service(t, udp("2001:db8::1", 53), spec("wlc", kSvcPersistent, 60, 64));
  add_dest(b, dk("2001:db8:1::1", 53), dspec(Fwd::Route));
  auto& c = add_service(t, fwm(5), spec("sh", kSvcSched1));
  DestSpec gue = dspec(Fwd::Tunnel);
  gue.tun_type = TunType::Gue;
  gue.tun_port = 6080;
  gue.tun_flags = kTunCsum;
  add_dest(c, dk("198.18.1.3", 0), gue);
  return t;
}

/// Applies ops to `start` through the dry-run backend; every op must succeed.
Table apply_ops(const Table& start, const std::vector<Op>& ops) {
  DryRunBackend b(nullptr, start);
  for (const auto& op : ops) {
    auto err = b.apply(op);
    INFO(rule(op));
    REQUIRE_FALSE(err.has_value());
  }
  return b.table();
}

bool same(const Table& a, const Table& b) {
  return diff(a, b).empty() && diff(b, a).empty() && a.services.size() == b.services.size();
}

}  // namespace

TEST_CASE("diff of a table with itself is empty", "[ipvs][diff]") {
  CHECK(diff(sample(), sample()).empty());
  CHECK(diff(Table{}, Table{}).empty());
}

TEST_CASE("diff from an empty table adds services first, then destinations", "[ipvs][diff]") {
  CHECK(rules(diff(Table{}, sample())) ==
        std::vector<std::string>{
            "-A -f 5 -s sh -b sh-fallback",
            "-A -t 198.18.0.1:80 -s rr",
            "-A -u [2001:db8::1]:53 -s wlc -p 60 -M 64",
            "-a -f 5 -r 198.18.1.3:0 -i -w 1 --tun-type gue --tun-port 6080 --tun-csum",
            "-a -t 198.18.0.1:80 -r 198.18.1.1:80 -m -w 1",
            "-a -t 198.18.0.1:80 -r 198.18.1.2:80 -m -w 2",
            "-a -u [2001:db8::1]:53 -r [2001:db8:1::1]:53 -g -w 1",
        });
}

TEST_CASE("diff to an empty table deletes services only", "[ipvs][diff]") {
  CHECK(rules(diff(sample(), Table{})) == std::vector<std::string>{
                                              "-D -f 5",
                                              "-D -t 198.18.0.1:80",
                                              "-D -u [2001:db8::1]:53",
                                          });
}

TEST_CASE("diff orders add/edit services, add/edit dests, delete dests, delete services",
          "[ipvs][diff]") {
  Table cur = sample();
  Table want = sample();
  want.services.erase(fwm(5));                                                // delete service
  want.services.at(tcp("198.18.0.1", 80)).spec.sched_name = "wrr";            // edit service
  want.services.at(tcp("198.18.0.1", 80)).dests.erase(dk("198.18.1.1", 80));  // delete dest
  want.services.at(tcp("198.18.0.1", 80)).dests.at(dk("198.18.1.2", 80)).spec.weight = 5;
  auto& n = add_service(want, tcp("198.18.0.9", 443), spec("lc"));  // add service
  add_dest(n, dk("198.18.1.9", 443), dspec(Fwd::Masq));             // add dest
  CHECK(rules(diff(cur, want)) == std::vector<std::string>{
                                      "-E -t 198.18.0.1:80 -s wrr",
                                      "-A -t 198.18.0.9:443 -s lc",
                                      "-e -t 198.18.0.1:80 -r 198.18.1.2:80 -m -w 5",
                                      "-a -t 198.18.0.9:443 -r 198.18.1.9:443 -m -w 1",
                                      "-d -t 198.18.0.1:80 -r 198.18.1.1:80",
                                      "-D -f 5",
                                  });
  CHECK(same(apply_ops(cur, diff(cur, want)), want));
}

TEST_CASE("Changes the kernel can make in place are single edits", "[ipvs][diff]") {
  using Mutate = std::function<void(Table&)>;
  const ServiceKey a = tcp("198.18.0.1", 80);
  const ServiceKey b = udp("2001:db8::1", 53);
  const ServiceKey c = fwm(5);
  struct Row {
    std::string what;
    Mutate change;
    std::string op;
  };
  const std::vector<Row> rows = {
      {"scheduler", [&](Table& t) { t.services.at(a).spec.sched_name = "lc"; }, "edit service"},
      {"flags", [&](Table& t) { t.services.at(a).spec.flags = kSvcSched2; }, "edit service"},
      {"persistence", [&](Table& t) { t.services.at(a).spec.flags = kSvcPersistent; },
       "edit service"},
      {"timeout", [&](Table& t) { t.services.at(b).spec.timeout = 61; }, "edit service"},
      {"netmask", [&](Table& t) { t.services.at(b).spec.netmask = 48; }, "edit service"},
      {"pe", [&](Table& t) { t.services.at(b).spec.pe_name = "sip"; }, "edit service"},
      {"weight", [&](Table& t) { t.services.at(a).dests.at(dk("198.18.1.1", 80)).spec.weight = 0; },
       "edit destination"},
      {"forwarding",
       [&](Table& t) { t.services.at(a).dests.at(dk("198.18.1.1", 80)).spec.fwd = Fwd::Route; },
       "edit destination"},
      {"uthreshold",
       [&](Table& t) { t.services.at(a).dests.at(dk("198.18.1.1", 80)).spec.u_threshold = 9; },
       "edit destination"},
      {"lthreshold",
       [&](Table& t) {
         auto& d = t.services.at(a).dests.at(dk("198.18.1.1", 80)).spec;
         d.u_threshold = 9;
         d.l_threshold = 3;
       },
       "edit destination"},
      {"tunnel type",
       [&](Table& t) {
         t.services.at(c).dests.at(dk("198.18.1.3", 0)).spec.tun_type = TunType::Gre;
       },
       "edit destination"},
      {"tunnel port",
       [&](Table& t) { t.services.at(c).dests.at(dk("198.18.1.3", 0)).spec.tun_port = 6081; },
       "edit destination"},
      {"tunnel csum",
       [&](Table& t) { t.services.at(c).dests.at(dk("198.18.1.3", 0)).spec.tun_flags = 0; },
       "edit destination"},
      {"new dest",
       [&](Table& t) { add_dest(t.services.at(a), dk("198.18.1.7", 80), dspec(Fwd::Masq)); },
       "add destination"},
      {"gone dest", [&](Table& t) { t.services.at(a).dests.erase(dk("198.18.1.2", 80)); },
       "delete destination"},
  };
  for (const auto& r : rows) {
    INFO(r.what);
    const Table cur = sample();
    Table want = sample();
    r.change(want);
    const auto ops = diff(cur, want);
    REQUIRE(ops.size() == 1);
    CHECK(op_name(ops[0]) == r.op);
    CHECK(same(apply_ops(cur, ops), want));
  }
}

TEST_CASE("diff ignores runtime fields, the hashed flag and unused spec fields", "[ipvs][diff]") {
  const Table want = sample();
  Table cur = sample();
  auto& a = cur.services.at(tcp("198.18.0.1", 80));
  a.stats.conns = 12;
  a.stats.inbps = 3000;
  a.spec.flags |= kSvcHashed;
  a.spec.timeout = 99;          // not persistent: ignored
  a.spec.netmask = 0xffffff00;  // not persistent: ignored
  auto& d = a.dests.at(dk("198.18.1.1", 80));
  d.rt.active_conns = 5;
  d.rt.inact_conns = 6;
  d.rt.persist_conns = 7;
  d.rt.stats.outbytes = 1 << 20;
  d.spec.tun_type = TunType::Gue;  // not a tunnel: ignored
  d.spec.tun_port = 1;
  auto& g = cur.services.at(fwm(5)).dests.at(dk("198.18.1.3", 0)).spec;
  (void)g;
  auto& ipip = add_dest(cur.services.at(fwm(5)), dk("198.18.1.4", 0), dspec(Fwd::Tunnel));
  ipip.spec.tun_flags = kTunCsum;  // ipip: checksum flags unused
  ipip.spec.tun_port = 77;         // ipip: port unused
  Table want2 = want;
  add_dest(want2.services.at(fwm(5)), dk("198.18.1.4", 0), dspec(Fwd::Tunnel));
  CHECK(diff(cur, want2).empty());
}

TEST_CASE("One destination change in a 10,000-destination table is one op", "[ipvs][diff]") {
  Table big;
  for (std::uint32_t s = 0; s < 100; ++s) {
    auto& svc = add_service(
        big, tcp("198.18.0." + std::to_string(s), static_cast<std::uint16_t>(80 + s % 3)),
        spec("wrr"));
    for (std::uint32_t d = 0; d < 100; ++d) {
      add_dest(svc, dk("198.19." + std::to_string(s) + "." + std::to_string(d), 8080),
               dspec(Fwd::Masq, d % 7));
    }
  }
  CHECK(diff(big, big).empty());
  const ServiceKey k = tcp("198.18.0.42", 80);
  const DestKey d = dk("198.19.42.17", 8080);
  SECTION("weight") {
    Table want = big;
    want.services.at(k).dests.at(d).spec.weight = 100;
    const auto ops = diff(big, want);
    REQUIRE(ops.size() == 1);
    CHECK(rule(ops[0]) == "-e -t 198.18.0.42:80 -r 198.19.42.17:8080 -m -w 100");
  }
  SECTION("removal") {
    Table want = big;
    want.services.at(k).dests.erase(d);
    const auto ops = diff(big, want);
    REQUIRE(ops.size() == 1);
    CHECK(rule(ops[0]) == "-d -t 198.18.0.42:80 -r 198.19.42.17:8080");
  }
  SECTION("addition") {
    Table want = big;
    add_dest(want.services.at(k), dk("198.19.42.200", 8080), dspec(Fwd::Masq));
    const auto ops = diff(big, want);
    REQUIRE(ops.size() == 1);
    CHECK(rule(ops[0]) == "-a -t 198.18.0.42:80 -r 198.19.42.200:8080 -m -w 1");
  }
}

TEST_CASE("Applying diff(a, b) to a gives b", "[ipvs][diff]") {
  // A small family of tables; every ordered pair must converge.
  std::vector<Table> tables;
  tables.emplace_back();
  tables.push_back(sample());
  {
    Table t = sample();
    t.services.erase(udp("2001:db8::1", 53));
    t.services.at(tcp("198.18.0.1", 80)).dests.clear();
    tables.push_back(t);
  }
  {
    Table t;
    auto& s = add_service(t, tcp("198.18.0.1", 80), spec("sh", kSvcPersistent, 300, 0xffffff00));
    add_dest(s, dk("198.18.1.2", 80), dspec(Fwd::Route, 9));
    add_dest(s, dk("198.18.1.5", 80), dspec(Fwd::Masq));
    add_service(t, fwm(6, true), spec("rr"));
    tables.push_back(t);
  }
  {
    Table t = sample();
    for (auto& [k, s] : t.services) {
      s.spec.sched_name = "lc";
      for (auto& [dkey, d] : s.dests) {
        d.spec.weight += 3;
      }
    }
    tables.push_back(t);
  }
  const auto i = GENERATE(range(0, 5));
  const auto j = GENERATE(range(0, 5));
  const Table& a = tables[static_cast<std::size_t>(i)];
  const Table& b = tables[static_cast<std::size_t>(j)];
  const Table got = apply_ops(a, diff(a, b));
  CHECK(same(got, b));
  CHECK(save(got) == save(b));
}
