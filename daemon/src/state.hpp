// SPDX-License-Identifier: GPL-2.0-or-later
// What the running daemon knows about itself, as one plain value: the VRRP
// instances, the virtual and real servers with their checkers' results and
// latencies, and the kernel's IPVS counters. The halves fill it (Half::snapshot);
// the control socket (`vigild status`), the Prometheus endpoint and the
// keepalived-style dumps (SIGUSR1, SIGUSR2, the JSON signal) only render it.
// No behaviour lives here, so every renderer is a pure function of a State.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace vigil::daemon {

/// One vrrp_instance as the VRRP half runs it.
struct VrrpStatus {
  std::string name;
  std::string interface;
  int vrid = 0;
  int version = 2;                ///< 2 or 3
  std::string family = "inet";    ///< "inet" or "inet6"
  std::string state = "INIT";     ///< keepalived's words: INIT, BACKUP, MASTER, FAULT, STOP
  std::string sync_group;         ///< empty when in none
  int base_priority = 0;          ///< configured
  int effective_priority = 0;     ///< after tracking weights
  std::vector<std::string> vips;  ///< "198.18.0.100/32 dev eth0"-free form: address[/prefix]
  std::string master_address;     ///< the master last heard from ("" if none, or ourselves)
  double state_seconds = 0;       ///< how long it has been in `state`
  // Counters since start (or the last STATS_CLEAR), as keepalived's stats dump has them.
  std::uint64_t adverts_sent = 0;
  std::uint64_t adverts_received = 0;
  std::uint64_t became_master = 0;
  std::uint64_t released_master = 0;
  std::uint64_t packets_dropped = 0;  ///< received adverts rejected (TTL, auth, version...)
  std::uint64_t priority_zero_sent = 0;
  std::uint64_t priority_zero_received = 0;
};

/// IPVS counters of one service or destination, from the kernel (IPVS_STATS_ATTR_*).
struct IpvsCounters {
  std::uint64_t conns = 0;
  std::uint64_t inpkts = 0;
  std::uint64_t outpkts = 0;
  std::uint64_t inbytes = 0;
  std::uint64_t outbytes = 0;
};

/// One checker of one real server.
struct CheckStatus {
  std::string kind;                       ///< "TCP_CHECK", "HTTP_GET"...
  std::string target;                     ///< what it probes: "198.18.0.11:80"
  bool up = false;                        ///< its current verdict
  std::uint64_t runs = 0;                 ///< probes finished
  std::uint64_t failures = 0;             ///< probes that failed
  std::optional<double> last_latency_ms;  ///< duration of the last finished probe
  std::string last_error;                 ///< why the last failed probe failed ("" if it passed)
};

struct RealServerStatus {
  std::string address;               ///< "198.18.0.11:80" ("[2001:db8::1]:80" for IPv6)
  int weight = 0;                    ///< configured (or dynamic, from MISC_CHECK/FILE_CHECK)
  bool alive = false;                ///< all checkers pass
  bool sorry = false;                ///< this is the sorry_server
  bool draining = false;             ///< removed by a reload: weight 0 until its connections end
  std::optional<int> kernel_weight;  ///< as the kernel has it; nullopt if not in the table
  std::uint32_t active_conns = 0;
  std::uint32_t inactive_conns = 0;
  std::optional<IpvsCounters> counters;  ///< nullopt if not in the kernel table
  std::vector<CheckStatus> checks;
};

struct VirtualServerStatus {
  std::string name;       ///< "198.18.0.100:80 TCP", "fwmark 5", "group NAME"
  std::string scheduler;  ///< "rr", "wlc"...
  std::string method;     ///< "NAT", "DR", "TUN"
  bool quorum_up = true;
  bool sorry_active = false;
  std::optional<IpvsCounters> counters;        ///< nullopt if not in the kernel table
  std::vector<RealServerStatus> real_servers;  ///< the sorry server last, when installed
};

struct DaemonStatus {
  int pid = 0;
  std::string version;
  std::string config_file;
  double uptime_seconds = 0;
  std::uint64_t reloads = 0;         ///< applied
  std::uint64_t reloads_failed = 0;  ///< rejected (errors in the new configuration)
  bool vrrp = false;                 ///< the VRRP half runs
  bool ipvs = false;                 ///< the IPVS/checker half runs
  /// The sync daemons the kernel runs for us: "master eth0 id 1", "backup eth0 id 1".
  std::vector<std::string> sync_daemons;
};

struct State {
  DaemonStatus daemon;
  std::vector<VrrpStatus> vrrp;
  std::vector<VirtualServerStatus> virtual_servers;
};

}  // namespace vigil::daemon
