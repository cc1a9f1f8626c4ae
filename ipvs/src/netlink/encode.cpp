// SPDX-License-Identifier: GPL-2.0-or-later
// Op -> IPVS generic-netlink request bytes. Attribute types and byte orders
// follow the kernel's policies in net/netfilter/ipvs/ip_vs_ctl.c: ports and
// the IPv4 persistence netmask are big-endian, addresses are 16-byte
// union nf_inet_addr, the service flags are struct ip_vs_flags {flags, mask}.
#include <arpa/inet.h>
#include <linux/ip_vs.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <type_traits>

#include "internal.hpp"
#include "vigil/ipvs/netlink_backend.hpp"

namespace vigil::ipvs::netlink {
namespace {

struct MsgFree {
  void operator()(nl_msg* m) const { nlmsg_free(m); }
};
using MsgPtr = std::unique_ptr<nl_msg, MsgFree>;

/// Builds one request; remembers the first failure instead of checking every put.
class Builder {
 public:
  Builder(std::uint16_t family, std::uint8_t cmd, std::uint32_t seq, int flags)
      : msg_(nlmsg_alloc()) {
    if (!msg_ || genlmsg_put(msg_.get(), NL_AUTO_PORT, seq, family, 0, NLM_F_REQUEST | flags, cmd,
                             IPVS_GENL_VERSION) == nullptr) {
      ok_ = false;
    }
  }

  void u8(int type, std::uint8_t v) { check(ok_ && nla_put_u8(msg_.get(), type, v) == 0); }
  void u16(int type, std::uint16_t v) { check(ok_ && nla_put_u16(msg_.get(), type, v) == 0); }
  void u32(int type, std::uint32_t v) { check(ok_ && nla_put_u32(msg_.get(), type, v) == 0); }
  void be16(int type, std::uint16_t v) { u16(type, htons(v)); }
  void be32(int type, std::uint32_t v) { u32(type, htonl(v)); }
  void raw(int type, const void* data, std::size_t len) {
    check(ok_ && nla_put(msg_.get(), type, static_cast<int>(len), data) == 0);
  }
  void str(int type, const std::string& s) { raw(type, s.c_str(), s.size() + 1); }
  /// The 16-byte union nf_inet_addr the kernel expects (IPv4 in the first 4 bytes).
  void addr(int type, const IpAddress& a) {
    std::array<std::uint8_t, 16> b{};
    std::memcpy(b.data(), a.bytes.data(), a.is_v4() ? 4 : 16);
    raw(type, b.data(), b.size());
  }

  nlattr* nest(int type) {
    nlattr* n = ok_ ? nla_nest_start(msg_.get(), type) : nullptr;
    check(n != nullptr);
    return n;
  }
  void end(nlattr* n) { check(ok_ && nla_nest_end(msg_.get(), n) == 0); }

  [[nodiscard]] bool ok() const { return ok_; }
  [[nodiscard]] std::vector<std::uint8_t> bytes() const {
    const nlmsghdr* h = nlmsg_hdr(msg_.get());
    const auto* p = reinterpret_cast<const std::uint8_t*>(h);
    return {p, p + h->nlmsg_len};
  }

