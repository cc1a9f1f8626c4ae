// SPDX-License-Identifier: GPL-2.0-or-later
// SMTP_CHECK against a scripted SMTP server that the test runs on 127.0.0.1 in
// the same loop: good dialogue, bad greeting, bad HELO reply, silence,
// garbage, early close, host blocks.
#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>
#include <catch2/catch.hpp>
#include <functional>
#include <memory>
#include <vector>

#include "hc_net_test_util.hpp"

using boost::asio::ip::tcp;
using namespace std::chrono_literals;
using vigil::hc::CheckKind;
using vigil::test::ProbeFixture;

namespace {

/// Accepts connections; sends `greeting` (nothing when empty), then answers each
/// line it reads with respond(line) (nothing when empty; closes when "CLOSE").
class SmtpServer {
 public:
  SmtpServer(boost::asio::io_context& io, std::string greeting,
             std::function<std::string(const std::string&)> respond)
      : acceptor_(io, tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0)),
        greeting_(std::move(greeting)),
        respond_(std::move(respond)) {
    accept();
  }
  [[nodiscard]] std::uint16_t port() const { return acceptor_.local_endpoint().port(); }
  /// Closes the server's side of every connection so far.
  void close_sessions() {
    for (auto& s : sessions_) {
      boost::system::error_code ec;
      s->socket.close(ec);
    }
    sessions_.clear();
  }
  std::vector<std::string> lines;  ///< every line received, without CR LF
  int connections = 0;

 private:
  struct Session {
    explicit Session(tcp::socket s) : socket(std::move(s)) {}
    tcp::socket socket;
    std::string in;
    std::string out;
  };

  void accept() {
    acceptor_.async_accept([this](const boost::system::error_code& ec, tcp::socket s) {
      if (ec) {
        return;
      }
      ++connections;
      auto session = std::make_shared<Session>(std::move(s));
      sessions_.push_back(session);
      send(session, greeting_);
      accept();
    });
  }

  void send(const std::shared_ptr<Session>& s, const std::string& text) {
    if (text == "CLOSE") {
      boost::system::error_code ec;
      s->socket.close(ec);
      return;
    }
    if (text.empty()) {
      read(s);
      return;
    }
    s->out = text;
    boost::asio::async_write(s->socket, boost::asio::buffer(s->out),
                             [this, s](const boost::system::error_code& ec, std::size_t) {
                               if (!ec) {
                                 read(s);
                               }
                             });
  }

  void read(const std::shared_ptr<Session>& s) {
    boost::asio::async_read_until(
        s->socket, boost::asio::dynamic_buffer(s->in), "\n",
        [this, s](const boost::system::error_code& ec, std::size_t n) {
          if (ec) {
            return;
          }
          std::string line = s->in.substr(0, n);
          s->in.erase(0, n);
          while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) {
            line.pop_back();
          }
          lines.push_back(line);
          send(s, respond_(line));
        });
  }

  tcp::acceptor acceptor_;
  std::string greeting_;
  std::function<std::string(const std::string&)> respond_;
  std::vector<std::shared_ptr<Session>> sessions_;
};

std::string polite(const std::string& line) {
  if (line.rfind("HELO ", 0) == 0) {
    return "250-mail.test greets you\r\n250 HELP\r\n";
  }
  if (line == "QUIT") {
    return "221 bye\r\n";
  }
  return "500 what\r\n";
}

vigil::hc::CheckDef smtp_def(std::uint16_t port, vigil::config::SmtpCheck spec = {},
                             std::chrono::milliseconds t = 500ms) {
  return ProbeFixture::def(CheckKind::Smtp, std::move(spec), "127.0.0.1", port, t);
}

std::string where(std::uint16_t port) {
  return "127.0.0.1:" + std::to_string(port);
}

}  // namespace

TEST_CASE("SMTP_CHECK passes a good dialogue (multi-line HELO reply)", "[hc_io][smtp]") {
  ProbeFixture f;
  SmtpServer server(f.io, "220-mail.test ESMTP\r\n220 ready\r\n", polite);
  auto probe = vigil::hc::io::make_smtp_probe(f.env, smtp_def(server.port()));
  const auto r = f.run(*probe);
  REQUIRE(r);
  CHECK(r->ok);
  CHECK(r->detail == "SMTP " + where(server.port()) + " answered HELO");
  // keepalived's default HELO name, then QUIT.
  CHECK(server.lines == std::vector<std::string>{"HELO smtpchecker.keepalived.org", "QUIT"});
}

