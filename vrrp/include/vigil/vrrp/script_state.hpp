// SPDX-License-Identifier: GPL-2.0-or-later
// The rise/fall hysteresis of a vrrp_script: how a run of script results turns
// into the script's up/down status, with keepalived's counting. Pure.
#pragma once

#include <optional>

namespace vigil::vrrp {

/// Counts a vrrp_script's results as keepalived does. Down, the script goes up
/// after `rise` consecutive successes; up, it goes down after `fall` consecutive
/// failures. A failure while down restarts the count of successes, and a success
/// while up restarts the count of failures.
///
/// The initial state: with init_fail the script starts down (and needs `rise`
/// successes); without it the status is unknown until the first result, which
/// alone decides (one success: up, one failure: down), and is reported either way.
class ScriptState {
 public:
  /// rise, fall: at least 1 (smaller values are taken as 1).
  ScriptState(int rise, int fall, bool init_fail);

  /// Feeds one result (true: the script exited 0). Returns the new status when it
  /// changed (or, for the first result without init_fail, whatever it is), nullopt
  /// otherwise.
  std::optional<bool> on_result(bool ok);

  /// The current status: false while unknown.
  [[nodiscard]] bool up() const { return result_ >= rise_; }
  /// False until the first result when init_fail is not set.
  [[nodiscard]] bool known() const { return !initial_; }

 private:
  int rise_;
  int fall_;
  /// keepalived's counter: 0..rise-1 down (counting successes), rise..rise+fall-1 up
  /// (rise+fall-1 after a success, counting down on failures).
  int result_;
  bool initial_;  ///< no result yet, and init_fail not set
};

}  // namespace vigil::vrrp
