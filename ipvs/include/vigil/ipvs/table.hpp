// SPDX-License-Identifier: GPL-2.0-or-later
// The IPVS table as values: services (virtual servers) with their destinations
// (real servers), the global IPVS settings (timeouts, sync daemons) and the ops
// that change them. Field names follow the kernel's IPVS generic-netlink
// attributes (include/uapi/linux/ip_vs.h); flag and forwarding values are the
// kernel's, so the netlink backend copies them unchanged. Pure values: no I/O.
#pragma once

#include <compare>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "vigil/config/types.hpp"

namespace vigil::ipvs {

using config::Family;
using config::IpAddress;

/// IPPROTO_* numbers as the kernel uses them; 0 for an fwmark service.
inline constexpr std::uint16_t kProtoTcp = 6;
inline constexpr std::uint16_t kProtoUdp = 17;
inline constexpr std::uint16_t kProtoSctp = 132;

/// IP_VS_SVC_F_* (service flags).
inline constexpr std::uint32_t kSvcPersistent = 0x0001;
inline constexpr std::uint32_t kSvcHashed = 0x0002;  ///< kernel-internal; never compared
inline constexpr std::uint32_t kSvcOnePacket = 0x0004;
inline constexpr std::uint32_t kSvcSched1 = 0x0008;  ///< flag-1 = sh-fallback = mh-fallback
inline constexpr std::uint32_t kSvcSched2 = 0x0010;  ///< flag-2 = sh-port = mh-port
inline constexpr std::uint32_t kSvcSched3 = 0x0020;  ///< flag-3
/// The flags a user sets; the rest are the kernel's own.
inline constexpr std::uint32_t kSvcUserFlags =
    kSvcPersistent | kSvcOnePacket | kSvcSched1 | kSvcSched2 | kSvcSched3;

/// IP_VS_CONN_F_* forwarding methods (the low bits of the dest's conn flags).
enum class Fwd : std::uint8_t { Masq = 0, Local = 1, Tunnel = 2, Route = 3, Bypass = 4 };

/// IP_VS_CONN_F_TUNNEL_TYPE_*.
enum class TunType : std::uint8_t { Ipip = 0, Gue = 1, Gre = 2 };
/// IP_VS_TUNNEL_ENCAP_FLAG_*.
inline constexpr std::uint16_t kTunNoCsum = 0;
inline constexpr std::uint16_t kTunCsum = 1 << 0;
inline constexpr std::uint16_t kTunRemCsum = 1 << 1;

/// Identifies a service: either (family, protocol, addr, port) or (family, fwmark).
struct ServiceKey {
  Family af = Family::Inet;
  std::uint16_t protocol = 0;  ///< 0 when fwmark != 0
  IpAddress addr;              ///< all-zero when fwmark != 0
  std::uint16_t port = 0;
  std::uint32_t fwmark = 0;
  auto operator<=>(const ServiceKey&) const = default;
};

/// Traffic counters and rate estimates (IPVS_STATS_ATTR_*); only ever read.
struct Stats {
  std::uint64_t conns = 0, inpkts = 0, outpkts = 0, inbytes = 0, outbytes = 0;
  std::uint64_t cps = 0, inpps = 0, outpps = 0, inbps = 0, outbps = 0;
  bool operator==(const Stats&) const = default;
};

/// The settings of a service that the config decides (compared by diff).
struct ServiceSpec {
  std::string sched_name = "wlc";
  std::uint32_t flags = 0;    ///< kSvcUserFlags only
  std::uint32_t timeout = 0;  ///< persistence, seconds (with kSvcPersistent)
  /// Persistence granularity: an IPv4 netmask in host byte order
  /// (0xffffffff by default), or an IPv6 prefix length (128 by default).
  std::uint32_t netmask = 0xffffffff;
  std::string pe_name;  ///< persistence engine ("sip"), or empty
  bool operator==(const ServiceSpec&) const = default;
};

struct DestKey {
  IpAddress addr;  ///< its family may differ from the service's (TUN)
  std::uint16_t port = 0;
  auto operator<=>(const DestKey&) const = default;
};

/// The settings of a destination that the config decides (compared by diff).
struct DestSpec {
  Fwd fwd = Fwd::Masq;
  std::uint32_t weight = 1;
  std::uint32_t u_threshold = 0;
  std::uint32_t l_threshold = 0;
  TunType tun_type = TunType::Ipip;
  std::uint16_t tun_port = 0;   ///< gue only
  std::uint16_t tun_flags = 0;  ///< kTun*Csum, gue/gre only
  bool operator==(const DestSpec&) const = default;
};

/// What the kernel reports about a destination beyond its spec.
struct DestRuntime {
  std::uint32_t active_conns = 0;
  std::uint32_t inact_conns = 0;
  std::uint32_t persist_conns = 0;
  Stats stats;
};

struct Dest {
  DestKey key;
  DestSpec spec;
  DestRuntime rt;  ///< filled by a kernel dump; ignored by diff
};

struct Service {
  ServiceKey key;
  ServiceSpec spec;
  Stats stats;  ///< filled by a kernel dump; ignored by diff
  std::map<DestKey, Dest> dests;
};

/// `lvs_timeouts` (seconds; 0 means "leave this one unchanged", as in ipvsadm --set).
struct Timeouts {
  std::uint32_t tcp = 0, tcpfin = 0, udp = 0;
  bool operator==(const Timeouts&) const = default;
};

/// One connection-sync daemon (`lvs_sync_daemon`, IPVS_DAEMON_ATTR_*).
struct SyncDaemon {
  enum class Role : std::uint8_t { Master = 1, Backup = 2 };  ///< IP_VS_STATE_*
  Role role = Role::Master;
  std::string mcast_ifn;
  std::uint8_t syncid = 0;
  std::uint16_t sync_maxlen = 0;  ///< 0: kernel default
  std::uint16_t mcast_port = 0;   ///< 0: kernel default (8848)
  std::uint8_t mcast_ttl = 0;     ///< 0: kernel default (1)
  std::optional<IpAddress> mcast_group;
  bool operator==(const SyncDaemon&) const = default;
};

/// The whole table, ordered by key so that output and diffs are deterministic.
struct Table {
  std::map<ServiceKey, Service> services;
};

// ---------------------------------------------------------------------------
// Ops: one op is one netlink request (IPVS_CMD_*).

struct AddService {
  ServiceKey key;
  ServiceSpec spec;
};
struct EditService {
  ServiceKey key;
  ServiceSpec spec;
};
struct DelService {
  ServiceKey key;
};
struct AddDest {
  ServiceKey svc;
  DestKey key;
  DestSpec spec;
};
struct EditDest {
  ServiceKey svc;
  DestKey key;
  DestSpec spec;
};
struct DelDest {
  ServiceKey svc;
  DestKey key;
};
struct Flush {};  ///< IPVS_CMD_FLUSH: every service, including others'
struct SetTimeouts {
  Timeouts timeouts;
};
struct StartDaemon {
  SyncDaemon daemon;
};
struct StopDaemon {
  SyncDaemon::Role role = SyncDaemon::Role::Master;
};

using Op = std::variant<AddService, EditService, DelService, AddDest, EditDest, DelDest, Flush,
                        SetTimeouts, StartDaemon, StopDaemon>;

}  // namespace vigil::ipvs
