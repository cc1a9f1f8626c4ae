// SPDX-License-Identifier: GPL-2.0-or-later
// Pins Skew_Time and Master_Down_Interval for VRRPv2 (whole seconds) and VRRPv3
// (integer centiseconds).
#include "vigil/vrrp/timers.hpp"

#include <catch2/catch.hpp>

using vigil::vrrp::Duration;
using vigil::vrrp::master_down_interval;
using vigil::vrrp::skew_time;

TEST_CASE("Skew_Time and Master_Down_Interval match the RFC arithmetic",
          "[vrrp][timers][rfc5798-6.1][rfc3768-6.1]") {
  struct Row {
    const char* description;
    int version;
    std::uint8_t priority;
    Duration interval;
    int adverts;
    Duration skew;
    Duration down;
  };
  const Row rows[] = {
      {"v3 prio 100, 1 s: 156*100/256 = 60 cs", 3, 100, Duration(1'000'000), 3, Duration(600'000),
       Duration(3'600'000)},
      {"v3 owner, 1 s: 100/256 = 0 cs", 3, 255, Duration(1'000'000), 3, Duration(0),
       Duration(3'000'000)},
      {"v3 prio 1, 1 s: 255*100/256 = 99 cs", 3, 1, Duration(1'000'000), 3, Duration(990'000),
       Duration(3'990'000)},
      {"v3 prio 100, 0.5 s: 156*50/256 = 30 cs", 3, 100, Duration(500'000), 3, Duration(300'000),
       Duration(1'800'000)},
      {"v3 interval truncated to 123 cs, prio 200: 56*123/256 = 26 cs", 3, 200, Duration(1'234'567),
       3, Duration(260'000), Duration(3'950'000)},
      {"v3 down_timer_adverts 5", 3, 100, Duration(1'000'000), 5, Duration(600'000),
       Duration(5'600'000)},
      {"v2 prio 100: 156/256 s", 2, 100, Duration(1'000'000), 3, Duration(609'375),
       Duration(3'609'375)},
      {"v2 owner: 1/256 s truncated to us", 2, 255, Duration(1'000'000), 3, Duration(3'906),
       Duration(3'003'906)},
      {"v2 prio 1: 255/256 s, independent of the interval", 2, 1, Duration(2'000'000), 3,
       Duration(996'093), Duration(6'996'093)},
      {"v2 down_timer_adverts 1", 2, 100, Duration(1'000'000), 1, Duration(609'375),
       Duration(1'609'375)},
  };
  for (const Row& r : rows) {
    INFO(r.description);
    CHECK(skew_time(r.version, r.priority, r.interval) == r.skew);
    CHECK(master_down_interval(r.version, r.priority, r.interval, r.adverts) == r.down);
  }
}

TEST_CASE("LateTimer warns of timers half an interval late, once per quiet period",
          "[vrrp][timers]") {
  using std::chrono::milliseconds;
  using std::chrono::seconds;
  vigil::vrrp::LateTimer late;
  const vigil::vrrp::TimePoint t0{seconds(3)};  // soon after boot: no warning yet to be quiet after
  const Duration interval = seconds(1);
  // On time, or less than half an interval late: nothing.
  CHECK_FALSE(late.check(t0, t0, interval));
  CHECK_FALSE(late.check(t0, t0 + milliseconds(499), interval));
  // Half an interval or more: how late.
  CHECK(late.check(t0, t0 + milliseconds(500), interval) == Duration(milliseconds(500)));
  // Within the quiet period after a warning: nothing, however late.
  CHECK_FALSE(late.check(t0 + seconds(1), t0 + seconds(5), interval));
  CHECK_FALSE(late.check(t0 + seconds(9), t0 + milliseconds(10499), interval));
  // After it: the next one is told.
  CHECK(late.check(t0 + seconds(9), t0 + milliseconds(10500), interval) ==
        Duration(milliseconds(1500)));
  // A shorter interval (v3 centiseconds) lowers the bar.
  vigil::vrrp::LateTimer fast;
  CHECK(fast.check(t0, t0 + milliseconds(60), milliseconds(100)) == Duration(milliseconds(60)));
}
