// SPDX-License-Identifier: GPL-2.0-or-later
// TCP_CHECK against real sockets on 127.0.0.1: a listener, a closed port, the
// connection options, cancel, and no descriptor left behind.
#include <catch2/catch.hpp>

#include "hc_net_test_util.hpp"

using boost::asio::ip::tcp;
using namespace std::chrono_literals;
using vigil::hc::CheckKind;
using vigil::test::ProbeFixture;

namespace {

vigil::hc::CheckDef tcp_def(std::uint16_t port, std::chrono::milliseconds t = 500ms) {
  return ProbeFixture::def(CheckKind::Tcp, vigil::config::TcpCheck{}, "127.0.0.1", port, t);
}

}  // namespace

TEST_CASE("TCP_CHECK passes on a listening port", "[hc_io][tcp]") {
  ProbeFixture f;
  tcp::acceptor listener(f.io, tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0));
  const auto port = listener.local_endpoint().port();
  auto probe = vigil::hc::io::make_tcp_probe(f.env, tcp_def(port));
  const auto r = f.run(*probe);
  REQUIRE(r);
  CHECK(r->ok);
  CHECK(r->detail == "connected to 127.0.0.1:" + std::to_string(port));
}

TEST_CASE("TCP_CHECK passes on ::1", "[hc_io][tcp]") {
  ProbeFixture f;
  tcp::acceptor listener(f.io, tcp::endpoint(boost::asio::ip::make_address("::1"), 0));
  const auto port = listener.local_endpoint().port();
  auto probe = vigil::hc::io::make_tcp_probe(
      f.env, ProbeFixture::def(CheckKind::Tcp, vigil::config::TcpCheck{}, "::1", port, 500ms));
  const auto r = f.run(*probe);
  REQUIRE(r);
  CHECK(r->ok);
  CHECK(r->detail == "connected to [::1]:" + std::to_string(port));
}

TEST_CASE("TCP_CHECK fails on a closed port with the reason", "[hc_io][tcp]") {
  ProbeFixture f;
  const auto port = vigil::test::closed_tcp_port(f.io);
  auto probe = vigil::hc::io::make_tcp_probe(f.env, tcp_def(port));
  const auto r = f.run(*probe);
  REQUIRE(r);
  CHECK_FALSE(r->ok);
  CHECK(r->detail == "connect to 127.0.0.1:" + std::to_string(port) + ": Connection refused");
}

TEST_CASE("TCP_CHECK applies bindto, bind_port, bind_if and fwmark", "[hc_io][tcp]") {
  ProbeFixture f;
  tcp::acceptor listener(f.io, tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0));
  const auto port = listener.local_endpoint().port();
  const auto src_port = vigil::test::closed_tcp_port(f.io);
  auto def = tcp_def(port);
  def.target.bindto = vigil::test::ip("127.0.0.1");
  def.target.bind_port = src_port;
  def.target.bind_if = "lo";
  def.target.fwmark = 7;
  std::optional<tcp::endpoint> peer;
  tcp::socket accepted(f.io);
  listener.async_accept(accepted, [&](const boost::system::error_code& ec) {
    if (!ec) {
      peer = accepted.remote_endpoint();
    }
  });
  auto probe = vigil::hc::io::make_tcp_probe(f.env, def);
  const auto r = f.run(*probe);
  REQUIRE(r);
  CHECK(r->ok);
  REQUIRE(vigil::test::run_until(
      f.io, [&] { return peer.has_value(); }, 5s));
  CHECK(peer->port() == src_port);
}

TEST_CASE("TCP_CHECK reports connection option failures", "[hc_io][tcp]") {
  ProbeFixture f;
  const auto port = vigil::test::closed_tcp_port(f.io);
  auto def = tcp_def(port);
  SECTION("bindto an address the host does not have") {
    def.target.bindto = vigil::test::ip("198.18.0.77");
    const auto r = f.run(*vigil::hc::io::make_tcp_probe(f.env, def));
    REQUIRE(r);
    CHECK_FALSE(r->ok);
    CHECK(r->detail == "connect to 127.0.0.1:" + std::to_string(port) +
                           ": bind to 198.18.0.77:0: Cannot assign requested address");
  }
  SECTION("bind_if that does not exist") {
    def.target.bind_if = "nosuchif0";
    const auto r = f.run(*vigil::hc::io::make_tcp_probe(f.env, def));
    REQUIRE(r);
    CHECK_FALSE(r->ok);
    CHECK(r->detail.find("bind_if nosuchif0: No such device") != std::string::npos);
  }
  SECTION("no port") {
    const auto r = f.run(*vigil::hc::io::make_tcp_probe(f.env, tcp_def(0)));
    REQUIRE(r);
    CHECK_FALSE(r->ok);
    CHECK(r->detail == "connect to 127.0.0.1:0: no port to connect to");
  }
}

TEST_CASE("TCP_CHECK cancel drops the result, destroying a running probe is safe", "[hc_io][tcp]") {
  ProbeFixture f;
  tcp::acceptor listener(f.io, tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0));
  const auto port = listener.local_endpoint().port();
  int calls = 0;
  auto probe = vigil::hc::io::make_tcp_probe(f.env, tcp_def(port));
  probe->start([&](const vigil::hc::ProbeResult&) { ++calls; });
  probe->cancel();
  probe->cancel();  // a no-op
  vigil::test::run_for(f.io, 100ms);
  CHECK(calls == 0);
  probe->start([&](const vigil::hc::ProbeResult&) { ++calls; });
  probe.reset();
  vigil::test::run_for(f.io, 100ms);
  CHECK(calls == 0);
}

TEST_CASE("TCP_CHECK leaves no descriptor behind", "[hc_io][tcp]") {
  ProbeFixture f;
  tcp::acceptor listener(f.io, tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0));
  const auto open_port = listener.local_endpoint().port();
  const auto closed_port = vigil::test::closed_tcp_port(f.io);
  auto good = vigil::hc::io::make_tcp_probe(f.env, tcp_def(open_port));
  auto bad = vigil::hc::io::make_tcp_probe(f.env, tcp_def(closed_port));
  // One warm-up round, so that lazily created descriptors (the reactor's) exist.
  REQUIRE(f.run(*good));
  const auto before = vigil::test::open_fds();
  int passed = 0;
  int failed = 0;
  for (int i = 0; i < 50; ++i) {
    const auto a = f.run(*good);
    const auto b = f.run(*bad);
    REQUIRE(a);
    REQUIRE(b);
    passed += a->ok ? 1 : 0;
    failed += b->ok ? 0 : 1;
    good->start([](const vigil::hc::ProbeResult&) {});
    good->cancel();
  }
  // Drain the accept queue: the listener's side of each connection is its own descriptor.
  listener.non_blocking(true);
  for (;;) {
    boost::system::error_code ec;
    tcp::socket s(f.io);
    listener.accept(s, ec);
    if (ec) {
      break;
    }
  }
  vigil::test::run_for(f.io, 50ms);
  CHECK(passed == 50);
  CHECK(failed == 50);
  CHECK(vigil::test::open_fds() == before);
}
