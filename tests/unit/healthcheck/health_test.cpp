// SPDX-License-Identifier: GPL-2.0-or-later
// HealthBook: checker verdicts to real-server aliveness and weight, notify
// events, quorum and hysteresis through ipvs::desired_state, omega, and
// reloads that keep the verdicts of unchanged checkers.
#include "vigil/hc/health.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "hc_test_util.hpp"
#include "vigil/hc/plan.hpp"
#include "vigil/ipvs/desired.hpp"

using vigil::hc::HealthBook;
using vigil::hc::plan_checks;
using vigil::hc::QuorumEvent;
using vigil::hc::RsEvent;
using vigil::test::load_model;
using vigil::test::rs_block;
using vigil::test::vs_block;

namespace {

const std::string kTcp = "  protocol TCP\n  lvs_sched rr\n  lvs_method NAT\n";
const std::string kCheck = "    TCP_CHECK {\n    }\n";
const std::string kVs = "198.18.0.1:80/TCP";

std::string checker(const std::string& rs, const std::string& kind = "TCP_CHECK", int n = 0) {
  return kVs + "|" + rs + "|" + kind + "#" + std::to_string(n);
}

bool same(const std::optional<RsEvent>& e, std::size_t vs, std::size_t rs, bool up) {
  return e && e->vs_index == vs && e->rs_index == rs && e->up == up;
}

/// Weight of each destination in the desired table, by "addr:port".
std::map<std::string, std::uint32_t> weights(const vigil::ipvs::Desired& d) {
  std::map<std::string, std::uint32_t> out;
  for (const auto& [k, s] : d.table.services) {
    for (const auto& [dk, dest] : s.dests) {
      out[dk.addr.str() + ":" + std::to_string(dk.port)] = dest.spec.weight;
    }
  }
  return out;
}

using W = std::map<std::string, std::uint32_t>;

/// The book's current desired state and the quorum events it records.
std::vector<QuorumEvent> step(HealthBook& book, const vigil::config::Model& m,
                              vigil::ipvs::Desired* out = nullptr) {
  const auto d = vigil::ipvs::desired_state(m, book.health_view(), book.quorum_view());
  if (out != nullptr) {
    *out = d;
  }
  return book.record_quorum(d);
}

}  // namespace

TEST_CASE("A real server is alive while all its checkers are up", "[hc][health]") {
  const auto m = load_model(vs_block(
      "198.18.0.1 80", kTcp,
      rs_block("198.18.1.1 80", kCheck + "    TCP_CHECK {\n      connect_port 81\n    }\n") +
          rs_block("198.18.1.2 80")));
  const auto checks = plan_checks(m);
  HealthBook book;
  book.reset(m, checks);
  const std::string rs1 = kVs + "|198.18.1.1:80";
  const std::string rs2 = kVs + "|198.18.1.2:80";
  CHECK(book.alive(rs1));
  CHECK(book.alive(rs2));  // no checkers: always alive
  CHECK_FALSE(book.alive("nonsense"));

  CHECK(same(book.set_verdict(checker("198.18.1.1:80"), false), 0, 0, false));
  CHECK_FALSE(book.alive(rs1));
  // The second checker failing too changes nothing more.
  CHECK_FALSE(book.set_verdict(checker("198.18.1.1:80", "TCP_CHECK", 1), false));
  CHECK_FALSE(book.set_verdict(checker("198.18.1.1:80"), true));
  CHECK_FALSE(book.alive(rs1));
  CHECK(same(book.set_verdict(checker("198.18.1.1:80", "TCP_CHECK", 1), true), 0, 0, true));
  CHECK(book.alive(rs1));
  // Repeating a verdict is no event; an unknown checker is ignored.
  CHECK_FALSE(book.set_verdict(checker("198.18.1.1:80"), true));
  CHECK_FALSE(book.set_verdict("no such checker", false));

  // The IPVS view: the dead one leaves the pool.
  (void)book.set_verdict(checker("198.18.1.1:80"), false);
  const auto d = vigil::ipvs::desired_state(m, book.health_view(), book.quorum_view());
  CHECK(weights(d) == W{{"198.18.1.2:80", 1}});
}

TEST_CASE("The book names a checker's kind and real server for log lines", "[hc][health]") {
  const auto m = load_model(
      vs_block("198.18.0.1 80", kTcp,
               rs_block("198.18.1.1 80", kCheck) +
                   rs_block("198.18.1.2 80",
                            kCheck + "    MISC_CHECK {\n      misc_path /bin/true\n    }\n")));
  HealthBook book;
  {
    // The book keeps what it needs: the CheckDefs may go.
    const auto checks = plan_checks(m);
    book.reset(m, checks);
  }
  const auto tcp = book.checker(checker("198.18.1.2:80"));
  REQUIRE(tcp);
  CHECK(tcp->kind == vigil::hc::CheckKind::Tcp);
  CHECK(tcp->vs_index == 0);
  CHECK(tcp->rs_index == 1);
  const auto misc = book.checker(checker("198.18.1.2:80", "MISC_CHECK"));
  REQUIRE(misc);
  CHECK(misc->kind == vigil::hc::CheckKind::Misc);
  CHECK(misc->rs_index == 1);
  CHECK(book.checker(checker("198.18.1.1:80"))->rs_index == 0);
  CHECK_FALSE(book.checker("no such checker"));
  CHECK(same(book.set_verdict(checker("198.18.1.2:80", "MISC_CHECK"), false), 0, 1, false));
}

