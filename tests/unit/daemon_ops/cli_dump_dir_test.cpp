// SPDX-License-Identifier: GPL-2.0-or-later
// --dump-dir: where the DATA, STATS and JSON signals write (keepalived's /tmp
// unless told), and the signal numbers the daemon listens for.
#include <signal.h>

#include <catch2/catch.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "vigil/daemon/cli.hpp"

using namespace vigil::daemon;

namespace {

std::optional<CliOptions> parse(std::vector<std::string> args, std::string* err_text = nullptr) {
  args.insert(args.begin(), "vigild");
  std::vector<char*> argv;
  for (auto& a : args) {
    argv.push_back(a.data());
  }
  argv.push_back(nullptr);
  std::ostringstream err;
  auto o = parse_args(static_cast<int>(args.size()), argv.data(), err);
  if (err_text != nullptr) {
    *err_text = err.str();
  }
  return o;
}

}  // namespace

TEST_CASE("cli: --dump-dir defaults to keepalived's /tmp", "[dumps]") {
  auto o = parse({});
  REQUIRE(o);
  CHECK(o->dump_dir == "/tmp");
}

TEST_CASE("cli: --dump-dir DIR and --dump-dir=DIR", "[dumps]") {
  auto o = parse({"--dump-dir", "/run/vigil"});
  REQUIRE(o);
  CHECK(o->dump_dir == "/run/vigil");
  o = parse({"-n", "--dump-dir=/var/tmp", "-P"});
  REQUIRE(o);
  CHECK(o->dump_dir == "/var/tmp");
  CHECK(o->vrrp_only);
}

TEST_CASE("cli: --dump-dir needs a directory", "[dumps]") {
  std::string err;
  CHECK_FALSE(parse({"--dump-dir="}, &err));
  CHECK(err.find("--dump-dir") != std::string::npos);
  CHECK_FALSE(parse({"--dump-dir"}, &err));
}

TEST_CASE("cli: the dump signals are keepalived's", "[dumps]") {
  CHECK(signum_for("DATA") == SIGUSR1);
  CHECK(signum_for("STATS") == SIGUSR2);
  CHECK(signum_for("JSON") == SIGRTMIN + 2);
  CHECK(signum_for("STATS_CLEAR") == SIGRTMAX - 1);
  CHECK(usage().find("--dump-dir=DIR") != std::string::npos);
}
