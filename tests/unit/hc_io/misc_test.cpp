// SPDX-License-Identifier: GPL-2.0-or-later
// MISC_CHECK probes running real scripts: exit 0/1, misc_dynamic weights, a
// hung script killed after misc_timeout (and gone afterwards), script_user.
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <csignal>
#include <optional>

#include "../vrrp_io/io_test_util.hpp"
#include "probe_env_fixture.hpp"
#include "vigil/hc/io/curl_multi.hpp"
#include "vigil/hc/io/probes.hpp"
#include "vigil/vrrp/io/process.hpp"

using namespace vigil;
using namespace std::chrono_literals;

namespace {

using Env = test::ProbeEnvFixture;

std::string script(const test::TempDir& dir, const std::string& name, const std::string& body) {
  std::string path = dir.file(name);
  test::write_file(path, "#!/bin/sh\n" + body + "\n");
  ::chmod(path.c_str(), 0755);
  return path;
}

hc::CheckDef misc_def(const std::string& path, bool dynamic = false,
                      std::optional<std::chrono::milliseconds> timeout = std::nullopt) {
  hc::CheckDef d;
  d.kind = hc::CheckKind::Misc;
  d.checker_id = "misc";
  config::MiscCheck m;
  m.misc_path = path;
  m.misc_dynamic = dynamic;
  if (timeout) {
    m.misc_timeout = *timeout;
  }
  d.spec = m;
  return d;
}

std::optional<hc::ProbeResult> run_probe(Env& e, const hc::CheckDef& d,
                                         std::chrono::milliseconds limit = 10s) {
  auto probe = hc::io::make_misc_probe(e.env, d);
  std::optional<hc::ProbeResult> got;
  probe->start([&](hc::ProbeResult r) { got = std::move(r); });
  REQUIRE_FALSE(got.has_value());
  test::run_until(
      e.io, [&] { return got.has_value(); }, limit);
  return got;
}

}  // namespace

TEST_CASE("MISC_CHECK runs its script", "[hc_io][misc]") {
  test::TempDir dir;
  Env e;

  SECTION("exit 0 is up, exit 1 is down") {
    auto up = run_probe(e, misc_def(script(dir, "ok.sh", "exit 0")));
    REQUIRE(up);
    CHECK(up->ok);
    CHECK_FALSE(up->weight);
    auto down = run_probe(e, misc_def(script(dir, "fail.sh", "exit 1")));
    REQUIRE(down);
    CHECK_FALSE(down->ok);
    CHECK(down->detail.find("exited 1") != std::string::npos);
    // Without misc_dynamic any non-zero status is down.
    CHECK_FALSE(run_probe(e, misc_def(script(dir, "five.sh", "exit 5")))->ok);
  }
  SECTION("arguments in misc_path reach the script") {
    const std::string s = script(dir, "args.sh", R"([ "$1" = hello ] && [ "$2" = 'two words' ])");
    CHECK(run_probe(e, misc_def(s + " hello 'two words'"))->ok);
    CHECK_FALSE(run_probe(e, misc_def(s + " bye"))->ok);
  }
  SECTION("misc_dynamic: exit 5 is up with weight 3, exit 1 down, exit 0 leaves the weight") {
    auto r = run_probe(e, misc_def(script(dir, "five.sh", "exit 5"), true));
    REQUIRE(r);
    CHECK(r->ok);
    REQUIRE(r->weight);
    CHECK(*r->weight == 3);
    auto w255 = run_probe(e, misc_def(script(dir, "max.sh", "exit 255"), true));
    CHECK(w255->ok);
    CHECK(*w255->weight == 253);
    auto zero = run_probe(e, misc_def(script(dir, "zero.sh", "exit 0"), true));
    CHECK(zero->ok);
    CHECK_FALSE(zero->weight);
    CHECK_FALSE(run_probe(e, misc_def(script(dir, "one.sh", "exit 1"), true))->ok);
  }
  SECTION("a hung script is killed after misc_timeout and is gone afterwards") {
    const std::string pidfile = dir.file("pid");
    const std::string s = script(dir, "hang.sh", "echo $$ > " + pidfile + "\nexec sleep 1000");
    const auto t0 = std::chrono::steady_clock::now();
    auto r = run_probe(e, misc_def(s, false, 300ms));
    const auto took = std::chrono::steady_clock::now() - t0;
    REQUIRE(r);
    CHECK_FALSE(r->ok);
    CHECK(r->detail.find("timed out") != std::string::npos);
    CHECK(took >= 250ms);
    CHECK(took < 5s);
    const pid_t pid = std::stoi(test::read_file(pidfile));
    CHECK(pid > 0);
    errno = 0;
    CHECK(::kill(pid, 0) == -1);
    CHECK(errno == ESRCH);
    CHECK(e.runner.running() == 0);
  }
  SECTION("a missing script fails with a reason") {
    auto r = run_probe(e, misc_def(dir.file("nope.sh")));
    REQUIRE(r);
    CHECK_FALSE(r->ok);
    CHECK_FALSE(r->detail.empty());
  }
  SECTION("cancel terminates the script and drops its result") {
    const std::string pidfile = dir.file("pid2");
    const std::string s = script(dir, "hang2.sh", "echo $$ > " + pidfile + "\nexec sleep 1000");
    auto probe = hc::io::make_misc_probe(e.env, misc_def(s, false, 60000ms));
    bool called = false;
    probe->start([&](const hc::ProbeResult&) { called = true; });
    REQUIRE(test::run_until(
        e.io, [&] { return test::read_file(pidfile).size() > 1; }, 5s));
    probe->cancel();
    REQUIRE(test::run_until(
        e.io, [&] { return e.runner.running() == 0; }, 5s));
    CHECK_FALSE(called);
  }
}

TEST_CASE("MISC_CHECK runs as its user, else script_user", "[hc_io][misc]") {
  if (::geteuid() != 0) {
    FAIL("this test needs root to change identity");
  }
  test::TempDir dir;
  ::chmod(dir.path().c_str(), 0777);
  Env e;
  const std::string out = dir.file("uid");
  const std::string s = script(dir, "whoami.sh", "id -u > " + out);

  SECTION("the checker's user") {
    auto d = misc_def(s);
    std::get<config::MiscCheck>(d.spec).user = "nobody";
    REQUIRE(run_probe(e, d)->ok);
    CHECK(test::read_file(out) == "65534\n");
  }
  SECTION("global_defs script_user") {
    e.model.global.global_defs.script_user = "nobody";
    REQUIRE(run_probe(e, misc_def(s))->ok);
    CHECK(test::read_file(out) == "65534\n");
  }
}
