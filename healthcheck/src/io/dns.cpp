// SPDX-License-Identifier: GPL-2.0-or-later
// DNS_CHECK: one UDP query (random id, RD set) for `name` of `type` to the
// target (port 53 when none is configured); keepalived's rule decides on the
// reply (dns.hpp): datagrams that are not our reply are skipped, our reply
// passes with NOERROR and fails with any other RCODE; nothing within
// connect_timeout fails. An ICMP error (port unreachable) fails at once.
#include "vigil/hc/dns.hpp"

#include <fmt/format.h>

#include <array>
#include <boost/asio/ip/udp.hpp>
#include <vector>

#include "vigil/hc/io/net.hpp"
#include "vigil/hc/io/probes.hpp"

namespace vigil::hc::io {

namespace {

using boost::asio::ip::udp;

constexpr std::uint16_t kDnsPort = 53;

class DnsRun final : public ProbeRun {
 public:
  DnsRun(boost::asio::io_context& io, Target t, config::DnsCheck spec,
         std::function<void(ProbeResult)> done)
      : ProbeRun(io, std::move(done)), target_(std::move(t)), spec_(std::move(spec)), socket_(io) {
    if (target_.port == 0) {
      target_.port = kDnsPort;
    }
  }

  void start() {
    where_ = endpoint_text(target_.ip, target_.port);
    const auto type = dns_type_code(spec_.type);
    if (!type) {
      finish_later(false, fmt::format("DNS {}: unknown query type '{}'", where_, spec_.type));
      return;
    }
    id_ = static_cast<std::uint16_t>(random_u32() & 0xffff);
    auto query = build_dns_query(id_, spec_.name, *type);
    if (!query) {
      finish_later(false, fmt::format("DNS {}: name '{}': {}", where_, spec_.name, query.error()));
      return;
    }
    query_ = std::move(query).value();
    const udp::endpoint ep(to_asio(target_.ip), target_.port);
    boost::system::error_code ec;
    socket_.open(ep.protocol(), ec);
    if (ec) {
      finish_later(false, fmt::format("DNS {}: socket: {}", where_, ec.message()));
      return;
    }
    if (auto err = apply_conn_opts(socket_.native_handle(), target_, true); !err.empty()) {
      finish_later(false, fmt::format("DNS {}: {}", where_, err));
      return;
    }
    // Connected, so that only the server's datagrams arrive and its ICMP errors
    // come back as ECONNREFUSED.
    socket_.connect(ep, ec);
    if (ec) {
      finish_later(false, fmt::format("DNS {}: connect: {}", where_, ec.message()));
      return;
    }
    arm_deadline(target_.connect_timeout, [this] {
      finish(false, fmt::format("DNS {}: no reply within {}{}", where_,
                                duration_text(target_.connect_timeout),
                                ignored_.empty() ? "" : " (ignored: " + ignored_ + ")"));
    });
    socket_.async_send(
        boost::asio::buffer(query_),
        [self = shared_from_this(), this](const boost::system::error_code& e, std::size_t) {
          if (finished()) {
            return;
          }
          if (e) {
            finish(false, fmt::format("DNS {}: send: {}", where_, e.message()));
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
            finish(false, fmt::format("DNS {}: {}", where_, e.message()));
            return;
          }
          const auto v = check_dns_reply(std::span(buf_.data(), n), id_);
          switch (v.kind) {
            case DnsReplyVerdict::Kind::Pass:
              finish(true, fmt::format("DNS {}: {}", where_, v.reason));
              return;
            case DnsReplyVerdict::Kind::Fail:
              finish(false, fmt::format("DNS {}: {}", where_, v.reason));
              return;
            case DnsReplyVerdict::Kind::Ignore:
              ignored_ = v.reason;
              receive();
              return;
          }
        });
  }

  void close_all() override {
    boost::system::error_code ec;
    socket_.close(ec);
  }

  Target target_;
  config::DnsCheck spec_;
  udp::socket socket_;
  std::string where_;
  std::uint16_t id_ = 0;
  std::vector<std::uint8_t> query_;
  std::array<std::uint8_t, 4096> buf_{};
  std::string ignored_;  ///< why the last datagram was skipped, for the timeout detail
};

class DnsProbe final : public SocketProbe {
 public:
  DnsProbe(ProbeEnv& env, const CheckDef& def) : SocketProbe(env, def) {
    if (const auto* spec = std::get_if<config::DnsCheck>(&def.spec)) {
      spec_ = *spec;
    }
  }
  void start(std::function<void(ProbeResult)> done) override {
    launch<DnsRun>(std::move(done), target_, spec_);
  }

 private:
  config::DnsCheck spec_;
};

}  // namespace

std::unique_ptr<Probe> make_dns_probe(ProbeEnv& env, const CheckDef& def) {
  return std::make_unique<DnsProbe>(env, def);
}

}  // namespace vigil::hc::io