 private:
  void check(bool good) { ok_ = ok_ && good; }
  MsgPtr msg_;
  bool ok_ = true;
};

bool valid_addr(const IpAddress& a) {
  return a.is_v4() || a.is_v6();
}

/// The service key (always) and, for add/edit, the full spec.
std::optional<std::string> put_service(Builder& b, const ServiceKey& k, const ServiceSpec* spec) {
  if (k.af != Family::Inet && k.af != Family::Inet6) {
    return "service family is unset";
  }
  nlattr* n = b.nest(IPVS_CMD_ATTR_SERVICE);
  b.u16(IPVS_SVC_ATTR_AF, to_af(k.af));
  if (k.fwmark != 0) {
    b.u32(IPVS_SVC_ATTR_FWMARK, k.fwmark);
  } else {
    if (!valid_addr(k.addr) || k.addr.family != k.af) {
      return "service address does not match its family";
    }
    b.u16(IPVS_SVC_ATTR_PROTOCOL, k.protocol);
    b.addr(IPVS_SVC_ATTR_ADDR, k.addr);
    b.be16(IPVS_SVC_ATTR_PORT, k.port);
  }
  if (spec != nullptr) {
    b.str(IPVS_SVC_ATTR_SCHED_NAME, spec->sched_name);
    if (!spec->pe_name.empty()) {
      b.str(IPVS_SVC_ATTR_PE_NAME, spec->pe_name);
    }
    // Set exactly our flags: mask all bits (the kernel keeps its own HASHED bit).
    const ip_vs_flags flags{spec->flags, ~0U};
    b.raw(IPVS_SVC_ATTR_FLAGS, &flags, sizeof flags);
    b.u32(IPVS_SVC_ATTR_TIMEOUT, spec->timeout);
    if (k.af == Family::Inet6) {
      b.u32(IPVS_SVC_ATTR_NETMASK, spec->netmask);  // a prefix length, host order
    } else {
      b.be32(IPVS_SVC_ATTR_NETMASK, spec->netmask);
    }
  }
  b.end(n);
  return std::nullopt;
}

std::optional<std::string> put_dest(Builder& b, const ServiceKey& svc, const DestKey& k,
                                    const DestSpec* spec) {
  if (!valid_addr(k.addr)) {
    return "destination address family is unset";
  }
  nlattr* n = b.nest(IPVS_CMD_ATTR_DEST);
  b.addr(IPVS_DEST_ATTR_ADDR, k.addr);
  b.be16(IPVS_DEST_ATTR_PORT, k.port);
  if (k.addr.family != svc.af) {
    b.u16(IPVS_DEST_ATTR_ADDR_FAMILY, to_af(k.addr.family));
  }
  if (spec != nullptr) {
    b.u32(IPVS_DEST_ATTR_FWD_METHOD, static_cast<std::uint32_t>(spec->fwd));
    b.u32(IPVS_DEST_ATTR_WEIGHT, spec->weight);
    b.u32(IPVS_DEST_ATTR_U_THRESH, spec->u_threshold);
    b.u32(IPVS_DEST_ATTR_L_THRESH, spec->l_threshold);
    if (spec->fwd == Fwd::Tunnel) {
      b.u8(IPVS_DEST_ATTR_TUN_TYPE, static_cast<std::uint8_t>(spec->tun_type));
      b.be16(IPVS_DEST_ATTR_TUN_PORT, spec->tun_port);
      b.u16(IPVS_DEST_ATTR_TUN_FLAGS, spec->tun_flags);
    }
  }
  b.end(n);
  return std::nullopt;
}

std::optional<std::string> put_daemon(Builder& b, const SyncDaemon& d) {
  nlattr* n = b.nest(IPVS_CMD_ATTR_DAEMON);
  b.u32(IPVS_DAEMON_ATTR_STATE, static_cast<std::uint32_t>(d.role));
  b.str(IPVS_DAEMON_ATTR_MCAST_IFN, d.mcast_ifn);
  b.u32(IPVS_DAEMON_ATTR_SYNC_ID, d.syncid);
  if (d.sync_maxlen != 0) {
    b.u16(IPVS_DAEMON_ATTR_SYNC_MAXLEN, d.sync_maxlen);
  }
  if (d.mcast_group) {
    if (d.mcast_group->is_v4()) {
      b.raw(IPVS_DAEMON_ATTR_MCAST_GROUP, d.mcast_group->bytes.data(), 4);  // __be32
    } else if (d.mcast_group->is_v6()) {
      b.raw(IPVS_DAEMON_ATTR_MCAST_GROUP6, d.mcast_group->bytes.data(), 16);
    } else {
      return "multicast group family is unset";
    }
  }
  if (d.mcast_port != 0) {
    // Unlike the service and destination ports, the kernel takes this one in host order.
    b.u16(IPVS_DAEMON_ATTR_MCAST_PORT, d.mcast_port);
  }
  if (d.mcast_ttl != 0) {
    b.u8(IPVS_DAEMON_ATTR_MCAST_TTL, d.mcast_ttl);
  }
  b.end(n);
  return std::nullopt;
}

std::uint8_t command_of(const Op& op) {
  constexpr std::array<std::uint8_t, std::variant_size_v<Op>> kCmd{
      IPVS_CMD_NEW_SERVICE, IPVS_CMD_SET_SERVICE, IPVS_CMD_DEL_SERVICE, IPVS_CMD_NEW_DEST,
      IPVS_CMD_SET_DEST,    IPVS_CMD_DEL_DEST,    IPVS_CMD_FLUSH,       IPVS_CMD_SET_CONFIG,
      IPVS_CMD_NEW_DAEMON,  IPVS_CMD_DEL_DAEMON};
  return kCmd.at(op.index());
}

}  // namespace

Result<std::vector<std::uint8_t>> encode(const Op& op, std::uint16_t family_id, std::uint32_t seq) {
  Builder b(family_id, command_of(op), seq, NLM_F_ACK);
  const std::optional<std::string> bad = std::visit(
      [&b](const auto& o) -> std::optional<std::string> {
        using T = std::decay_t<decltype(o)>;
        if constexpr (std::is_same_v<T, AddService> || std::is_same_v<T, EditService>) {
          return put_service(b, o.key, &o.spec);
        } else if constexpr (std::is_same_v<T, DelService>) {
          return put_service(b, o.key, nullptr);
        } else if constexpr (std::is_same_v<T, AddDest> || std::is_same_v<T, EditDest>) {
          if (auto e = put_service(b, o.svc, nullptr)) {
            return e;
          }
          return put_dest(b, o.svc, o.key, &o.spec);
        } else if constexpr (std::is_same_v<T, DelDest>) {
          if (auto e = put_service(b, o.svc, nullptr)) {
            return e;
          }
          return put_dest(b, o.svc, o.key, nullptr);
        } else if constexpr (std::is_same_v<T, Flush>) {
          return std::nullopt;
        } else if constexpr (std::is_same_v<T, SetTimeouts>) {
          // 0 means "leave unchanged": such a timeout is simply not sent.
          if (o.timeouts.tcp != 0) {
            b.u32(IPVS_CMD_ATTR_TIMEOUT_TCP, o.timeouts.tcp);
          }
          if (o.timeouts.tcpfin != 0) {
            b.u32(IPVS_CMD_ATTR_TIMEOUT_TCP_FIN, o.timeouts.tcpfin);
          }
          if (o.timeouts.udp != 0) {
            b.u32(IPVS_CMD_ATTR_TIMEOUT_UDP, o.timeouts.udp);
          }
          return std::nullopt;
        } else if constexpr (std::is_same_v<T, StartDaemon>) {
          return put_daemon(b, o.daemon);
        } else {
          static_assert(std::is_same_v<T, StopDaemon>);
          nlattr* n = b.nest(IPVS_CMD_ATTR_DAEMON);
          b.u32(IPVS_DAEMON_ATTR_STATE, static_cast<std::uint32_t>(o.role));
          b.end(n);
          return std::nullopt;
        }
      },
      op);
  if (bad) {
    return Error{std::string(ipvs::op_name(op)), ipvs::describe(op), EINVAL, *bad};
  }
  if (!b.ok()) {
    return Error{std::string(ipvs::op_name(op)), ipvs::describe(op), ENOMEM,
                 "cannot build the netlink request"};
  }
  return b.bytes();
}

std::optional<std::vector<std::uint8_t>> encode_query(std::uint16_t family_id, std::uint8_t cmd,
                                                      std::uint32_t seq, bool dump,
                                                      const ServiceKey* svc) {
  Builder b(family_id, cmd, seq, dump ? NLM_F_DUMP : NLM_F_ACK);
  if (svc != nullptr && put_service(b, *svc, nullptr)) {
    return std::nullopt;
  }
  if (!b.ok()) {
    return std::nullopt;
  }
  return b.bytes();
}

}  // namespace vigil::ipvs::netlink
