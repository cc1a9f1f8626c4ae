// SPDX-License-Identifier: GPL-2.0-or-later
// Helpers the socket probes share (see net.hpp).
#include <fmt/format.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstring>
#include <random>

#include "vigil/hc/io/net.hpp"

namespace vigil::hc::io {

boost::asio::ip::address to_asio(const config::IpAddress& ip) {
  if (ip.is_v6()) {
    return boost::asio::ip::address_v6(ip.bytes);
  }
  return boost::asio::ip::address_v4({ip.bytes[0], ip.bytes[1], ip.bytes[2], ip.bytes[3]});
}

std::string endpoint_text(const config::IpAddress& ip, std::uint16_t port, bool with_port) {
  if (!with_port && port == 0) {
    return ip.str();
  }
  if (ip.is_v6()) {
    return fmt::format("[{}]:{}", ip.str(), port);
  }
  return fmt::format("{}:{}", ip.str(), port);
}

std::string duration_text(config::Micros d) {
  const auto us = d.count();
  if (us % 1'000'000 == 0) {
    return fmt::format("{} s", us / 1'000'000);
  }
  if (us >= 1'000'000) {
    return fmt::format("{:g} s", static_cast<double>(us) / 1e6);
  }
  if (us % 1000 == 0) {
    return fmt::format("{} ms", us / 1000);
  }
  return fmt::format("{:g} ms", static_cast<double>(us) / 1e3);
}

std::string errno_text(int err) {
  std::array<char, 256> buf{};
  // GNU strerror_r returns the text, which may or may not be in buf.
  return ::strerror_r(err, buf.data(), buf.size());
}

std::string apply_conn_opts(int fd, const Target& t, bool use_port) {
  if (!t.bind_if.empty()) {
    if (::setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, t.bind_if.c_str(),
                     static_cast<socklen_t>(t.bind_if.size())) != 0) {
      return fmt::format("bind_if {}: {}", t.bind_if, errno_text(errno));
    }
  }
  if (t.fwmark) {
    const auto mark = static_cast<unsigned>(*t.fwmark);
    if (::setsockopt(fd, SOL_SOCKET, SO_MARK, &mark, sizeof mark) != 0) {
      return fmt::format("fwmark {}: {}", *t.fwmark, errno_text(errno));
    }
  }
  const std::uint16_t port = use_port ? t.bind_port.value_or(0) : 0;
  if (!t.bindto && port == 0) {
    return {};
  }
  // A bind_port without bindto binds the wildcard address of the target's family.
  config::IpAddress src;
  if (t.bindto) {
    src = *t.bindto;
  } else {
    src.family = t.ip.family;
  }
  if (src.family != t.ip.family) {
    return fmt::format("bindto {} is not of the family of {}", src.str(), t.ip.str());
  }
  if (src.is_v6()) {
    sockaddr_in6 sa{};
    sa.sin6_family = AF_INET6;
    sa.sin6_port = htons(port);
    std::memcpy(&sa.sin6_addr, src.bytes.data(), 16);
    if (!t.bind_if.empty()) {
      // A link-local source needs its interface as the scope.
      sa.sin6_scope_id = ::if_nametoindex(t.bind_if.c_str());
    }
    if (::bind(fd, reinterpret_cast<const sockaddr*>(&sa), sizeof sa) != 0) {
      return fmt::format("bind to {}: {}", endpoint_text(src, port), errno_text(errno));
    }
  } else {
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_port = htons(port);
    std::memcpy(&sa.sin_addr, src.bytes.data(), 4);
    if (::bind(fd, reinterpret_cast<const sockaddr*>(&sa), sizeof sa) != 0) {
      return fmt::format("bind to {}: {}", endpoint_text(src, port), errno_text(errno));
    }
  }
  return {};
}

std::uint32_t random_u32() {
  static std::mt19937 gen{std::random_device{}()};
  return static_cast<std::uint32_t>(gen());
}

void ProbeRun::finish(bool ok, std::string detail) {
  if (finished_) {
    return;
  }
  finished_ = true;
  boost::system::error_code ec;
  timer_.cancel(ec);
  close_all();
  auto done = std::move(done_);
  done_ = nullptr;
  if (done) {
    ProbeResult r;
    r.ok = ok;
    r.detail = std::move(detail);
    // Last: `done` may destroy the probe that owns this run.
    done(std::move(r));
  }
}

void ProbeRun::finish_later(bool ok, std::string detail) {
  boost::asio::post(io_, [self = shared_from_this(), ok, detail = std::move(detail)]() mutable {
    self->finish(ok, std::move(detail));
  });
}

void ProbeRun::abandon() {
  if (finished_) {
    return;
  }
  finished_ = true;
  done_ = nullptr;
  boost::system::error_code ec;
  timer_.cancel(ec);
  close_all();
}

void ProbeRun::arm_deadline(config::Micros after, std::function<void()> on_expiry) {
  timer_.expires_after(after);
  timer_.async_wait(
      [self = shared_from_this(), f = std::move(on_expiry)](const boost::system::error_code& ec) {
        if (!ec && !self->finished()) {
          f();
        }
      });
}

}  // namespace vigil::hc::io
