// SPDX-License-Identifier: GPL-2.0-or-later
// The checker scheduler: one slot per probe_key with its tracker and probe,
// one timer for all slots over a set ordered by due time; a FIFO of due slots behind a global cap
// on running probes. The clock is read here and handed to the pure HealthTracker.
#include "vigil/hc/io/engine.hpp"

#include <algorithm>
#include <boost/asio/post.hpp>
#include <chrono>
#include <numeric>
#include <string_view>
#include <utility>

#include "vigil/runtime/log.hpp"

namespace vigil::hc::io {

namespace {

TimePoint clock_now() {
  return std::chrono::steady_clock::now();
}

/// The name of what a check looks at, for the log, when it is not an address:
/// the script of a MISC_CHECK, the track_file of a FILE_CHECK, the BFD name.
std::string subject_of(const CheckDef& d) {
  if (const auto* m = std::get_if<config::MiscCheck>(&d.spec); m && d.kind == CheckKind::Misc) {
    return m->misc_path;
  }
  if (const auto* f = std::get_if<config::FileCheck>(&d.spec); f && d.kind == CheckKind::File) {
    return f->track_file;
  }
  if (const auto* b = std::get_if<config::BfdCheck>(&d.spec); b && d.kind == CheckKind::Bfd) {
    return b->name;
  }
  return {};
}

/// Stands in when the factory has no probe for a check: every run fails.
class MissingProbe final : public Probe {
 public:
  MissingProbe(boost::asio::io_context& io, std::string detail)
      : io_(io), detail_(std::move(detail)) {}
  void start(std::function<void(ProbeResult)> done) override {
    boost::asio::post(
        io_, [done = std::move(done), life = std::weak_ptr<char>(life_), detail = detail_] {
          if (!life.expired()) {
            done(ProbeResult{false, std::nullopt, detail});
          }
        });
  }
  void cancel() override { life_ = std::make_shared<char>(0); }

 private:
  boost::asio::io_context& io_;
  std::string detail_;
  std::shared_ptr<char> life_ = std::make_shared<char>(0);
};

}  // namespace

// A slot keeps only what the scheduler and its log lines need, not the
// CheckDef: with 10,000 checks every byte here counts, and the probe copied
// what it needs when it was built.
struct Engine::Slot {
  explicit Slot(const CheckDef& d)
      : tracker(d.timing),
        subject(subject_of(d)),
        ip(d.target.ip),
        port(d.target.port),
        retry(d.timing.retry),
        kind(d.kind) {}

  /// What the slot checks, for the log: "TCP_CHECK 198.18.1.1:80", "MISC_CHECK /path".
  [[nodiscard]] std::string describe() const {
    if (!subject.empty()) {
      return fmt::format("{} {}", kind_name(kind), subject);
    }
    if (ip.is_v6()) {
      return fmt::format("{} [{}]:{}", kind_name(kind), ip.str(), port);
    }
    return fmt::format("{} {}:{}", kind_name(kind), ip.str(), port);
  }

