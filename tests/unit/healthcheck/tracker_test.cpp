// SPDX-License-Identifier: GPL-2.0-or-later
// HealthTracker: keepalived's retry / delay_before_retry / alpha / warmup rules,
// driven by a hand-advanced TimePoint.
#include "vigil/hc/tracker.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <string>
#include <vector>

using std::chrono::seconds;
using vigil::hc::HealthTracker;
using vigil::hc::TimePoint;
using vigil::hc::TrackerConfig;
using vigil::hc::Transition;

namespace {

TrackerConfig config(int retry, bool alpha = false) {
  TrackerConfig c;
  c.retry = retry;
  c.delay_loop = seconds(6);
  c.delay_before_retry = seconds(2);
  c.alpha = alpha;
  c.warmup = seconds(6);
  return c;
}

/// Feeds `results` ('+' ok, '-' fail) one at a time, each at the time the previous one
/// asked for, and returns the transitions as letters: . unchanged, U up, D down, r retry.
std::string run(HealthTracker& t, const std::string& results, std::vector<long>* gaps = nullptr) {
  std::string out;
  TimePoint now{};
  for (const char c : results) {
    const auto o = t.on_result(now, c == '+');
    switch (o.transition) {
      case Transition::Unchanged:
        out += '.';
        break;
      case Transition::WentUp:
        out += 'U';
        break;
      case Transition::WentDown:
        out += 'D';
        break;
      case Transition::RetryPending:
        out += 'r';
        break;
    }
    if (gaps != nullptr) {
      gaps->push_back(std::chrono::duration_cast<seconds>(o.next_check - now).count());
    }
    now = o.next_check;
  }
  return out;
}

}  // namespace

TEST_CASE("HealthTracker transitions follow retry and alpha", "[hc][tracker]") {
  struct Row {
    const char* what;
    int retry;
    bool alpha;
    const char* results;
    const char* transitions;
  };
  const Row rows[] = {
      {"up by default; successes change nothing", 1, false, "+++", "..."},
      {"retry 1: one failure is a retry, the second goes down", 1, false, "--", "rD"},
      {"a success during the retries keeps it up", 1, false, "-+-", "r.r"},
      {"retry 0: the first failure goes down", 0, false, "-", "D"},
      {"retry 3: three retries, then down", 3, false, "----", "rrrD"},
      {"once down, failures change nothing", 1, false, "----", "rD.."},
      {"one success brings a down server back", 1, false, "--+", "rDU"},
      {"alpha starts down: the first success brings it up", 1, true, "+", "U"},
      {"alpha: failures while down change nothing", 2, true, "--+", "..U"},
      {"after coming back, the retries start again", 1, false, "--+--", "rDUrD"},
  };
  for (const Row& r : rows) {
    INFO(r.what);
    HealthTracker t(config(r.retry, r.alpha));
    CHECK(run(t, r.results) == r.transitions);
  }
}

TEST_CASE("HealthTracker schedules delay_before_retry only between retries", "[hc][tracker]") {
  HealthTracker t(config(2));
  std::vector<long> gaps;
  CHECK(run(t, "+---+", &gaps) == ".rrDU");
  // delay_loop 6 s normally; delay_before_retry 2 s after a failure with retries left.
  CHECK(gaps == std::vector<long>{6, 2, 2, 6, 6});
  CHECK(t.up());
}

TEST_CASE("HealthTracker counts failures in a row until a success", "[hc][tracker]") {
  HealthTracker t(config(1));
  TimePoint now{};
  CHECK(t.up());
  (void)t.on_result(now, false);
  CHECK(t.failures() == 1);
  CHECK(t.up());
  (void)t.on_result(now, false);
  CHECK(t.failures() == 2);
  CHECK_FALSE(t.up());
  (void)t.on_result(now, true);
  CHECK(t.failures() == 0);
  CHECK(t.up());
}

TEST_CASE("warmup scatters the first check over [0, warmup]", "[hc][tracker]") {
  HealthTracker t(config(1));
  const TimePoint t0{};
  CHECK(t.first_check(t0, 0.0) == t0);
  CHECK(t.first_check(t0, 0.5) == t0 + seconds(3));
  CHECK(t.first_check(t0, 1.0) == t0 + seconds(6));
  CHECK(t.first_check(t0, 7.0) == t0 + seconds(6));  // clamped
  TrackerConfig none = config(1);
  none.warmup = seconds(0);
  CHECK(HealthTracker(none).first_check(t0, 0.9) == t0);
}
