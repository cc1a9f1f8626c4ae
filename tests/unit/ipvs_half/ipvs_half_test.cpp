// SPDX-License-Identifier: GPL-2.0-or-later
// The IPVS/checker half of vigild over an in-memory kernel (DryRunBackend with
// connection counts the test sets): snapshot() with a TCP_CHECK against a
// listener on 127.0.0.1, preview() that changes nothing and agrees with the
// reload that follows, a drain that waits for the connection count, the sync
// daemon that follows VRRP, and clear_stats(). Polled with a bound, never slept.
#include "ipvs_half.hpp"

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <map>
#include <memory>
#include <span>
#include <sstream>
#include <string>
#include <vector>

#include "loop.hpp"
#include "vigil/config/load.hpp"
#include "vigil/ipvs/dry_run.hpp"
#include "vigil/ipvs/format.hpp"

using namespace std::chrono_literals;
using vigil::daemon::CliOptions;
using vigil::daemon::Half;
using vigil::daemon::RealServerStatus;
using vigil::daemon::State;
using vigil::test::run_for;
using vigil::test::run_until;
namespace ipvs = vigil::ipvs;

namespace {

/// The kernel in memory; dump() reports the connection counts set in `conns`
/// (by destination address text, e.g. "198.18.1.2:80").
class Kernel final : public ipvs::DryRunBackend {
 public:
  std::map<std::string, std::uint32_t>* conns = nullptr;
  ipvs::Result<ipvs::Table> dump() override {
    auto t = DryRunBackend::dump();
    if (t.ok() && conns != nullptr) {
      for (auto& [k, svc] : t.value().services) {
        for (auto& [dk, d] : svc.dests) {
          const auto it = conns->find(ipvs::addr_port(dk.addr, dk.port));
          if (it != conns->end()) {
            d.rt.active_conns = it->second;
          }
        }
      }
    }
    return t;
  }
  /// Each dests_of() call's services, in order.
  std::vector<std::vector<ipvs::ServiceKey>> dests_asked;
  ipvs::Result<ipvs::Table> dests_of(std::span<const ipvs::ServiceKey> keys) override {
    dests_asked.emplace_back(keys.begin(), keys.end());
    return DryRunBackend::dests_of(keys);
  }
};

vigil::config::Model load(const std::string& text) {
  auto r = vigil::config::load_string(text, "t.conf", {});
  for (const auto& d : r.diags.all()) {
    if (d.severity >= vigil::config::Severity::Error) {
      FAIL(vigil::config::format(d));
    }
  }
  return std::move(r.model);
}

std::string conf(std::uint16_t check_port, bool with_rs2) {
  std::string s = R"(
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
virtual_server 198.18.0.100 80 {
  delay_loop 1
  lvs_sched rr
  lvs_method DR
  protocol TCP
  real_server 198.18.1.1 80 {
    weight 2
    TCP_CHECK {
      connect_ip 127.0.0.1
      connect_port )" +
                  std::to_string(check_port) +
                  R"(
      connect_timeout 2
    }
  }
)";
  if (with_rs2) {
    s += "  real_server 198.18.1.2 80 {\n    weight 1\n  }\n";
  }
  s += "}\n";
  return s;
}

struct Rig {
  boost::asio::io_context io;
  CliOptions opts;
  std::map<std::string, std::uint32_t> conns;
  Kernel* kernel = nullptr;
  std::unique_ptr<Half> half;
  boost::asio::ip::tcp::acceptor listener{
      io, boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0)};
  std::uint16_t port = listener.local_endpoint().port();

  Rig() {
    auto k = std::make_unique<Kernel>();
    k->conns = &conns;
    kernel = k.get();
    half = vigil::daemon::make_ipvs_half(io, opts, std::move(k));
  }
  [[nodiscard]] State state() const {
    State s;
    half->snapshot(s);
    return s;
  }
  [[nodiscard]] const ipvs::Service& service() const {
    return kernel->table().services.begin()->second;
  }
  [[nodiscard]] const ipvs::Dest* dest(const char* addr) const {
    for (const auto& [k, d] : service().dests) {
      if (ipvs::addr_port(k.addr, k.port) == addr) {
        return &d;
      }
    }
    return nullptr;
  }
  [[nodiscard]] std::vector<ipvs::SyncDaemon::Role> daemons() {
    std::vector<ipvs::SyncDaemon::Role> out;
    const auto running = kernel->daemons();  // kept: value() refers into it
    for (const auto& d : running.value()) {
      out.push_back(d.role);
    }
    return out;
  }
};

