// SPDX-License-Identifier: GPL-2.0-or-later
// The checker scheduler on the Asio loop. One slot per probe_key: checks with
// the same target and definition share one probe and one HealthTracker. A
// global cap bounds the probes running at once; a due probe past the cap
// waits its turn in order. First checks are scattered over `warmup` (or over
// min(delay_loop, 1 s) without warmup) with a random draw, so 10,000 checks
// never fire at once.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "vigil/hc/io/probe.hpp"
#include "vigil/hc/plan.hpp"
#include "vigil/hc/result.hpp"
#include "vigil/hc/tracker.hpp"

namespace vigil::hc::io {

struct EngineOptions {
  std::size_t max_concurrent = 512;  ///< probes running at once
  std::uint64_t seed = 0;            ///< 0: from std::random_device
};

/// A checker's verdict changed: up/down, or its dynamic weight.
struct VerdictChange {
  std::string checker_id;
  bool up = false;
  std::optional<std::uint32_t> weight;
  std::string detail;  ///< the probe's detail that caused it
};

/// What one probe has done since it started (or since the last clear_stats()):
/// the read-only figures `vigild status` and the metrics show. Checkers that
/// share a probe (one probe_key) report the same figures.
struct ProbeStatus {
  bool up = false;                                   ///< the verdict
  std::uint64_t runs = 0;                            ///< runs finished
  std::uint64_t failures = 0;                        ///< runs that failed
  std::optional<std::chrono::microseconds> latency;  ///< the last finished run, start to result
  std::string last_error;  ///< the last run's detail when it failed, else ""
};

class Engine {
 public:
  using OnChange = std::function<void(const std::vector<VerdictChange>&)>;
  /// Builds the probe of a slot (the daemon passes make_probe over its ProbeEnv).
  /// The CheckDef is valid only during the call: the probe copies what it needs.
  using ProbeFactory = std::function<std::unique_ptr<Probe>(const CheckDef&)>;

  Engine(boost::asio::io_context& io, ProbeFactory factory, EngineOptions options,
         OnChange on_change);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;
  Engine(Engine&&) = delete;
  Engine& operator=(Engine&&) = delete;

  /// Start or reload with this set of checks. A slot whose probe_key is still
  /// wanted keeps its tracker state, its schedule and a running probe; slots no
  /// longer wanted are cancelled and dropped; new ones start as their tracker
  /// says (alpha: down) with a scattered first check. A checker that joins a
  /// kept slot is told that slot's verdict by a VerdictChange posted to the
  /// loop, so the HealthBook agrees with the shared tracker. on_change is
  /// always called from a handler of its own, never from inside a probe's
  /// completion, so it may call apply() or stop().
  void apply(const std::vector<CheckDef>& checks);
  /// Cancels every probe and timer (on stop).
  void stop();

  /// Current verdict of a checker (nullopt: unknown id). A scan over the slots.
  [[nodiscard]] std::optional<bool> up(const std::string& checker_id) const;
  /// Figures of a checker's probe (nullopt: unknown id). A scan over the slots.
  [[nodiscard]] std::optional<ProbeStatus> status(const std::string& checker_id) const;
  /// Calls fn(checker_id, status) for every checker, in no particular order:
  /// one pass over the slots, for a snapshot of all of them.
  void for_each_status(
      const std::function<void(const std::string& checker_id, const ProbeStatus&)>& fn) const;
  /// STATS_CLEAR: zeroes runs and failures (verdicts and schedules stay).
  void clear_stats();
  [[nodiscard]] std::size_t running() const { return running_; }
  [[nodiscard]] std::size_t slots() const { return slots_.size(); }

 private:
  struct Slot;
  void schedule(Slot& s, TimePoint at);
  void arm();
  void on_timer();
  void due(Slot& s);
  void launch(Slot& s);
  void finished(Slot& s, ProbeResult r);
  void pump();
  void drop(Slot& s);
  void notify(std::vector<VerdictChange> changes);

  boost::asio::io_context& io_;
  ProbeFactory factory_;
  EngineOptions options_;
  OnChange on_change_;
  std::mt19937_64 rng_;
  /// One timer for every slot, set for the earliest entry of schedule_: a
  /// timer per slot costs a few hundred bytes per check.
  boost::asio::steady_timer timer_;
  TimePoint armed_ = TimePoint::max();              ///< the expiry timer_ waits for
  std::set<std::pair<TimePoint, Slot*>> schedule_;  ///< when each scheduled slot is due
  std::map<std::string, std::unique_ptr<Slot>, std::less<>> slots_;  ///< by probe_key
  std::deque<Slot*> waiting_;                                        ///< due, past the cap
  std::size_t running_ = 0;
  /// Handlers posted to the loop hold a weak copy: they do nothing once the
  /// engine is gone.
  std::shared_ptr<char> life_ = std::make_shared<char>(0);
};

}  // namespace vigil::hc::io
