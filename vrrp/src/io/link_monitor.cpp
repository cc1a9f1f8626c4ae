// SPDX-License-Identifier: GPL-2.0-or-later
// LinkMonitor: a NETLINK_ROUTE socket bound to the link and ifaddr multicast
// groups (man 7 rtnetlink), read on Asio readiness. Messages are parsed with
// memcpy into the uapi structs, so no NLMSG_/RTA_ macro (and no cast) is needed.
#include "vigil/vrrp/io/link_monitor.hpp"

#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <optional>
#include <utility>

#include "vigil/runtime/log.hpp"

namespace vigil::vrrp::io {
namespace {

constexpr std::size_t kBufLen = 64 * 1024;
constexpr int kDumpTimeoutMs = 2000;

constexpr std::size_t align4(std::size_t n) {
  return (n + 3U) & ~std::size_t{3};
}

/// Closes a descriptor at scope exit.
class FdCloser {
 public:
  explicit FdCloser(int fd) : fd_(fd) {}
  ~FdCloser() { ::close(fd_); }
  FdCloser(const FdCloser&) = delete;
  FdCloser& operator=(const FdCloser&) = delete;
  FdCloser(FdCloser&&) = delete;
  FdCloser& operator=(FdCloser&&) = delete;

 private:
  int fd_;
};

struct LinkMsg {
  int index = 0;
  std::string name;  ///< empty when the message carried no IFLA_IFNAME
  bool up = false;
};

/// Parses an RTM_NEWLINK / RTM_DELLINK body (ifinfomsg + attributes).
std::optional<LinkMsg> parse_link(const std::uint8_t* body, std::size_t len) {
  if (len < sizeof(ifinfomsg)) {
    return std::nullopt;
  }
  ifinfomsg ifi{};
  std::memcpy(&ifi, body, sizeof(ifi));
  LinkMsg l;
  l.index = ifi.ifi_index;
  l.up = (ifi.ifi_flags & IFF_UP) != 0U && (ifi.ifi_flags & IFF_RUNNING) != 0U;
  std::size_t off = align4(sizeof(ifinfomsg));
  while (off + sizeof(rtattr) <= len) {
    rtattr a{};
    std::memcpy(&a, body + off, sizeof(a));
    if (a.rta_len < sizeof(rtattr) || off + a.rta_len > len) {
      break;
    }
    if (a.rta_type == IFLA_IFNAME) {
      const auto* p = body + off + sizeof(rtattr);
      const std::size_t n = a.rta_len - sizeof(rtattr);
      l.name.assign(p, p + ::strnlen(reinterpret_cast<const char*>(p), n));
    }
    off += align4(a.rta_len);
  }
  return l;
}

}  // namespace

Result<std::unique_ptr<LinkMonitor>> LinkMonitor::open(boost::asio::io_context& io) {
  const int fd = ::socket(AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, NETLINK_ROUTE);
  if (fd < 0) {
    return Error{"socket", "NETLINK_ROUTE", errno, {}};
  }
  sockaddr_nl sa{};
  sa.nl_family = AF_NETLINK;
  sa.nl_groups = RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR;
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&sa), sizeof(sa)) != 0) {
    const int err = errno;
    ::close(fd);
    return Error{"bind", "NETLINK_ROUTE link/ifaddr groups", err, {}};
  }
  std::unique_ptr<LinkMonitor> m(new LinkMonitor(io, fd));
  if (!m->sd_.is_open()) {
    return Error{"assign descriptor", "NETLINK_ROUTE", EBADF, {}};
  }
  if (auto e = m->dump()) {
    return *e;
  }
  return m;
}

LinkMonitor::LinkMonitor(boost::asio::io_context& io, int fd)
    : sd_(io), buf_(kBufLen), alive_(std::make_shared<bool>(true)) {
  boost::system::error_code ec;
  sd_.assign(fd, ec);
  if (ec) {
    ::close(fd);
  }
}

LinkMonitor::~LinkMonitor() {
  close();
}

void LinkMonitor::close() {
  *alive_ = false;
  alive_ = std::make_shared<bool>(true);
  boost::system::error_code ec;
  sd_.close(ec);
}