TEST_CASE("SMTP_CHECK sends the configured helo_name", "[hc_io][smtp]") {
  ProbeFixture f;
  SmtpServer server(f.io, "220 ready\r\n", polite);
  vigil::config::SmtpCheck spec;
  spec.helo_name = "lb1.example.net";
  auto probe = vigil::hc::io::make_smtp_probe(f.env, smtp_def(server.port(), spec));
  const auto r = f.run(*probe);
  REQUIRE(r);
  CHECK(r->ok);
  REQUIRE_FALSE(server.lines.empty());
  CHECK(server.lines[0] == "HELO lb1.example.net");
}

TEST_CASE("SMTP_CHECK fails on a greeting other than 220", "[hc_io][smtp]") {
  ProbeFixture f;
  SmtpServer server(f.io, "554 no service here\r\n", polite);
  auto probe = vigil::hc::io::make_smtp_probe(f.env, smtp_def(server.port()));
  const auto r = f.run(*probe);
  REQUIRE(r);
  CHECK_FALSE(r->ok);
  CHECK(r->detail == "SMTP greeting 554 no service here from " + where(server.port()));
  CHECK(server.lines.empty());  // no HELO after a refusal
}

TEST_CASE("SMTP_CHECK fails when HELO is not answered with 250", "[hc_io][smtp]") {
  ProbeFixture f;
  SmtpServer server(f.io, "220 ready\r\n", [](const std::string& line) -> std::string {
    return line == "QUIT" ? "221 bye\r\n" : "501 bad HELO\r\n";
  });
  auto probe = vigil::hc::io::make_smtp_probe(f.env, smtp_def(server.port()));
  const auto r = f.run(*probe);
  REQUIRE(r);
  CHECK_FALSE(r->ok);
  CHECK(r->detail == "SMTP HELO reply 501 bad HELO from " + where(server.port()));
}

TEST_CASE("SMTP_CHECK fails after connect_timeout when the server never answers", "[hc_io][smtp]") {
  ProbeFixture f;
  SmtpServer server(f.io, "", [](const std::string&) { return std::string(); });
  auto probe = vigil::hc::io::make_smtp_probe(f.env, smtp_def(server.port(), {}, 300ms));
  const auto t0 = std::chrono::steady_clock::now();
  const auto r = f.run(*probe);
  const auto elapsed = std::chrono::steady_clock::now() - t0;
  REQUIRE(r);
  CHECK_FALSE(r->ok);
  CHECK(r->detail == "SMTP " + where(server.port()) + ": no SMTP greeting within 300 ms");
  CHECK(elapsed >= 290ms);
  CHECK(elapsed < 5s);
  CHECK(server.connections == 1);
}

TEST_CASE("SMTP_CHECK: connect_timeout bounds the whole dialogue", "[hc_io][smtp]") {
  ProbeFixture f;
  // Greets at once, then never answers HELO.
  SmtpServer server(f.io, "220 ready\r\n", [](const std::string&) { return std::string(); });
  auto probe = vigil::hc::io::make_smtp_probe(f.env, smtp_def(server.port(), {}, 300ms));
  const auto r = f.run(*probe);
  REQUIRE(r);
  CHECK_FALSE(r->ok);
  CHECK(r->detail == "SMTP " + where(server.port()) + ": no reply to HELO within 300 ms");
}

TEST_CASE("SMTP_CHECK fails cleanly on garbage", "[hc_io][smtp]") {
  ProbeFixture f;
  SECTION("an HTTP server") {
    SmtpServer server(f.io, "HTTP/1.0 400 Bad Request\r\n\r\n", polite);
    const auto r = f.run(*vigil::hc::io::make_smtp_probe(f.env, smtp_def(server.port())));
    REQUIRE(r);
    CHECK_FALSE(r->ok);
    CHECK(r->detail == "SMTP " + where(server.port()) +
                           ": bad reply to connect: not an SMTP reply line: 'HTTP/1.0 400 Bad "
                           "Request'");
  }
  SECTION("binary bytes") {
    SmtpServer server(f.io, std::string("\x00\xff\x10\x02\n", 5), polite);
    const auto r = f.run(*vigil::hc::io::make_smtp_probe(f.env, smtp_def(server.port())));
    REQUIRE(r);
    CHECK_FALSE(r->ok);
    CHECK(r->detail.find("not an SMTP reply line: '\\x00\\xff\\x10\\x02'") != std::string::npos);
  }
  SECTION("an endless line") {
    SmtpServer server(f.io, "220 " + std::string(5000, 'a'), polite);
    const auto r = f.run(*vigil::hc::io::make_smtp_probe(f.env, smtp_def(server.port())));
    REQUIRE(r);
    CHECK_FALSE(r->ok);
    CHECK(r->detail.find("reply line longer than 1024 bytes") != std::string::npos);
  }
}

