// SPDX-License-Identifier: GPL-2.0-or-later
// IPVS golden files: every tests/golden/ipvs/<case>.conf is loaded, its desired
// table diffed against an empty one and applied to a DryRunBackend; the printed
// `ipvsadm -R` lines must equal <case>.rules (what `vigild -C --dry-run`
// prints, and, sorted, what `ipvsadm -Sn` lists once the kernel holds it).
// lvs_timeouts and lvs_sync_daemon give <case>.global (--set / --start-daemon
// lines), absent when there are none. UPDATE_GOLDEN=1 rewrites both.
#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <regex>
#include <sstream>

#include "golden.hpp"
#include "vigil/config/load.hpp"
#include "vigil/ipvs/desired.hpp"
#include "vigil/ipvs/diff.hpp"
#include "vigil/ipvs/dry_run.hpp"
#include "vigil/ipvs/format.hpp"

namespace fs = std::filesystem;
using namespace vigil;

namespace {

const fs::path kDir = "tests/golden/ipvs";

std::vector<std::string> cases() {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(test::source_dir() / kDir)) {
    if (e.path().extension() == ".conf") {
      out.push_back(e.path().stem().string());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> sorted_lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) {
    out.push_back(l);
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST_CASE("Every IPVS golden case gives its ipvsadm rules", "[ipvs][golden]") {
  const auto names = cases();
  // The matrix must not shrink unnoticed.
  CHECK(names.size() >= 13);
  fs::current_path(test::source_dir());
  for (const auto& name : names) {
    DYNAMIC_SECTION(name) {
      config::LoadOptions lo;
      lo.config_id = "golden";
      config::DiskFileSource src;
      const auto r = config::load_file((kDir / (name + ".conf")).string(), src, lo);
      std::string diags;
      for (const auto& d : r.diags.all()) {
        diags += config::format(d) + "\n";
      }
      // The cases are clean for `keepalived -t` and must be clean here too.
      CHECK(diags.empty());

      const ipvs::Desired want = ipvs::desired_state(r.model);
      std::ostringstream rules;
      ipvs::DryRunBackend backend(&rules);
      for (const auto& op : ipvs::diff(ipvs::Table{}, want.table)) {
        const auto err = backend.apply(op);
        INFO(ipvs::rule(op));
        CHECK_FALSE(err.has_value());
      }
      const fs::path rules_file = test::source_dir() / kDir / (name + ".rules");
      CHECK(rules.str() == test::golden(rules_file, rules.str()));
      // What the kernel will list back: ipvsadm -Sn, same lines (sorted), except
      // that -Sn never prints thresholds (-x/-y), which the -a ops carry.
      const std::regex thresholds(" -[xy] [0-9]+");
      CHECK(sorted_lines(ipvs::save(backend.table())) ==
            sorted_lines(std::regex_replace(rules.str(), thresholds, "")));

      std::ostringstream global;
      ipvs::DryRunBackend g(&global);
      if (want.timeouts) {
        CHECK_FALSE(g.apply(ipvs::SetTimeouts{*want.timeouts}));
      }
      for (const auto& d : want.sync_daemons) {
        CHECK_FALSE(g.apply(ipvs::StartDaemon{d}));
      }
      const fs::path global_file = test::source_dir() / kDir / (name + ".global");
      if (global.str().empty()) {
        if (test::update_golden()) {
          fs::remove(global_file);
        }
        CHECK_FALSE(fs::exists(global_file));
      } else {
        CHECK(global.str() == test::golden(global_file, global.str()));
      }
    }
  }
}
