// SPDX-License-Identifier: GPL-2.0-or-later
// NetlinkAddressManager: VIPs, virtual_routes and virtual_rules through rtnetlink.
// libnl-route-3 builds the RTM_NEWADDR / RTM_NEWROUTE / RTM_NEWRULE requests from
// its objects; the request is sent on our own nl_sock and its ACK is awaited
// with poll(2) under a time budget, so every call is bounded and its error keeps
// the kernel's exact errno. Address dumps are parsed with memcpy into the uapi
// structs (man 7 rtnetlink).
#include "vigil/vrrp/io/address_manager.hpp"

#include <linux/fib_rules.h>
#include <linux/if_addr.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <netinet/in.h>
#include <netlink/addr.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/nexthop.h>
#include <netlink/route/route.h>
#include <netlink/route/rule.h>
#include <netlink/socket.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <functional>
#include <set>
#include <utility>

#include "vigil/runtime/log.hpp"

namespace vigil::vrrp::io {
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kBudget = std::chrono::milliseconds(2000);  // hard limit per request
constexpr auto kSlow = std::chrono::milliseconds(50);      // DESIGN.md §5: warn above this
constexpr std::size_t kBufLen = 64 * 1024;

constexpr std::size_t align4(std::size_t n) {
  return (n + 3U) & ~std::size_t{3};
}

// RAII owners for libnl objects.
struct NlAddrDel {
  void operator()(nl_addr* a) const { nl_addr_put(a); }
};
struct RtnlAddrDel {
  void operator()(rtnl_addr* a) const { rtnl_addr_put(a); }
};
struct RtnlRouteDel {
  void operator()(rtnl_route* r) const { rtnl_route_put(r); }
};
struct RtnlRuleDel {
  void operator()(rtnl_rule* r) const { rtnl_rule_put(r); }
};
struct NlMsgDel {
  void operator()(nl_msg* m) const { nlmsg_free(m); }
};
using NlAddrPtr = std::unique_ptr<nl_addr, NlAddrDel>;
using NlMsgPtr = std::unique_ptr<nl_msg, NlMsgDel>;

int af(config::Family f) {
  return f == config::Family::Inet6 ? AF_INET6 : AF_INET;
}
std::size_t addr_len(config::Family f) {
  return f == config::Family::Inet6 ? 16 : 4;
}

/// An nl_addr for `a` with prefix length `len` (-1: the full length).
NlAddrPtr make_addr(const config::IpAddress& a, int len = -1) {
  NlAddrPtr p(nl_addr_build(af(a.family), a.bytes.data(), addr_len(a.family)));
  if (p && len >= 0) {
    nl_addr_set_prefixlen(p.get(), len);
  }
  return p;
}

/// libnl error codes are not errnos; map the few its builders return.
int nle_errno(int nle) {
  switch (-nle) {
    case NLE_NOMEM:
      return ENOMEM;
    case NLE_RANGE:
      return ERANGE;
    case NLE_AF_MISMATCH:
    case NLE_AF_NOSUPPORT:
      return EAFNOSUPPORT;
    default:
      return EINVAL;
  }
}

struct AddrEntry {
  int ifindex = 0;
  config::IpAddress addr;
  std::uint8_t prefixlen = 0;
  std::uint8_t scope = 0;
  std::uint32_t flags = 0;
};

/// Parses one RTM_NEWADDR body.
std::optional<AddrEntry> parse_addr(const std::uint8_t* body, std::size_t len) {
  if (len < sizeof(ifaddrmsg)) {
    return std::nullopt;
  }
  ifaddrmsg ifa{};
  std::memcpy(&ifa, body, sizeof(ifa));
  if (ifa.ifa_family != AF_INET && ifa.ifa_family != AF_INET6) {
    return std::nullopt;
  }
  AddrEntry e;
  e.ifindex = static_cast<int>(ifa.ifa_index);
  e.prefixlen = ifa.ifa_prefixlen;
  e.scope = ifa.ifa_scope;
  e.flags = ifa.ifa_flags;
  e.addr.family = ifa.ifa_family == AF_INET6 ? config::Family::Inet6 : config::Family::Inet;
  const std::size_t alen = addr_len(e.addr.family);
  bool have_local = false;
  bool have_any = false;
  std::size_t off = align4(sizeof(ifaddrmsg));
  while (off + sizeof(rtattr) <= len) {
    rtattr a{};
    std::memcpy(&a, body + off, sizeof(a));
    if (a.rta_len < sizeof(rtattr) || off + a.rta_len > len) {
      break;
    }
    const std::size_t plen = a.rta_len - sizeof(rtattr);
    const std::uint8_t* p = body + off + sizeof(rtattr);
    // IFA_LOCAL is the interface's own address; IFA_ADDRESS is the peer on point-to-point
    // links and the same address otherwise (IPv6 only sends IFA_ADDRESS).
    if ((a.rta_type == IFA_LOCAL || (a.rta_type == IFA_ADDRESS && !have_local)) && plen >= alen) {
      std::memcpy(e.addr.bytes.data(), p, alen);
      have_any = true;
      have_local = have_local || a.rta_type == IFA_LOCAL;
    } else if (a.rta_type == IFA_FLAGS && plen >= 4) {
      std::memcpy(&e.flags, p, 4);
    }
    off += align4(a.rta_len);
  }
  if (!have_any) {
    return std::nullopt;
  }
  return e;
}

std::string dev_of(const std::string& dev, const std::string& default_dev) {
  return dev.empty() ? default_dev : dev;
}

/// The IPv4 broadcast of `p` with all host bits set (`brd +`) or cleared (`brd -`).
config::IpAddress host_bits(const config::Prefix& p, bool set) {
  config::IpAddress b = p.addr;
  const unsigned len = p.has_len ? p.len : 32U;
  for (unsigned bit = len; bit < 32U; ++bit) {
    const auto mask = static_cast<std::uint8_t>(0x80U >> (bit % 8U));
    if (set) {
      b.bytes[bit / 8U] = static_cast<std::uint8_t>(b.bytes[bit / 8U] | mask);
    } else {
      b.bytes[bit / 8U] = static_cast<std::uint8_t>(b.bytes[bit / 8U] & ~mask);
    }
  }
  return b;
}

std::uint8_t route_type(config::RouteType t) {
  using T = config::RouteType;
  switch (t) {
    case T::Unicast:
      return RTN_UNICAST;
    case T::Local:
      return RTN_LOCAL;
    case T::Broadcast:
      return RTN_BROADCAST;
    case T::Anycast:
      return RTN_ANYCAST;
    case T::Multicast:
      return RTN_MULTICAST;
    case T::Blackhole:
      return RTN_BLACKHOLE;
    case T::Unreachable:
      return RTN_UNREACHABLE;
    case T::Prohibit:
      return RTN_PROHIBIT;
    case T::Throw:
      return RTN_THROW;
    case T::Nat:
      return RTN_NAT;
  }
  return RTN_UNICAST;
}

/// The first option of `r` this adapter does not implement, or empty.
std::string unsupported_route_option(const config::RouteSpec& r) {
  const std::pair<bool, const char*> checks[] = {
      {r.or_via.has_value(), "or"},
      {r.hoplimit.has_value(), "hoplimit"},
      {r.rtt.has_value(), "rtt"},
      {r.rttvar.has_value(), "rttvar"},
      {r.reordering.has_value(), "reordering"},
      {r.window.has_value(), "window"},
      {r.cwnd.has_value(), "cwnd"},
      {r.ssthresh.has_value(), "ssthresh"},
      {r.initcwnd.has_value(), "initcwnd"},
      {r.initrwnd.has_value(), "initrwnd"},
      {r.rto_min.has_value(), "rto_min"},
      {!r.congctl.empty(), "congctl"},
      {r.features_ecn, "features ecn"},
      {r.quickack.has_value(), "quickack"},
      {r.fastopen_no_cookie.has_value(), "fastopen_no_cookie"},
      {r.realms.has_value(), "realms"},
      {!r.vrf.empty(), "vrf"},
      {r.pref.has_value(), "pref"},
      {r.expires.has_value(), "expires"},
      {r.ttl_propagate.has_value(), "ttl-propagate"},
      {r.encap.type != config::RouteEncap::Type::None, "encap"},
      {r.append, "append"},
      {!r.nexthop.empty(), "nexthop"},
      {r.mtu.has_value() && r.mtu->lock, "mtu lock"},
      {r.advmss.has_value() && r.advmss->lock, "advmss lock"},
  };
  for (const auto& [present, name] : checks) {
    if (present) {
      return name;
    }
  }
  return {};
}

std::string unsupported_rule_option(const config::RuleSpec& r) {
  const std::pair<bool, const char*> checks[] = {
      {r.realms.has_value(), "realms"},
      {r.tunnel_id.has_value(), "tun_id"},
      {r.suppress_prefixlength.has_value(), "suppress_prefixlength"},
      {r.suppress_ifgroup.has_value(), "suppress_ifgroup"},
      {r.uidrange.has_value(), "uidrange"},
  };
  for (const auto& [present, name] : checks) {
    if (present) {
      return name;
    }
  }
  return {};
}

/// The NLMSGERR_ATTR_MSG string of an NLMSG_ERROR (NETLINK_EXT_ACK), or empty. The attributes
/// follow the nlmsgerr and, unless NLM_F_CAPPED, the echoed request payload.
std::string extack_message(const nlmsghdr& nh, const nlmsgerr& err, const std::uint8_t* body,
                           std::size_t len) {
  if ((nh.nlmsg_flags & NLM_F_ACK_TLVS) == 0) {
    return {};
  }
  std::size_t off = sizeof(nlmsgerr);
  if ((nh.nlmsg_flags & NLM_F_CAPPED) == 0 && err.msg.nlmsg_len >= sizeof(nlmsghdr)) {
    off += align4(err.msg.nlmsg_len - sizeof(nlmsghdr));
  }
  while (off + sizeof(nlattr) <= len) {
    nlattr a{};
    std::memcpy(&a, body + off, sizeof(a));
    if (a.nla_len < sizeof(nlattr) || off + a.nla_len > len) {
      break;
    }
    if (a.nla_type == NLMSGERR_ATTR_MSG) {
      const auto* p = body + off + sizeof(nlattr);
      const std::size_t n = a.nla_len - sizeof(nlattr);
      return {p, p + ::strnlen(reinterpret_cast<const char*>(p), n)};
    }
    off += align4(a.nla_len);
  }
  return {};
}

}  // namespace

