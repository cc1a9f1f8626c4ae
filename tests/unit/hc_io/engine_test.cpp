// SPDX-License-Identifier: GPL-2.0-or-later
// The Engine with scripted probes (through its ProbeFactory, no real network):
// the global cap, shared probes, retry then down, alpha, weights, reloads that
// keep unchanged slots and drop the rest, and stop()/destruction that leave no
// probe running and no callback behind. Timing is polled with a bound, never slept.
#include "vigil/hc/io/engine.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "loop.hpp"

using std::chrono::milliseconds;
using vigil::hc::CheckDef;
using vigil::hc::ProbeResult;
using vigil::hc::io::Engine;
using vigil::hc::io::EngineOptions;
using vigil::hc::io::Probe;
using vigil::hc::io::VerdictChange;

namespace {

using vigil::test::run_for;
using vigil::test::run_until;

/// What the scripted probes share: their script, and counters the tests read.
struct World {
  explicit World(boost::asio::io_context& i) : io(i) {}
  boost::asio::io_context& io;
  /// The result of run `n` (0-based) of the probe with this key; default: ok.
  std::function<ProbeResult(const std::string& key, int n)> script = [](const std::string&, int) {
    return ProbeResult{true, std::nullopt, "ok"};
  };
  milliseconds latency{2};
  int active = 0;
  int max_active = 0;
  int created = 0;
  int destroyed = 0;
  int cancels = 0;
  int double_starts = 0;
  int late_calls = 0;  ///< a completion after cancel: must stay 0
  std::size_t max_engine_running = 0;
  const Engine* engine = nullptr;
  std::map<std::string, int> starts;  ///< by probe_key
  std::map<std::string, int> made;    ///< probes built, by probe_key
};

/// A probe that answers with the script's result after `latency`, on a timer.
class ScriptedProbe final : public Probe {
 public:
  ScriptedProbe(World& w, std::string key) : w_(w), key_(std::move(key)), timer_(w.io) {
    ++w_.created;
    ++w_.made[key_];
  }
  ~ScriptedProbe() override {
    try {
      cancel();
    } catch (...) {  // NOLINT(bugprone-empty-catch): a failed timer cancel is of no interest here
    }
    ++w_.destroyed;
  }
  ScriptedProbe(const ScriptedProbe&) = delete;
  ScriptedProbe& operator=(const ScriptedProbe&) = delete;
  ScriptedProbe(ScriptedProbe&&) = delete;
  ScriptedProbe& operator=(ScriptedProbe&&) = delete;

  void start(std::function<void(ProbeResult)> done) override {
    if (running_) {
      ++w_.double_starts;
    }
    running_ = true;
    done_ = std::move(done);
    ++w_.active;
    w_.max_active = std::max(w_.max_active, w_.active);
    if (w_.engine != nullptr) {
      w_.max_engine_running = std::max(w_.max_engine_running, w_.engine->running());
    }
    const int n = w_.starts[key_]++;
    timer_.expires_after(w_.latency);
    timer_.async_wait([this, n, life = std::weak_ptr<char>(life_)](boost::system::error_code ec) {
      if (ec || life.expired()) {
        return;
      }
      if (!running_) {
        ++w_.late_calls;
        return;
      }
      running_ = false;
      --w_.active;
      auto finish = std::move(done_);
      finish(w_.script(key_, n));
    });
  }

  void cancel() override {
    if (running_) {
      running_ = false;
      --w_.active;
      ++w_.cancels;
      timer_.cancel();
      life_ = std::make_shared<char>(0);
    }
  }

 private:
  World& w_;
  std::string key_;
  boost::asio::steady_timer timer_;
  bool running_ = false;
  std::function<void(ProbeResult)> done_;
  std::shared_ptr<char> life_ = std::make_shared<char>(0);
};

CheckDef def(const std::string& checker_id, const std::string& probe_key,
             milliseconds delay_loop = milliseconds(10), int retry = 1, bool alpha = false) {
  CheckDef d;
  d.checker_id = checker_id;
  d.rs_id = "vs|" + checker_id;
  d.probe_key = probe_key;
  d.kind = vigil::hc::CheckKind::Tcp;
  d.timing.retry = retry;
  d.timing.delay_loop = delay_loop;
  d.timing.delay_before_retry = milliseconds(5);
  d.timing.warmup = milliseconds(0);
  d.timing.alpha = alpha;
  d.target.ip = *vigil::config::IpAddress::parse("127.0.0.1");
  d.target.port = 1;
  return d;
}

/// An engine over scripted probes that records every change it reports.
struct Rig {
  explicit Rig(std::size_t cap = 512)
      : world(io),
        engine(
            io,
            [this](const CheckDef& d) -> std::unique_ptr<Probe> {
              return std::make_unique<ScriptedProbe>(world, d.probe_key);
            },
            EngineOptions{cap, 42},
            [this](const std::vector<VerdictChange>& c) {
              changes.insert(changes.end(), c.begin(), c.end());
            }) {
    world.engine = &engine;
  }
  boost::asio::io_context io;
  World world;
  std::vector<VerdictChange> changes;
  Engine engine;

