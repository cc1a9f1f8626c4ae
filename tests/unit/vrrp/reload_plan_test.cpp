// SPDX-License-Identifier: GPL-2.0-or-later
// reload_plan(): which instances a reload keeps, restarts (and why), adds and removes,
// as a table of (running, next) configurations; and describe_plan()'s lines.
#include "vigil/vrrp/reload_plan.hpp"

#include <catch2/catch.hpp>
#include <map>
#include <string>
#include <vector>

#include "vigil/config/load.hpp"

using namespace vigil::vrrp;  // NOLINT(google-build-using-namespace)
using vigil::config::Model;

namespace {

Model load(const std::string& text) {
  auto r = vigil::config::load_string(text, "test.conf", {});
  for (const auto& d : r.diags.all()) {
    INFO(vigil::config::format(d));
    CHECK(d.severity != vigil::config::Severity::Error);
  }
  REQUIRE_FALSE(r.diags.has_errors());
  return r.model;
}

/// One instance block; `extra` goes inside it.
std::string vi(const std::string& name, int vrid, int prio, const std::string& vip,
               const std::string& extra = "") {
  return "vrrp_instance " + name + " {\n  interface eth0\n  state BACKUP\n  virtual_router_id " +
         std::to_string(vrid) + "\n  priority " + std::to_string(prio) +
         "\n  advert_int 1\n  virtual_ipaddress {\n    " + vip + "\n  }\n" + extra + "}\n";
}

std::string script(const std::string& name, const std::string& cmd, int weight = 0) {
  return "vrrp_script " + name + " {\n  script \"" + cmd + "\"\n  interval 1\n  weight " +
         std::to_string(weight) + "\n}\n";
}

std::string group(const std::string& name, const std::string& members) {
  return "vrrp_sync_group " + name + " {\n  group {\n    " + members + "\n  }\n}\n";
}

/// "VI_1=unchanged VI_2=changed(priority,virtual_ipaddress) ..." for a compact comparison.
std::string summary(const std::vector<InstancePlan>& plan) {
  std::string out;
  for (const auto& p : plan) {
    if (!out.empty()) {
      out += ' ';
    }
    out += p.name + "=" + std::string(plan_action_name(p.action));
    if (!p.changes.empty()) {
      out += "(";
      for (std::size_t i = 0; i < p.changes.size(); ++i) {
        out += (i ? "," : "") + p.changes[i];
      }
      out += ")";
    }
  }
  return out;
}

}  // namespace