TEST_CASE("alpha starts a checker down, so its real server starts dead", "[hc][health]") {
  const auto m = load_model(vs_block(
      "198.18.0.1 80", kTcp + "  alpha\n",
      rs_block("198.18.1.1 80", kCheck) + rs_block("198.18.1.2 80", "    alpha no\n" + kCheck)));
  HealthBook book;
  book.reset(m, plan_checks(m));
  CHECK_FALSE(book.alive(kVs + "|198.18.1.1:80"));
  CHECK(book.alive(kVs + "|198.18.1.2:80"));
  CHECK(same(book.set_verdict(checker("198.18.1.1:80"), true), 0, 0, true));
}

TEST_CASE("A checker's dynamic weight replaces the configured one", "[hc][health]") {
  const auto m = load_model(vs_block(
      "198.18.0.1 80", kTcp,
      rs_block("198.18.1.1 80",
               "    weight 5\n    MISC_CHECK {\n      misc_path /bin/true\n      misc_dynamic\n    "
               "}\n") +
          rs_block("198.18.1.2 80",
                   "    weight 5\n"
                   "    MISC_CHECK {\n      misc_path /bin/a\n      misc_dynamic\n    }\n"
                   "    MISC_CHECK {\n      misc_path /bin/b\n      misc_dynamic\n    }\n") +
          rs_block("198.18.1.3 80", "    weight 3\n" + kCheck)));
  HealthBook book;
  book.reset(m, plan_checks(m));
  const auto now = [&] {
    return weights(vigil::ipvs::desired_state(m, book.health_view(), book.quorum_view()));
  };
  CHECK(now() == W{{"198.18.1.1:80", 5}, {"198.18.1.2:80", 5}, {"198.18.1.3:80", 3}});
  // One dynamic checker sets the weight it asks for.
  CHECK_FALSE(book.set_verdict(checker("198.18.1.1:80", "MISC_CHECK"), true, 9U));
  // Two: each moves the configured weight by its own offset (5 + (7-5) + (1-5) = 3).
  (void)book.set_verdict(checker("198.18.1.2:80", "MISC_CHECK"), true, 7U);
  (void)book.set_verdict(checker("198.18.1.2:80", "MISC_CHECK", 1), true, 1U);
  CHECK(now() == W{{"198.18.1.1:80", 9}, {"198.18.1.2:80", 3}, {"198.18.1.3:80", 3}});
  // Offsets that sum below zero (5 + (0-5) + (1-5)) give weight 0, not a wrap-around.
  (void)book.set_verdict(checker("198.18.1.2:80", "MISC_CHECK"), true, 0U);
  CHECK(now().at("198.18.1.2:80") == 0);
  // Clearing the weight restores the configured one.
  (void)book.set_verdict(checker("198.18.1.1:80", "MISC_CHECK"), true);
  CHECK(now().at("198.18.1.1:80") == 5);
}

TEST_CASE("Quorum changes become events, the first state is not one", "[hc][health]") {
  const auto m =
      load_model(vs_block("198.18.0.1 80", kTcp + "  quorum 2\n  sorry_server 198.18.1.9 80\n",
                          rs_block("198.18.1.1 80", kCheck) + rs_block("198.18.1.2 80", kCheck)));
  HealthBook book;
  book.reset(m, plan_checks(m));
  vigil::ipvs::Desired d;
  CHECK(step(book, m, &d).empty());
  CHECK(d.quorum_up == std::vector<bool>{true});
  CHECK(step(book, m).empty());

  (void)book.set_verdict(checker("198.18.1.1:80"), false);
  auto ev = step(book, m, &d);
  REQUIRE(ev.size() == 1);
  CHECK(ev[0].vs_index == 0);
  CHECK_FALSE(ev[0].up);
  CHECK(weights(d) == W{{"198.18.1.9:80", 1}});  // the sorry server answers
  CHECK(step(book, m).empty());

  (void)book.set_verdict(checker("198.18.1.1:80"), true);
  ev = step(book, m, &d);
  REQUIRE(ev.size() == 1);
  CHECK(ev[0].up);
  CHECK(weights(d) == W{{"198.18.1.1:80", 1}, {"198.18.1.2:80", 1}});
}

