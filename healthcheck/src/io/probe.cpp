// SPDX-License-Identifier: GPL-2.0-or-later
// make_probe(): the probe of each checker kind. Kept in a file of its own so
// that a program using only the Engine (with its own factory) does not pull in
// every probe.
#include "vigil/hc/io/probe.hpp"

#include <boost/asio/post.hpp>
#include <utility>

#include "vigil/hc/io/probes.hpp"

namespace vigil::hc::io {

namespace {

/// BFD_CHECK: vigil has no BFD, so the check always fails, saying why.
class BfdProbe final : public Probe {
 public:
  explicit BfdProbe(boost::asio::io_context& io) : io_(io) {}
  void start(std::function<void(ProbeResult)> done) override {
    // Never from inside start(): post, and let cancel() disown the call.
    boost::asio::post(io_, [done = std::move(done), life = std::weak_ptr<char>(life_)] {
      if (!life.expired()) {
        done(ProbeResult{false, std::nullopt, "BFD_CHECK is not supported"});
      }
    });
  }
  void cancel() override { life_ = std::make_shared<char>(0); }

 private:
  boost::asio::io_context& io_;
  std::shared_ptr<char> life_ = std::make_shared<char>(0);
};

}  // namespace

std::unique_ptr<Probe> make_probe(ProbeEnv& env, const CheckDef& def) {
  switch (def.kind) {
    case CheckKind::Tcp:
      return make_tcp_probe(env, def);
    case CheckKind::Http:
    case CheckKind::Ssl:
      return make_http_probe(env, def);
    case CheckKind::Misc:
      return make_misc_probe(env, def);
    case CheckKind::Smtp:
      return make_smtp_probe(env, def);
    case CheckKind::Dns:
      return make_dns_probe(env, def);
    case CheckKind::Udp:
      return make_udp_probe(env, def);
    case CheckKind::Ping:
      return make_ping_probe(env, def);
    case CheckKind::File:
      return make_file_probe(env, def);
    case CheckKind::Bfd:
      return std::make_unique<BfdProbe>(env.io);
  }
  return std::make_unique<BfdProbe>(env.io);
}

}  // namespace vigil::hc::io
