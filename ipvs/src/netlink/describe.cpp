// SPDX-License-Identifier: GPL-2.0-or-later
// Op names and object descriptions used in the backend's errors. Local
// stand-ins for format.hpp (vigil_ipvs_core), to be swapped when it lands.
#include <sys/socket.h>

#include <cerrno>
#include <string>
#include <type_traits>

#include "internal.hpp"

namespace vigil::ipvs::netlink {
namespace {

std::string proto_name(std::uint16_t p) {
  switch (p) {
    case kProtoTcp:
      return "TCP";
    case kProtoUdp:
      return "UDP";
    case kProtoSctp:
      return "SCTP";
    default:
      return "proto " + std::to_string(p);
  }
}

std::string addr_port(const IpAddress& a, std::uint16_t port) {
  if (a.is_v6()) {
    return "[" + a.str() + "]:" + std::to_string(port);
  }
  return a.str() + ":" + std::to_string(port);
}

const char* role_name(SyncDaemon::Role r) {
  return r == SyncDaemon::Role::Backup ? "backup" : "master";
}

}  // namespace

std::uint16_t to_af(Family f) {
  switch (f) {
    case Family::Inet:
      return AF_INET;
    case Family::Inet6:
      return AF_INET6;
    case Family::None:
      break;
  }
  return 0;
}

std::optional<Family> from_af(std::uint16_t af) {
  if (af == AF_INET) {
    return Family::Inet;
  }
  if (af == AF_INET6) {
    return Family::Inet6;
  }
  return std::nullopt;
}

std::string describe(const ServiceKey& key) {
  if (key.fwmark != 0) {
    std::string s = "FWM " + std::to_string(key.fwmark);
    if (key.af == Family::Inet6) {
      s += " IPv6";
    }
    return s;
  }
  return proto_name(key.protocol) + " " + addr_port(key.addr, key.port);
}

std::string describe(const ServiceKey& svc, const DestKey& dest) {
  return describe(svc) + " -> " + addr_port(dest.addr, dest.port);
}

std::string op_name(const Op& op) {
  return std::visit(
      [](const auto& o) -> std::string {
        using T = std::decay_t<decltype(o)>;
        if constexpr (std::is_same_v<T, AddService>) {
          return "add service";
        } else if constexpr (std::is_same_v<T, EditService>) {
          return "edit service";
        } else if constexpr (std::is_same_v<T, DelService>) {
          return "delete service";
        } else if constexpr (std::is_same_v<T, AddDest>) {
          return "add destination";
        } else if constexpr (std::is_same_v<T, EditDest>) {
          return "edit destination";
        } else if constexpr (std::is_same_v<T, DelDest>) {
          return "delete destination";
        } else if constexpr (std::is_same_v<T, Flush>) {
          return "flush";
        } else if constexpr (std::is_same_v<T, SetTimeouts>) {
          return "set timeouts";
        } else if constexpr (std::is_same_v<T, StartDaemon>) {
          return "start sync daemon";
        } else {
          static_assert(std::is_same_v<T, StopDaemon>);
          return "stop sync daemon";
        }
      },
      op);
}

std::string describe(const Op& op) {
  return std::visit(
      [](const auto& o) -> std::string {
        using T = std::decay_t<decltype(o)>;
        if constexpr (std::is_same_v<T, AddService> || std::is_same_v<T, EditService> ||
                      std::is_same_v<T, DelService>) {
          return describe(o.key);
        } else if constexpr (std::is_same_v<T, AddDest> || std::is_same_v<T, EditDest> ||
                             std::is_same_v<T, DelDest>) {
          return describe(o.svc, o.key);
        } else if constexpr (std::is_same_v<T, Flush>) {
          return "all services";
        } else if constexpr (std::is_same_v<T, SetTimeouts>) {
          return "tcp " + std::to_string(o.timeouts.tcp) + " tcpfin " +
                 std::to_string(o.timeouts.tcpfin) + " udp " + std::to_string(o.timeouts.udp);
        } else if constexpr (std::is_same_v<T, StartDaemon>) {
          return std::string(role_name(o.daemon.role)) + " " + o.daemon.mcast_ifn + " syncid " +
                 std::to_string(o.daemon.syncid);
        } else {
          static_assert(std::is_same_v<T, StopDaemon>);
          return role_name(o.role);
        }
      },
      op);
}

Error bad_reply(std::string_view what, std::string_view detail) {
  return Error{"parse", std::string(what), EBADMSG, std::string(detail)};
}

}  // namespace vigil::ipvs::netlink