TEST_CASE("Hysteresis holds quorum until below quorum-hysteresis", "[hc][health]") {
  const auto m = load_model(
      vs_block("198.18.0.1 80", kTcp + "  quorum 3\n  hysteresis 1\n",
               rs_block("198.18.1.1 80", kCheck) + rs_block("198.18.1.2 80", kCheck) +
                   rs_block("198.18.1.3 80", kCheck) + rs_block("198.18.1.4 80", kCheck)));
  HealthBook book;
  book.reset(m, plan_checks(m));
  CHECK(step(book, m).empty());  // 4 alive >= 3+1: up, recorded without an event
  struct Row {
    const char* rs;
    bool up;
    std::vector<bool> events;
  };
  const std::vector<Row> rows = {
      {"198.18.1.1:80", false, {}},       // 3 >= 2
      {"198.18.1.2:80", false, {}},       // 2 >= 2
      {"198.18.1.3:80", false, {false}},  // 1 < 2: lost
      {"198.18.1.3:80", true, {}},        // 2 < 4
      {"198.18.1.2:80", true, {}},        // 3 < 4
      {"198.18.1.1:80", true, {true}},    // 4 >= 4: gained
  };
  for (const auto& r : rows) {
    INFO(r.rs << (r.up ? " up" : " down"));
    (void)book.set_verdict(checker(r.rs), r.up);
    std::vector<bool> got;
    for (const auto& e : step(book, m)) {
      got.push_back(e.up);
    }
    CHECK(got == r.events);
  }
}

TEST_CASE("omega: notify_down for live real servers and quorum_down on shutdown", "[hc][health]") {
  const auto m =
      load_model(vs_block("198.18.0.1 80", kTcp + "  omega\n",
                          rs_block("198.18.1.1 80", kCheck) + rs_block("198.18.1.2 80", kCheck)) +
                 vs_block("198.18.0.2 80", kTcp, rs_block("198.18.1.1 80", kCheck)));
  HealthBook book;
  book.reset(m, plan_checks(m));
  (void)step(book, m);
  (void)book.set_verdict(checker("198.18.1.2:80"), false);
  (void)step(book, m);
  const auto rs = book.omega_rs_events();
  REQUIRE(rs.size() == 1);  // the dead one was already notified; vs 2 has no omega
  CHECK(rs[0].vs_index == 0);
  CHECK(rs[0].rs_index == 0);
  CHECK_FALSE(rs[0].up);
  const auto q = book.omega_quorum_events();
  REQUIRE(q.size() == 1);
  CHECK(q[0].vs_index == 0);
  CHECK_FALSE(q[0].up);

  // Without quorum there is no quorum_down to run.
  (void)book.set_verdict(checker("198.18.1.1:80"), false);
  (void)step(book, m);
  CHECK(book.omega_rs_events().empty());
  CHECK(book.omega_quorum_events().empty());
}

TEST_CASE("A reload keeps the verdicts of unchanged checkers and the quorum history",
          "[hc][health]") {
  const std::string head = "198.18.0.1 80";
  const auto before =
      load_model(vs_block(head, kTcp + "  quorum 2\n",
                          rs_block("198.18.1.1 80", kCheck) + rs_block("198.18.1.2 80", kCheck) +
                              rs_block("198.18.1.3 80", kCheck)));
  HealthBook book;
  book.reset(before, plan_checks(before));
  (void)step(book, before);
  (void)book.set_verdict(checker("198.18.1.1:80"), false);
  (void)book.set_verdict(checker("198.18.1.2:80"), false);
  CHECK(step(book, before).size() == 1);  // quorum lost

  // The reload reorders the servers, changes 198.18.1.2's check and adds an alpha one.
  const auto after =
      load_model("\n" + vs_block(head, kTcp + "  quorum 2\n",
                                 rs_block("198.18.1.4 80", "    alpha\n" + kCheck) +
                                     rs_block("198.18.1.3 80", kCheck) +
                                     rs_block("198.18.1.2 80",
                                              "    TCP_CHECK {\n      connect_timeout 2\n    }\n") +
                                     rs_block("198.18.1.1 80", kCheck)));
  book.reset(after, plan_checks(after));
  CHECK_FALSE(book.alive(kVs + "|198.18.1.1:80"));  // kept
  CHECK(book.alive(kVs + "|198.18.1.2:80"));        // a changed checker starts afresh
  CHECK(book.alive(kVs + "|198.18.1.3:80"));
  CHECK_FALSE(book.alive(kVs + "|198.18.1.4:80"));  // alpha
  // The reload itself is no event, and quorum was recorded down before:
  // 2 live servers regain it with an event (history kept across the reset).
  const auto ev = step(book, after);
  REQUIRE(ev.size() == 1);
  CHECK(ev[0].up);
  // The kept verdict still moves with later results, at its new index.
  CHECK(same(book.set_verdict(checker("198.18.1.1:80"), true), 0, 3, true));
}

TEST_CASE("A virtual server that is gone loses its quorum history", "[hc][health]") {
  const auto one =
      load_model(vs_block("198.18.0.1 80", kTcp + "  quorum 2\n",
                          rs_block("198.18.1.1 80", kCheck) + rs_block("198.18.1.2 80", kCheck)));
  const auto none = load_model("");
  HealthBook book;
  book.reset(one, plan_checks(one));
  (void)step(book, one);
  (void)book.set_verdict(checker("198.18.1.1:80"), false);
  CHECK(step(book, one).size() == 1);
  book.reset(none, plan_checks(none));
  CHECK(step(book, none).empty());
  book.reset(one, plan_checks(one));
  // Back with no history: the first state is recorded silently.
  CHECK(step(book, one).empty());
}
