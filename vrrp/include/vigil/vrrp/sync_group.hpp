// SPDX-License-Identifier: GPL-2.0-or-later
// vrrp_sync_group: the members of a group change state together (keepalived.conf(5)):
// one member in FAULT puts the whole group in FAULT, one becoming MASTER takes the
// others to MASTER, one going to BACKUP takes the others to BACKUP. Pure: it says
// which members to force; the driver calls Instance::force_state() for each.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "vigil/vrrp/instance.hpp"

namespace vigil::vrrp {

/// Move member `member` (an index into the group) to `to`.
struct Force {
  std::size_t member = 0;
  State to = State::Backup;
  bool operator==(const Force&) const = default;
};

class SyncGroup {
 public:
  explicit SyncGroup(std::string name) : name_(std::move(name)) {}

  /// Member `member` has just changed to `to`; `states` are every member's current states
  /// (states[member] == to). Returns the other members to force, in member order:
  /// * to Fault: every member not in Fault goes to Fault;
  /// * to Master: every member in Backup goes to Master (none while any member is in Fault);
  /// * to Backup: every member in Master goes to Backup, and every member in Fault is asked
  ///   back to Backup (Instance::force_state() keeps one whose own tracking still faults);
  /// * to Init: nothing.
  [[nodiscard]] std::vector<Force> on_member_changed(std::size_t member, State to,
                                                     std::span<const State> states) const;

  /// keepalived: a member may become Master only when no member is in Fault.
  [[nodiscard]] static bool can_goto_master(std::span<const State> states);

  [[nodiscard]] const std::string& name() const { return name_; }

 private:
  std::string name_;
};

}  // namespace vigil::vrrp
