// SPDX-License-Identifier: GPL-2.0-or-later
// A half on a thread and an event loop of its own: the VRRP half runs this way,
// so that nothing the rest of the daemon does (an IPVS resync or reload, which
// are blocking netlink calls, thousands of checkers, a metrics scrape) can delay
// an advert. keepalived gets the same guarantee from its separate VRRP process;
// the labs showed a backup keepalived taking over while a starved vigild's one
// loop was busy with a reload.
//
// The root still talks to the half through the Half interface, from its own
// loop: each call is run on the half's thread and waited for (the half never
// waits on the root). The half's VRRP state changes reach the root's listener
// on the root's loop, in order: those a call causes before it returns (as a
// reload's), and the others (a timer's) at the loop's next turn. So the IPVS
// half hears of them before it is itself started or reloaded, as when both
// halves shared one loop. Before start(), calls run on the caller's thread:
// the half is built and wired before the daemon detaches (fork keeps only the
// calling thread).
#pragma once

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>

#include "half.hpp"

namespace vigil::daemon {

class ThreadedHalf final : public Half {
 public:
  using Make = std::function<std::unique_ptr<Half>(boost::asio::io_context&)>;

  /// The half `make` builds on the new thread's loop, or nullptr if `make`
  /// returns nullptr. `root` is the loop the listener's calls are posted to.
  static std::unique_ptr<ThreadedHalf> make(boost::asio::io_context& root, const Make& make);

  ThreadedHalf(boost::asio::io_context& root, std::unique_ptr<boost::asio::io_context> io);
  ~ThreadedHalf() override;
  ThreadedHalf(const ThreadedHalf&) = delete;
  ThreadedHalf& operator=(const ThreadedHalf&) = delete;
  ThreadedHalf(ThreadedHalf&&) = delete;
  ThreadedHalf& operator=(ThreadedHalf&&) = delete;

  /// Starts the thread, then the half on it.
  void start(const config::Model& model) override;
  void reload(const config::Model& model) override;
  void stop() override;
  [[nodiscard]] bool busy() const override;
  void snapshot(State& out) const override;
  [[nodiscard]] std::vector<std::string> preview(const config::Model& next) const override;
  void clear_stats() override;
  void set_vrrp_listener(VrrpStateListener listener) override;
  void on_vrrp_state(const std::string& instance, bool master) override;
  [[nodiscard]] std::string_view name() const override { return name_; }

  /// The half's thread, once started (tests check where calls run).
  [[nodiscard]] std::thread::id thread_id() const { return thread_.get_id(); }

 private:
  /// Runs `f` on the half's thread and waits for it (inline when there is no
  /// thread); its exception, if any, is rethrown here. Then hands the state
  /// changes queued so far to the root's listener.
  void call(const std::function<void()>& f) const;
  /// On the root's thread: the queued state changes, oldest first, to the
  /// listener. Not reentrant (a listener that calls back into the half sees
  /// its own change finish before the next one is told).
  void deliver() const;

  /// State changes from the half's thread, waiting for the root's.
  struct Changes {
    std::mutex mu;
    std::deque<std::pair<std::string, bool>> queue;
  };

  boost::asio::io_context& root_;
  std::unique_ptr<boost::asio::io_context> io_;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
  std::unique_ptr<Half> inner_;
  std::string name_;
  std::shared_ptr<Changes> changes_ = std::make_shared<Changes>();
  VrrpStateListener listener_;  ///< the root's; called on the root's thread only
  mutable bool delivering_ = false;
  std::thread thread_;
};

}  // namespace vigil::daemon
