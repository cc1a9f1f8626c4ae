// SPDX-License-Identifier: GPL-2.0-or-later
// Helpers for the socket probe tests: a ProbeEnv on a fresh loop, CheckDefs
// for a loopback target, running one probe with a bounded poll, and counting
// this process's open descriptors.
#pragma once

#include <array>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "loop.hpp"
#include "vigil/hc/io/probe.hpp"
#include "vigil/hc/io/probes.hpp"
#include "vigil/vrrp/io/process.hpp"

namespace vigil::test {

inline config::IpAddress ip(const char* text) {
  return *config::IpAddress::parse(text);
}

/// A loopback port that nothing listens on (bound, read, released).
inline std::uint16_t closed_tcp_port(boost::asio::io_context& io) {
  boost::asio::ip::tcp::acceptor a(
      io, boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0));
  return a.local_endpoint().port();
}

inline std::uint16_t closed_udp_port(boost::asio::io_context& io) {
  boost::asio::ip::udp::socket s(
      io, boost::asio::ip::udp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0));
  return s.local_endpoint().port();
}

struct ProbeFixture {
  boost::asio::io_context io;
  vrrp::io::ProcessRunner processes{io};
  hc::io::ProbeEnv env{io, nullptr, processes, nullptr};

  static hc::CheckDef def(hc::CheckKind kind, config::CheckerSpec spec, const char* addr,
                          std::uint16_t port, std::chrono::milliseconds timeout) {
    hc::CheckDef d;
    d.kind = kind;
    d.spec = std::move(spec);
    d.target.ip = ip(addr);
    d.target.port = port;
    d.target.connect_timeout = timeout;
    return d;
  }

  /// Starts `p` and polls until it reports (at most `limit`).
  std::optional<hc::ProbeResult> run(hc::io::Probe& p,
                                     std::chrono::milliseconds limit = std::chrono::seconds(10)) {
    std::optional<hc::ProbeResult> out;
    int calls = 0;
    p.start([&](hc::ProbeResult r) {
      ++calls;
      out = std::move(r);
    });
    // done is never called from inside start().
    if (calls != 0) {
      hc::ProbeResult bad;
      bad.detail = "done called from inside start()";
      return bad;
    }
    if (!run_until(
            io, [&] { return calls > 0; }, limit)) {
      p.cancel();  // the callback refers to this frame
    }
    return out;
  }
};

/// A UDP server on 127.0.0.1 that records each datagram and answers it with
/// every datagram reply(datagram) returns (none: silence).
class UdpResponder {
 public:
  using Bytes = std::vector<std::uint8_t>;
  UdpResponder(boost::asio::io_context& io, std::function<std::vector<Bytes>(const Bytes&)> reply)
      : socket_(io, boost::asio::ip::udp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0)),
        reply_(std::move(reply)) {
    receive();
  }
  [[nodiscard]] std::uint16_t port() const { return socket_.local_endpoint().port(); }
  std::vector<Bytes> received;

 private:
  void receive() {
    socket_.async_receive_from(boost::asio::buffer(buf_), peer_,
                               [this](const boost::system::error_code& ec, std::size_t n) {
                                 if (ec) {
                                   return;
                                 }
                                 received.emplace_back(buf_.begin(), buf_.begin() + n);
                                 for (const auto& d : reply_(received.back())) {
                                   boost::system::error_code e;
                                   socket_.send_to(boost::asio::buffer(d), peer_, 0, e);
                                 }
                                 receive();
                               });
  }

  boost::asio::ip::udp::socket socket_;
  boost::asio::ip::udp::endpoint peer_;
  std::array<std::uint8_t, 1500> buf_{};
  std::function<std::vector<Bytes>(const Bytes&)> reply_;
};

}  // namespace vigil::test
