// SPDX-License-Identifier: GPL-2.0-or-later
// The IPVS table the configuration asks for: every virtual_server (and every
// address and fwmark of its virtual_server_group) becomes a Service, every live
// real_server a Dest, with keepalived 2.2.7's defaults and corrections applied
// (scheduler wlc, UDP when no protocol, persistence forced for port 0, the
// destination port rules, quorum reduced to the total weight, ...). Health
// (issue 5) comes in through a HealthView; quorum, hysteresis and the sorry
// server follow from it. Pure: no I/O, no clock.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "vigil/config/model.hpp"
#include "vigil/ipvs/table.hpp"

namespace vigil::ipvs {

/// What the health checkers say about one real server of one virtual server.
struct RsHealth {
  bool alive = true;
  /// Effective weight (e.g. a dynamic MISC_CHECK weight); unset: the configured one.
  std::optional<std::uint32_t> weight;
};

/// Health of a real server. An empty function means every real server is alive
/// at its configured weight (what keepalived assumes at start-up without alpha).
using HealthView = std::function<RsHealth(const config::VirtualServer&, const config::RealServer&)>;

/// The previous quorum state of a virtual server, needed for `hysteresis`:
/// true (quorum was up), false (down), or nullopt (start-up, no history). An
/// empty function means nullopt for all.
using QuorumView = std::function<std::optional<bool>(const config::VirtualServer&)>;

/// Everything the IPVS module should hold for a configuration.
struct Desired {
  Table table;
  /// `lvs_timeouts` (0 = leave unchanged); nullopt when not configured.
  std::optional<Timeouts> timeouts;
  /// `lvs_sync_daemon`, as sync_daemons(model) returns it (instance not master).
  std::vector<SyncDaemon> sync_daemons;
  /// Quorum state of each model.lvs.virtual_server (same index); false for a
  /// virtual server that produced no service. Feed it back through a QuorumView.
  std::vector<bool> quorum_up;
};

/// The desired table for `model`, as keepalived 2.2.7 would program it:
///
/// * A virtual_server without real servers is ignored (keepalived: "has no real
///   servers - ignoring"), even when it has a sorry_server.
/// * Service keys: an fwmark service has protocol 0, port 0 and addr
///   IpAddress{} (family None, all zero); its af is `ip_family`, else the
///   family of its non-tunnelled real/sorry servers, else inet.
/// * Real server port: NAT keeps its port; with no port, a plain (non-group,
///   non-fwmark) service gives it the service's port, otherwise 0. DR and TUN
///   destinations always carry the service's port (the kernel stores them so).
///   The sorry server port is kept as configured (0 when none) for NAT.
/// * A dead real server is removed, or kept at weight 0 under
///   inhibit_on_failure. Quorum is the live weight sum against `quorum`
///   (reduced to the total configured weight) and `hysteresis`; when it is
///   lost and there is a sorry server, all real servers leave the pool
///   (inhibited ones stay at weight 0) and the sorry server is added at
///   weight 1. `sorry_server_inhibit` keeps it at weight 0 while quorum is up.
/// * When two virtual servers name the same service, the first one's settings
///   win and the destinations are merged (first definition wins).
Desired desired_state(const config::Model& model, const HealthView& health = {},
                      const QuorumView& quorum = {});

/// Where one service of a virtual_server puts its servers.
struct ServicePlacement {
  ServiceKey service;
  std::vector<DestKey> real_servers;  ///< index aligned with the virtual server's real_server
  std::optional<DestKey> sorry;       ///< the sorry_server's, when it has one
};

/// For each model.lvs.virtual_server (same index), the services it makes, by
/// the same rules as desired_state() (empty when it makes none), and where each
/// of its real servers sits in each of them, alive or not. For status output
/// (a real server's kernel entry) and for drains (what a configuration still names).
std::vector<std::vector<ServicePlacement>> layout(const config::Model& model);

/// Every (service, destination) the configuration names: its real servers and
/// sorry servers, alive or not, in every service of their virtual server.
std::set<std::pair<ServiceKey, DestKey>> declared_dests(const config::Model& model);

/// The vrrp_instance lvs_sync_daemon follows ("" when it names none): the
/// `inst` of lvs_sync_daemon, else the instance carrying the deprecated
/// lvs_sync_daemon_interface.
std::string sync_daemon_instance(const config::Model& model);

/// The sync daemons `lvs_sync_daemon` asks for. With no instance named, both a
/// master and a backup daemon run. With `inst VI`, only one runs: the master
/// when that VRRP instance is MASTER (`inst_state` == Master), else the backup.
/// syncid defaults to the instance's virtual_router_id, or 0 with no instance;
/// maxlen/port/ttl/group are 0/unset when not configured (kernel defaults:
/// port 8848, ttl 1, group 224.0.0.81). The deprecated vrrp_instance keyword
/// `lvs_sync_daemon_interface` is honoured when the global one is absent.
std::vector<SyncDaemon> sync_daemons(const config::Model& model,
                                     SyncDaemon::Role inst_state = SyncDaemon::Role::Backup);

/// The kernel schedulers keepalived accepts for `lvs_sched`.
[[nodiscard]] bool is_known_scheduler(std::string_view name);

}  // namespace vigil::ipvs