struct NetlinkAddressManager::Impl {
  nl_sock* sk = nullptr;
  std::vector<std::uint8_t> buf = std::vector<std::uint8_t>(kBufLen);
  /// VIPs this manager added, by (ifindex, address): never reported as primary_address.
  std::set<std::pair<int, config::IpAddress>> vips;

  Impl() = default;
  ~Impl() {
    if (sk != nullptr) {
      nl_socket_free(sk);
    }
  }
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;
  Impl(Impl&&) = delete;
  Impl& operator=(Impl&&) = delete;

  /// The kernel's extended-ACK text of the last error (NLMSGERR_ATTR_MSG), or empty.
  std::string last_extack;

  /// Reads replies until `on_msg` returns true (done) or the budget runs out. Returns 0, or
  /// an errno (ETIMEDOUT when the kernel did not answer in time).
  int read_until(
      std::uint32_t seq,
      const std::function<bool(const nlmsghdr&, const std::uint8_t*, std::size_t, int&)>& on_msg) {
    const int fd = nl_socket_get_fd(sk);
    const auto deadline = Clock::now() + kBudget;
    for (;;) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
      if (left <= 0) {
        return ETIMEDOUT;
      }
      pollfd pfd{fd, POLLIN, 0};
      const int pr = ::poll(&pfd, 1, static_cast<int>(left));
      if (pr < 0 && errno == EINTR) {
        continue;
      }
      if (pr < 0) {
        return errno;
      }
      if (pr == 0) {
        return ETIMEDOUT;
      }
      const ssize_t n = ::recv(fd, buf.data(), buf.size(), MSG_DONTWAIT);
      if (n < 0) {
        if (errno == EAGAIN || errno == EINTR) {
          continue;
        }
        return errno;
      }
      const auto len = static_cast<std::size_t>(n);
      std::size_t off = 0;
      while (off + sizeof(nlmsghdr) <= len) {
        nlmsghdr nh{};
        std::memcpy(&nh, buf.data() + off, sizeof(nh));
        if (nh.nlmsg_len < sizeof(nlmsghdr) || off + nh.nlmsg_len > len) {
          break;
        }
        const std::uint8_t* body = buf.data() + off + sizeof(nlmsghdr);
        const std::size_t body_len = nh.nlmsg_len - sizeof(nlmsghdr);
        off += align4(nh.nlmsg_len);
        if (nh.nlmsg_seq != seq) {
          continue;  // a stale reply to a request that timed out
        }
        int result = 0;
        if (nh.nlmsg_type == NLMSG_ERROR) {
          nlmsgerr err{};
          std::memcpy(&err, body, std::min(sizeof(err), body_len));
          last_extack = extack_message(nh, err, body, body_len);
          return -err.error;  // 0 is the ACK
        }
        if (on_msg(nh, body, body_len, result)) {
          return result;
        }
      }
    }
  }

  /// Sends a libnl-built request with NLM_F_ACK and waits for its answer. Returns the errno.
  int request(nl_msg* msg) {
    const auto start = Clock::now();
    last_extack.clear();
    const int sent = nl_send_auto(sk, msg);
    if (sent < 0) {
      return nle_errno(sent);
    }
    const std::uint32_t seq = nlmsg_hdr(msg)->nlmsg_seq;
    const int err = read_until(
        seq, [](const nlmsghdr&, const std::uint8_t*, std::size_t, int&) { return false; });
    const auto took = Clock::now() - start;
    if (took > kSlow) {
      log::warning("rtnetlink request took {} ms",
                   std::chrono::duration_cast<std::chrono::milliseconds>(took).count());
    }
    return err;
  }

  /// Dumps the addresses of `family` (AF_UNSPEC: both).
  Result<std::vector<AddrEntry>> dump_addresses(int family) {
    struct {
      nlmsghdr nh;
      ifaddrmsg ifa;
    } req{};
    req.nh.nlmsg_len = sizeof(req);
    req.nh.nlmsg_type = RTM_GETADDR;
    req.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
    req.nh.nlmsg_seq = nl_socket_use_seq(sk);
    req.ifa.ifa_family = static_cast<std::uint8_t>(family);
    sockaddr_nl kernel{};
    kernel.nl_family = AF_NETLINK;
    if (::sendto(nl_socket_get_fd(sk), &req, sizeof(req), 0,
                 reinterpret_cast<const sockaddr*>(&kernel), sizeof(kernel)) < 0) {
      return Error{"RTM_GETADDR", "dump", errno, {}};
    }
    std::vector<AddrEntry> out;
    const int err =
        read_until(req.nh.nlmsg_seq,
                   [&out](const nlmsghdr& nh, const std::uint8_t* body, std::size_t len, int&) {
                     if (nh.nlmsg_type == NLMSG_DONE) {
                       return true;
                     }
                     if (nh.nlmsg_type == RTM_NEWADDR) {
                       if (auto e = parse_addr(body, len)) {
                         out.push_back(*e);
                       }
                     }
                     return false;
                   });
    if (err != 0) {
      return Error{"RTM_GETADDR", "dump", err, {}};
    }
    return out;
  }

  std::optional<Error> address(const config::IpAddressSpec& spec, const std::string& default_dev,
                               bool add) {
    const std::string op = add ? "RTM_NEWADDR" : "RTM_DELADDR";
    const std::string dev = dev_of(spec.dev, default_dev);
    const std::string object = spec.address.str() + " dev " + dev;
    const config::IpAddress& local = spec.address.addr;
    if (!local.is_v4() && !local.is_v6()) {
      return Error{op, object, EAFNOSUPPORT, {}};
    }
    const int index = static_cast<int>(::if_nametoindex(dev.c_str()));
    if (index == 0) {
      return Error{op, object, ENODEV, "no interface " + dev};
    }
    const bool v6 = local.is_v6();
    const int len = spec.address.has_len ? spec.address.len : (v6 ? 128 : 32);
    std::unique_ptr<rtnl_addr, RtnlAddrDel> a(rtnl_addr_alloc());
    if (!a) {
      return Error{op, object, ENOMEM, {}};
    }
    rtnl_addr_set_family(a.get(), af(local.family));
    rtnl_addr_set_ifindex(a.get(), index);
    NlAddrPtr l = make_addr(local);
    if (!l) {
      return Error{op, object, ENOMEM, {}};
    }
    if (int e = rtnl_addr_set_local(a.get(), l.get()); e < 0) {
      return Error{op, object, nle_errno(e), "local"};
    }
    if (spec.peer) {
      NlAddrPtr p = make_addr(*spec.peer, len);
      if (int e = p ? rtnl_addr_set_peer(a.get(), p.get()) : -NLE_NOMEM; e < 0) {
        return Error{op, object, nle_errno(e), "peer"};
      }
    }
    rtnl_addr_set_prefixlen(a.get(), len);
    if (!spec.label.empty()) {
      if (int e = rtnl_addr_set_label(a.get(), spec.label.c_str()); e < 0) {
        return Error{op, object, nle_errno(e), "label " + spec.label};
      }
    }
    if (add) {
      if (spec.scope) {
        rtnl_addr_set_scope(a.get(), *spec.scope);
      }
      if (!v6 && spec.brd_mode != config::BroadcastMode::None) {
        const config::IpAddress b =
            spec.brd_mode == config::BroadcastMode::Address && spec.brd
                ? *spec.brd
                : host_bits(spec.address, spec.brd_mode == config::BroadcastMode::SetHostBits);
        NlAddrPtr bp = make_addr(b);
        if (int e = bp ? rtnl_addr_set_broadcast(a.get(), bp.get()) : -NLE_NOMEM; e < 0) {
          return Error{op, object, nle_errno(e), "brd"};
        }
      }
      unsigned int flags = 0;
      flags |= spec.home ? IFA_F_HOMEADDRESS : 0U;
      flags |= spec.nodad ? IFA_F_NODAD : 0U;
      flags |= spec.mngtmpaddr ? IFA_F_MANAGETEMPADDR : 0U;
      flags |= spec.noprefixroute ? IFA_F_NOPREFIXROUTE : 0U;
      if (flags != 0) {
        rtnl_addr_set_flags(a.get(), flags);
      }
      if (spec.preferred_lft) {
        rtnl_addr_set_valid_lifetime(a.get(), 0xffffffffU);
        rtnl_addr_set_preferred_lifetime(a.get(), *spec.preferred_lft);
      }
    } else if (spec.scope) {
      rtnl_addr_set_scope(a.get(), *spec.scope);
    }
    nl_msg* raw = nullptr;
    const int b = add ? rtnl_addr_build_add_request(a.get(), NLM_F_EXCL, &raw)
                      : rtnl_addr_build_delete_request(a.get(), 0, &raw);
    NlMsgPtr msg(raw);
    if (b < 0) {
      return Error{op, object, nle_errno(b), nl_geterror(b)};
    }
    const int err = request(msg.get());
    const std::pair<int, config::IpAddress> key{index, local};
    if (add && (err == 0 || err == EEXIST)) {
      vips.insert(key);
      return std::nullopt;
    }
    if (!add && (err == 0 || err == EADDRNOTAVAIL)) {
      vips.erase(key);
      return std::nullopt;
    }
    return Error{op, object, err, last_extack};
  }

  std::optional<Error> route(const config::RouteSpec& r, bool add) {
    const std::string op = add ? "RTM_NEWROUTE" : "RTM_DELROUTE";
    const std::string object = r.str();
    if (const std::string opt = unsupported_route_option(r); !opt.empty()) {
      return Error{op, object, EOPNOTSUPP, "unsupported option '" + opt + "'"};
    }
    std::unique_ptr<rtnl_route, RtnlRouteDel> rt(rtnl_route_alloc());
    if (!rt) {
      return Error{op, object, ENOMEM, {}};
    }
    rtnl_route_set_family(rt.get(), static_cast<std::uint8_t>(af(r.family)));
    NlAddrPtr dst = make_addr(r.to.addr, r.to.has_len ? r.to.len : -1);
    if (!r.to.addr.is_v4() && !r.to.addr.is_v6()) {
      dst = NlAddrPtr(nl_addr_build(af(r.family), nullptr, 0));  // default
    }
    if (int e = dst ? rtnl_route_set_dst(rt.get(), dst.get()) : -NLE_NOMEM; e < 0) {
      return Error{op, object, nle_errno(e), "to"};
    }
    if (r.from) {
      NlAddrPtr src = make_addr(r.from->addr, r.from->has_len ? r.from->len : -1);
      if (int e = src ? rtnl_route_set_src(rt.get(), src.get()) : -NLE_NOMEM; e < 0) {
        return Error{op, object, nle_errno(e), "from"};
      }
    }
    if (r.src) {
      NlAddrPtr ps = make_addr(*r.src);
      if (int e = ps ? rtnl_route_set_pref_src(rt.get(), ps.get()) : -NLE_NOMEM; e < 0) {
        return Error{op, object, nle_errno(e), "src"};
      }
    }
    rtnl_route_set_table(rt.get(), r.table.value_or(RT_TABLE_MAIN));
    rtnl_route_set_type(rt.get(), route_type(r.type));
    rtnl_route_set_protocol(rt.get(), r.protocol.value_or(RTPROT_BOOT));
    if (r.scope) {
      rtnl_route_set_scope(rt.get(), *r.scope);
    }
    if (r.metric) {
      rtnl_route_set_priority(rt.get(), *r.metric);
    }
    if (r.tos) {
      rtnl_route_set_tos(rt.get(), *r.tos);
    }
    if (r.mtu) {
      rtnl_route_set_metric(rt.get(), RTAX_MTU, r.mtu->value);
    }
    if (r.advmss) {
      rtnl_route_set_metric(rt.get(), RTAX_ADVMSS, r.advmss->value);
    }
    if (r.via || !r.dev.empty()) {
      rtnl_nexthop* nh = rtnl_route_nh_alloc();
      if (nh == nullptr) {
        return Error{op, object, ENOMEM, {}};
      }
      rtnl_route_add_nexthop(rt.get(), nh);  // the route owns it from here
      if (!r.dev.empty()) {
        const int index = static_cast<int>(::if_nametoindex(r.dev.c_str()));
        if (index == 0) {
          return Error{op, object, ENODEV, "no interface " + r.dev};
        }
        rtnl_route_nh_set_ifindex(nh, index);
      }
      if (r.via) {
        NlAddrPtr gw = make_addr(*r.via);
        if (!gw) {
          return Error{op, object, ENOMEM, {}};
        }
        rtnl_route_nh_set_gateway(nh, gw.get());
      }
      if (r.onlink) {
        rtnl_route_nh_set_flags(nh, RTNH_F_ONLINK);
      }
    }
    nl_msg* raw = nullptr;
    const int b = add ? rtnl_route_build_add_request(rt.get(), NLM_F_EXCL, &raw)
                      : rtnl_route_build_del_request(rt.get(), 0, &raw);
    NlMsgPtr msg(raw);
    if (b < 0) {
      return Error{op, object, nle_errno(b), nl_geterror(b)};
    }
    const int err = request(msg.get());
    if (err == 0 || (add && err == EEXIST) || (!add && (err == ESRCH || err == ENOENT))) {
      return std::nullopt;
    }
    return Error{op, object, err, last_extack};
  }

  std::optional<Error> rule(const config::RuleSpec& r, bool add) {
    const std::string op = add ? "RTM_NEWRULE" : "RTM_DELRULE";
    const std::string object = r.str();
    if (const std::string opt = unsupported_rule_option(r); !opt.empty()) {
      return Error{op, object, EOPNOTSUPP, "unsupported option '" + opt + "'"};
    }
    std::unique_ptr<rtnl_rule, RtnlRuleDel> ru(rtnl_rule_alloc());
    if (!ru) {
      return Error{op, object, ENOMEM, {}};
    }
    rtnl_rule_set_family(ru.get(), af(r.family));
    if (r.from) {
      NlAddrPtr a = make_addr(r.from->addr, r.from->has_len ? r.from->len : -1);
      if (int e = a ? rtnl_rule_set_src(ru.get(), a.get()) : -NLE_NOMEM; e < 0) {
        return Error{op, object, nle_errno(e), "from"};
      }
    }
    if (r.to) {
      NlAddrPtr a = make_addr(r.to->addr, r.to->has_len ? r.to->len : -1);
      if (int e = a ? rtnl_rule_set_dst(ru.get(), a.get()) : -NLE_NOMEM; e < 0) {
        return Error{op, object, nle_errno(e), "to"};
      }
    }
    if (r.preference) {
      rtnl_rule_set_prio(ru.get(), *r.preference);
    }
    if (r.tos) {
      rtnl_rule_set_dsfield(ru.get(), *r.tos);
    }
    if (r.fwmark) {
      rtnl_rule_set_mark(ru.get(), *r.fwmark);
      rtnl_rule_set_mask(ru.get(), r.fwmask.value_or(0xffffffffU));
    }
    if (!r.iif.empty()) {
      rtnl_rule_set_iif(ru.get(), r.iif.c_str());
    }
    if (!r.oif.empty()) {
      rtnl_rule_set_oif(ru.get(), r.oif.c_str());
    }
    if (r.protocol) {
      rtnl_rule_set_protocol(ru.get(), *r.protocol);
    }
    if (r.ipproto) {
      rtnl_rule_set_ipproto(ru.get(), *r.ipproto);
    }
    if (r.sport) {
      rtnl_rule_set_sport_range(ru.get(), r.sport->low, r.sport->high);
    }
    if (r.dport) {
      rtnl_rule_set_dport_range(ru.get(), r.dport->low, r.dport->high);
    }
    using A = config::RuleAction;
    switch (r.action) {
      case A::None:
      case A::Table:
        if (!r.table) {
          return Error{op, object, EINVAL, "a rule needs a table or an action"};
        }
        rtnl_rule_set_action(ru.get(), FR_ACT_TO_TBL);
        rtnl_rule_set_table(ru.get(), *r.table);
        break;
      case A::Goto:
        rtnl_rule_set_action(ru.get(), FR_ACT_GOTO);
        rtnl_rule_set_goto(ru.get(), r.goto_target.value_or(0));
        break;
      case A::Nop:
        rtnl_rule_set_action(ru.get(), FR_ACT_NOP);
        break;
      case A::Blackhole:
        rtnl_rule_set_action(ru.get(), FR_ACT_BLACKHOLE);
        break;
      case A::Prohibit:
        rtnl_rule_set_action(ru.get(), FR_ACT_PROHIBIT);
        break;
      case A::Unreachable:
        rtnl_rule_set_action(ru.get(), FR_ACT_UNREACHABLE);
        break;
      case A::L3mdev:
        rtnl_rule_set_action(ru.get(), FR_ACT_TO_TBL);
        rtnl_rule_set_l3mdev(ru.get(), 1);
        break;
    }
    nl_msg* raw = nullptr;
    const int b = add ? rtnl_rule_build_add_request(ru.get(), NLM_F_EXCL, &raw)
                      : rtnl_rule_build_delete_request(ru.get(), 0, &raw);
    NlMsgPtr msg(raw);
    if (b < 0) {
      return Error{op, object, nle_errno(b), nl_geterror(b)};
    }
    if (r.invert) {
      // libnl has no setter for FIB_RULE_INVERT; set it in the fib_rule_hdr it built.
      fib_rule_hdr frh{};
      std::memcpy(&frh, nlmsg_data(nlmsg_hdr(msg.get())), sizeof(frh));
      frh.flags |= FIB_RULE_INVERT;
      std::memcpy(nlmsg_data(nlmsg_hdr(msg.get())), &frh, sizeof(frh));
    }
    const int err = request(msg.get());
    if (err == 0 || (add && err == EEXIST) || (!add && err == ENOENT)) {
      return std::nullopt;
    }
    return Error{op, object, err, last_extack};
  }
};