TEST_CASE("SMTP_CHECK fails when the server closes mid-dialogue", "[hc_io][smtp]") {
  ProbeFixture f;
  SmtpServer server(f.io, "220 ready\r\n", [](const std::string&) { return std::string("CLOSE"); });
  const auto r = f.run(*vigil::hc::io::make_smtp_probe(f.env, smtp_def(server.port())));
  REQUIRE(r);
  CHECK_FALSE(r->ok);
  CHECK(r->detail ==
        "SMTP " + where(server.port()) + ": connection closed while waiting for the HELO reply");
}

TEST_CASE("SMTP_CHECK fails on a refused connection", "[hc_io][smtp]") {
  ProbeFixture f;
  const auto port = vigil::test::closed_tcp_port(f.io);
  const auto r = f.run(*vigil::hc::io::make_smtp_probe(f.env, smtp_def(port)));
  REQUIRE(r);
  CHECK_FALSE(r->ok);
  CHECK(r->detail == "connect to " + where(port) + ": Connection refused");
}

TEST_CASE("SMTP_CHECK checks its own target and then every host block", "[hc_io][smtp]") {
  ProbeFixture f;
  SmtpServer first(f.io, "220 one\r\n", polite);
  SmtpServer second(f.io, "220 two\r\n", polite);
  SmtpServer broken(f.io, "421 busy\r\n", polite);
  vigil::config::SmtpCheck spec;
  vigil::config::SmtpHost h;
  h.connect_port = second.port();
  spec.host.push_back(h);
  SECTION("all pass") {
    const auto r = f.run(*vigil::hc::io::make_smtp_probe(f.env, smtp_def(first.port(), spec)));
    REQUIRE(r);
    CHECK(r->ok);
    CHECK(r->detail == "SMTP dialogue passed on all 2 hosts");
    CHECK(first.connections == 1);
    CHECK(second.connections == 1);
  }
  SECTION("one host block fails") {
    vigil::config::SmtpHost bad;
    bad.connect_ip = vigil::test::ip("127.0.0.1");
    bad.connect_port = broken.port();
    spec.host.push_back(bad);
    const auto r = f.run(*vigil::hc::io::make_smtp_probe(f.env, smtp_def(first.port(), spec)));
    REQUIRE(r);
    CHECK_FALSE(r->ok);
    CHECK(r->detail == "SMTP greeting 421 busy from " + where(broken.port()));
  }
}

TEST_CASE("SMTP_CHECK cancel mid-dialogue and no descriptor left behind", "[hc_io][smtp]") {
  ProbeFixture f;
  SmtpServer good(f.io, "220 ready\r\n", polite);
  SmtpServer silent(f.io, "", [](const std::string&) { return std::string(); });
  auto ok_probe = vigil::hc::io::make_smtp_probe(f.env, smtp_def(good.port()));
  auto slow_probe = vigil::hc::io::make_smtp_probe(f.env, smtp_def(silent.port(), {}, 5s));
  REQUIRE(f.run(*ok_probe));
  good.close_sessions();
  vigil::test::run_for(f.io, 20ms);
  const auto before = vigil::test::open_fds();
  int calls = 0;
  for (int i = 0; i < 20; ++i) {
    const auto r = f.run(*ok_probe);
    REQUIRE(r);
    CHECK(r->ok);
    slow_probe->start([&](const vigil::hc::ProbeResult&) { ++calls; });
    vigil::test::run_until(
        f.io, [&] { return silent.connections == i + 1; }, 5s);
    slow_probe->cancel();
  }
  good.close_sessions();
  vigil::test::run_for(f.io, 50ms);
  CHECK(calls == 0);
  CHECK(silent.connections == 20);
  // The silent server still holds its 20 ends; the cancelled probes hold none.
  CHECK(vigil::test::open_fds() == before + 20);
  silent.close_sessions();
  vigil::test::run_for(f.io, 20ms);
  CHECK(vigil::test::open_fds() == before);
}
