// SPDX-License-Identifier: GPL-2.0-or-later
// VrrpSocket: socket(2)/setsockopt(2) configuration of the raw VRRP (or AH)
// socket, sendmsg with a PKTINFO source, and a recvmsg loop driven by Asio
// readiness (man 7 raw, man 7 ip, man 7 ipv6).
#include "vigil/vrrp/io/socket.hpp"

#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/error.hpp>
#include <cerrno>
#include <cstring>
#include <string_view>
#include <utility>

#include "vigil/runtime/log.hpp"

namespace vigil::vrrp::io {
namespace {

constexpr std::size_t kRecvBufLen = 65536;
constexpr std::size_t kCmsgBufLen = 256;
constexpr int kTtl = 255;  // RFC 5798 §5.1.1.3 / §5.1.2.3: sent with TTL / hop limit 255

/// Closes the descriptor unless released: the fd's owner until Asio takes it.
class FdGuard {
 public:
  explicit FdGuard(int fd) : fd_(fd) {}
  ~FdGuard() {
    if (fd_ >= 0) {
      ::close(fd_);
    }
  }
  FdGuard(const FdGuard&) = delete;
  FdGuard& operator=(const FdGuard&) = delete;
  FdGuard(FdGuard&&) = delete;
  FdGuard& operator=(FdGuard&&) = delete;
  [[nodiscard]] int get() const { return fd_; }
  int release() { return std::exchange(fd_, -1); }

 private:
  int fd_;
};

template <class T>
std::optional<Error> set_opt(int fd, int level, int name, const T& value, std::string_view what,
                             const std::string& object) {
  if (::setsockopt(fd, level, name, &value, sizeof(value)) != 0) {
    return Error{std::string("setsockopt ") + std::string(what), object, errno, {}};
  }
  return std::nullopt;
}

config::IpAddress from_v4(const void* p) {
  config::IpAddress a;
  a.family = config::Family::Inet;
  std::memcpy(a.bytes.data(), p, 4);
  return a;
}

config::IpAddress from_v6(const void* p) {
  config::IpAddress a;
  a.family = config::Family::Inet6;
  std::memcpy(a.bytes.data(), p, 16);
  return a;
}

sockaddr_in to_sockaddr4(const config::IpAddress& a) {
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  std::memcpy(&sa.sin_addr, a.bytes.data(), 4);
  return sa;
}

sockaddr_in6 to_sockaddr6(const config::IpAddress& a, int ifindex) {
  sockaddr_in6 sa{};
  sa.sin6_family = AF_INET6;
  std::memcpy(&sa.sin6_addr, a.bytes.data(), 16);
  // Link-local and multicast destinations need the interface as scope.
  if (a.is_link_local() || a.is_multicast()) {
    sa.sin6_scope_id = static_cast<std::uint32_t>(ifindex);
  }
  return sa;
}

/// Typed accessors for the CMSG_* macros, which use C casts.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wold-style-cast"
#pragma GCC diagnostic ignored "-Wsign-conversion"
#pragma GCC diagnostic ignored "-Wcast-align"
cmsghdr* first_cmsg(msghdr& m) {
  return CMSG_FIRSTHDR(&m);
}
cmsghdr* next_cmsg(msghdr& m, cmsghdr* c) {
  return CMSG_NXTHDR(&m, c);
}
std::uint8_t* cmsg_data(cmsghdr* c) {
  return CMSG_DATA(c);
}
constexpr std::size_t cmsg_space(std::size_t n) {
  return CMSG_SPACE(n);
}
constexpr std::size_t cmsg_len(std::size_t n) {
  return CMSG_LEN(n);
}
#pragma GCC diagnostic pop

template <class T>
void put_cmsg(msghdr& m, int level, int type, const T& value) {
  cmsghdr* c = first_cmsg(m);
  c->cmsg_level = level;
  c->cmsg_type = type;
  c->cmsg_len = cmsg_len(sizeof(T));
  std::memcpy(cmsg_data(c), &value, sizeof(T));
}

std::optional<Error> configure_v4(int fd, const VrrpSocket::Options& o, int ifindex) {
  const std::string& obj = o.ifname;
  const int one = 1;
  const int zero = 0;
  if (auto e = set_opt(fd, IPPROTO_IP, IP_PKTINFO, one, "IP_PKTINFO", obj)) {
    return e;
  }
  if (o.protocol == kProtoAh) {
    if (auto e = set_opt(fd, IPPROTO_IP, IP_HDRINCL, one, "IP_HDRINCL", obj)) {
      return e;
    }
  }
  if (auto e = set_opt(fd, IPPROTO_IP, IP_MULTICAST_LOOP, zero, "IP_MULTICAST_LOOP", obj)) {
    return e;
  }
  if (auto e = set_opt(fd, IPPROTO_IP, IP_MULTICAST_TTL, kTtl, "IP_MULTICAST_TTL", obj)) {
    return e;
  }
  if (auto e = set_opt(fd, IPPROTO_IP, IP_TTL, o.unicast_ttl.value_or(kTtl), "IP_TTL", obj)) {
    return e;
  }
  if (ifindex == 0) {
    return std::nullopt;
  }
  ip_mreqn mreq{};
  mreq.imr_ifindex = ifindex;
  if (auto e = set_opt(fd, IPPROTO_IP, IP_MULTICAST_IF, mreq, "IP_MULTICAST_IF", obj)) {
    return e;
  }
  const config::IpAddress group = o.mcast_group.value_or(*config::IpAddress::parse("224.0.0.18"));
  if (!group.is_v4() || !group.is_multicast()) {
    return Error{"join group", group.str() + " on " + obj, EINVAL, "not an IPv4 multicast group"};
  }
  std::memcpy(&mreq.imr_multiaddr, group.bytes.data(), 4);
  return set_opt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, mreq, "IP_ADD_MEMBERSHIP",
                 group.str() + " on " + obj);
}

std::optional<Error> configure_v6(int fd, const VrrpSocket::Options& o, int ifindex) {
  const std::string& obj = o.ifname;
  const int one = 1;
  const int zero = 0;
  if (auto e = set_opt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, one, "IPV6_RECVPKTINFO", obj)) {
    return e;
  }
  if (auto e = set_opt(fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, one, "IPV6_RECVHOPLIMIT", obj)) {
    return e;
  }
  if (auto e = set_opt(fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, zero, "IPV6_MULTICAST_LOOP", obj)) {
    return e;
  }
  if (auto e = set_opt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, kTtl, "IPV6_MULTICAST_HOPS", obj)) {
    return e;
  }
  if (auto e = set_opt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, o.unicast_ttl.value_or(kTtl),
                       "IPV6_UNICAST_HOPS", obj)) {
    return e;
  }
  if (ifindex == 0) {
    return std::nullopt;
  }
  if (auto e = set_opt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, ifindex, "IPV6_MULTICAST_IF", obj)) {
    return e;
  }
  const config::IpAddress group = o.mcast_group.value_or(*config::IpAddress::parse("ff02::12"));
  if (!group.is_v6() || !group.is_multicast()) {
    return Error{"join group", group.str() + " on " + obj, EINVAL, "not an IPv6 multicast group"};
  }
  ipv6_mreq mreq{};
  std::memcpy(&mreq.ipv6mr_multiaddr, group.bytes.data(), 16);
  mreq.ipv6mr_interface = static_cast<unsigned int>(ifindex);
  return set_opt(fd, IPPROTO_IPV6, IPV6_ADD_MEMBERSHIP, mreq, "IPV6_ADD_MEMBERSHIP",
                 group.str() + " on " + obj);
}

}  // namespace