const RealServerStatus* find_rs(const State& s, const std::string& addr) {
  for (const auto& rs : s.virtual_servers.at(0).real_servers) {
    if (rs.address == addr) {
      return &rs;
    }
  }
  return nullptr;
}

bool has_line(const std::vector<std::string>& lines, const std::string& part) {
  return std::any_of(lines.begin(), lines.end(),
                     [&](const std::string& l) { return l.find(part) != std::string::npos; });
}

}  // namespace

TEST_CASE("The IPVS half reports, previews, drains and follows VRRP", "[ipvs_half]") {
  Rig rig;
  REQUIRE(rig.half);
  const auto first = load(conf(rig.port, true));
  rig.half->start(first);
  REQUIRE(rig.dest("198.18.1.2:80") != nullptr);

  // The checker runs against the listener at least once.
  const std::string check_id = "127.0.0.1:" + std::to_string(rig.port);
  REQUIRE(run_until(rig.io, [&] {
    const State s = rig.state();
    const auto* rs = find_rs(s, "198.18.1.1:80");
    return rs != nullptr && !rs->checks.empty() && rs->checks[0].runs >= 1;
  }));

  SECTION("snapshot") {
    const State s = rig.state();
    REQUIRE(s.virtual_servers.size() == 1);
    const auto& vs = s.virtual_servers[0];
    CHECK(vs.name == "198.18.0.100:80 TCP");
    CHECK(vs.scheduler == "rr");
    CHECK(vs.method == "DR");
    CHECK(vs.quorum_up);
    CHECK_FALSE(vs.sorry_active);
    CHECK(vs.counters.has_value());
    REQUIRE(vs.real_servers.size() == 2);
    const auto& rs1 = vs.real_servers[0];
    CHECK(rs1.address == "198.18.1.1:80");
    CHECK(rs1.weight == 2);
    CHECK(rs1.alive);
    CHECK(rs1.kernel_weight == 2);
    CHECK_FALSE(rs1.draining);
    REQUIRE(rs1.checks.size() == 1);
    CHECK(rs1.checks[0].kind == "TCP_CHECK");
    CHECK(rs1.checks[0].target == check_id);
    CHECK(rs1.checks[0].up);
    CHECK(rs1.checks[0].failures == 0);
    CHECK(rs1.checks[0].last_latency_ms.has_value());
    CHECK(rs1.checks[0].last_error.empty());
    const auto& rs2 = vs.real_servers[1];
    CHECK(rs2.address == "198.18.1.2:80");
    CHECK(rs2.kernel_weight == 1);
    CHECK(rs2.checks.empty());
    // -C alone: the backup sync daemon (no VRRP half has spoken).
    CHECK(s.daemon.sync_daemons == std::vector<std::string>{"backup eth0 id 7"});

    rig.half->clear_stats();
    CHECK(rig.state().virtual_servers[0].real_servers[0].checks[0].runs == 0);
  }

  SECTION("preview, then the reload it describes, then the drain") {
    const auto next = load(conf(rig.port, false));
    const auto sent = rig.kernel->requests_sent();
    const auto lines = rig.half->preview(next);
    CHECK(rig.kernel->requests_sent() == sent);  // nothing was sent
    CHECK(rig.dest("198.18.1.2:80")->spec.weight == 1);
    CHECK(has_line(lines, "ipvs: checker TCP_CHECK " + check_id +
                              " of RS 198.18.1.1:80 in 198.18.0.100:80 TCP: kept, stays up"));
    CHECK(has_line(lines, "ipvs: TCP 198.18.0.100:80 -> 198.18.1.2:80: drains"));
    CHECK(has_line(lines, "ipvs: -e -t 198.18.0.100:80 -r 198.18.1.2:80 -g -w 0"));

    rig.conns["198.18.1.2:80"] = 1;
    rig.half->reload(next);
    REQUIRE(rig.dest("198.18.1.2:80") != nullptr);
    CHECK(rig.dest("198.18.1.2:80")->spec.weight == 0);
    const State during = rig.state();  // kept: find_rs points into it
    const auto* draining = find_rs(during, "198.18.1.2:80");
    REQUIRE(draining != nullptr);
    CHECK(draining->draining);
    CHECK(draining->kernel_weight == 0);
    CHECK(draining->active_conns == 1);
    // The drain timer looks every second: the connection keeps it. It asks for
    // the destinations of the draining one's service only.
    run_for(rig.io, 1500ms);
    CHECK(rig.dest("198.18.1.2:80") != nullptr);
    REQUIRE_FALSE(rig.kernel->dests_asked.empty());
    for (const auto& asked : rig.kernel->dests_asked) {
      REQUIRE(asked.size() == 1);
      CHECK(ipvs::describe(asked[0]) == "TCP 198.18.0.100:80");
    }
    rig.conns["198.18.1.2:80"] = 0;
    CHECK(run_until(rig.io, [&] { return rig.dest("198.18.1.2:80") == nullptr; }));
    CHECK(find_rs(rig.state(), "198.18.1.2:80") == nullptr);
    CHECK(rig.half->preview(next) ==
          std::vector<std::string>{"ipvs: checker TCP_CHECK " + check_id +
                                       " of RS 198.18.1.1:80 in 198.18.0.100:80 TCP: "
                                       "kept, stays up",
                                   "ipvs: no IPVS change"});
  }

  SECTION("lvs_sync_daemon follows the VRRP instance") {
    CHECK(rig.daemons() == std::vector{ipvs::SyncDaemon::Role::Backup});
    rig.half->on_vrrp_state("VI_2", true);  // not the one it follows
    run_for(rig.io, 100ms);
    CHECK(rig.daemons() == std::vector{ipvs::SyncDaemon::Role::Backup});
    rig.half->on_vrrp_state("VI_1", true);
    REQUIRE(run_until(
        rig.io, [&] { return rig.daemons() == std::vector{ipvs::SyncDaemon::Role::Master}; }));
    CHECK(rig.state().daemon.sync_daemons == std::vector<std::string>{"master eth0 id 7"});
    rig.half->on_vrrp_state("VI_1", false);
    REQUIRE(run_until(
        rig.io, [&] { return rig.daemons() == std::vector{ipvs::SyncDaemon::Role::Backup}; }));
  }

  rig.half->stop();
  CHECK(rig.kernel->table().services.empty());
  CHECK(rig.daemons().empty());
}

TEST_CASE("The drain-timeout option takes whole seconds, 0 included", "[ipvs_half][cli]") {
  const auto parse = [](std::vector<std::string> args) {
    std::vector<char*> argv;
    for (auto& a : args) {
      argv.push_back(a.data());
    }
    std::ostringstream err;
    return vigil::daemon::parse_args(static_cast<int>(argv.size()), argv.data(), err);
  };
  const auto def = parse({"vigild", "-C"});
  REQUIRE(def);
  CHECK(def->drain_timeout == std::chrono::seconds(60));
  const auto zero = parse({"vigild", "--drain-timeout=0"});
  REQUIRE(zero);
  CHECK(zero->drain_timeout == std::chrono::seconds(0));
  const auto some = parse({"vigild", "--drain-timeout", "3"});
  REQUIRE(some);
  CHECK(some->drain_timeout == std::chrono::seconds(3));
  for (const char* bad : {"--drain-timeout=-1", "--drain-timeout=1.5", "--drain-timeout=x",
                          "--drain-timeout=86401"}) {
    CHECK_FALSE(parse({"vigild", bad}));
  }
}