  [[nodiscard]] int changes_for(const std::string& id) const {
    int n = 0;
    for (const auto& c : changes) {
      n += c.checker_id == id ? 1 : 0;
    }
    return n;
  }
};

}  // namespace

TEST_CASE("The global cap bounds the probes running at once, in turn", "[hc_io][engine]") {
  Rig rig(3);
  rig.world.latency = milliseconds(8);
  std::vector<CheckDef> checks;
  checks.reserve(20);
  for (int i = 0; i < 20; ++i) {
    checks.push_back(def("c" + std::to_string(i), "k" + std::to_string(i), milliseconds(5)));
  }
  rig.engine.apply(checks);
  CHECK(rig.engine.slots() == 20);
  // Each slot runs three times; every one gets its turns.
  const bool all = run_until(rig.io, [&] {
    for (int i = 0; i < 20; ++i) {
      if (rig.world.starts["k" + std::to_string(i)] < 3) {
        return false;
      }
    }
    return true;
  });
  CHECK(all);
  CHECK(rig.world.max_active == 3);
  CHECK(rig.world.max_engine_running <= 3);
  CHECK(rig.engine.running() <= 3);
  CHECK(rig.world.double_starts == 0);
  CHECK(rig.changes.empty());  // all up, as they started
}

TEST_CASE("Checks with the same probe_key share one probe and one verdict", "[hc_io][engine]") {
  Rig rig;
  rig.world.script = [](const std::string&, int) {
    return ProbeResult{false, std::nullopt, "connection refused"};
  };
  rig.engine.apply({def("vs1|rs|TCP_CHECK#0", "same"), def("vs2|rs|TCP_CHECK#0", "same")});
  CHECK(rig.engine.slots() == 1);
  CHECK(rig.world.created == 1);
  REQUIRE(run_until(rig.io, [&] { return rig.changes.size() >= 2; }));
  REQUIRE(rig.changes.size() == 2);
  CHECK(rig.changes[0].checker_id == "vs1|rs|TCP_CHECK#0");
  CHECK(rig.changes[1].checker_id == "vs2|rs|TCP_CHECK#0");
  for (const auto& c : rig.changes) {
    CHECK_FALSE(c.up);
    CHECK(c.detail == "connection refused");
  }
  CHECK(rig.world.starts["same"] == 2);  // retry 1: two runs, not four
  CHECK(rig.engine.up("vs1|rs|TCP_CHECK#0") == false);
  CHECK(rig.engine.up("vs2|rs|TCP_CHECK#0") == false);
  CHECK_FALSE(rig.engine.up("unknown").has_value());
}

TEST_CASE("retry more failed runs before down, then one success brings it up", "[hc_io][engine]") {
  Rig rig;
  int starts_at_down = -1;
  // Fails runs 0..4, passes from run 5 on.
  rig.world.script = [&](const std::string&, int n) {
    return ProbeResult{n >= 5, std::nullopt, n >= 5 ? "ok" : "refused"};
  };
  rig.engine.apply({def("c", "k", milliseconds(10), 2)});
  REQUIRE(run_until(rig.io, [&] {
    if (starts_at_down < 0 && !rig.changes.empty()) {
      starts_at_down = rig.world.starts["k"];
    }
    return rig.changes.size() >= 2;
  }));
  // retry 2: the third failure in a row is the one that goes down.
  CHECK(starts_at_down == 3);
  REQUIRE(rig.changes.size() == 2);
  CHECK_FALSE(rig.changes[0].up);
  CHECK(rig.changes[1].up);
  CHECK(rig.world.starts["k"] == 6);
  CHECK(rig.engine.up("c") == true);
}

TEST_CASE("alpha starts a checker down until its first success", "[hc_io][engine]") {
  Rig rig;
  rig.engine.apply({def("c", "k", milliseconds(10), 1, true)});
  CHECK(rig.engine.up("c") == false);
  REQUIRE(run_until(rig.io, [&] { return !rig.changes.empty(); }));
  CHECK(rig.changes.size() == 1);
  CHECK(rig.changes[0].up);
  CHECK(rig.engine.up("c") == true);
}

