// SPDX-License-Identifier: GPL-2.0-or-later
// SMTP_CHECK: connect, read the 220 greeting, send "HELO <helo_name>", expect
// 250, send QUIT and wait for its reply (any code), as keepalived does.
//
// Differences from keepalived 2.2.7, on purpose:
//  * connect_timeout bounds each host's whole dialogue (keepalived restarts it
//    for every read and write, so a server that trickles bytes is never timed
//    out);
//  * multi-line replies ("250-...") are read to their final line (keepalived
//    looks at the first line only and so fails a "220-" greeting);
//  * host { } blocks: keepalived 2.2.x turns each into a checker of its own next
//    to the SMTP_CHECK's own address; here one run checks the SMTP_CHECK's own
//    target first and then every host block in turn (options a host block
//    leaves unset are the checker's), and passes only when all pass. Since a
//    real server is up only while all its checkers are, the outcome is the same.
// helo_name defaults to keepalived's own "smtpchecker.keepalived.org" (not the
// global smtp_helo_name, which is for alert mail).
#include "vigil/hc/smtp.hpp"

#include <fmt/format.h>

#include <array>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <vector>

#include "vigil/hc/io/net.hpp"
#include "vigil/hc/io/probes.hpp"

namespace vigil::hc::io {

namespace {

using boost::asio::ip::tcp;

constexpr const char* kDefaultHelo = "smtpchecker.keepalived.org";
constexpr std::uint16_t kSmtpPort = 25;

/// The SMTP_CHECK's own target, then each host block over it.
std::vector<Target> smtp_targets(const CheckDef& def, const config::SmtpCheck& spec) {
  std::vector<Target> out;
  out.push_back(def.target);
  for (const auto& h : spec.host) {
    Target t = def.target;
    if (h.connect_ip) {
      t.ip = *h.connect_ip;
    }
    if (h.connect_port) {
      t.port = *h.connect_port;
    }
    if (h.bindto) {
      t.bindto = h.bindto;
    }
    if (h.bind_port) {
      t.bind_port = h.bind_port;
    }
    if (!h.bind_if.empty()) {
      t.bind_if = h.bind_if;
    }
    if (h.connect_timeout) {
      t.connect_timeout = *h.connect_timeout;
    }
    if (h.fwmark) {
      t.fwmark = h.fwmark;
    }
    out.push_back(std::move(t));
  }
  for (auto& t : out) {
    if (t.port == 0) {
      t.port = kSmtpPort;
    }
  }
  return out;
}

class SmtpRun final : public ProbeRun {
 public:
  SmtpRun(boost::asio::io_context& io, std::vector<Target> targets, std::string helo,
          std::function<void(ProbeResult)> done)
      : ProbeRun(io, std::move(done)),
        targets_(std::move(targets)),
        helo_(std::move(helo)),
        socket_(io) {}

  void start() {
    in_start_ = true;
    next_host();
    in_start_ = false;
  }

 private:
  enum class Stage { Greeting, Helo, Quit };

  const Target& target() const { return targets_[index_]; }

  void next_host() {
    if (index_ >= targets_.size()) {
      finish(true, targets_.size() == 1
                       ? fmt::format("SMTP {} answered HELO", where_)
                       : fmt::format("SMTP dialogue passed on all {} hosts", targets_.size()));
      return;
    }
    where_ = endpoint_text(target().ip, target().port);
    reader_.reset();
    boost::system::error_code ec;
    socket_.close(ec);
    const tcp::endpoint ep(to_asio(target().ip), target().port);
    socket_.open(ep.protocol(), ec);
    if (ec) {
      fail_soon(fmt::format("connect to {}: socket: {}", where_, ec.message()));
      return;
    }
    if (auto err = apply_conn_opts(socket_.native_handle(), target(), true); !err.empty()) {
      fail_soon(fmt::format("connect to {}: {}", where_, err));
      return;
    }
    arm_deadline(target().connect_timeout, [this] {
      const char* what = !connected_                 ? "no connection"
                         : stage_ == Stage::Greeting ? "no SMTP greeting"
                         : stage_ == Stage::Helo     ? "no reply to HELO"
                                                     : "no reply to QUIT";
      finish(false, fmt::format("SMTP {}: {} within {}", where_, what,
                                duration_text(target().connect_timeout)));
    });
    connected_ = false;
    stage_ = Stage::Greeting;
    socket_.async_connect(ep,
                          [self = shared_from_this(), this](const boost::system::error_code& e) {
                            if (finished()) {
                              return;
                            }
                            if (e) {
                              finish(false, fmt::format("connect to {}: {}", where_, e.message()));
                              return;
                            }
                            connected_ = true;
                            read_reply();
                          });
  }

