// SPDX-License-Identifier: GPL-2.0-or-later
// vrrp_script: runs a tracking script every `interval` with a `timeout` and turns
// its results, through ScriptState's rise/fall counting, into up/down
// transitions for the driver.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "vigil/config/model_vrrp.hpp"
#include "vigil/vrrp/command.hpp"
#include "vigil/vrrp/io/process.hpp"
#include "vigil/vrrp/script_state.hpp"

namespace vigil::vrrp::io {

/// Monitors one vrrp_script. A run succeeds when the script exits with status 0;
/// a non-zero exit, a signal, a timeout or a failure to start is a failure. Runs
/// start every `interval` from start() (keepalived's fixed cadence); a run that is
/// due while the previous one is still going is skipped, so runs never overlap.
/// A run still going after `timeout` has its process group sent SIGTERM, then
/// SIGKILL (ProcessRunner), and counts as a failure.
class ScriptMonitor {
 public:
  /// Called on each transition (the script's status after rise/fall counting).
  using OnChange = std::function<void(const std::string& name, bool up)>;

  struct Options {
    std::string name;  ///< the vrrp_script's name
    Command command;   ///< resolved with resolve_command
    std::chrono::milliseconds interval{1000};
    std::chrono::milliseconds timeout{1000};  ///< keepalived's default: the interval
    int rise = 1;
    int fall = 1;
    bool init_fail = false;
  };

  /// Options from the configured vrrp_script and its resolved command.
  static Options options_from(const config::VrrpScript& cfg, Command command);

  ScriptMonitor(boost::asio::io_context& io, ProcessRunner& runner, Options options,
                OnChange on_change);
  ScriptMonitor(const ScriptMonitor&) = delete;
  ScriptMonitor& operator=(const ScriptMonitor&) = delete;
  ScriptMonitor(ScriptMonitor&&) = delete;
  ScriptMonitor& operator=(ScriptMonitor&&) = delete;
  ~ScriptMonitor();

  /// Starts running the script now, then every interval. Idempotent.
  void start();
  /// Stops scheduling runs and terminates a run in progress; its result is
  /// ignored. on_change is not called after stop().
  void stop();

  /// The current status (ScriptState::up()).
  [[nodiscard]] bool up() const { return state_.up(); }
  [[nodiscard]] const std::string& name() const { return options_.name; }

 private:
  void tick();
  void on_outcome(const Outcome& o);

  boost::asio::io_context& io_;
  ProcessRunner& runner_;
  Options options_;
  OnChange on_change_;
  ScriptState state_;
  boost::asio::steady_timer timer_;
  pid_t running_ = -1;
  bool started_ = false;
  std::shared_ptr<bool> alive_;  ///< replaced on stop(): outcomes of earlier runs are ignored
};

}  // namespace vigil::vrrp::io
