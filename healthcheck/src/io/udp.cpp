// SPDX-License-Identifier: GPL-2.0-or-later
// UDP_CHECK: send the payload (16 random bytes when none is configured) from a
// connected UDP socket, then, as keepalived does:
//  * with require_reply: the first datagram back within connect_timeout
//    decides (length bounds, require_reply hex pattern; udp.hpp); none fails;
//  * without: an ICMP error (port or host unreachable, seen as ECONNREFUSED /
//    EHOSTUNREACH on the connected socket) fails; a reply, or silence until
//    connect_timeout, passes.
#include "vigil/hc/udp.hpp"

#include <fmt/format.h>

#include <boost/asio/ip/udp.hpp>
#include <vector>

#include "vigil/hc/io/net.hpp"
#include "vigil/hc/io/probes.hpp"

namespace vigil::hc::io {

namespace {

using boost::asio::ip::udp;

constexpr std::size_t kRandomPayload = 16;

class UdpRun final : public ProbeRun {
 public:
  UdpRun(boost::asio::io_context& io, Target t, config::UdpCheck spec,
         std::function<void(ProbeResult)> done)
      : ProbeRun(io, std::move(done)), target_(std::move(t)), spec_(std::move(spec)), socket_(io) {}

  void start() {
    where_ = endpoint_text(target_.ip, target_.port);
    if (target_.port == 0) {
      finish_later(false, fmt::format("UDP {}: no port to send to", where_));
      return;
    }
    payload_ = spec_.payload;
    if (payload_.empty()) {
      for (std::size_t i = 0; i < kRandomPayload; ++i) {
        payload_.push_back(static_cast<std::uint8_t>(random_u32() & 0xff));
      }
    }
    const udp::endpoint ep(to_asio(target_.ip), target_.port);
    boost::system::error_code ec;
    socket_.open(ep.protocol(), ec);
    if (ec) {
      finish_later(false, fmt::format("UDP {}: socket: {}", where_, ec.message()));
      return;
    }
    if (auto err = apply_conn_opts(socket_.native_handle(), target_, true); !err.empty()) {
      finish_later(false, fmt::format("UDP {}: {}", where_, err));
      return;
    }
    socket_.connect(ep, ec);
    if (ec) {
      finish_later(false, fmt::format("UDP {}: connect: {}", where_, ec.message()));
      return;
    }
    arm_deadline(target_.connect_timeout, [this] {
      if (spec_.require_reply) {
        finish(false, fmt::format("UDP {}: no reply within {}", where_,
                                  duration_text(target_.connect_timeout)));
      } else {
        finish(true, fmt::format("UDP {}: no ICMP error within {}", where_,
                                 duration_text(target_.connect_timeout)));
      }
    });
    socket_.async_send(
        boost::asio::buffer(payload_),
        [self = shared_from_this(), this](const boost::system::error_code& e, std::size_t) {
          if (finished()) {
            return;
          }
          if (e) {
            finish(false, fmt::format("UDP {}: send: {}", where_, e.message()));
            return;
          }
          receive();
        });
  }

 private:
  void receive() {
    socket_.async_receive(
        boost::asio::buffer(buf_),
        [self = shared_from_this(), this](const boost::system::error_code& e, std::size_t n) {
          if (finished()) {
            return;
          }
          if (e) {
            finish(false, fmt::format("UDP {}: {}", where_, e.message()));
            return;
          }
          if (!spec_.require_reply) {
            finish(true, fmt::format("UDP {}: reply of {} bytes", where_, n));
            return;
          }
          const auto v = match_udp_reply(std::span(buf_.data(), n), spec_.require_reply_data,
                                         spec_.min_reply_length, spec_.max_reply_length);
          finish(v.ok, fmt::format("UDP {}: {}", where_, v.reason));
        });
  }

  void close_all() override {
    boost::system::error_code ec;
    socket_.close(ec);
  }

  Target target_;
  config::UdpCheck spec_;
  udp::socket socket_;
  std::string where_;
  std::vector<std::uint8_t> payload_;
  std::vector<std::uint8_t> buf_ = std::vector<std::uint8_t>(65536);
};

class UdpProbe final : public SocketProbe {
 public:
  UdpProbe(ProbeEnv& env, const CheckDef& def) : SocketProbe(env, def) {
    if (const auto* spec = std::get_if<config::UdpCheck>(&def.spec)) {
      spec_ = *spec;
    }
  }
  void start(std::function<void(ProbeResult)> done) override {
    launch<UdpRun>(std::move(done), target_, spec_);
  }

 private:
  config::UdpCheck spec_;
};

}  // namespace

std::unique_ptr<Probe> make_udp_probe(ProbeEnv& env, const CheckDef& def) {
  return std::make_unique<UdpProbe>(env, def);
}

}  // namespace vigil::hc::io