  // Failures known inside start() must not call done from it.
  void fail_soon(std::string detail) {
    if (in_start_) {
      finish_later(false, std::move(detail));
    } else {
      finish(false, std::move(detail));
    }
  }

  void read_reply() {
    // A reply may already sit in the reader (sent together with an earlier one).
    if (!handle_step(reader_.feed({}))) {
      read_reply_more();
    }
  }

  void read_reply_more() {
    socket_.async_read_some(boost::asio::buffer(buf_), [self = shared_from_this(), this](
                                                           const boost::system::error_code& e,
                                                           std::size_t n) {
      if (finished()) {
        return;
      }
      if (e) {
        const std::string why = e == boost::asio::error::eof ? "connection closed" : e.message();
        finish(false, fmt::format("SMTP {}: {} while waiting for {}", where_, why, stage_name()));
        return;
      }
      if (!handle_step(reader_.feed(std::string_view(buf_.data(), n)))) {
        read_reply_more();
      }
    });
  }

  const char* stage_name() const {
    switch (stage_) {
      case Stage::Greeting:
        return "the greeting";
      case Stage::Helo:
        return "the HELO reply";
      case Stage::Quit:
        return "the QUIT reply";
    }
    return "a reply";
  }

  /// Acts on a reader step; false when more bytes are needed.
  bool handle_step(const SmtpStep& step) {
    if (step.kind == SmtpStep::Kind::NeedMore) {
      return false;
    }
    if (step.kind == SmtpStep::Kind::Error) {
      if (stage_ == Stage::Quit) {
        // keepalived takes any line after QUIT as the end of the dialogue.
        host_passed();
        return true;
      }
      finish(false, fmt::format("SMTP {}: bad reply to {}: {}", where_,
                                stage_ == Stage::Greeting ? "connect" : "HELO", step.error));
      return true;
    }
    switch (stage_) {
      case Stage::Greeting:
        if (step.code != 220) {
          finish(false, fmt::format("SMTP greeting {} {} from {}", step.code,
                                    printable_excerpt(step.text), where_));
          return true;
        }
        stage_ = Stage::Helo;
        send(fmt::format("HELO {}\r\n", helo_));
        return true;
      case Stage::Helo:
        if (step.code != 250) {
          finish(false, fmt::format("SMTP HELO reply {} {} from {}", step.code,
                                    printable_excerpt(step.text), where_));
          return true;
        }
        stage_ = Stage::Quit;
        send("QUIT\r\n");
        return true;
      case Stage::Quit:
        host_passed();
        return true;
    }
    return true;
  }

  void send(std::string line) {
    out_ = std::move(line);
    boost::asio::async_write(
        socket_, boost::asio::buffer(out_),
        [self = shared_from_this(), this](const boost::system::error_code& e, std::size_t) {
          if (finished()) {
            return;
          }
          if (e) {
            finish(false, fmt::format("SMTP {}: sending {}: {}", where_,
                                      stage_ == Stage::Helo ? "HELO" : "QUIT", e.message()));
            return;
          }
          read_reply();
        });
  }

  void host_passed() {
    boost::system::error_code ec;
    socket_.close(ec);
    ++index_;
    next_host();
  }

  void close_all() override {
    boost::system::error_code ec;
    socket_.close(ec);
  }

  std::vector<Target> targets_;
  std::string helo_;
  tcp::socket socket_;
  std::size_t index_ = 0;
  std::string where_;
  SmtpReplyReader reader_;
  std::array<char, 512> buf_{};
  std::string out_;
  Stage stage_ = Stage::Greeting;
  bool connected_ = false;
  bool in_start_ = false;
};

class SmtpProbe final : public SocketProbe {
 public:
  SmtpProbe(ProbeEnv& env, const CheckDef& def) : SocketProbe(env, def) {
    if (const auto* spec = std::get_if<config::SmtpCheck>(&def.spec)) {
      targets_ = smtp_targets(def, *spec);
      helo_ = spec->helo_name.empty() ? kDefaultHelo : spec->helo_name;
    } else {
      config::SmtpCheck none;
      targets_ = smtp_targets(def, none);
      helo_ = kDefaultHelo;
    }
  }
  void start(std::function<void(ProbeResult)> done) override {
    launch<SmtpRun>(std::move(done), targets_, helo_);
  }

 private:
  std::vector<Target> targets_;
  std::string helo_;
};

}  // namespace

std::unique_ptr<Probe> make_smtp_probe(ProbeEnv& env, const CheckDef& def) {
  return std::make_unique<SmtpProbe>(env, def);
}

}  // namespace vigil::hc::io
