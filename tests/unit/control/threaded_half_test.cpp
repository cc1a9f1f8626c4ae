// SPDX-License-Identifier: GPL-2.0-or-later
// ThreadedHalf: the VRRP half's own thread and loop. Its timers keep firing
// while the root's loop is held; the root's calls run on the half's thread and
// wait for it; state changes reach the listener on the root's thread, in order
// (a call's own before the call returns, a timer's at the root loop's next
// turn); errors come back to the caller.
#include "threaded_half.hpp"

#include <atomic>
#include <boost/asio.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "loop.hpp"

namespace {

namespace asio = boost::asio;
using vigil::daemon::Half;
using vigil::daemon::State;
using vigil::daemon::ThreadedHalf;

/// A half that ticks a timer on its loop and records which thread each call ran on.
class TickingHalf final : public Half {
 public:
  explicit TickingHalf(asio::io_context& io) : timer_(io) {}

  void start(const vigil::config::Model& /*model*/) override {
    note("start");
    tick();
  }
  void reload(const vigil::config::Model& model) override {
    note("reload");
    if (model.vrrp.vrrp_instance.size() == 2) {
      throw std::runtime_error("two instances: refused");
    }
    // Three changes, told from this thread, in this order.
    for (const char* name : {"VI_1", "VI_2", "VI_3"}) {
      listener_(name, true);
    }
  }
  void stop() override {
    note("stop");
    timer_.cancel();
  }
  void snapshot(State& out) const override {
    note("snapshot");
    out.daemon.reloads = 42;
  }
  std::vector<std::string> preview(const vigil::config::Model& /*next*/) const override {
    note("preview");
    return {"vrrp: VI_1: unchanged"};
  }
  void set_vrrp_listener(VrrpStateListener listener) override {
    note("set_vrrp_listener");
    listener_ = std::move(listener);
  }
  std::string_view name() const override { return "vrrp"; }

  std::atomic<int> ticks{0};
  std::atomic<bool> emit{false};     ///< set by the test: the next tick reports a change
  std::atomic<bool> emitted{false};  ///< it has
  /// (call, thread it ran on), in order.
  std::vector<std::pair<std::string, std::thread::id>> calls() const {
    const std::lock_guard<std::mutex> lock(mu_);
    return calls_;
  }

 private:
  void note(const std::string& what) const {
    const std::lock_guard<std::mutex> lock(mu_);
    calls_.emplace_back(what, std::this_thread::get_id());
  }
  void tick() {
    timer_.expires_after(std::chrono::milliseconds(5));
    timer_.async_wait([this](const boost::system::error_code& ec) {
      if (!ec) {
        ++ticks;
        if (emit.exchange(false)) {
          listener_("VI_timer", false);  // a change no call caused
          emitted = true;
        }
        tick();
      }
    });
  }

  asio::steady_timer timer_;
  VrrpStateListener listener_;
  mutable std::mutex mu_;
  mutable std::vector<std::pair<std::string, std::thread::id>> calls_;
};

/// Polls `done` (bounded), without running any loop: the root's loop is "held".
template <class Pred>
bool wait_held(Pred done, std::chrono::seconds limit = std::chrono::seconds(10)) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::yield();
  }
  return done();
}

}  // namespace

TEST_CASE("threaded half: the half's timers run while the root's loop is held", "[threaded_half]") {
  asio::io_context root;
  TickingHalf* inner = nullptr;
  auto half = ThreadedHalf::make(root, [&inner](asio::io_context& io) {
    auto h = std::make_unique<TickingHalf>(io);
    inner = h.get();
    return h;
  });
  REQUIRE(half != nullptr);
  CHECK(half->name() == "vrrp");

  std::vector<std::pair<std::string, bool>> heard;
  std::vector<std::thread::id> heard_on;
  // Before start() there is no thread: the call runs here.
  half->set_vrrp_listener([&](const std::string& instance, bool master) {
    heard.emplace_back(instance, master);
    heard_on.push_back(std::this_thread::get_id());
  });
  vigil::config::Model model;
  half->start(model);
  REQUIRE(half->thread_id() != std::thread::id());
  REQUIRE(half->thread_id() != std::this_thread::get_id());

  // The root's loop is not run at all here, and the half still ticks.
  REQUIRE(wait_held([&] { return inner->ticks.load() >= 5; }));
  // A timer's change waits for the root's loop, and is told on its thread.
  inner->emit = true;
  REQUIRE(wait_held([&] { return inner->emitted.load(); }));
  CHECK(heard.empty());
  REQUIRE(vigil::test::run_until(root, [&] { return heard.size() == 1; }));
  CHECK(heard[0] == std::make_pair(std::string("VI_timer"), false));

  // Calls run on the half's thread and return its results.
  State s;
  half->snapshot(s);
  CHECK(s.daemon.reloads == 42);
  CHECK(half->preview(model) == std::vector<std::string>{"vrrp: VI_1: unchanged"});
  // A reload's changes are told before reload() returns, in order, without
  // the root's loop running: the IPVS half, reloaded next, knows them.
  half->reload(model);
  CHECK(heard == std::vector<std::pair<std::string, bool>>{
                     {"VI_timer", false}, {"VI_1", true}, {"VI_2", true}, {"VI_3", true}});
  for (const auto& id : heard_on) {
    CHECK(id == std::this_thread::get_id());
  }

  // An exception in the half reaches the caller; the half keeps running.
  vigil::config::Model two;
  two.vrrp.vrrp_instance.resize(2);
  CHECK_THROWS_WITH(half->reload(two), "two instances: refused");
  const int ticks_then = inner->ticks.load();
  REQUIRE(wait_held([&] { return inner->ticks.load() >= ticks_then + 3; }));
  CHECK(heard.size() == 4);

  half->stop();
  CHECK_FALSE(half->busy());
  const auto calls = inner->calls();
  REQUIRE(calls.size() == 7);
  CHECK(calls[0] == std::make_pair(std::string("set_vrrp_listener"), std::this_thread::get_id()));
  const std::vector<std::string> on_thread = {"start",  "snapshot", "preview",
                                              "reload", "reload",   "stop"};
  for (std::size_t i = 0; i < on_thread.size(); ++i) {
    CHECK(calls[i + 1].first == on_thread[i]);
    CHECK(calls[i + 1].second == half->thread_id());
  }
}

TEST_CASE("threaded half: no half when its maker fails", "[threaded_half]") {
  asio::io_context root;
  CHECK(ThreadedHalf::make(root, [](asio::io_context&) { return std::unique_ptr<Half>(); }) ==
        nullptr);
}