Result<std::unique_ptr<VrrpSocket>> VrrpSocket::open(boost::asio::io_context& io,
                                                     const Options& options) {
  const bool v6 = options.family == config::Family::Inet6;
  const std::string what = std::string(v6 ? "IPv6" : "IPv4") + " protocol " +
                           std::to_string(options.protocol) +
                           (options.ifname.empty() ? "" : " on " + options.ifname);
  if (options.family != config::Family::Inet && !v6) {
    return Error{"open VRRP socket", what, EAFNOSUPPORT, "no address family"};
  }
  if (options.protocol != kProtoVrrp && options.protocol != kProtoAh) {
    return Error{"open VRRP socket", what, EPROTONOSUPPORT, "protocol must be 112 or 51"};
  }
  if (v6 && options.protocol == kProtoAh) {
    return Error{"open VRRP socket", what, EPROTONOSUPPORT, "AH is IPv4 only"};
  }
  int ifindex = 0;
  if (!options.ifname.empty()) {
    ifindex = static_cast<int>(::if_nametoindex(options.ifname.c_str()));
    if (ifindex == 0) {
      return Error{"if_nametoindex", options.ifname, errno, {}};
    }
  }
  FdGuard fd(
      ::socket(v6 ? AF_INET6 : AF_INET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, options.protocol));
  if (fd.get() < 0) {
    return Error{"socket", what, errno, {}};
  }
  if (!options.ifname.empty()) {
    if (::setsockopt(fd.get(), SOL_SOCKET, SO_BINDTODEVICE, options.ifname.c_str(),
                     static_cast<socklen_t>(options.ifname.size())) != 0) {
      return Error{"setsockopt SO_BINDTODEVICE", options.ifname, errno, {}};
    }
  }
  if (options.rcvbuf) {
    if (auto e = set_opt(fd.get(), SOL_SOCKET, SO_RCVBUF, *options.rcvbuf, "SO_RCVBUF", what)) {
      return *e;
    }
  }
  if (auto e = v6 ? configure_v6(fd.get(), options, ifindex)
                  : configure_v4(fd.get(), options, ifindex)) {
    return *e;
  }
  std::unique_ptr<VrrpSocket> s(new VrrpSocket(io, options, ifindex));
  boost::system::error_code ec;
  s->sd_.assign(fd.get(), ec);
  if (ec) {
    return Error{"assign descriptor", what, ec.value(), {}};
  }
  fd.release();
  return s;
}

