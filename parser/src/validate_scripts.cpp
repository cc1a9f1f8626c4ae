// SPDX-License-Identifier: GPL-2.0-or-later
// Script security, across every family. keepalived refuses to call a
// configuration safe when scripts would run and `enable_script_security` is not
// set (its `-t` exits 6, whatever else is wrong); and with script security on,
// scripts need a user to run as: script_user, or else the `keepalived_script`
// user must exist. Only scripts whose program exists count, as in keepalived.
// The host lookups come from LoadOptions; unset lookups skip these checks.
#include <algorithm>
#include <string>
#include <tuple>
#include <vector>

#include "parse_util.hpp"

namespace vigil::config::detail {

namespace {

struct ScriptUse {
  std::string what;  // "notify_master of vrrp_instance VI_1"
  std::string cmd;
  SourceLoc loc;
};

// The program a script line runs: its first word.
std::string program(const std::string& cmd) {
  const auto b = cmd.find_first_not_of(" \t");
  if (b == std::string::npos) {
    return {};
  }
  return cmd.substr(b, cmd.find_first_of(" \t", b) - b);
}

void add(std::vector<ScriptUse>& out, const OptionalScript& s, std::string what,
         const SourceLoc& fallback) {
  if (s && !s->cmd.empty()) {
    out.push_back({std::move(what), s->cmd, s->loc.line != 0 ? s->loc : fallback});
  }
}

std::vector<ScriptUse> collect(const Model& m) {
  std::vector<ScriptUse> out;
  const auto& g = m.global.global_defs;
  const SourceLoc none;
  add(out, g.startup_script, "startup_script", none);
  add(out, g.shutdown_script, "shutdown_script", none);
  add(out, g.notify_fifo_script, "notify_fifo_script", none);
  add(out, g.vrrp_notify_fifo_script, "vrrp_notify_fifo_script", none);
  add(out, g.lvs_notify_fifo_script, "lvs_notify_fifo_script", none);
  for (const auto& vs : m.lvs.virtual_server) {
    add(out, vs.quorum_up, "quorum_up of a virtual_server", vs.loc);
    add(out, vs.quorum_down, "quorum_down of a virtual_server", vs.loc);
    for (const auto& rs : vs.real_server) {
      add(out, rs.notify_up, "notify_up of a real_server", rs.loc);
      add(out, rs.notify_down, "notify_down of a real_server", rs.loc);
      for (const auto& c : rs.checkers) {
        if (const auto* misc = std::get_if<MiscCheck>(&c); misc && !misc->misc_path.empty()) {
          out.push_back({"MISC_CHECK misc_path of a real_server", misc->misc_path, rs.loc});
        }
      }
    }
  }
  // keepalived only starts its VRRP process (and so only counts the VRRP
  // family's scripts) when there is at least one vrrp_instance.
  if (m.vrrp.vrrp_instance.empty()) {
    return out;
  }
  for (const auto& s : m.vrrp.vrrp_script) {
    add(out, s.script, "vrrp_script " + s.name, s.loc);
  }
  for (const auto& v : m.vrrp.vrrp_instance) {
    const std::string of = " of vrrp_instance " + v.name;
    add(out, v.notify_master, "notify_master" + of, v.loc);
    add(out, v.notify_backup, "notify_backup" + of, v.loc);
    add(out, v.notify_fault, "notify_fault" + of, v.loc);
    add(out, v.notify_stop, "notify_stop" + of, v.loc);
    add(out, v.notify_deleted, "notify_deleted" + of, v.loc);
    add(out, v.notify, "notify" + of, v.loc);
    add(out, v.notify_master_rx_lower_pri, "notify_master_rx_lower_pri" + of, v.loc);
  }
  for (const auto& sg : m.vrrp.vrrp_sync_group) {
    const std::string of = " of vrrp_sync_group " + sg.name;
    add(out, sg.notify_master, "notify_master" + of, sg.loc);
    add(out, sg.notify_backup, "notify_backup" + of, sg.loc);
    add(out, sg.notify_fault, "notify_fault" + of, sg.loc);
    add(out, sg.notify_stop, "notify_stop" + of, sg.loc);
    add(out, sg.notify, "notify" + of, sg.loc);
  }
  return out;
}

}  // namespace

void validate_scripts(Ctx& ctx, Model& m) {
  const auto& opts = ctx.opts();
  if (!opts.script_exists) {
    return;
  }
  std::vector<ScriptUse> runnable;
  for (auto& use : collect(m)) {
    if (opts.script_exists(program(use.cmd))) {
      runnable.push_back(std::move(use));
    }
  }
  if (runnable.empty()) {
    return;
  }
  // Report the first in the file, whatever family it belongs to.
  std::stable_sort(runnable.begin(), runnable.end(), [](const ScriptUse& a, const ScriptUse& b) {
    return std::tie(a.loc.file, a.loc.line, a.loc.col) <
           std::tie(b.loc.file, b.loc.line, b.loc.col);
  });
  const auto& g = m.global.global_defs;
  const ScriptUse& first = runnable.front();
  if (!g.enable_script_security) {
    ctx.diags().security(
        first.loc,
        fmt::format("SECURITY VIOLATION: scripts would run ({} '{}'{}) but "
                    "enable_script_security is not set in global_defs",
                    first.what, first.cmd,
                    runnable.size() > 1 ? fmt::format(", and {} more", runnable.size() - 1)
                                        : std::string()));
    return;
  }
  if (!g.script_user && opts.user_exists && !opts.user_exists("keepalived_script")) {
    ctx.error(first.loc, fmt::format("{}: no script_user is set and the default user "
                                     "'keepalived_script' does not exist",
                                     first.what));
  }
}

}  // namespace vigil::config::detail
