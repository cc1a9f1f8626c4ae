// SPDX-License-Identifier: GPL-2.0-or-later
// Addresses, routes and rules as written in static_ipaddress / virtual_ipaddress,
// static_routes / virtual_routes and static_rules / virtual_rules (the `ip addr`,
// `ip route` and `ip rule` syntax keepalived accepts). Field names are the
// option words; numeric kernel values (scope, table, protocol, ...) are kept as
// numbers, and the dump prints the well-known names back.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "vigil/config/model_common.hpp"

namespace vigil::config {

/// How an address's broadcast was given: `brd ADDR`, `brd +` (set host bits)
/// or `brd -` (clear host bits).
enum class BroadcastMode : std::uint8_t { None, Address, SetHostBits, ClearHostBits };

/// One line of static_ipaddress / virtual_ipaddress(_excluded).
struct IpAddressSpec {
  SourceLoc loc;
  Prefix address;
  BroadcastMode brd_mode = BroadcastMode::None;
  std::optional<IpAddress> brd;       ///< when brd_mode == Address
  std::string dev;                    ///< empty: default_interface (static) / the instance's
  std::optional<std::uint8_t> scope;  ///< rtnetlink scope (global 0 ... nowhere 255)
  std::string label;
  std::optional<IpAddress> peer;
  bool home = false;
  bool nodad = false;  ///< written `-nodad`
  bool mngtmpaddr = false;
  bool noprefixroute = false;
  bool autojoin = false;
  bool use_vmac = false;  ///< virtual_ipaddress only
  bool no_track = false;
  std::string track_group;  ///< static_ipaddress only
  /// Seconds; UINT32_MAX means "forever".
  std::optional<std::uint32_t> preferred_lft;

  /// The line in canonical keepalived syntax.
  [[nodiscard]] std::string str() const;
  bool operator==(const IpAddressSpec&) const = default;
};

/// Route types as `ip route` names them (RTN_*).
enum class RouteType : std::uint8_t {
  Unicast,
  Local,
  Broadcast,
  Anycast,
  Multicast,
  Blackhole,
  Unreachable,
  Prohibit,
  Throw,
  Nat,
};

/// `realms [FROM/]TO` (numbers 0..65535).
struct Realms {
  std::uint16_t from = 0;
  std::uint16_t to = 0;
  bool operator==(const Realms&) const = default;
};

/// A route metric that may be written `NAME lock VALUE`.
struct RouteMetric {
  std::uint32_t value = 0;
  bool lock = false;
  bool operator==(const RouteMetric&) const = default;
};

/// `encap mpls LABEL[/LABEL...] [ttl N]` or `encap ip|ip6 [id N] [dst A] [src A]
/// [tos N] [ttl N] [csum|nocsum] [seq|noseq]`.
struct RouteEncap {
  enum class Type : std::uint8_t { None, Mpls, Ip, Ip6 } type = Type::None;
  std::vector<std::uint32_t> labels;  ///< mpls
  std::optional<std::uint8_t> ttl;
  std::optional<std::uint64_t> id;  ///< ip/ip6 tunnel id
  std::optional<IpAddress> dst;
  std::optional<IpAddress> src;
  std::optional<std::uint8_t> tos;
  bool csum = false;
  bool seq = false;
  bool operator==(const RouteEncap&) const = default;
};

/// One `nexthop via ADDR dev IF weight N onlink` of a multipath route.
struct RouteNexthop {
  std::optional<IpAddress> via;
  std::string dev;
  std::optional<std::uint16_t> weight;  ///< 1..256
  bool onlink = false;
  std::optional<Realms> realms;
  RouteEncap encap;
  bool operator==(const RouteNexthop&) const = default;
};

enum class RoutePref : std::uint8_t { Low, Medium, High };

/// One line of static_routes / virtual_routes.
struct RouteSpec {
  SourceLoc loc;
  /// The line in canonical keepalived syntax, one word per element (what the
  /// dump prints).
  std::vector<std::string> words;

