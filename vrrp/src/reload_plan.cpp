// SPDX-License-Identifier: GPL-2.0-or-later
// The reload plan (see reload_plan.hpp). Blocks are compared through the parser's
// normalized JSON tree, which leaves source locations out: a block that only moved
// in the file, or was reformatted, is unchanged; and the dump's keys are the
// keywords, which gives the "what changed" list for free.
#include "vigil/vrrp/reload_plan.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>

#include "vigil/config/dump_tree.hpp"
#include "vigil/vrrp/settings.hpp"
#include "vigil/vrrp/status.hpp"

namespace vigil::vrrp {

namespace {

using Json = nlohmann::json;

/// What the plan compares for every instance, from one normalized dump of a
/// model's vrrp blocks (made once per model, not once per block: with a
/// thousand instances, a dump per instance made a reload's plan take seconds).
struct Dumped {
  Json vrrp;  ///< the vrrp sections, blocks keyed by name
  /// global_defs and garp_group, dumped on first use: only instances whose
  /// settings differ need them.
  std::optional<Json> global_defs;
  std::optional<Json> garp_group;
};

/// `object`'s `key`, or a null value if it has none (a reference: sections are big).
const Json& entry(const Json& object, const std::string& key) {
  static const Json kNull;
  if (!object.is_object()) {
    return kNull;
  }
  const auto it = object.find(key);
  return it != object.end() ? *it : kNull;
}

const Json& global_defs_of(Dumped& d, const config::Model& model) {
  if (!d.global_defs) {
    d.global_defs = entry(config::dump_tree(model.global), "global_defs");
  }
  return *d.global_defs;
}

const Json& garp_group_of(Dumped& d, const config::Model& model) {
  if (!d.garp_group) {
    config::VrrpConfig v;
    v.garp_group = model.vrrp.garp_group;
    d.garp_group = entry(config::dump_tree(v), "garp_group");
  }
  return *d.garp_group;
}

Dumped dumped(const config::Model& model) {
  Dumped d;
  d.vrrp = config::dump_tree(model.vrrp);
  return d;
}

/// Keys whose values differ between two JSON objects, in key order.
std::vector<std::string> changed_keys(const Json& a, const Json& b) {
  std::set<std::string> keys;
  for (auto it = a.begin(); it != a.end(); ++it) {
    keys.insert(it.key());
  }
  for (auto it = b.begin(); it != b.end(); ++it) {
    keys.insert(it.key());
  }
  std::vector<std::string> out;
  for (const auto& k : keys) {
    const bool in_a = a.contains(k);
    const bool in_b = b.contains(k);
    if (in_a != in_b || (in_a && a.at(k) != b.at(k))) {
      out.push_back(k);
    }
  }
  return out;
}

const config::VrrpSyncGroup* group_of(const config::Model& m, const std::string& instance) {
  for (const auto& g : m.vrrp.vrrp_sync_group) {
    for (const auto& member : g.group) {
      if (member.name == instance) {
        return &g;
      }
    }
  }
  return nullptr;
}

/// The dump of the named block in `section` ("vrrp_instance", "vrrp_script", ...), null if none.
const Json& named_block(const Json& vrrp, const char* section, const std::string& name) {
  return entry(entry(vrrp, section), name);
}

/// The vrrp_script / track_file names an instance depends on: its own and its group's.
std::set<std::string> tracked(const config::VrrpInstance& vi, const config::VrrpSyncGroup* g,
                              bool scripts) {
  std::set<std::string> out;
  if (scripts) {
    for (const auto& t : vi.track_script) {
      out.insert(t.name);
    }
    if (g != nullptr) {
      for (const auto& t : g->track_script) {
        out.insert(t.name);
      }
    }
  } else {
    for (const auto& t : vi.track_file) {
      out.insert(t.name);
    }
    if (g != nullptr) {
      for (const auto& t : g->track_file) {
        out.insert(t.name);
      }
    }
  }
  return out;
}

/// Why `now` (running) and `next` (the same name in the next model) differ; empty: they don't.
std::vector<std::string> instance_changes(const config::Model& running, Dumped& was,
                                          const config::VrrpInstance& now,
                                          const config::Model& next, Dumped& will,
                                          const config::VrrpInstance& then) {
  std::vector<std::string> out = changed_keys(named_block(was.vrrp, "vrrp_instance", now.name),
                                              named_block(will.vrrp, "vrrp_instance", then.name));
  // Defaults the instance takes from global_defs and garp_group: only what changes the
  // settings it runs with counts (notify FIFOs and script users are re-read for every
  // instance on each reload anyway).
  if (resolve(running, now) != resolve(next, then)) {
    for (const auto& k : changed_keys(global_defs_of(was, running), global_defs_of(will, next))) {
      out.push_back("global_defs " + k);
    }
    if (garp_group_of(was, running) != garp_group_of(will, next)) {
      out.emplace_back("garp_group");
    }
    if (out.empty()) {
      out.emplace_back("settings");
    }
  }
  const config::VrrpSyncGroup* g_now = group_of(running, now.name);
  const config::VrrpSyncGroup* g_next = group_of(next, then.name);
  if ((g_now == nullptr) != (g_next == nullptr) ||
      (g_now != nullptr && (g_now->name != g_next->name ||
                            named_block(was.vrrp, "vrrp_sync_group", g_now->name) !=
                                named_block(will.vrrp, "vrrp_sync_group", g_next->name)))) {
    out.push_back("vrrp_sync_group " + (g_next != nullptr ? g_next->name : g_now->name));
  }
  for (const bool scripts : {true, false}) {
    const char* section = scripts ? "vrrp_script" : "track_file";
    std::set<std::string> names = tracked(now, g_now, scripts);
    const std::set<std::string> more = tracked(then, g_next, scripts);
    names.insert(more.begin(), more.end());
    for (const auto& n : names) {
      if (named_block(was.vrrp, section, n) != named_block(will.vrrp, section, n)) {
        out.push_back(fmt::format("{} {}", section, n));
      }
    }
  }
  return out;
}

std::vector<std::string> vips_of(const config::VrrpInstance& vi) {
  std::vector<std::string> out;
  for (const auto& v : vi.virtual_ipaddress) {
    out.push_back(vip_text(v));
  }
  for (const auto& v : vi.virtual_ipaddress_excluded) {
    out.push_back(vip_text(v));
  }
  return out;
}

const config::VrrpInstance* find(const config::Model& m, const std::string& name) {
  for (const auto& vi : m.vrrp.vrrp_instance) {
    if (vi.name == name) {
      return &vi;
    }
  }
  return nullptr;
}

}  // namespace

std::string_view plan_action_name(PlanAction a) {
  switch (a) {
    case PlanAction::Unchanged:
      return "unchanged";
    case PlanAction::Changed:
      return "changed";
    case PlanAction::Added:
      return "added";
    case PlanAction::Removed:
      return "removed";
  }
  return "?";
}

std::vector<InstancePlan> reload_plan(const config::Model& running, const config::Model& next) {
  std::vector<InstancePlan> plan;
  Dumped was = dumped(running);
  Dumped will = dumped(next);
  for (const auto& vi : next.vrrp.vrrp_instance) {
    InstancePlan p;
    p.name = vi.name;
    const config::VrrpInstance* old = find(running, vi.name);
    if (old == nullptr) {
      p.action = PlanAction::Added;
    } else {
      p.changes = instance_changes(running, was, *old, next, will, vi);
      p.action = p.changes.empty() ? PlanAction::Unchanged : PlanAction::Changed;
      p.vips = vips_of(*old);
    }
    plan.push_back(std::move(p));
  }
  // Sync groups restart together: a kept member of a group with a restarting member
  // restarts too (repeat until nothing more changes; groups do not overlap, so twice is
  // enough, but the loop does not rely on it).
  for (bool more = true; more;) {
    more = false;
    for (auto& p : plan) {
      if (p.action != PlanAction::Unchanged) {
        continue;
      }
      const config::VrrpSyncGroup* g = group_of(next, p.name);
      if (g == nullptr) {
        continue;
      }
      for (const auto& member : g->group) {
        auto it = std::find_if(plan.begin(), plan.end(),
                               [&](const InstancePlan& q) { return q.name == member.name; });
        if (it != plan.end() && it->action != PlanAction::Unchanged) {
          p.action = PlanAction::Changed;
          p.changes.push_back(fmt::format("sync group member {} restarts", member.name));
          more = true;
          break;
        }
      }
    }
  }
  for (const auto& vi : running.vrrp.vrrp_instance) {
    if (find(next, vi.name) == nullptr) {
      InstancePlan p;
      p.name = vi.name;
      p.action = PlanAction::Removed;
      p.vips = vips_of(vi);
      plan.push_back(std::move(p));
    }
  }
  for (auto& p : plan) {
    if (p.action == PlanAction::Unchanged) {
      p.vips.clear();
    }
  }
  return plan;
}

std::vector<std::string> describe_plan(const std::vector<InstancePlan>& plan,
                                       const std::map<std::string, State>& states) {
  std::vector<std::string> out;
  for (const auto& p : plan) {
    auto it = states.find(p.name);
    const State st = it == states.end() ? State::Init : it->second;
    const std::string releases =
        st == State::Master && !p.vips.empty() ? fmt::format("{}", fmt::join(p.vips, " ")) : "";
    switch (p.action) {
      case PlanAction::Unchanged:
        out.push_back(fmt::format("{}: unchanged, stays {}", p.name, state_name(st)));
        break;
      case PlanAction::Changed:
        out.push_back(fmt::format("{}: changed ({}): restarts{}", p.name,
                                  fmt::join(p.changes, ", "),
                                  releases.empty() ? "" : ", releases " + releases + " first"));
        break;
      case PlanAction::Added:
        out.push_back(fmt::format("{}: added", p.name));
        break;
      case PlanAction::Removed:
        out.push_back(releases.empty()
                          ? fmt::format("{}: removed ({}, holds no VIPs)", p.name, state_name(st))
                          : fmt::format("{}: removed: releases {}", p.name, releases));
        break;
    }
  }
  return out;
}

}  // namespace vigil::vrrp