VrrpSocket::VrrpSocket(boost::asio::io_context& io, Options options, int ifindex)
    : sd_(io),
      options_(std::move(options)),
      ifindex_(ifindex),
      buf_(kRecvBufLen),
      cbuf_(kCmsgBufLen),
      alive_(std::make_shared<bool>(true)) {}

VrrpSocket::~VrrpSocket() {
  close();
}

int VrrpSocket::native_handle() {
  return sd_.is_open() ? sd_.native_handle() : -1;
}

void VrrpSocket::close() {
  *alive_ = false;
  alive_ = std::make_shared<bool>(true);
  armed_ = false;
  boost::system::error_code ec;
  sd_.close(ec);  // cancels the pending wait; its handler sees the old alive_ token
}

std::optional<Error> VrrpSocket::send(std::span<const std::uint8_t> vrrp,
                                      const config::IpAddress& src, const config::IpAddress& dst) {
  const std::string object = src.str() + " > " + dst.str();
  if (!sd_.is_open()) {
    return Error{"sendmsg", object, EBADF, "socket closed"};
  }
  if (options_.protocol != kProtoVrrp) {
    return Error{"sendmsg", object, EINVAL, "send() is for VRRP sockets; use send_ipv4_packet"};
  }
  const bool v6 = options_.family == config::Family::Inet6;
  if ((v6 && (!src.is_v6() || !dst.is_v6())) || (!v6 && (!src.is_v4() || !dst.is_v4()))) {
    return Error{"sendmsg", object, EAFNOSUPPORT, "address family differs from the socket's"};
  }
  iovec iov{const_cast<std::uint8_t*>(vrrp.data()), vrrp.size()};
  std::array<std::uint8_t, 64> control{};
  msghdr m{};
  m.msg_iov = &iov;
  m.msg_iovlen = 1;
  m.msg_control = control.data();
  sockaddr_in sa4{};
  sockaddr_in6 sa6{};
  if (v6) {
    sa6 = to_sockaddr6(dst, ifindex_);
    m.msg_name = &sa6;
    m.msg_namelen = sizeof(sa6);
    in6_pktinfo pi{};
    std::memcpy(&pi.ipi6_addr, src.bytes.data(), 16);
    pi.ipi6_ifindex = static_cast<unsigned int>(ifindex_);
    m.msg_controllen = cmsg_space(sizeof(pi));
    put_cmsg(m, IPPROTO_IPV6, IPV6_PKTINFO, pi);
  } else {
    sa4 = to_sockaddr4(dst);
    m.msg_name = &sa4;
    m.msg_namelen = sizeof(sa4);
    in_pktinfo pi{};
    pi.ipi_ifindex = ifindex_;
    std::memcpy(&pi.ipi_spec_dst, src.bytes.data(), 4);
    m.msg_controllen = cmsg_space(sizeof(pi));
    put_cmsg(m, IPPROTO_IP, IP_PKTINFO, pi);
  }
  const ssize_t n = ::sendmsg(sd_.native_handle(), &m, MSG_DONTWAIT);
  if (n < 0) {
    return Error{"sendmsg", object, errno, {}};
  }
  if (static_cast<std::size_t>(n) != vrrp.size()) {
    return Error{"sendmsg", object, EMSGSIZE, "short send"};
  }
  return std::nullopt;
}