TEST_CASE("reload_plan table", "[vrrp][reload_plan]") {
  const std::string v1 = vi("VI_1", 51, 200, "198.18.100.51/32");
  const std::string v2 = vi("VI_2", 52, 200, "198.18.100.52/32");
  const std::string track = "  track_script {\n    chk\n  }\n";
  struct Row {
    const char* what;
    std::string running;
    std::string next;
    std::string expected;
  };
  const std::vector<Row> rows = {
      {"same configuration", v1 + v2, v1 + v2, "VI_1=unchanged VI_2=unchanged"},
      {"blocks reordered and reformatted", v1 + v2, "\n\n" + v2 + "# comment\n" + v1,
       "VI_2=unchanged VI_1=unchanged"},
      {"priority and VIP changed", v1 + v2, v1 + vi("VI_2", 52, 150, "198.18.100.62/32"),
       "VI_1=unchanged VI_2=changed(priority,virtual_ipaddress)"},
      {"instance added", v1, v1 + v2, "VI_1=unchanged VI_2=added"},
      {"instance removed", v1 + v2, v1, "VI_1=unchanged VI_2=removed"},
      {"instance renamed: one removed, one added", v1, vi("VI_X", 51, 200, "198.18.100.51/32"),
       "VI_X=added VI_1=removed"},
      {"an unrelated vrrp_script changed", script("other", "/bin/true") + v1,
       script("other", "/bin/false") + v1, "VI_1=unchanged"},
      {"a tracked vrrp_script changed",
       script("chk", "/bin/true") + v1 + vi("VI_2", 52, 200, "198.18.100.52/32", track),
       script("chk", "/bin/false") + v1 + vi("VI_2", 52, 200, "198.18.100.52/32", track),
       "VI_1=unchanged VI_2=changed(vrrp_script chk)"},
      {"a tracked vrrp_script unchanged, another added",
       script("chk", "/bin/true") + vi("VI_2", 52, 200, "198.18.100.52/32", track),
       script("chk", "/bin/true") + script("new", "/bin/true") +
           vi("VI_2", 52, 200, "198.18.100.52/32", track),
       "VI_2=unchanged"},
      {"global_defs change the instance's defaults", v1,
       "global_defs {\n  vrrp_garp_master_delay 9\n}\n" + v1,
       "VI_1=changed(global_defs vrrp_garp_master_delay)"},
      {"global_defs change nothing the instance uses", v1,
       "global_defs {\n  router_id other\n}\n" + v1, "VI_1=unchanged"},
      {"sync group unchanged", v1 + v2 + group("G", "VI_1\n    VI_2"),
       v2 + group("G", "VI_1\n    VI_2") + v1, "VI_2=unchanged VI_1=unchanged"},
      {"one sync group member changed: the group restarts", v1 + v2 + group("G", "VI_1\n    VI_2"),
       v1 + vi("VI_2", 52, 100, "198.18.100.52/32") + group("G", "VI_1\n    VI_2"),
       "VI_1=changed(sync group member VI_2 restarts) VI_2=changed(priority)"},
      {"a tracked track_file changed, an unrelated one removed",
       "track_file tf {\n  file /tmp/a\n  weight -10\n}\ntrack_file other {\n  file /tmp/o\n}\n" +
           vi("VI_1", 51, 200, "198.18.100.51/32", "  track_file {\n    tf\n  }\n"),
       "track_file tf {\n  file /tmp/b\n  weight -10\n}\n" +
           vi("VI_1", 51, 200, "198.18.100.51/32", "  track_file {\n    tf\n  }\n"),
       "VI_1=changed(track_file tf)"},
      {"a script the sync group tracks changed",
       script("chk", "/bin/true") + v1 + v2 + group("G", "VI_1\n  }\n  track_script {\n    chk"),
       script("chk", "/bin/false") + v1 + v2 + group("G", "VI_1\n  }\n  track_script {\n    chk"),
       "VI_1=changed(vrrp_script chk) VI_2=unchanged"},
      {"instance joins a sync group", v1 + v2 + group("G", "VI_1"),
       v1 + v2 + group("G", "VI_1\n    VI_2"),
       "VI_1=changed(vrrp_sync_group G) VI_2=changed(vrrp_sync_group G)"},
  };
  for (const auto& row : rows) {
    INFO(row.what);
    CHECK(summary(reload_plan(load(row.running), load(row.next))) == row.expected);
  }
}

TEST_CASE("reload_plan lists the VIPs a removed or changed instance holds", "[vrrp][reload_plan]") {
  const Model running =
      load(vi("VI_1", 51, 200, "198.18.100.51/32") + vi("VI_4", 54, 200, "198.18.0.101"));
  const Model next = load(vi("VI_1", 51, 100, "198.18.100.51/32"));
  const auto plan = reload_plan(running, next);
  REQUIRE(plan.size() == 2);
  CHECK(plan[0].vips == std::vector<std::string>{"198.18.100.51/32"});
  CHECK(plan[1].action == PlanAction::Removed);
  CHECK(plan[1].vips == std::vector<std::string>{"198.18.0.101/32"});
}

TEST_CASE("describe_plan renders one line per instance", "[vrrp][reload_plan]") {
  const std::string v1 = vi("VI_1", 51, 200, "198.18.100.51/32");
  const Model running =
      load(v1 + vi("VI_2", 52, 200, "198.18.100.52/32") + vi("VI_4", 54, 200, "198.18.0.101/32") +
           vi("VI_5", 55, 200, "198.18.0.105/32"));
  const Model next =
      load(v1 + vi("VI_2", 52, 100, "198.18.100.62/32") + vi("VI_3", 53, 200, "198.18.100.53/32"));
  const std::map<std::string, State> states = {{"VI_1", State::Master},
                                               {"VI_2", State::Backup},
                                               {"VI_4", State::Master},
                                               {"VI_5", State::Backup}};
  const std::vector<std::string> expected = {
      "VI_1: unchanged, stays MASTER",
      "VI_2: changed (priority, virtual_ipaddress): restarts",
      "VI_3: added",
      "VI_4: removed: releases 198.18.0.101/32",
      "VI_5: removed (BACKUP, holds no VIPs)",
  };
  CHECK(describe_plan(reload_plan(running, next), states) == expected);
  // A MASTER that restarts says which VIPs it gives up meanwhile.
  const std::map<std::string, State> masters = {{"VI_2", State::Master}};
  CHECK(describe_plan(reload_plan(running, next), masters)[1] ==
        "VI_2: changed (priority, virtual_ipaddress): restarts, releases 198.18.100.52/32 first");
}