TEST_CASE("A dynamic weight is reported when it changes", "[hc_io][engine]") {
  Rig rig;
  // Runs 0-1: weight 7; run 2: ok without a weight (kept); runs 3+: weight 9.
  rig.world.script = [](const std::string&, int n) {
    if (n == 2) {
      return ProbeResult{true, std::nullopt, "exit 0"};
    }
    return ProbeResult{true, n < 2 ? 7U : 9U, "exit"};
  };
  rig.engine.apply({def("c", "k", milliseconds(5))});
  REQUIRE(run_until(rig.io, [&] { return rig.changes.size() >= 2; }));
  run_until(rig.io, [&] { return rig.world.starts["k"] >= 6; });
  REQUIRE(rig.changes.size() == 2);
  CHECK(rig.changes[0].up);
  CHECK(rig.changes[0].weight == 7U);
  CHECK(rig.changes[1].weight == 9U);
}

TEST_CASE("apply keeps unchanged slots, drops removed ones and adds new ones", "[hc_io][engine]") {
  Rig rig;
  rig.world.script = [](const std::string& key, int) {
    return ProbeResult{key != "a", std::nullopt, key};
  };
  rig.engine.apply({def("A", "a"), def("B", "b")});
  REQUIRE(run_until(rig.io, [&] { return rig.engine.up("A") == false; }));
  CHECK(rig.engine.up("B") == true);
  CHECK(rig.world.created == 2);

  // Reload: A stays (and a second checker joins it), B goes, C comes.
  rig.changes.clear();
  rig.world.latency = milliseconds(30);  // so that some probe is likely mid-run
  rig.engine.apply({def("C", "c"), def("A", "a"), def("A2", "a")});
  CHECK(rig.engine.slots() == 2);
  CHECK(rig.world.made["a"] == 1);  // not rebuilt
  CHECK(rig.world.made["c"] == 1);
  CHECK(rig.engine.up("A") == false);  // its state survives
  CHECK_FALSE(rig.engine.up("B").has_value());
  CHECK(rig.world.destroyed == 1);  // B's probe
  // The joining checker is told the slot's verdict (down), on the loop.
  CHECK(rig.changes.empty());
  REQUIRE(run_until(rig.io, [&] { return rig.changes_for("A2") >= 1; }));
  CHECK_FALSE(rig.changes.front().up);
  CHECK(rig.changes.front().checker_id == "A2");
  CHECK(rig.engine.up("A2") == false);
  // B never reports again; C and A keep running.
  const int b_runs = rig.world.starts["b"];
  run_until(rig.io, [&] { return rig.world.starts["c"] >= 2 && rig.world.starts["a"] >= 4; });
  CHECK(rig.world.starts["b"] == b_runs);
  CHECK(rig.changes_for("B") == 0);
  CHECK(rig.world.late_calls == 0);
  CHECK(rig.world.double_starts == 0);
}

TEST_CASE("A reload during a run keeps the run, a removed slot's run is cancelled",
          "[hc_io][engine]") {
  Rig rig;
  rig.world.latency = milliseconds(200);
  rig.engine.apply({def("A", "a"), def("B", "b")});
  REQUIRE(run_until(rig.io, [&] { return rig.world.active == 2; }));
  rig.engine.apply({def("A", "a")});
  CHECK(rig.world.cancels == 1);  // B's run
  CHECK(rig.world.active == 1);   // A's run goes on
  CHECK(rig.engine.running() == 1);
  REQUIRE(run_until(rig.io, [&] { return rig.world.starts["a"] >= 2; }));
  CHECK(rig.world.late_calls == 0);
  CHECK(rig.world.made["a"] == 1);
}

TEST_CASE("stop() cancels every probe and timer, nothing calls back", "[hc_io][engine]") {
  Rig rig(4);
  rig.world.latency = milliseconds(100);
  rig.world.script = [](const std::string&, int) {
    return ProbeResult{false, std::nullopt, "down"};
  };
  std::vector<CheckDef> checks;
  checks.reserve(10);
  for (int i = 0; i < 10; ++i) {
    checks.push_back(def("c" + std::to_string(i), "k" + std::to_string(i)));
  }
  rig.engine.apply(checks);
  REQUIRE(run_until(rig.io, [&] { return rig.world.active == 4; }));
  rig.engine.stop();
  CHECK(rig.world.active == 0);
  CHECK(rig.world.cancels == 4);
  CHECK(rig.engine.running() == 0);
  CHECK(rig.engine.slots() == 0);
  CHECK(rig.world.destroyed == 10);
  int total = 0;
  for (const auto& [k, n] : rig.world.starts) {
    total += n;
  }
  run_for(rig.io, milliseconds(150));
  int after = 0;
  for (const auto& [k, n] : rig.world.starts) {
    after += n;
  }
  CHECK(after == total);  // no timer fired
  CHECK(rig.changes.empty());
  CHECK(rig.world.late_calls == 0);
}