bool LinkMonitor::is_up(const std::string& ifname) const {
  for (const auto& [index, link] : links_) {
    if (link.name == ifname) {
      return link.up;
    }
  }
  return false;
}

bool LinkMonitor::exists(const std::string& ifname) const {
  for (const auto& [index, link] : links_) {
    if (link.name == ifname) {
      return true;
    }
  }
  return false;
}

std::optional<Error> LinkMonitor::dump() {
  // A separate, blocking socket for the dump, so that its reply does not interleave with the
  // events queued on the monitor socket. Those events are applied afterwards and carry the
  // full state, so the order is harmless.
  const int fd = ::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
  if (fd < 0) {
    return Error{"socket", "NETLINK_ROUTE dump", errno, {}};
  }
  const FdCloser closer(fd);

  struct {
    nlmsghdr nh;
    ifinfomsg ifi;
  } req{};
  req.nh.nlmsg_len = sizeof(req);
  req.nh.nlmsg_type = RTM_GETLINK;
  req.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  req.nh.nlmsg_seq = ++seq_;
  req.ifi.ifi_family = AF_UNSPEC;
  sockaddr_nl kernel{};
  kernel.nl_family = AF_NETLINK;
  if (::sendto(fd, &req, sizeof(req), 0, reinterpret_cast<const sockaddr*>(&kernel),
               sizeof(kernel)) < 0) {
    return Error{"sendto", "RTM_GETLINK dump", errno, {}};
  }
  std::map<int, Link> fresh;
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(kDumpTimeoutMs);
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    pollfd pfd{fd, POLLIN, 0};
    const int pr = ::poll(&pfd, 1, static_cast<int>(std::max<long>(left.count(), 0)));
    if (pr == 0) {
      return Error{"recv", "RTM_GETLINK dump", ETIMEDOUT, {}};
    }
    if (pr < 0) {
      if (errno == EINTR) {
        continue;
      }
      return Error{"poll", "RTM_GETLINK dump", errno, {}};
    }
    const ssize_t n = ::recv(fd, buf_.data(), buf_.size(), 0);
    if (n < 0) {
      return Error{"recv", "RTM_GETLINK dump", errno, {}};
    }
    std::size_t off = 0;
    const auto len = static_cast<std::size_t>(n);
    while (off + sizeof(nlmsghdr) <= len) {
      nlmsghdr nh{};
      std::memcpy(&nh, buf_.data() + off, sizeof(nh));
      if (nh.nlmsg_len < sizeof(nlmsghdr) || off + nh.nlmsg_len > len) {
        break;
      }
      if (nh.nlmsg_type == NLMSG_DONE) {
        // Report the differences against what we knew (empty on the first dump).
        std::map<int, Link> old = std::exchange(links_, std::move(fresh));
        for (const auto& [index, link] : links_) {
          const auto it = old.find(index);
          const bool was_up = it != old.end() && it->second.up && it->second.name == link.name;
          if (!old.empty() && was_up != link.up && on_link_) {
            on_link_(link.name, link.up);
          }
        }
        for (const auto& [index, link] : old) {
          if (link.up && !links_.contains(index) && on_link_) {
            on_link_(link.name, false);
          }
        }
        return std::nullopt;
      }
      if (nh.nlmsg_type == NLMSG_ERROR) {
        nlmsgerr err{};
        std::memcpy(&err, buf_.data() + off + sizeof(nlmsghdr),
                    std::min(sizeof(err), nh.nlmsg_len - sizeof(nlmsghdr)));
        return Error{"RTM_GETLINK", "dump", -err.error, {}};
      }
      if (nh.nlmsg_type == RTM_NEWLINK) {
        if (auto l =
                parse_link(buf_.data() + off + sizeof(nlmsghdr), nh.nlmsg_len - sizeof(nlmsghdr))) {
          fresh[l->index] = Link{l->name, l->up};
        }
      }
      off += align4(nh.nlmsg_len);
    }
  }
}

