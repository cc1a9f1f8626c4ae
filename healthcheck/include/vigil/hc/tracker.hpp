// SPDX-License-Identifier: GPL-2.0-or-later
// HealthTracker: one checker's verdict on one real server, from its check
// results, with keepalived's timing rules (keepalived.conf(5), virtual_server
// and checker options): `retry` more checks, `delay_before_retry` apart, before
// a server that was up is declared down; one success brings it up; `alpha`
// starts it down; `warmup` scatters the first check. Pure: results and `now`
// in, transitions and the next check time out.
#pragma once

#include <chrono>
#include <cstdint>

namespace vigil::hc {

using TimePoint = std::chrono::steady_clock::time_point;
using Duration = std::chrono::microseconds;

struct TrackerConfig {
  int retry = 1;                                         ///< extra checks before going down
  Duration delay_loop{std::chrono::seconds(60)};         ///< between checks
  Duration delay_before_retry{std::chrono::seconds(1)};  ///< between retries after a failure
  bool alpha = false;                                    ///< start down (keepalived `alpha`)
  Duration warmup{std::chrono::seconds(60)};             ///< first check within [0, warmup]
};

enum class Transition : std::uint8_t {
  Unchanged,     ///< the verdict stays as it was
  WentUp,        ///< down -> up: add the real server (or restore its weight)
  WentDown,      ///< up -> down: remove it (or weight 0 under inhibit_on_failure)
  RetryPending,  ///< a failure while up, with retries left: nothing changes yet
};

class HealthTracker {
 public:
  explicit HealthTracker(const TrackerConfig& config);

  /// When the first check runs: `now` plus `jitter` (0..1, the caller's random draw)
  /// times warmup.
  [[nodiscard]] TimePoint first_check(TimePoint now, double jitter) const;

  struct Outcome {
    Transition transition = Transition::Unchanged;
    TimePoint next_check;
    bool operator==(const Outcome&) const = default;
  };

  /// One check finished at `now` with `ok`. Returns what changed and when to check
  /// next: delay_before_retry after a failure with retries left, else delay_loop.
  Outcome on_result(TimePoint now, bool ok);

  [[nodiscard]] bool up() const { return up_; }
  /// Failures in a row since the server was last up (0 after a success).
  [[nodiscard]] int failures() const { return failures_; }

 private:
  TrackerConfig config_;
  bool up_;
  int failures_ = 0;
};

}  // namespace vigil::hc
