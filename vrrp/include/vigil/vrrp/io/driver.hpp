// SPDX-License-Identifier: GPL-2.0-or-later
// The VRRP driver: the only place that turns the pure state machines' Actions
// into I/O. It owns one Instance and one steady_timer per vrrp_instance, the
// raw sockets (one per interface, family and protocol, shared by the VRIDs on
// it), the AddressManager (VIPs, virtual_routes, virtual_rules), gratuitous
// ARP/NA, the link monitor, vrrp_script / track_file monitors, sync groups and
// the notify scripts and FIFO. Everything runs on the caller's io_context.
#pragma once

#include <boost/asio/io_context.hpp>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "vigil/config/model.hpp"
#include "vigil/vrrp/instance.hpp"
#include "vigil/vrrp/io/error.hpp"
#include "vigil/vrrp/reload_plan.hpp"
#include "vigil/vrrp/status.hpp"

namespace vigil::vrrp::io {

struct DriverOptions {
  bool dont_release_vrrp = false;  ///< -V: keep the VIPs on stop
};

class Driver {
 public:
  /// Opens the rtnetlink handles it needs (addresses, link monitor). Sockets are opened per
  /// instance by start() and reload().
  static Result<std::unique_ptr<Driver>> open(boost::asio::io_context& io,
                                              const DriverOptions& options);
  virtual ~Driver() = default;
  Driver() = default;
  Driver(const Driver&) = delete;
  Driver& operator=(const Driver&) = delete;
  Driver(Driver&&) = delete;
  Driver& operator=(Driver&&) = delete;

  /// Removes VIPs left over from a killed earlier run, then starts every instance.
  virtual void start(const config::Model& model) = 0;
  /// Applies a new validated model: instances are keyed by name; an unchanged one keeps its
  /// state, a changed one is restarted, a removed one is stopped as on shutdown.
  virtual void reload(const config::Model& model) = 0;
  /// Stops every instance: a Master sends priority 0 and releases its VIPs (unless -V), the
  /// notify_stop scripts run. Synchronous; nothing is left armed on the loop afterwards.
  virtual void stop() = 0;

  /// Every running instance, in configuration order, timed on the loop's clock.
  [[nodiscard]] virtual std::vector<InstanceStatus> status() const = 0;
  /// STATS_CLEAR: the counters of status() start again from zero.
  virtual void clear_stats() = 0;
  /// What reload(next) would do; reload() acts on exactly this plan.
  [[nodiscard]] virtual std::vector<InstancePlan> plan(const config::Model& next) const = 0;

  /// Called after every state change of an instance (Init is what a stopped or removed
  /// instance ends in), once its actions have run. Replaces any earlier listener.
  using StateListener = std::function<void(const std::string& instance, State state)>;
  virtual void set_state_listener(StateListener listener) = 0;
};

}  // namespace vigil::vrrp::io
