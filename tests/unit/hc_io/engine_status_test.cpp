// SPDX-License-Identifier: GPL-2.0-or-later
// The Engine's read-only status (runs, failures, last latency, last error) with
// real TCP_CHECK probes against 127.0.0.1: a listener that answers, a closed
// port, a shared probe that reports the same for both of its checkers, and
// clear_stats(). Polled with a bound, never slept.
#include <boost/asio/ip/tcp.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "hc_net_test_util.hpp"
#include "loop.hpp"
#include "vigil/hc/io/engine.hpp"
#include "vigil/hc/io/probes.hpp"

using boost::asio::ip::tcp;
using namespace std::chrono_literals;
using vigil::hc::CheckDef;
using vigil::hc::CheckKind;
using vigil::hc::io::Engine;
using vigil::hc::io::EngineOptions;
using vigil::hc::io::ProbeStatus;
using vigil::test::ProbeFixture;
using vigil::test::run_until;

namespace {

CheckDef tcp_check(const std::string& id, std::uint16_t port) {
  CheckDef d = ProbeFixture::def(CheckKind::Tcp, vigil::config::TcpCheck{}, "127.0.0.1", port, 1s);
  d.checker_id = id;
  d.rs_id = "vs|" + id;
  d.probe_key = "tcp 127.0.0.1:" + std::to_string(port);
  d.timing.retry = 0;
  d.timing.delay_loop = 20ms;
  d.timing.delay_before_retry = 20ms;
  d.timing.warmup = 0ms;
  return d;
}

struct StatusRig {
  ProbeFixture f;
  Engine engine{f.io, [this](const CheckDef& d) { return vigil::hc::io::make_probe(f.env, d); },
                EngineOptions{16, 7}, nullptr};

  [[nodiscard]] std::uint64_t runs(const std::string& id) const {
    const auto st = engine.status(id);
    return st ? st->runs : 0;
  }
};

}  // namespace

TEST_CASE("Engine status counts runs and measures latency against a listener",
          "[hc_io][engine][status]") {
  StatusRig rig;
  tcp::acceptor listener(rig.f.io, tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0));
  const auto port = listener.local_endpoint().port();
  rig.engine.apply({tcp_check("c", port)});
  const auto before = rig.engine.status("c");
  REQUIRE(before);
  CHECK(before->runs == 0);
  CHECK_FALSE(before->latency.has_value());

  REQUIRE(run_until(rig.f.io, [&] { return rig.runs("c") >= 3; }));
  const auto st = rig.engine.status("c");
  REQUIRE(st);
  CHECK(st->up);
  CHECK(st->failures == 0);
  CHECK(st->last_error.empty());
  REQUIRE(st->latency.has_value());
  // A connect on loopback: more than nothing, far less than the timeout.
  CHECK(st->latency->count() > 0);
  CHECK(*st->latency < 1s);
  CHECK_FALSE(rig.engine.status("unknown").has_value());
}

TEST_CASE("Engine status counts failures with the last error on a closed port",
          "[hc_io][engine][status]") {
  StatusRig rig;
  const auto port = vigil::test::closed_tcp_port(rig.f.io);
  rig.engine.apply({tcp_check("c", port)});
  REQUIRE(run_until(rig.f.io, [&] { return rig.runs("c") >= 2; }));
  const auto st = rig.engine.status("c");
  REQUIRE(st);
  CHECK_FALSE(st->up);
  CHECK(st->failures == st->runs);
  CHECK(st->last_error == "connect to 127.0.0.1:" + std::to_string(port) + ": Connection refused");
  CHECK(st->latency.has_value());

  SECTION("clear_stats zeroes runs and failures and keeps the verdict") {
    rig.engine.clear_stats();
    const auto cleared = rig.engine.status("c");
    REQUIRE(cleared);
    CHECK(cleared->runs == 0);
    CHECK(cleared->failures == 0);
    CHECK_FALSE(cleared->up);
    REQUIRE(run_until(rig.f.io, [&] { return rig.runs("c") >= 1; }));
    CHECK(rig.engine.status("c")->failures == rig.engine.status("c")->runs);
  }
}

TEST_CASE("Checkers that share a probe report the same status", "[hc_io][engine][status]") {
  StatusRig rig;
  tcp::acceptor listener(rig.f.io, tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0));
  const auto port = listener.local_endpoint().port();
  rig.engine.apply({tcp_check("vs1|rs|TCP_CHECK#0", port), tcp_check("vs2|rs|TCP_CHECK#0", port)});
  REQUIRE(rig.engine.slots() == 1);
  REQUIRE(run_until(rig.f.io, [&] { return rig.runs("vs1|rs|TCP_CHECK#0") >= 2; }));
  std::map<std::string, ProbeStatus> all;
  rig.engine.for_each_status(
      [&](const std::string& id, const ProbeStatus& st) { all.emplace(id, st); });
  REQUIRE(all.size() == 2);
  const ProbeStatus& a = all.at("vs1|rs|TCP_CHECK#0");
  const ProbeStatus& b = all.at("vs2|rs|TCP_CHECK#0");
  CHECK(a.runs == b.runs);
  CHECK(a.runs >= 2);
  CHECK(a.latency == b.latency);
  CHECK(a.up);
  CHECK(b.up);
}
