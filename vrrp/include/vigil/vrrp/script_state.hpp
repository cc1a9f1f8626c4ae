// SPDX-License-Identifier: GPL-2.0-or-later
// The rise/fall hysteresis of a vrrp_script: how a run of script results turns
// into the script's up/down status, with keepalived's counting. Pure.
#pragma once

#include <optional>

namespace vigil::vrrp {

/// Counts a vrrp_script's results. The script goes up after `rise` consecutive
/// successes and down after `fall` consecutive failures; a result that does not
/// complete a run leaves the status as it is. Before the first transition the
/// status is up (keepalived's initial "OK" state) unless init_fail is set; while
/// still in that initial state a single result of the opposite kind is not enough
/// either: the same rise/fall counts apply.
class ScriptState {
 public:
  /// rise, fall: at least 1 (smaller values are taken as 1).
  ScriptState(int rise, int fall, bool init_fail);

  /// Feeds one result (true: the script exited 0). Returns the new status when it
  /// changed, nullopt otherwise.
  std::optional<bool> on_result(bool ok);

  /// The current status.
  [[nodiscard]] bool up() const { return up_; }

 private:
  int rise_;
  int fall_;
  int successes_ = 0;  ///< consecutive successes while down
  int failures_ = 0;   ///< consecutive failures while up
  bool up_;
};

}  // namespace vigil::vrrp