void LinkMonitor::start(LinkHandler on_link, AddressHandler on_address_change) {
  on_link_ = std::move(on_link);
  on_address_ = std::move(on_address_change);
  arm();
}

void LinkMonitor::arm() {
  if (!sd_.is_open()) {
    return;
  }
  std::weak_ptr<bool> token = alive_;
  sd_.async_wait(boost::asio::posix::descriptor_base::wait_read,
                 [this, token](const boost::system::error_code& ec) {
                   const auto alive = token.lock();
                   if (!alive || !*alive || ec == boost::asio::error::operation_aborted) {
                     return;
                   }
                   if (ec) {
                     log::error("link monitor: wait failed: {}", ec.message());
                   } else {
                     drain();
                   }
                   if (*alive) {
                     arm();
                   }
                 });
}

void LinkMonitor::drain() {
  const std::weak_ptr<bool> token = alive_;
  while (sd_.is_open()) {
    const ssize_t n = ::recv(sd_.native_handle(), buf_.data(), buf_.size(), MSG_DONTWAIT);
    if (n < 0) {
      const int err = errno;
      if (err == EAGAIN || err == EWOULDBLOCK) {
        return;
      }
      if (err == EINTR) {
        continue;
      }
      if (err == ENOBUFS) {
        // Events were lost: the dump brings the state back and reports what changed.
        log::warning("link monitor: netlink receive overrun, re-reading the links");
        if (auto e = dump()) {
          log::error("link monitor: {}", e->text());
        }
        continue;
      }
      log::error("link monitor: recv: {}", std::strerror(err));
      return;
    }
    handle(buf_.data(), static_cast<std::size_t>(n), true);
    const auto alive = token.lock();
    if (!alive || !*alive) {
      return;
    }
  }
}

void LinkMonitor::handle(const std::uint8_t* data, std::size_t len, bool notify) {
  const std::weak_ptr<bool> token = alive_;
  std::size_t off = 0;
  while (off + sizeof(nlmsghdr) <= len) {
    nlmsghdr nh{};
    std::memcpy(&nh, data + off, sizeof(nh));
    if (nh.nlmsg_len < sizeof(nlmsghdr) || off + nh.nlmsg_len > len) {
      return;
    }
    const std::uint8_t* body = data + off + sizeof(nlmsghdr);
    const std::size_t body_len = nh.nlmsg_len - sizeof(nlmsghdr);
    off += align4(nh.nlmsg_len);
    if (nh.nlmsg_type == RTM_NEWLINK || nh.nlmsg_type == RTM_DELLINK) {
      auto l = parse_link(body, body_len);
      if (!l) {
        continue;
      }
      const auto it = links_.find(l->index);
      const std::string old_name = it != links_.end() ? it->second.name : std::string();
      const bool was_up = it != links_.end() && it->second.up;
      if (l->name.empty()) {
        l->name = old_name;
      }
      if (nh.nlmsg_type == RTM_DELLINK) {
        if (it != links_.end()) {
          links_.erase(it);
        }
        l->up = false;
      } else {
        links_[l->index] = Link{l->name, l->up};
      }
      const bool renamed = !old_name.empty() && old_name != l->name;
      if (notify && on_link_) {
        if (renamed && was_up) {
          on_link_(old_name, false);
        }
        const bool prev = renamed ? false : was_up;
        if (prev != l->up && !l->name.empty()) {
          on_link_(l->name, l->up);
        }
      }
    } else if (nh.nlmsg_type == RTM_NEWADDR || nh.nlmsg_type == RTM_DELADDR) {
      if (body_len < sizeof(ifaddrmsg)) {
        continue;
      }
      ifaddrmsg ifa{};
      std::memcpy(&ifa, body, sizeof(ifa));
      const auto it = links_.find(static_cast<int>(ifa.ifa_index));
      if (notify && on_address_ && it != links_.end()) {
        const std::string name = it->second.name;  // the handler may change links_
        on_address_(name);
      }
    }
    const auto alive = token.lock();
    if (!alive || !*alive) {
      return;  // a handler closed or destroyed the monitor
    }
  }
}

}  // namespace vigil::vrrp::io
