// SPDX-License-Identifier: GPL-2.0-or-later
// PING_CHECK: one ICMP (IPv4) or ICMPv6 echo request to the target; the
// matching echo reply within connect_timeout means up. An unprivileged ping
// socket (SOCK_DGRAM, IPPROTO_ICMP[V6]; net.ipv4.ping_group_range) is used when
// the host allows it, a raw socket otherwise (the daemon runs as root). Ping
// sockets pick the echo id themselves, so replies there are matched by
// sequence and payload; raw sockets see every ICMP message of the host, so the
// id is checked too.
#include <fmt/format.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <cerrno>
#include <cstring>
#include <vector>

#include "vigil/hc/icmp.hpp"
#include "vigil/hc/io/net.hpp"
#include "vigil/hc/io/probes.hpp"

namespace vigil::hc::io {

namespace {

constexpr std::size_t kPayload = 16;

class PingRun final : public ProbeRun {
 public:
  PingRun(boost::asio::io_context& io, Target t, std::function<void(ProbeResult)> done)
      : ProbeRun(io, std::move(done)), target_(std::move(t)), sd_(io) {}

  void start() {
    v6_ = target_.ip.is_v6();
    where_ = target_.ip.str();
    const int family = v6_ ? AF_INET6 : AF_INET;
    const int proto = v6_ ? static_cast<int>(IPPROTO_ICMPV6) : static_cast<int>(IPPROTO_ICMP);
    int fd = ::socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, proto);
    raw_ = false;
    if (fd < 0) {
      fd = ::socket(family, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, proto);
      raw_ = true;
    }
    if (fd < 0) {
      finish_later(false, fmt::format("ping {}: socket: {}", where_, errno_text(errno)));
      return;
    }
    boost::system::error_code ec;
    sd_.assign(fd, ec);
    if (ec) {
      ::close(fd);
      finish_later(false, fmt::format("ping {}: {}", where_, ec.message()));
      return;
    }
    if (auto err = apply_conn_opts(fd, target_, false); !err.empty()) {
      finish_later(false, fmt::format("ping {}: {}", where_, err));
      return;
    }
    // Connected, so that the kernel passes on only the target's messages.
    if (!connect_target(fd)) {
      finish_later(false, fmt::format("ping {}: connect: {}", where_, errno_text(errno)));
      return;
    }
    id_ = static_cast<std::uint16_t>(random_u32() & 0xffff);
    seq_ = static_cast<std::uint16_t>(random_u32() & 0xffff);
    payload_.clear();
    for (std::size_t i = 0; i < kPayload; ++i) {
      payload_.push_back(static_cast<std::uint8_t>(random_u32() & 0xff));
    }
    const auto request = build_icmp_echo(v6_, id_, seq_, payload_);
    if (::send(fd, request.data(), request.size(), 0) < 0) {
      finish_later(false, fmt::format("ping {}: send: {}", where_, errno_text(errno)));
      return;
    }
    arm_deadline(target_.connect_timeout, [this] {
      finish(false, fmt::format("ping {}: no echo reply within {}{}", where_,
                                duration_text(target_.connect_timeout),
                                ignored_.empty() ? "" : " (ignored: " + ignored_ + ")"));
    });
    wait();
  }

 private:
  bool connect_target(int fd) {
    if (v6_) {
      sockaddr_in6 sa{};
      sa.sin6_family = AF_INET6;
      std::memcpy(&sa.sin6_addr, target_.ip.bytes.data(), 16);
      return ::connect(fd, reinterpret_cast<const sockaddr*>(&sa), sizeof sa) == 0;
    }
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    std::memcpy(&sa.sin_addr, target_.ip.bytes.data(), 4);
    return ::connect(fd, reinterpret_cast<const sockaddr*>(&sa), sizeof sa) == 0;
  }

  void wait() {
    sd_.async_wait(boost::asio::posix::descriptor_base::wait_read,
                   [self = shared_from_this(), this](const boost::system::error_code& e) {
                     if (finished()) {
                       return;
                     }
                     if (e) {
                       finish(false, fmt::format("ping {}: {}", where_, e.message()));
                       return;
                     }
                     drain();
                   });
  }

  /// Reads every queued message; finishes on our reply, else waits again.
  void drain() {
    for (;;) {
      const ssize_t n = ::recv(sd_.native_handle(), buf_.data(), buf_.size(), MSG_DONTWAIT);
      if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
          wait();
          return;
        }
        finish(false, fmt::format("ping {}: {}", where_, errno_text(errno)));
        return;
      }
      const auto msg =
          parse_icmp(std::span(buf_.data(), static_cast<std::size_t>(n)), v6_, raw_ && !v6_);
      if (!msg) {
        ignored_ = msg.error();
        continue;
      }
      if (is_echo_reply_to(msg.value(), v6_, id_, seq_, payload_, raw_)) {
        finish(true, fmt::format("ping {}: echo reply", where_));
        return;
      }
      ignored_ = fmt::format("ICMP type {} code {}", msg.value().type, msg.value().code);
    }
  }

  void close_all() override {
    boost::system::error_code ec;
    sd_.close(ec);
  }

  Target target_;
  boost::asio::posix::stream_descriptor sd_;
  std::string where_;
  bool v6_ = false;
  bool raw_ = false;
  std::uint16_t id_ = 0;
  std::uint16_t seq_ = 0;
  std::vector<std::uint8_t> payload_;
  std::array<std::uint8_t, 2048> buf_{};
  std::string ignored_;
};

class PingProbe final : public SocketProbe {
 public:
  using SocketProbe::SocketProbe;
  void start(std::function<void(ProbeResult)> done) override {
    launch<PingRun>(std::move(done), target_);
  }
};

}  // namespace

std::unique_ptr<Probe> make_ping_probe(ProbeEnv& env, const CheckDef& def) {
  return std::make_unique<PingProbe>(env, def);
}

}  // namespace vigil::hc::io
