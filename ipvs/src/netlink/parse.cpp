// SPDX-License-Identifier: GPL-2.0-or-later
// Kernel reply nests -> values. Defensive by construction: every attribute is
// checked against a policy (minimum lengths, terminated strings) before it is
// read, required ones must be present, and unknown ones are ignored, so no
// reply can crash the daemon; a malformed one becomes an Error.
#include <linux/ip_vs.h>

#include <cstring>

#include "internal.hpp"
#include "vigil/ipvs/netlink_backend.hpp"

namespace vigil::ipvs::netlink {
namespace {

using SvcAttrs = Attrs<IPVS_SVC_ATTR_MAX>;
using DestAttrs = Attrs<IPVS_DEST_ATTR_MAX>;
using DaemonAttrs = Attrs<IPVS_DAEMON_ATTR_MAX>;
using StatsAttrs = Attrs<IPVS_STATS_ATTR_MAX>;

constexpr std::uint16_t kStr = 1;  // a string holds at least its NUL

const SvcAttrs::Policy& svc_policy() {
  static const SvcAttrs::Policy p = [] {
    SvcAttrs::Policy q{};
    q[IPVS_SVC_ATTR_AF] = pol(NLA_U16);
    q[IPVS_SVC_ATTR_PROTOCOL] = pol(NLA_U16);
    q[IPVS_SVC_ATTR_ADDR] = pol(NLA_UNSPEC, 4);
    q[IPVS_SVC_ATTR_PORT] = pol(NLA_U16);
    q[IPVS_SVC_ATTR_FWMARK] = pol(NLA_U32);
    q[IPVS_SVC_ATTR_SCHED_NAME] = pol(NLA_STRING, kStr);
    q[IPVS_SVC_ATTR_FLAGS] = pol(NLA_UNSPEC, sizeof(ip_vs_flags));
    q[IPVS_SVC_ATTR_TIMEOUT] = pol(NLA_U32);
    q[IPVS_SVC_ATTR_NETMASK] = pol(NLA_U32);
    q[IPVS_SVC_ATTR_STATS] = pol(NLA_NESTED);
    q[IPVS_SVC_ATTR_PE_NAME] = pol(NLA_STRING, kStr);
    q[IPVS_SVC_ATTR_STATS64] = pol(NLA_NESTED);
    return q;
  }();
  return p;
}

const DestAttrs::Policy& dest_policy() {
  static const DestAttrs::Policy p = [] {
    DestAttrs::Policy q{};
    q[IPVS_DEST_ATTR_ADDR] = pol(NLA_UNSPEC, 4);
    q[IPVS_DEST_ATTR_PORT] = pol(NLA_U16);
    q[IPVS_DEST_ATTR_FWD_METHOD] = pol(NLA_U32);
    q[IPVS_DEST_ATTR_WEIGHT] = pol(NLA_U32);
    q[IPVS_DEST_ATTR_U_THRESH] = pol(NLA_U32);
    q[IPVS_DEST_ATTR_L_THRESH] = pol(NLA_U32);
    q[IPVS_DEST_ATTR_ACTIVE_CONNS] = pol(NLA_U32);
    q[IPVS_DEST_ATTR_INACT_CONNS] = pol(NLA_U32);
    q[IPVS_DEST_ATTR_PERSIST_CONNS] = pol(NLA_U32);
    q[IPVS_DEST_ATTR_STATS] = pol(NLA_NESTED);
    q[IPVS_DEST_ATTR_ADDR_FAMILY] = pol(NLA_U16);
    q[IPVS_DEST_ATTR_STATS64] = pol(NLA_NESTED);
    q[IPVS_DEST_ATTR_TUN_TYPE] = pol(NLA_U8);
    q[IPVS_DEST_ATTR_TUN_PORT] = pol(NLA_U16);
    q[IPVS_DEST_ATTR_TUN_FLAGS] = pol(NLA_U16);
    return q;
  }();
  return p;
}

const DaemonAttrs::Policy& daemon_policy() {
  static const DaemonAttrs::Policy p = [] {
    DaemonAttrs::Policy q{};
    q[IPVS_DAEMON_ATTR_STATE] = pol(NLA_U32);
    q[IPVS_DAEMON_ATTR_MCAST_IFN] = pol(NLA_STRING, kStr);
    q[IPVS_DAEMON_ATTR_SYNC_ID] = pol(NLA_U32);
    q[IPVS_DAEMON_ATTR_SYNC_MAXLEN] = pol(NLA_U16);
    q[IPVS_DAEMON_ATTR_MCAST_GROUP] = pol(NLA_U32);
    q[IPVS_DAEMON_ATTR_MCAST_GROUP6] = pol(NLA_UNSPEC, 16);
    q[IPVS_DAEMON_ATTR_MCAST_PORT] = pol(NLA_U16);
    q[IPVS_DAEMON_ATTR_MCAST_TTL] = pol(NLA_U8);
    return q;
  }();
  return p;
}

/// IPVS_*_ATTR_STATS carries 32-bit counters except the byte counts; STATS64 is all 64-bit.
const StatsAttrs::Policy& stats_policy(bool wide) {
  static const auto make = [](bool w) {
    const std::uint16_t narrow = w ? NLA_U64 : NLA_U32;
    StatsAttrs::Policy q{};
    q[IPVS_STATS_ATTR_CONNS] = pol(narrow);
    q[IPVS_STATS_ATTR_INPKTS] = pol(narrow);
    q[IPVS_STATS_ATTR_OUTPKTS] = pol(narrow);
    q[IPVS_STATS_ATTR_INBYTES] = pol(NLA_U64);
    q[IPVS_STATS_ATTR_OUTBYTES] = pol(NLA_U64);
    q[IPVS_STATS_ATTR_CPS] = pol(narrow);
    q[IPVS_STATS_ATTR_INPPS] = pol(narrow);
    q[IPVS_STATS_ATTR_OUTPPS] = pol(narrow);
    q[IPVS_STATS_ATTR_INBPS] = pol(narrow);
    q[IPVS_STATS_ATTR_OUTBPS] = pol(narrow);
    return q;
  };
  static const StatsAttrs::Policy p32 = make(false);
  static const StatsAttrs::Policy p64 = make(true);
  return wide ? p64 : p32;
}

/// The counters of a STATS64 nest when present, else of STATS; zeros when neither is.
Result<Stats> parse_stats(std::span<const std::uint8_t> s64, std::span<const std::uint8_t> s32,
                          bool has64, bool has32, std::string_view what) {
  Stats st;
  if (!has64 && !has32) {
    return st;
  }
  const bool wide = has64;
  const auto a = StatsAttrs::parse(wide ? s64 : s32, stats_policy(wide));
  if (!a) {
    return bad_reply(what, "malformed statistics");
  }
  const auto get = [&](int type, bool always64) -> std::uint64_t {
    if (!a->has(type)) {
      return 0;
    }
    return wide || always64 ? a->u64(type) : a->u32(type);
  };
  st.conns = get(IPVS_STATS_ATTR_CONNS, false);
  st.inpkts = get(IPVS_STATS_ATTR_INPKTS, false);
  st.outpkts = get(IPVS_STATS_ATTR_OUTPKTS, false);
  st.inbytes = get(IPVS_STATS_ATTR_INBYTES, true);
  st.outbytes = get(IPVS_STATS_ATTR_OUTBYTES, true);
  st.cps = get(IPVS_STATS_ATTR_CPS, false);
  st.inpps = get(IPVS_STATS_ATTR_INPPS, false);
  st.outpps = get(IPVS_STATS_ATTR_OUTPPS, false);
  st.inbps = get(IPVS_STATS_ATTR_INBPS, false);
  st.outbps = get(IPVS_STATS_ATTR_OUTBPS, false);
  return st;
}

/// An address of family f from a union nf_inet_addr payload of at least 4 / 16 bytes.
std::optional<IpAddress> get_addr(std::span<const std::uint8_t> b, Family f) {
  const std::size_t n = f == Family::Inet ? 4 : 16;
  if (b.size() < n) {
    return std::nullopt;
  }
  IpAddress a;
  a.family = f;
  std::memcpy(a.bytes.data(), b.data(), n);
  return a;
}

template <class A>
std::optional<int> first_missing(const A& a, std::initializer_list<int> types) {
  for (int t : types) {
    if (!a.has(t)) {
      return t;
    }
  }
  return std::nullopt;
}

}  // namespace

Result<Service> parse_service(std::span<const std::uint8_t> attrs) {
  constexpr std::string_view kWhat = "service";
  const auto a = SvcAttrs::parse(attrs, svc_policy());
  if (!a) {
    return bad_reply(kWhat, "an attribute fails its length or type check");
  }
  if (auto m = first_missing(*a, {IPVS_SVC_ATTR_AF, IPVS_SVC_ATTR_SCHED_NAME, IPVS_SVC_ATTR_FLAGS,
                                  IPVS_SVC_ATTR_TIMEOUT, IPVS_SVC_ATTR_NETMASK})) {
    return bad_reply(kWhat, "missing attribute IPVS_SVC_ATTR " + std::to_string(*m));
  }
  const auto af = from_af(a->u16(IPVS_SVC_ATTR_AF));
  if (!af) {
    return bad_reply(kWhat, "unknown address family " + std::to_string(a->u16(IPVS_SVC_ATTR_AF)));
  }
  Service s;
  s.key.af = *af;
  if (a->has(IPVS_SVC_ATTR_FWMARK) && a->u32(IPVS_SVC_ATTR_FWMARK) != 0) {
    s.key.fwmark = a->u32(IPVS_SVC_ATTR_FWMARK);
  } else {
    if (auto m =
            first_missing(*a, {IPVS_SVC_ATTR_PROTOCOL, IPVS_SVC_ATTR_ADDR, IPVS_SVC_ATTR_PORT})) {
      return bad_reply(kWhat, "missing attribute IPVS_SVC_ATTR " + std::to_string(*m));
    }
    const auto addr = get_addr(a->bytes(IPVS_SVC_ATTR_ADDR), *af);
    if (!addr) {
      return bad_reply(kWhat, "address too short for its family");
    }
    s.key.protocol = a->u16(IPVS_SVC_ATTR_PROTOCOL);
    s.key.addr = *addr;
    s.key.port = a->be16(IPVS_SVC_ATTR_PORT);
  }
  s.spec.sched_name = a->str(IPVS_SVC_ATTR_SCHED_NAME);
  if (a->has(IPVS_SVC_ATTR_PE_NAME)) {
    s.spec.pe_name = a->str(IPVS_SVC_ATTR_PE_NAME);
  }
  ip_vs_flags flags{};
  std::memcpy(&flags, a->bytes(IPVS_SVC_ATTR_FLAGS).data(), sizeof flags);
  s.spec.flags = flags.flags & kSvcUserFlags;
  s.spec.timeout = a->u32(IPVS_SVC_ATTR_TIMEOUT);
  s.spec.netmask =
      *af == Family::Inet6 ? a->u32(IPVS_SVC_ATTR_NETMASK) : a->be32(IPVS_SVC_ATTR_NETMASK);
  const bool has64 = a->has(IPVS_SVC_ATTR_STATS64);
  const bool has32 = a->has(IPVS_SVC_ATTR_STATS);
  auto st = parse_stats(has64 ? a->bytes(IPVS_SVC_ATTR_STATS64) : std::span<const std::uint8_t>{},
                        has32 ? a->bytes(IPVS_SVC_ATTR_STATS) : std::span<const std::uint8_t>{},
                        has64, has32, kWhat);
  if (!st.ok()) {
    return st.error();
  }
  s.stats = st.value();
  return s;
}

Result<Dest> parse_dest(std::span<const std::uint8_t> attrs, Family svc_af) {
  constexpr std::string_view kWhat = "destination";
  const auto a = DestAttrs::parse(attrs, dest_policy());
  if (!a) {
    return bad_reply(kWhat, "an attribute fails its length or type check");
  }
  if (auto m = first_missing(
          *a, {IPVS_DEST_ATTR_ADDR, IPVS_DEST_ATTR_PORT, IPVS_DEST_ATTR_FWD_METHOD,
               IPVS_DEST_ATTR_WEIGHT, IPVS_DEST_ATTR_U_THRESH, IPVS_DEST_ATTR_L_THRESH})) {
    return bad_reply(kWhat, "missing attribute IPVS_DEST_ATTR " + std::to_string(*m));
  }
  Family af = svc_af;
  if (a->has(IPVS_DEST_ATTR_ADDR_FAMILY)) {
    const auto f = from_af(a->u16(IPVS_DEST_ATTR_ADDR_FAMILY));
    if (!f) {
      return bad_reply(
          kWhat, "unknown address family " + std::to_string(a->u16(IPVS_DEST_ATTR_ADDR_FAMILY)));
    }
    af = *f;
  }
  if (af != Family::Inet && af != Family::Inet6) {
    return bad_reply(kWhat, "no address family");
  }
  const auto addr = get_addr(a->bytes(IPVS_DEST_ATTR_ADDR), af);
  if (!addr) {
    return bad_reply(kWhat, "address too short for its family");
  }
  const std::uint32_t fwd = a->u32(IPVS_DEST_ATTR_FWD_METHOD) & IP_VS_CONN_F_FWD_MASK;
  if (fwd > static_cast<std::uint32_t>(Fwd::Bypass)) {
    return bad_reply(kWhat, "unknown forwarding method " + std::to_string(fwd));
  }
  Dest d;
  d.key.addr = *addr;
  d.key.port = a->be16(IPVS_DEST_ATTR_PORT);
  d.spec.fwd = static_cast<Fwd>(fwd);
  d.spec.weight = a->u32(IPVS_DEST_ATTR_WEIGHT);
  d.spec.u_threshold = a->u32(IPVS_DEST_ATTR_U_THRESH);
  d.spec.l_threshold = a->u32(IPVS_DEST_ATTR_L_THRESH);
  if (a->has(IPVS_DEST_ATTR_TUN_TYPE)) {
    const std::uint8_t t = a->u8(IPVS_DEST_ATTR_TUN_TYPE);
    if (t > static_cast<std::uint8_t>(TunType::Gre)) {
      return bad_reply(kWhat, "unknown tunnel type " + std::to_string(t));
    }
    d.spec.tun_type = static_cast<TunType>(t);
  }
  if (a->has(IPVS_DEST_ATTR_TUN_PORT)) {
    d.spec.tun_port = a->be16(IPVS_DEST_ATTR_TUN_PORT);
  }
  if (a->has(IPVS_DEST_ATTR_TUN_FLAGS)) {
    d.spec.tun_flags = a->u16(IPVS_DEST_ATTR_TUN_FLAGS);
  }
  if (a->has(IPVS_DEST_ATTR_ACTIVE_CONNS)) {
    d.rt.active_conns = a->u32(IPVS_DEST_ATTR_ACTIVE_CONNS);
  }
  if (a->has(IPVS_DEST_ATTR_INACT_CONNS)) {
    d.rt.inact_conns = a->u32(IPVS_DEST_ATTR_INACT_CONNS);
  }
  if (a->has(IPVS_DEST_ATTR_PERSIST_CONNS)) {
    d.rt.persist_conns = a->u32(IPVS_DEST_ATTR_PERSIST_CONNS);
  }
  const bool has64 = a->has(IPVS_DEST_ATTR_STATS64);
  const bool has32 = a->has(IPVS_DEST_ATTR_STATS);
  auto st = parse_stats(has64 ? a->bytes(IPVS_DEST_ATTR_STATS64) : std::span<const std::uint8_t>{},
                        has32 ? a->bytes(IPVS_DEST_ATTR_STATS) : std::span<const std::uint8_t>{},
                        has64, has32, kWhat);
  if (!st.ok()) {
    return st.error();
  }
  d.rt.stats = st.value();
  return d;
}

Result<SyncDaemon> parse_daemon(std::span<const std::uint8_t> attrs) {
  constexpr std::string_view kWhat = "sync daemon";
  const auto a = DaemonAttrs::parse(attrs, daemon_policy());
  if (!a) {
    return bad_reply(kWhat, "an attribute fails its length or type check");
  }
  if (auto m = first_missing(
          *a, {IPVS_DAEMON_ATTR_STATE, IPVS_DAEMON_ATTR_MCAST_IFN, IPVS_DAEMON_ATTR_SYNC_ID})) {
    return bad_reply(kWhat, "missing attribute IPVS_DAEMON_ATTR " + std::to_string(*m));
  }
  SyncDaemon d;
  const std::uint32_t state = a->u32(IPVS_DAEMON_ATTR_STATE);
  if (state != IP_VS_STATE_MASTER && state != IP_VS_STATE_BACKUP) {
    return bad_reply(kWhat, "unknown state " + std::to_string(state));
  }
  d.role = state == IP_VS_STATE_MASTER ? SyncDaemon::Role::Master : SyncDaemon::Role::Backup;
  d.mcast_ifn = a->str(IPVS_DAEMON_ATTR_MCAST_IFN);
  d.syncid = static_cast<std::uint8_t>(a->u32(IPVS_DAEMON_ATTR_SYNC_ID));
  if (a->has(IPVS_DAEMON_ATTR_SYNC_MAXLEN)) {
    d.sync_maxlen = a->u16(IPVS_DAEMON_ATTR_SYNC_MAXLEN);
  }
  if (a->has(IPVS_DAEMON_ATTR_MCAST_PORT)) {
    d.mcast_port = a->u16(IPVS_DAEMON_ATTR_MCAST_PORT);  // host order, as sent
  }
  if (a->has(IPVS_DAEMON_ATTR_MCAST_TTL)) {
    d.mcast_ttl = a->u8(IPVS_DAEMON_ATTR_MCAST_TTL);
  }
  if (a->has(IPVS_DAEMON_ATTR_MCAST_GROUP)) {
    d.mcast_group = get_addr(a->bytes(IPVS_DAEMON_ATTR_MCAST_GROUP), Family::Inet);
  } else if (a->has(IPVS_DAEMON_ATTR_MCAST_GROUP6)) {
    d.mcast_group = get_addr(a->bytes(IPVS_DAEMON_ATTR_MCAST_GROUP6), Family::Inet6);
  }
  return d;
}

}  // namespace vigil::ipvs::netlink
