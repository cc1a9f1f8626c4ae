// SPDX-License-Identifier: GPL-2.0-or-later
// Skew_Time and Master_Down_Interval (RFC 3768 §6.1, RFC 5798 §6.1).
#include "vigil/vrrp/timers.hpp"

namespace vigil::vrrp {
namespace {

constexpr std::int64_t kMicrosPerCs = 10'000;
constexpr std::int64_t kMicrosPerSecond = 1'000'000;

}  // namespace

Duration skew_time(int version, std::uint8_t priority, Duration master_adver_interval) {
  const std::int64_t weight = 256 - static_cast<std::int64_t>(priority);
  if (version == 3) {
    // RFC 5798 §6.1: Skew_Time = ((256 - Priority) * Master_Adver_Interval) / 256, with
    // the interval in centiseconds and integer division.
    const std::int64_t interval_cs = master_adver_interval.count() / kMicrosPerCs;
    return Duration((weight * interval_cs / 256) * kMicrosPerCs);
  }
  // RFC 3768 §6.1: Skew_Time = (256 - Priority) / 256 seconds.
  return Duration(weight * kMicrosPerSecond / 256);
}

Duration master_down_interval(int version, std::uint8_t priority, Duration master_adver_interval,
                              int down_timer_adverts) {
  const Duration interval =
      version == 3 ? Duration(master_adver_interval.count() / kMicrosPerCs * kMicrosPerCs)
                   : master_adver_interval;
  // RFC 5798 §6.1 / RFC 3768 §6.1: Master_Down_Interval = 3 * Master_Adver_Interval +
  // Skew_Time; keepalived's down_timer_adverts replaces the 3.
  return interval * down_timer_adverts + skew_time(version, priority, master_adver_interval);
}

std::optional<Duration> LateTimer::check(TimePoint due, TimePoint now, Duration advert_int) {
  const auto late = std::chrono::duration_cast<Duration>(now - due);
  if (late < advert_int / 2 || (said_ && now - *said_ < kLateQuiet)) {
    return std::nullopt;
  }
  said_ = now;
  return late;
}

}  // namespace vigil::vrrp
