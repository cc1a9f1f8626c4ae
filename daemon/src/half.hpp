// SPDX-License-Identifier: GPL-2.0-or-later
// One half of the daemon: the IPVS/checker half (`-C`), on the root's event
// loop, or the VRRP half (`-P`), on a loop and thread of its own behind
// ThreadedHalf. The composition root (daemon.cpp) owns the main loop, the
// signals and the configuration; each half acts on a validated model.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "state.hpp"
#include "vigil/config/model.hpp"

namespace vigil::daemon {

class Half {
 public:
  Half() = default;
  Half(const Half&) = delete;
  Half& operator=(const Half&) = delete;
  Half(Half&&) = delete;
  Half& operator=(Half&&) = delete;
  virtual ~Half() = default;

  /// Starts on the first validated model.
  virtual void start(const config::Model& model) = 0;
  /// Applies a new validated model (SIGHUP).
  virtual void reload(const config::Model& model) = 0;
  /// Releases what it holds, synchronously (SIGTERM/SIGINT); the loop stops after.
  virtual void stop() = 0;
  /// True while children that stop() started (omega's notify scripts) still
  /// run; the root keeps the loop going for them, up to a second, before it exits.
  [[nodiscard]] virtual bool busy() const { return false; }
  /// Fills its part of the daemon's state (the IPVS half reads the kernel's
  /// counters here: one netlink dump, on demand only).
  virtual void snapshot(State& out) const = 0;
  /// What reload(next) would change, one human-readable line per change
  /// ("vrrp: VI_1: unchanged, keeps MASTER", "ipvs: -a -t 198.18.0.100:80 -r ..."),
  /// without changing anything. `next` is already validated.
  [[nodiscard]] virtual std::vector<std::string> preview(const config::Model& next) const = 0;
  /// STATS_CLEAR: zero the counters the half keeps (not the kernel's).
  virtual void clear_stats() {}

  /// Called by the VRRP half on every state change of an instance; the root
  /// connects it to the IPVS half's on_vrrp_state (lvs_sync_daemon follows it).
  using VrrpStateListener = std::function<void(const std::string& instance, bool master)>;
  virtual void set_vrrp_listener(VrrpStateListener /*listener*/) {}
  /// IPVS half: the named vrrp_instance became master (true) or left master.
  virtual void on_vrrp_state(const std::string& /*instance*/, bool /*master*/) {}

  /// "ipvs" or "vrrp", for the log.
  [[nodiscard]] virtual std::string_view name() const = 0;
};

}  // namespace vigil::daemon
