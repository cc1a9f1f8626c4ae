// SPDX-License-Identifier: GPL-2.0-or-later
// VRRP timer arithmetic: Skew_Time and Master_Down_Interval for VRRPv2 (RFC 3768
// §6.1, whole seconds) and VRRPv3 (RFC 5798 §6.1, integer centiseconds). Pure
// functions of their arguments; the state machine gets `now` from its caller.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>

namespace vigil::vrrp {

/// The monotonic time the state machine is driven with (the caller reads the clock).
using TimePoint = std::chrono::steady_clock::time_point;
/// Timer durations, in microseconds (keepalived's resolution).
using Duration = std::chrono::microseconds;

/// Skew_Time for a router of `priority`.
/// * v3 (RFC 5798 §6.1): ((256 - Priority) * Master_Adver_Interval) / 256, computed in whole
///   centiseconds with integer division (the interval is truncated to centiseconds first).
/// * v2 (RFC 3768 §6.1): (256 - Priority) / 256 seconds, independent of the interval
///   (truncated to whole microseconds).
/// `version` other than 3 is treated as 2.
Duration skew_time(int version, std::uint8_t priority, Duration master_adver_interval);

/// Master_Down_Interval = down_timer_adverts * Master_Adver_Interval + Skew_Time
/// (RFC 5798 §6.1 / RFC 3768 §6.1 with 3 adverts; keepalived's `down_timer_adverts`
/// makes the multiplier configurable, 1..100). v3 uses the centisecond interval.
Duration master_down_interval(int version, std::uint8_t priority, Duration master_adver_interval,
                              int down_timer_adverts = 3);

/// Whether an instance's timer fired late enough to warn about: at least half
/// its advert interval after its deadline means adverts left late and a peer
/// may have taken over (the thread was held up or the host starved it). One
/// warning per kLateQuiet at most, so a starved host does not flood the log.
class LateTimer {
 public:
  static constexpr std::chrono::seconds kLateQuiet{10};
  /// How late a timer due at `due` fired at `now`, when that deserves a warning.
  std::optional<Duration> check(TimePoint due, TimePoint now, Duration advert_int);

 private:
  std::optional<TimePoint> said_;  ///< the last warning
};

}  // namespace vigil::vrrp
