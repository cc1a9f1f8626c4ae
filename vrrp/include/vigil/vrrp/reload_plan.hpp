// SPDX-License-Identifier: GPL-2.0-or-later
// What a reload does to the VRRP instances, decided from the running and the next
// model alone: which instances keep running untouched (with their state, timers and
// VIPs), which are restarted and why (the keywords that changed), which are added
// and which removed (their VIPs released). Driver::reload() acts on this plan and
// `vigild reload --preview` prints it, so the preview cannot say something the
// reload will not do. Pure.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "vigil/config/model.hpp"
#include "vigil/vrrp/instance.hpp"

namespace vigil::vrrp {

enum class PlanAction : std::uint8_t {
  Unchanged,  ///< keeps running: same state, timers and VIPs
  Changed,    ///< stopped as on shutdown (priority 0, VIPs released) and started again
  Added,      ///< started
  Removed,    ///< stopped as on shutdown
};

/// "unchanged", "changed", "added", "removed".
std::string_view plan_action_name(PlanAction a);

struct InstancePlan {
  std::string name;
  PlanAction action = PlanAction::Unchanged;
  /// Changed: why, at keyword level: "priority", "virtual_ipaddress",
  /// "vrrp_script chk_web", "track_file f", "vrrp_sync_group G", "global_defs
  /// vrrp_garp_master_delay", "sync group member VI_2 restarts".
  std::vector<std::string> changes;
  /// Removed and Changed: the VIPs the running instance holds while MASTER ("198.18.0.101/32").
  std::vector<std::string> vips;
  bool operator==(const InstancePlan&) const = default;
};

/// One entry per instance: those of `next` in its order (unchanged, changed or added), then
/// those only in `running` (removed), in its order. Instances are keyed by name. One is
/// unchanged when its block, the settings it resolves to (global_defs, garp_group), the
/// vrrp_script and track_file blocks it or its sync group track, and its sync group are all
/// the same; the members of a sync group restart together (one restarting member would
/// otherwise drag the others through BACKUP by the group's rules).
std::vector<InstancePlan> reload_plan(const config::Model& running, const config::Model& next);

/// The plan as lines for a preview, one per instance, without a prefix:
/// "VI_1: unchanged, stays MASTER", "VI_2: changed (priority, virtual_ipaddress): restarts",
/// "VI_3: added", "VI_4: removed: releases 198.18.0.101/32". `states` are the running
/// instances' states (a missing name reads as INIT); a changed or removed instance releases
/// VIPs only when it is MASTER.
std::vector<std::string> describe_plan(const std::vector<InstancePlan>& plan,
                                       const std::map<std::string, State>& states);

}  // namespace vigil::vrrp
