// SPDX-License-Identifier: GPL-2.0-or-later
// The shipped sample configurations (etc/keepalived.conf, etc/examples/*.conf)
// must pass `vigild -t` cleanly: exit 0 and not a single diagnostic.
//
// Interface names: `vigild -t` checks that interfaces exist (as keepalived
// does), and the samples use eth0/eth1. tests/compat/run.sh runs the same files
// through vigild and keepalived inside a network namespace that has them; this
// test runs on the host.
#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "vigil/daemon/cli.hpp"

namespace {

namespace fs = std::filesystem;

struct Run {
  int rc;
  std::string out;
  std::string err;
};

Run run_test(const std::string& file) {
  // The interfaces (eth0, eth1) exist in the compat namespace, where tests/compat/run.sh
  // checks the same files against keepalived; here only the configuration is judged.
  std::vector<std::string> args{"vigild", "-t", "--no-interface-check", "-f", file};
  std::vector<char*> argv;
  for (auto& a : args) {
    argv.push_back(a.data());
  }
  argv.push_back(nullptr);
  std::ostringstream out, err;
  const int rc = vigil::daemon::run_cli(static_cast<int>(args.size()), argv.data(), out, err);
  return {rc, out.str(), err.str()};
}

std::vector<fs::path> examples() {
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(fs::path(VIGIL_SOURCE_DIR) / "etc" / "examples")) {
    if (e.is_regular_file() && e.path().extension() == ".conf") {
      files.push_back(e.path());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

TEST_CASE("etc/keepalived.conf passes vigild -t with no diagnostics", "[daemon][examples]") {
  const auto file = (fs::path(VIGIL_SOURCE_DIR) / "etc" / "keepalived.conf").string();
  REQUIRE(fs::exists(file));
  const auto r = run_test(file);
  INFO(r.err);
  CHECK(r.err.empty());
  CHECK(r.rc == 0);
}

TEST_CASE("Every etc/examples/*.conf passes vigild -t with no diagnostics", "[daemon][examples]") {
  const auto files = examples();
  // Adding or removing an example must be a conscious change here too.
  REQUIRE(files.size() == 6);
  for (const auto& f : files) {
    SECTION(f.filename().string()) {
      const auto r = run_test(f.string());
      INFO(f.string() << "\n" << r.err);
      CHECK(r.err.empty());
      CHECK(r.rc == 0);
    }
  }
}
