// SPDX-License-Identifier: GPL-2.0-or-later
// ScriptMonitor with real scripts on a fast interval: rise/fall transitions,
// timeouts as failures, no overlapping runs, stop().
#include "vigil/vrrp/io/vrrp_script.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include "io_test_util.hpp"

namespace {

using vigil::test::read_file;
using vigil::test::run_until;
using vigil::test::TempDir;
using vigil::test::write_file;
using vigil::vrrp::Command;
using vigil::vrrp::io::ProcessRunner;
using vigil::vrrp::io::ScriptMonitor;
using namespace std::chrono_literals;

Command sh(const std::string& script, std::vector<std::string> args = {}) {
  Command c;
  c.argv = {"/bin/sh", "-c", script, "sh"};
  c.argv.insert(c.argv.end(), args.begin(), args.end());
  return c;
}

struct Recorder {
  std::vector<bool> changes;
  ScriptMonitor::OnChange fn() {
    return [this](const std::string& name, bool up) {
      CHECK(name == "chk");
      changes.push_back(up);
    };
  }
};

}  // namespace

TEST_CASE("ScriptMonitor goes up after rise successes and down after fall failures",
          "[vrrp_io][vrrp_script]") {
  TempDir dir;
  const auto flag = dir.file("flag");
  boost::asio::io_context io;
  ProcessRunner runner(io);
  Recorder rec;
  ScriptMonitor::Options o;
  o.name = "chk";
  o.command = sh("test -e \"$1\"", {flag});
  o.interval = 30ms;
  o.timeout = 2s;
  o.rise = 2;
  o.fall = 3;
  ScriptMonitor mon(io, runner, o, rec.fn());
  mon.start();
  // Initial state: the first result alone decides (keepalived's INIT).
  REQUIRE(run_until(io, [&] { return rec.changes.size() == 1; }));
  CHECK(rec.changes == std::vector<bool>{false});
  CHECK_FALSE(mon.up());

  write_file(flag, "");
  REQUIRE(run_until(io, [&] { return rec.changes.size() == 2; }));
  CHECK(rec.changes == std::vector<bool>{false, true});
  CHECK(mon.up());

  std::filesystem::remove(flag);
  REQUIRE(run_until(io, [&] { return rec.changes.size() == 3; }));
  CHECK(rec.changes == std::vector<bool>{false, true, false});
  mon.stop();
}

TEST_CASE("ScriptMonitor with init_fail reports nothing until rise successes",
          "[vrrp_io][vrrp_script]") {
  boost::asio::io_context io;
  ProcessRunner runner(io);
  Recorder rec;
  ScriptMonitor::Options o;
  o.name = "chk";
  o.command = sh("exit 0");
  o.interval = 20ms;
  o.rise = 3;
  o.init_fail = true;
  ScriptMonitor mon(io, runner, o, rec.fn());
  CHECK_FALSE(mon.up());
  mon.start();
  REQUIRE(run_until(io, [&] { return !rec.changes.empty(); }));
  CHECK(rec.changes == std::vector<bool>{true});
}

TEST_CASE("A script that runs past its timeout counts as a failure", "[vrrp_io][vrrp_script]") {
  boost::asio::io_context io;
  ProcessRunner runner(io);
  Recorder rec;
  ScriptMonitor::Options o;
  o.name = "chk";
  o.command = sh("exec sleep 30");
  o.interval = 1s;
  o.timeout = 50ms;
  ScriptMonitor mon(io, runner, o, rec.fn());
  mon.start();
  REQUIRE(run_until(io, [&] { return !rec.changes.empty(); }));
  CHECK(rec.changes == std::vector<bool>{false});
  mon.stop();
  REQUIRE(run_until(io, [&] { return runner.running() == 0; }));
}

TEST_CASE("Runs of the same script never overlap", "[vrrp_io][vrrp_script]") {
  TempDir dir;
  const auto log = dir.file("log");
  boost::asio::io_context io;
  ProcessRunner runner(io);
  ScriptMonitor::Options o;
  o.name = "chk";
  // Each run takes longer than the interval.
  o.command = sh("echo s >> \"$1\"; sleep 0.2; echo e >> \"$1\"", {log});
  o.interval = 20ms;
  o.timeout = 5s;
  ScriptMonitor mon(io, runner, o, nullptr);
  mon.start();
  REQUIRE(run_until(io, [&] { return read_file(log) == "s\ne\ns\ne\ns\ne\n"; }));
  CHECK(runner.running() <= 1);
  mon.stop();
  REQUIRE(run_until(io, [&] { return runner.running() == 0; }));
}

TEST_CASE("stop() ends the running script and silences on_change", "[vrrp_io][vrrp_script]") {
  boost::asio::io_context io;
  ProcessRunner runner(io);
  Recorder rec;
  ScriptMonitor::Options o;
  o.name = "chk";
  o.command = sh("exec sleep 30");
  o.interval = 1s;
  o.timeout = 10s;
  ScriptMonitor mon(io, runner, o, rec.fn());
  mon.start();
  REQUIRE(runner.running() == 1);
  mon.stop();
  REQUIRE(run_until(io, [&] { return runner.running() == 0; }));
  CHECK(rec.changes.empty());
}

TEST_CASE("options_from takes keepalived's defaults", "[vrrp_io][vrrp_script]") {
  vigil::config::VrrpScript cfg;
  cfg.name = "chk";
  cfg.interval = std::chrono::seconds(2);
  cfg.rise = 2;
  cfg.fall = 4;
  auto o = ScriptMonitor::options_from(cfg, sh("true"));
  CHECK(o.interval == 2s);
  CHECK(o.timeout == 2s);  // unset timeout: the interval
  CHECK(o.rise == 2);
  CHECK(o.fall == 4);
  cfg.timeout = std::chrono::seconds(5);
  o = ScriptMonitor::options_from(cfg, sh("true"));
  CHECK(o.timeout == 5s);
}
