// SPDX-License-Identifier: GPL-2.0-or-later
// ScriptMonitor: one vrrp_script run on a fixed cadence (see vrrp_script.hpp).
#include "vigil/vrrp/io/vrrp_script.hpp"

#include <utility>

#include "vigil/runtime/log.hpp"

namespace vigil::vrrp::io {

ScriptMonitor::Options ScriptMonitor::options_from(const config::VrrpScript& cfg, Command command) {
  Options o;
  o.name = cfg.name;
  o.command = std::move(command);
  o.interval = cfg.interval;
  // keepalived: without a timeout, a run may last up to the interval.
  o.timeout = cfg.timeout.value_or(cfg.interval);
  o.rise = cfg.rise;
  o.fall = cfg.fall;
  o.init_fail = cfg.init_fail;
  return o;
}

ScriptMonitor::ScriptMonitor(boost::asio::io_context& io, ProcessRunner& runner, Options options,
                             OnChange on_change)
    : io_(io),
      runner_(runner),
      options_(std::move(options)),
      on_change_(std::move(on_change)),
      state_(options_.rise, options_.fall, options_.init_fail),
      timer_(io),
      alive_(std::make_shared<bool>(true)) {}

ScriptMonitor::~ScriptMonitor() {
  try {
    stop();
  } catch (...) {  // NOLINT(bugprone-empty-catch): nothing to do about a failed cancel here
  }
}

void ScriptMonitor::start() {
  if (started_) {
    return;
  }
  started_ = true;
  alive_ = std::make_shared<bool>(true);
  timer_.expires_after(std::chrono::milliseconds(0));
  tick();
}

void ScriptMonitor::stop() {
  if (!started_) {
    return;
  }
  started_ = false;
  alive_.reset();  // outcomes and ticks already queued are ignored
  timer_.cancel();
  if (running_ > 0) {
    runner_.terminate(running_);
    running_ = -1;
  }
}

void ScriptMonitor::tick() {
  // The next run is due one interval after this one was (no drift).
  const auto due = timer_.expiry();
  if (running_ > 0) {
    log::debug("VRRP_Script({}) is still running; skipping this run", options_.name);
  } else {
    // -1 when it could not fork: the failure still arrives through the callback.
    running_ = runner_.run(options_.command, options_.timeout,
                           [this, alive = std::weak_ptr<bool>(alive_)](const Outcome& o) {
                             if (!alive.expired()) {
                               on_outcome(o);
                             }
                           });
  }
  timer_.expires_at(due + options_.interval);
  timer_.async_wait(
      [this, alive = std::weak_ptr<bool>(alive_)](const boost::system::error_code& ec) {
        if (!ec && !alive.expired()) {
          tick();
        }
      });
}

void ScriptMonitor::on_outcome(const Outcome& o) {
  running_ = -1;
  const bool ok = o.success();
  if (!ok) {
    log::debug("VRRP_Script({}) {}", options_.name, describe(o));
  }
  const auto change = state_.on_result(ok);
  if (!change) {
    return;
  }
  if (*change) {
    log::notice("VRRP_Script({}) succeeded", options_.name);
  } else {
    log::notice("VRRP_Script({}) {} ({})", options_.name,
                o.kind == Outcome::Kind::TimedOut ? "timed out" : "failed", describe(o));
  }
  if (on_change_) {
    on_change_(options_.name, *change);
  }
}

}  // namespace vigil::vrrp::io
