// SPDX-License-Identifier: GPL-2.0-or-later
// TCP_CHECK: a non-blocking connect to the target within connect_timeout;
// established means up, and the connection is closed at once.
#include <fmt/format.h>

#include <boost/asio/ip/tcp.hpp>

#include "vigil/hc/io/net.hpp"
#include "vigil/hc/io/probes.hpp"

namespace vigil::hc::io {

namespace {

using boost::asio::ip::tcp;

class TcpRun final : public ProbeRun {
 public:
  TcpRun(boost::asio::io_context& io, Target t, std::function<void(ProbeResult)> done)
      : ProbeRun(io, std::move(done)), target_(std::move(t)), socket_(io) {}

  void start() {
    const std::string where = endpoint_text(target_.ip, target_.port);
    if (target_.port == 0) {
      finish_later(false, fmt::format("connect to {}: no port to connect to", where));
      return;
    }
    const tcp::endpoint ep(to_asio(target_.ip), target_.port);
    boost::system::error_code ec;
    socket_.open(ep.protocol(), ec);
    if (ec) {
      finish_later(false, fmt::format("connect to {}: socket: {}", where, ec.message()));
      return;
    }
    if (auto err = apply_conn_opts(socket_.native_handle(), target_, true); !err.empty()) {
      finish_later(false, fmt::format("connect to {}: {}", where, err));
      return;
    }
    arm_deadline(target_.connect_timeout, [this, where] {
      finish(false, fmt::format("connect to {}: no connection within {}", where,
                                duration_text(target_.connect_timeout)));
    });
    socket_.async_connect(
        ep, [self = shared_from_this(), this, where](const boost::system::error_code& e) {
          if (finished()) {
            return;
          }
          if (e) {
            finish(false, fmt::format("connect to {}: {}", where, e.message()));
          } else {
            finish(true, fmt::format("connected to {}", where));
          }
        });
  }

 private:
  void close_all() override {
    boost::system::error_code ec;
    socket_.close(ec);
  }

  Target target_;
  tcp::socket socket_;
};

class TcpProbe final : public SocketProbe {
 public:
  using SocketProbe::SocketProbe;
  void start(std::function<void(ProbeResult)> done) override {
    launch<TcpRun>(std::move(done), target_);
  }
};

}  // namespace

std::unique_ptr<Probe> make_tcp_probe(ProbeEnv& env, const CheckDef& def) {
  return std::make_unique<TcpProbe>(env, def);
}

}  // namespace vigil::hc::io