std::optional<Error> VrrpSocket::send_ipv4_packet(std::span<const std::uint8_t> ip_packet,
                                                  const config::IpAddress& dst) {
  const std::string object = "IPv4 packet to " + dst.str();
  if (!sd_.is_open()) {
    return Error{"sendto", object, EBADF, "socket closed"};
  }
  if (options_.family != config::Family::Inet || options_.protocol != kProtoAh) {
    return Error{"sendto", object, EINVAL, "send_ipv4_packet() needs an IPv4 AH socket"};
  }
  if (!dst.is_v4()) {
    return Error{"sendto", object, EAFNOSUPPORT, {}};
  }
  const sockaddr_in sa = to_sockaddr4(dst);
  const ssize_t n = ::sendto(sd_.native_handle(), ip_packet.data(), ip_packet.size(), MSG_DONTWAIT,
                             reinterpret_cast<const sockaddr*>(&sa), sizeof(sa));
  if (n < 0) {
    return Error{"sendto", object, errno, {}};
  }
  if (static_cast<std::size_t>(n) != ip_packet.size()) {
    return Error{"sendto", object, EMSGSIZE, "short send"};
  }
  return std::nullopt;
}

void VrrpSocket::start(PacketHandler on_packet) {
  on_packet_ = std::move(on_packet);
  arm();
}

void VrrpSocket::arm() {
  if (armed_ || !sd_.is_open()) {
    return;
  }
  armed_ = true;
  std::weak_ptr<bool> token = alive_;
  sd_.async_wait(boost::asio::posix::descriptor_base::wait_read,
                 [this, token](const boost::system::error_code& ec) {
                   const auto alive = token.lock();
                   if (!alive || !*alive) {
                     return;  // closed or destroyed: `this` must not be touched
                   }
                   armed_ = false;
                   if (ec == boost::asio::error::operation_aborted) {
                     return;
                   }
                   if (ec) {
                     log::error("VRRP socket {}: wait failed: {}", options_.ifname, ec.message());
                   } else {
                     drain();
                   }
                   if (*alive) {
                     arm();
                   }
                 });
}

void VrrpSocket::drain() {
  const bool v6 = options_.family == config::Family::Inet6;
  // Each callback may close the socket; re-check before every read.
  const std::weak_ptr<bool> token = alive_;
  while (sd_.is_open()) {
    sockaddr_storage from{};
    iovec iov{buf_.data(), buf_.size()};
    msghdr m{};
    m.msg_name = &from;
    m.msg_namelen = sizeof(from);
    m.msg_iov = &iov;
    m.msg_iovlen = 1;
    m.msg_control = cbuf_.data();
    m.msg_controllen = cbuf_.size();
    const ssize_t n = ::recvmsg(sd_.native_handle(), &m, MSG_DONTWAIT);
    if (n < 0) {
      const int err = errno;
      if (err == EAGAIN || err == EWOULDBLOCK) {
        return;
      }
      if (err == EINTR) {
        continue;
      }
      if (err != last_errno_) {
        log::error("VRRP socket {}: recvmsg: {}", options_.ifname, std::strerror(err));
        last_errno_ = err;
      }
      return;
    }
    last_errno_ = 0;
    if ((m.msg_flags & MSG_TRUNC) != 0) {
      log::warning("VRRP socket {}: dropped a truncated datagram", options_.ifname);
      continue;
    }
    RawPacket p;
    p.bytes = std::span<const std::uint8_t>(buf_.data(), static_cast<std::size_t>(n));
    for (cmsghdr* c = first_cmsg(m); c != nullptr; c = next_cmsg(m, c)) {
      if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
        in_pktinfo pi{};
        std::memcpy(&pi, cmsg_data(c), sizeof(pi));
        p.ifindex = pi.ipi_ifindex;
      } else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
        in6_pktinfo pi{};
        std::memcpy(&pi, cmsg_data(c), sizeof(pi));
        p.ifindex = static_cast<int>(pi.ipi6_ifindex);
        p.dst = from_v6(&pi.ipi6_addr);
      } else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_HOPLIMIT) {
        std::memcpy(&p.hop_limit, cmsg_data(c), sizeof(int));
      }
    }
    if (v6) {
      sockaddr_in6 sa{};
      std::memcpy(&sa, &from, sizeof(sa));
      p.src = from_v6(&sa.sin6_addr);
    } else {
      // IPv4 raw sockets deliver the IP header: addresses at offsets 12 and 16.
      if (p.bytes.size() < 20) {
        continue;
      }
      p.src = from_v4(p.bytes.data() + 12);
      p.dst = from_v4(p.bytes.data() + 16);
    }
    if (on_packet_) {
      on_packet_(p);
    }
    const auto alive = token.lock();
    if (!alive || !*alive) {
      return;
    }
  }
}

}  // namespace vigil::vrrp::io
