// SPDX-License-Identifier: GPL-2.0-or-later
#include "vigil/hc/tracker.hpp"

#include <algorithm>

namespace vigil::hc {

HealthTracker::HealthTracker(const TrackerConfig& config) : config_(config), up_(!config.alpha) {}

TimePoint HealthTracker::first_check(TimePoint now, double jitter) const {
  const double j = std::clamp(jitter, 0.0, 1.0);
  return now +
         Duration(static_cast<Duration::rep>(static_cast<double>(config_.warmup.count()) * j));
}

HealthTracker::Outcome HealthTracker::on_result(TimePoint now, bool ok) {
  if (ok) {
    failures_ = 0;
    if (!up_) {
      up_ = true;
      return {Transition::WentUp, now + config_.delay_loop};
    }
    return {Transition::Unchanged, now + config_.delay_loop};
  }
  if (!up_) {
    // Already down: keep checking at the normal pace.
    return {Transition::Unchanged, now + config_.delay_loop};
  }
  ++failures_;
  if (failures_ <= config_.retry) {
    // keepalived.conf(5) `retry`: more checks, delay_before_retry apart, before DOWN.
    return {Transition::RetryPending, now + config_.delay_before_retry};
  }
  up_ = false;
  return {Transition::WentDown, now + config_.delay_loop};
}

}  // namespace vigil::hc