TEST_CASE("on_change may reload the engine from inside the callback", "[hc_io][engine]") {
  boost::asio::io_context io;
  World world(io);
  world.script = [](const std::string&, int) { return ProbeResult{false, std::nullopt, "x"}; };
  Engine* self = nullptr;
  int calls = 0;
  Engine engine(
      io, [&](const CheckDef& d) { return std::make_unique<ScriptedProbe>(world, d.probe_key); },
      EngineOptions{8, 1},
      [&](const std::vector<VerdictChange>&) {
        ++calls;
        self->apply({def("other", "o")});  // drops the slot that reported
      });
  self = &engine;
  world.engine = &engine;
  engine.apply({def("c", "k", milliseconds(5), 0)});
  REQUIRE(run_until(io, [&] { return calls == 1 && world.starts["o"] >= 1; }));
  CHECK(engine.slots() == 1);
  CHECK_FALSE(engine.up("c").has_value());
  CHECK(world.late_calls == 0);
}

TEST_CASE("Destroying the engine mid-run leaves nothing running", "[hc_io][engine]") {
  boost::asio::io_context io;
  World world(io);
  world.latency = milliseconds(100);
  {
    Engine engine(
        io, [&](const CheckDef& d) { return std::make_unique<ScriptedProbe>(world, d.probe_key); },
        EngineOptions{8, 1}, [](const std::vector<VerdictChange>&) {});
    world.engine = &engine;
    engine.apply({def("a", "a"), def("b", "b")});
    REQUIRE(run_until(io, [&] { return world.active == 2; }));
    world.engine = nullptr;
  }
  CHECK(world.active == 0);
  CHECK(world.destroyed == 2);
  run_for(io, milliseconds(150));
  CHECK(world.late_calls == 0);
}

TEST_CASE("A factory without a probe gives a check that fails, saying why", "[hc_io][engine]") {
  boost::asio::io_context io;
  std::vector<VerdictChange> changes;
  Engine engine(
      io, [](const CheckDef&) { return std::unique_ptr<Probe>(); }, EngineOptions{8, 1},
      [&](const std::vector<VerdictChange>& c) {
        changes.insert(changes.end(), c.begin(), c.end());
      });
  engine.apply({def("c", "k", milliseconds(5), 0)});
  REQUIRE(run_until(io, [&] { return !changes.empty(); }));
  CHECK_FALSE(changes[0].up);
  CHECK(changes[0].detail == "no probe for TCP_CHECK");
}

TEST_CASE("First checks are scattered over warmup, or a second at most without one",
          "[hc_io][engine]") {
  Rig rig;
  const auto t0 = std::chrono::steady_clock::now();
  std::map<std::string, std::chrono::steady_clock::time_point> first;
  rig.world.script = [&](const std::string& key, int n) {
    if (n == 0) {
      first.emplace(key, std::chrono::steady_clock::now());
    }
    return ProbeResult{true, std::nullopt, "ok"};
  };
  rig.world.latency = milliseconds(0);
  std::vector<CheckDef> checks;
  checks.reserve(40);
  for (int i = 0; i < 20; ++i) {
    CheckDef d = def("w" + std::to_string(i), "w" + std::to_string(i), milliseconds(60000));
    d.timing.warmup = milliseconds(300);
    checks.push_back(d);
  }
  // Without warmup a 60 s delay_loop still starts within a second.
  for (int i = 0; i < 20; ++i) {
    checks.push_back(def("n" + std::to_string(i), "n" + std::to_string(i), milliseconds(60000)));
  }
  rig.engine.apply(checks);
  REQUIRE(run_until(
      rig.io, [&] { return first.size() == 40; }, milliseconds(5000)));
  auto span = [&](char prefix) {
    std::chrono::steady_clock::duration lo = std::chrono::hours(1);
    std::chrono::steady_clock::duration hi{};
    for (const auto& [key, at] : first) {
      if (key[0] == prefix) {
        lo = std::min(lo, at - t0);
        hi = std::max(hi, at - t0);
      }
    }
    return std::make_pair(lo, hi);
  };
  const auto [wlo, whi] = span('w');
  const auto [nlo, nhi] = span('n');
  // Generous slack above: the bound is what matters; below, they must not all fire at once.
  CHECK(whi < milliseconds(300) + milliseconds(500));
  CHECK(whi - wlo > milliseconds(100));
  CHECK(nhi < milliseconds(1000) + milliseconds(500));
  CHECK(nhi - nlo > milliseconds(300));
}