  /// Its checkers' ids (one in the common case): kept here only, not in an
  /// index by id as well.
  std::vector<std::string> checker_ids;
  HealthTracker tracker;
  std::unique_ptr<Probe> probe;
  std::string subject;  ///< see subject_of(); empty for a network check
  config::IpAddress ip;
  std::uint16_t port = 0;
  int retry = 0;
  std::optional<std::uint32_t> weight;  ///< the last dynamic weight a run gave
  // Figures for status(): a run's latency is measured from start() to its result.
  std::uint64_t runs = 0;
  std::uint64_t failures = 0;
  std::optional<Duration> latency;
  std::string last_error;
  TimePoint started;
  CheckKind kind;
  bool log_all = false;
  bool running = false;
  bool queued = false;
  bool scheduled = false;  ///< has an entry {next, this} in Engine::schedule_
  TimePoint next;          ///< when it is due, while scheduled
  /// Weak copies in timer and probe handlers: a dropped slot is never touched.
  std::shared_ptr<char> life = std::make_shared<char>(0);
};

Engine::Engine(boost::asio::io_context& io, ProbeFactory factory, EngineOptions options,
               OnChange on_change)
    : io_(io),
      factory_(std::move(factory)),
      options_(options),
      on_change_(std::move(on_change)),
      rng_(options.seed != 0 ? options.seed : std::random_device{}()),
      timer_(io) {
  options_.max_concurrent = std::max<std::size_t>(options_.max_concurrent, 1);
}

Engine::~Engine() {
  try {
    stop();
  } catch (...) {  // NOLINT(bugprone-empty-catch): nothing to do about a failed cancel here
  }
}

void Engine::apply(const std::vector<CheckDef>& checks) {
  // The wanted slots, in file order of their first check: the checks sorted by
  // probe_key (stable, so file order within a key), cut into groups, the groups
  // put back in file order. Flat arrays, not a map node per check: with 10,000
  // checks the nodes would be freed again but leave the heap fragmented.
  std::vector<std::size_t> by_key(checks.size());
  std::iota(by_key.begin(), by_key.end(), std::size_t{0});
  std::stable_sort(by_key.begin(), by_key.end(), [&](std::size_t a, std::size_t b) {
    return checks[a].probe_key < checks[b].probe_key;
  });
  struct Group {
    std::size_t begin = 0;  ///< into by_key
    std::size_t end = 0;
  };
  std::vector<Group> groups;
  for (std::size_t i = 0; i < by_key.size(); ++i) {
    if (i == 0 || checks[by_key[i]].probe_key != checks[by_key[i - 1]].probe_key) {
      groups.push_back({i, i});
    }
    groups.back().end = i + 1;
  }
  std::sort(groups.begin(), groups.end(),
            [&](const Group& a, const Group& b) { return by_key[a.begin] < by_key[b.begin]; });
  const auto wanted = [&](std::string_view key) {
    const auto it = std::lower_bound(
        by_key.begin(), by_key.end(), key,
        [&](std::size_t i, std::string_view k) { return checks[i].probe_key < k; });
    return it != by_key.end() && checks[*it].probe_key == key;
  };

  // Drop the slots no longer wanted: their probes are cancelled and never call back.
  for (auto it = slots_.begin(); it != slots_.end();) {
    if (!wanted(it->first)) {
      drop(*it->second);
      it = slots_.erase(it);
    } else {
      ++it;
    }
  }

  std::vector<VerdictChange> joined;
  const TimePoint now = clock_now();
  for (const auto& g : groups) {
    std::vector<const CheckDef*> defs;
    defs.reserve(g.end - g.begin);
    for (std::size_t i = g.begin; i < g.end; ++i) {
      defs.push_back(&checks[by_key[i]]);
    }
    const std::string& key = defs.front()->probe_key;
    auto it = slots_.find(key);
    if (it == slots_.end()) {
      const CheckDef& def = *defs.front();
      auto slot = std::make_unique<Slot>(def);
      // The probe copies what it needs: `def` is only valid during this call.
      slot->probe = factory_ ? factory_(def) : nullptr;
      if (!slot->probe) {
        slot->probe = std::make_unique<MissingProbe>(
            io_, fmt::format("no probe for {}", kind_name(def.kind)));
      }
      // Scatter the first checks: over warmup, or over up to a second without one.
      std::uniform_real_distribution<double> draw(0.0, 1.0);
      const double j = draw(rng_);
      const auto& t = def.timing;
      TimePoint first;
      if (t.warmup > Duration::zero()) {
        first = slot->tracker.first_check(now, j);
      } else {
        const Duration span = std::min<Duration>(t.delay_loop, std::chrono::seconds(1));
        first = now + Duration(static_cast<Duration::rep>(static_cast<double>(span.count()) * j));
      }
      it = slots_.emplace(key, std::move(slot)).first;
      schedule(*it->second, first);
    } else {
      // A kept slot: tell the checkers that join it what it already knows.
      Slot& s = *it->second;
      for (const auto* d : defs) {
        const auto& old = s.checker_ids;
        if (std::none_of(old.begin(), old.end(),
                         [&](const std::string& id) { return id == d->checker_id; })) {
          joined.push_back({d->checker_id, s.tracker.up(), s.weight, "joined a running check"});
        }
      }
    }
    Slot& s = *it->second;
    s.checker_ids.clear();
    s.log_all = false;
    for (const auto* d : defs) {
      s.checker_ids.push_back(d->checker_id);
      s.log_all = s.log_all || d->log_all_failures;
    }
    s.checker_ids.shrink_to_fit();
  }
  if (!joined.empty()) {
    notify(std::move(joined));
  }
}

void Engine::stop() {
  boost::system::error_code ec;
  timer_.cancel(ec);
  armed_ = TimePoint::max();
  for (auto& [key, slot] : slots_) {
    drop(*slot);
  }
  slots_.clear();
  schedule_.clear();
  waiting_.clear();
  running_ = 0;
}

void Engine::drop(Slot& s) {
  if (s.running) {
    s.probe->cancel();
    s.running = false;
    --running_;
  }
  if (s.queued) {
    waiting_.erase(std::remove(waiting_.begin(), waiting_.end(), &s), waiting_.end());
    s.queued = false;
  }
  if (s.scheduled) {
    schedule_.erase({s.next, &s});
    s.scheduled = false;
  }
  // Expire the handlers' weak copies now, not when the slot is freed.
  s.life.reset();
}

std::optional<bool> Engine::up(const std::string& checker_id) const {
  // A scan: this is a query for tests and diagnostics, and an index by id would
  // cost every check a map node.
  for (const auto& [key, slot] : slots_) {
    const auto& ids = slot->checker_ids;
    if (std::find(ids.begin(), ids.end(), checker_id) != ids.end()) {
      return slot->tracker.up();
    }
  }
  return std::nullopt;
}

std::optional<ProbeStatus> Engine::status(const std::string& checker_id) const {
  for (const auto& [key, slot] : slots_) {
    const auto& ids = slot->checker_ids;
    if (std::find(ids.begin(), ids.end(), checker_id) != ids.end()) {
      return ProbeStatus{slot->tracker.up(), slot->runs, slot->failures, slot->latency,
                         slot->last_error};
    }
  }
  return std::nullopt;
}

void Engine::for_each_status(
    const std::function<void(const std::string& checker_id, const ProbeStatus&)>& fn) const {
  for (const auto& [key, slot] : slots_) {
    const ProbeStatus st{slot->tracker.up(), slot->runs, slot->failures, slot->latency,
                         slot->last_error};
    for (const std::string& id : slot->checker_ids) {
      fn(id, st);
    }
  }
}

void Engine::clear_stats() {
  for (auto& [key, slot] : slots_) {
    slot->runs = 0;
    slot->failures = 0;
  }
}

void Engine::schedule(Slot& s, TimePoint at) {
  if (s.scheduled) {
    schedule_.erase({s.next, &s});
  }
  s.next = at;
  s.scheduled = true;
  schedule_.emplace(at, &s);
  if (at < armed_) {
    arm();
  }
}

void Engine::arm() {
  if (schedule_.empty()) {
    return;
  }
  armed_ = schedule_.begin()->first;
  // Re-arming aborts the wait in progress: its handler sees the error and returns.
  timer_.expires_at(armed_);
  timer_.async_wait([this, life = std::weak_ptr<char>(life_)](const boost::system::error_code& ec) {
    if (ec || life.expired()) {
      return;
    }
    on_timer();
  });
}

void Engine::on_timer() {
  armed_ = TimePoint::max();
  const TimePoint now = clock_now();
  // due() never reports (probes do not complete inside start()), so nothing
  // here reloads or stops the engine under this loop.
  while (!schedule_.empty() && schedule_.begin()->first <= now) {
    Slot* s = schedule_.begin()->second;
    schedule_.erase(schedule_.begin());
    s->scheduled = false;
    due(*s);
  }
  arm();
}

void Engine::due(Slot& s) {
  if (s.running || s.queued) {
    return;
  }
  if (running_ < options_.max_concurrent && waiting_.empty()) {
    launch(s);
  } else {
    // Past the cap: wait in line behind the slots that were due earlier.
    s.queued = true;
    waiting_.push_back(&s);
  }
}

void Engine::launch(Slot& s) {
  s.queued = false;
  s.running = true;
  ++running_;
  s.started = clock_now();
  s.probe->start([this, sp = &s, life = std::weak_ptr<char>(s.life)](ProbeResult r) {
    if (life.expired()) {
      return;
    }
    // The result is here now: the latency ends here, not when our handler runs.
    sp->latency = std::chrono::duration_cast<Duration>(clock_now() - sp->started);
    // Finish in a handler of our own, so nothing the result sets off (a
    // reload from on_change) runs while the probe is still on the stack.
    boost::asio::post(io_, [this, sp, life, r = std::move(r)]() mutable {
      if (!life.expired()) {
        finished(*sp, std::move(r));
      }
    });
  });
}

void Engine::finished(Slot& s, ProbeResult r) {
  if (!s.running) {
    return;
  }
  s.running = false;
  --running_;
  ++s.runs;
  if (r.ok) {
    std::string().swap(s.last_error);  // frees it: most slots pass, and there are many
  } else {
    ++s.failures;
    s.last_error = r.detail.empty() ? std::string("failed") : r.detail;
  }

  const auto outcome = s.tracker.on_result(clock_now(), r.ok);
  bool weight_changed = false;
  // A dynamic weight comes with a passing run (MISC_CHECK exit 0 keeps it).
  if (r.ok && r.weight && r.weight != s.weight) {
    s.weight = r.weight;
    weight_changed = true;
  }

  // Transitions are logged; polls are not, except failures under log_all_failures.
  switch (outcome.transition) {
    case Transition::WentDown:
      log::warning("{}: {}; down", s.describe(), r.detail);
      break;
    case Transition::WentUp:
      log::notice("{}: up{}{}", s.describe(), r.detail.empty() ? "" : ": ", r.detail);
      break;
    case Transition::RetryPending:
      if (s.log_all) {
        log::info("{}: {}; retry {} of {}", s.describe(), r.detail, s.tracker.failures(), s.retry);
      }
      break;
    case Transition::Unchanged:
      if (!r.ok && log::enabled(log::Level::Debug)) {
        log::debug("{}: still down: {}", s.describe(), r.detail);
      }
      break;
  }

  std::vector<VerdictChange> changes;
  if (outcome.transition == Transition::WentUp || outcome.transition == Transition::WentDown ||
      weight_changed) {
    changes.reserve(s.checker_ids.size());
    for (const auto& id : s.checker_ids) {
      changes.push_back({id, s.tracker.up(), s.weight, r.detail});
    }
  }
  schedule(s, outcome.next_check);
  pump();
  // Last: on_change may reload or stop the engine, dropping this slot.
  if (!changes.empty() && on_change_) {
    on_change_(changes);
  }
}

void Engine::pump() {
  while (running_ < options_.max_concurrent && !waiting_.empty()) {
    // A dropped slot has left the line already (drop()).
    Slot* s = waiting_.front();
    waiting_.pop_front();
    if (s->queued && !s->running) {
      launch(*s);
    }
  }
}

void Engine::notify(std::vector<VerdictChange> changes) {
  boost::asio::post(io_, [this, life = std::weak_ptr<char>(life_), changes = std::move(changes)] {
    if (!life.expired() && on_change_) {
      on_change_(changes);
    }
  });
}

}  // namespace vigil::hc::io
