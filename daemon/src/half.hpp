// SPDX-License-Identifier: GPL-2.0-or-later
// One half of the daemon on the shared event loop: the IPVS/checker half
// (`-C`) or the VRRP half (`-P`). The composition root (daemon.cpp) owns the
// loop, the signals and the configuration; each half acts on a validated model.
#pragma once

#include <string_view>

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
  /// "ipvs" or "vrrp", for the log.
  [[nodiscard]] virtual std::string_view name() const = 0;
};

}  // namespace vigil::daemon