Result<std::unique_ptr<NetlinkAddressManager>> NetlinkAddressManager::open() {
  auto impl = std::make_unique<Impl>();
  impl->sk = nl_socket_alloc();
  if (impl->sk == nullptr) {
    return Error{"nl_socket_alloc", "NETLINK_ROUTE", ENOMEM, {}};
  }
  if (int e = nl_connect(impl->sk, NETLINK_ROUTE); e < 0) {
    return Error{"nl_connect", "NETLINK_ROUTE", nle_errno(e), nl_geterror(e)};
  }
  // Ask for the kernel's error text (best effort: older kernels lack it).
  const int on = 1;
  ::setsockopt(nl_socket_get_fd(impl->sk), SOL_NETLINK, NETLINK_EXT_ACK, &on, sizeof(on));
  return std::unique_ptr<NetlinkAddressManager>(new NetlinkAddressManager(std::move(impl)));
}

NetlinkAddressManager::NetlinkAddressManager(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

NetlinkAddressManager::~NetlinkAddressManager() = default;

std::vector<Error> NetlinkAddressManager::add_addresses(
    const std::vector<config::IpAddressSpec>& specs, const std::string& default_dev) {
  std::vector<Error> errors;
  for (const auto& s : specs) {
    if (auto e = impl_->address(s, default_dev, true)) {
      errors.push_back(std::move(*e));
    }
  }
  return errors;
}

std::vector<Error> NetlinkAddressManager::del_addresses(
    const std::vector<config::IpAddressSpec>& specs, const std::string& default_dev) {
  std::vector<Error> errors;
  for (const auto& s : specs) {
    if (auto e = impl_->address(s, default_dev, false)) {
      errors.push_back(std::move(*e));
    }
  }
  return errors;
}

std::vector<Error> NetlinkAddressManager::add_routes(const std::vector<config::RouteSpec>& routes) {
  std::vector<Error> errors;
  for (const auto& r : routes) {
    if (auto e = impl_->route(r, true)) {
      errors.push_back(std::move(*e));
    }
  }
  return errors;
}

std::vector<Error> NetlinkAddressManager::del_routes(const std::vector<config::RouteSpec>& routes) {
  std::vector<Error> errors;
  for (const auto& r : routes) {
    if (auto e = impl_->route(r, false)) {
      errors.push_back(std::move(*e));
    }
  }
  return errors;
}

std::vector<Error> NetlinkAddressManager::add_rules(const std::vector<config::RuleSpec>& rules) {
  std::vector<Error> errors;
  for (const auto& r : rules) {
    if (auto e = impl_->rule(r, true)) {
      errors.push_back(std::move(*e));
    }
  }
  return errors;
}

std::vector<Error> NetlinkAddressManager::del_rules(const std::vector<config::RuleSpec>& rules) {
  std::vector<Error> errors;
  for (const auto& r : rules) {
    if (auto e = impl_->rule(r, false)) {
      errors.push_back(std::move(*e));
    }
  }
  return errors;
}

std::optional<config::IpAddress> NetlinkAddressManager::primary_address(const std::string& ifname,
                                                                        config::Family family) {
  const int index = ifindex(ifname);
  if (index == 0) {
    return std::nullopt;
  }
  auto dump = impl_->dump_addresses(af(family));
  if (!dump) {
    log::warning("primary address of {}: {}", ifname, dump.error().text());
    return std::nullopt;
  }
  for (const AddrEntry& e : dump.value()) {
    if (e.ifindex != index || e.addr.family != family) {
      continue;
    }
    if (family == config::Family::Inet6) {
      if (e.addr.is_link_local()) {
        return e.addr;
      }
    } else if ((e.flags & IFA_F_SECONDARY) == 0U && !impl_->vips.contains({index, e.addr})) {
      return e.addr;
    }
  }
  return std::nullopt;
}

bool NetlinkAddressManager::has_address(const std::string& ifname, const config::IpAddress& addr) {
  const int index = ifindex(ifname);
  if (index == 0) {
    return false;
  }
  auto dump = impl_->dump_addresses(af(addr.family));
  if (!dump) {
    log::warning("addresses of {}: {}", ifname, dump.error().text());
    return false;
  }
  return std::any_of(dump.value().begin(), dump.value().end(),
                     [&](const AddrEntry& e) { return e.ifindex == index && e.addr == addr; });
}

int NetlinkAddressManager::ifindex(const std::string& ifname) {
  return static_cast<int>(::if_nametoindex(ifname.c_str()));
}

std::optional<std::array<std::uint8_t, 6>> NetlinkAddressManager::mac(const std::string& ifname) {
  ifreq ifr{};
  if (ifname.empty() || ifname.size() >= sizeof(ifr.ifr_name)) {
    return std::nullopt;
  }
  std::memcpy(ifr.ifr_name, ifname.c_str(), ifname.size());
  const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    return std::nullopt;
  }
  const int rc = ::ioctl(fd, SIOCGIFHWADDR, &ifr);
  ::close(fd);
  if (rc != 0 || ifr.ifr_hwaddr.sa_family != ARPHRD_ETHER) {
    return std::nullopt;
  }
  std::array<std::uint8_t, 6> m{};
  std::memcpy(m.data(), ifr.ifr_hwaddr.sa_data, m.size());
  return m;
}

}  // namespace vigil::vrrp::io