  Family family = Family::Inet;
  RouteType type = RouteType::Unicast;
  Prefix to;                     ///< destination ("default" is a /0)
  std::optional<Prefix> from;    ///< source prefix (IPv6 only)
  std::optional<IpAddress> src;  ///< preferred source address
  std::optional<IpAddress> via;
  std::optional<IpAddress> or_via;  ///< legacy `or ADDR`: a second nexthop
  std::string dev;
  std::optional<std::uint32_t> table;
  std::optional<std::uint32_t> metric;  ///< `metric`, `priority`, `preference`
  std::optional<std::uint8_t> scope;
  std::optional<std::uint8_t> tos;
  std::optional<std::uint8_t> protocol;
  std::optional<RouteMetric> mtu;
  std::optional<RouteMetric> hoplimit;
  std::optional<RouteMetric> advmss;
  std::optional<RouteMetric> rtt;     ///< milliseconds
  std::optional<RouteMetric> rttvar;  ///< milliseconds
  std::optional<RouteMetric> reordering;
  std::optional<RouteMetric> window;
  std::optional<RouteMetric> cwnd;
  std::optional<RouteMetric> ssthresh;
  std::optional<RouteMetric> initcwnd;
  std::optional<RouteMetric> initrwnd;
  std::optional<RouteMetric> rto_min;  ///< milliseconds
  std::string congctl;
  bool congctl_lock = false;
  bool features_ecn = false;
  std::optional<bool> quickack;
  std::optional<bool> fastopen_no_cookie;
  std::optional<Realms> realms;
  std::string vrf;
  std::optional<RoutePref> pref;         ///< IPv6 only
  std::optional<std::uint32_t> expires;  ///< seconds, IPv6 only
  std::optional<bool> ttl_propagate;
  RouteEncap encap;
  bool onlink = false;
  bool append = false;
  bool no_track = false;
  std::string track_group;  ///< static_routes only
  std::vector<RouteNexthop> nexthop;

  [[nodiscard]] std::string str() const;
  bool operator==(const RouteSpec&) const = default;
};

/// What a rule does.
enum class RuleAction : std::uint8_t {
  None,
  Table,  ///< `table N` / `lookup N`
  Goto,
  Nop,
  Blackhole,
  Prohibit,
  Unreachable,
  L3mdev,
};

struct PortRange {
  std::uint16_t low = 0;
  std::uint16_t high = 0;
  bool operator==(const PortRange&) const = default;
};

struct UidRange {
  std::uint32_t low = 0;
  std::uint32_t high = 0;
  bool operator==(const UidRange&) const = default;
};

/// One line of static_rules / virtual_rules.
struct RuleSpec {
  SourceLoc loc;
  /// The line in canonical keepalived syntax, one word per element.
  std::vector<std::string> words;

  Family family = Family::Inet;
  bool invert = false;         ///< `not`
  std::optional<Prefix> from;  ///< unset with from_all: `from all`
  bool from_all = false;
  std::optional<Prefix> to;
  bool to_all = false;
  std::optional<std::uint32_t> preference;  ///< `preference`/`priority`/`order`
  std::optional<std::uint8_t> tos;
  std::optional<std::uint32_t> fwmark;
  std::optional<std::uint32_t> fwmask;
  std::optional<Realms> realms;
  std::string iif;
  std::string oif;
  std::optional<std::uint64_t> tunnel_id;
  std::optional<std::int32_t> suppress_prefixlength;
  std::optional<std::int32_t> suppress_ifgroup;
  std::optional<UidRange> uidrange;
  std::optional<std::uint8_t> protocol;
  std::optional<std::uint8_t> ipproto;
  std::optional<PortRange> sport;
  std::optional<PortRange> dport;
  RuleAction action = RuleAction::None;
  std::optional<std::uint32_t> table;
  std::optional<std::uint32_t> goto_target;  ///< `goto N`
  bool no_track = false;
  std::string track_group;  ///< static_rules only

  [[nodiscard]] std::string str() const;
  bool operator==(const RuleSpec&) const = default;
};

}  // namespace vigil::config
