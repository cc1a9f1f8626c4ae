// SPDX-License-Identifier: GPL-2.0-or-later
// UDP_CHECK against a UDP server that the test runs on 127.0.0.1 in the same
// loop: echo with matching and non-matching data, length bounds, silence, no
// server (ICMP port unreachable).
#include <boost/asio/ip/udp.hpp>
#include <catch2/catch.hpp>
#include <functional>
#include <vector>

#include "hc_net_test_util.hpp"

using boost::asio::ip::udp;
using namespace std::chrono_literals;
using vigil::hc::CheckKind;
using vigil::test::ProbeFixture;
using Bytes = std::vector<std::uint8_t>;

namespace {

std::vector<Bytes> echo(const Bytes& b) {
  return {b};
}
std::vector<Bytes> silence(const Bytes&) {
  return {};
}

vigil::hc::CheckDef udp_def(std::uint16_t port, vigil::config::UdpCheck spec,
                            std::chrono::milliseconds t = 300ms) {
  return ProbeFixture::def(CheckKind::Udp, std::move(spec), "127.0.0.1", port, t);
}

std::string where(std::uint16_t port) {
  return "127.0.0.1:" + std::to_string(port);
}

vigil::config::UdpCheck with_reply(Bytes payload, std::string pattern) {
  vigil::config::UdpCheck spec;
  spec.payload = std::move(payload);
  spec.require_reply = true;
  spec.require_reply_data = std::move(pattern);
  return spec;
}

}  // namespace

TEST_CASE("UDP_CHECK with require_reply passes on a matching echo", "[hc_io][udp]") {
  ProbeFixture f;
  vigil::test::UdpResponder server(f.io, echo);
  const auto r = f.run(*vigil::hc::io::make_udp_probe(
      f.env, udp_def(server.port(), with_reply({0xde, 0xad, 0xbe, 0xef}, "dexxbeef"))));
  REQUIRE(r);
  CHECK(r->ok);
  CHECK(r->detail == "UDP " + where(server.port()) + ": reply of 4 bytes matches");
  REQUIRE(server.received.size() == 1);
  CHECK(server.received[0] == Bytes{0xde, 0xad, 0xbe, 0xef});
}

TEST_CASE("UDP_CHECK with require_reply fails on other data", "[hc_io][udp]") {
  ProbeFixture f;
  vigil::test::UdpResponder server(f.io, echo);
  const auto r = f.run(*vigil::hc::io::make_udp_probe(
      f.env, udp_def(server.port(), with_reply({0xde, 0xad, 0xbe, 0xef}, "deadbeee"))));
  REQUIRE(r);
  CHECK_FALSE(r->ok);
  CHECK(r->detail == "UDP " + where(server.port()) + ": reply byte 3 is 0xef, expected ee");
}

TEST_CASE("UDP_CHECK with require_reply checks the reply length", "[hc_io][udp]") {
  ProbeFixture f;
  vigil::test::UdpResponder server(
      f.io, [](const Bytes&) { return std::vector<Bytes>{Bytes(300, 0x41)}; });
  auto spec = with_reply({1}, "");
  const auto r = f.run(*vigil::hc::io::make_udp_probe(f.env, udp_def(server.port(), spec)));
  REQUIRE(r);
  CHECK_FALSE(r->ok);
  CHECK(r->detail == "UDP " + where(server.port()) + ": reply of 300 bytes is outside 0..255");
}

TEST_CASE("UDP_CHECK with require_reply fails on silence", "[hc_io][udp]") {
  ProbeFixture f;
  vigil::test::UdpResponder server(f.io, silence);
  const auto r =
      f.run(*vigil::hc::io::make_udp_probe(f.env, udp_def(server.port(), with_reply({1}, ""))));
  REQUIRE(r);
  CHECK_FALSE(r->ok);
  CHECK(r->detail == "UDP " + where(server.port()) + ": no reply within 300 ms");
}

TEST_CASE("UDP_CHECK without require_reply passes on silence and on a reply", "[hc_io][udp]") {
  ProbeFixture f;
  vigil::config::UdpCheck spec;  // no payload: a random one
  SECTION("silence until connect_timeout") {
    vigil::test::UdpResponder server(f.io, silence);
    const auto t0 = std::chrono::steady_clock::now();
    const auto r = f.run(*vigil::hc::io::make_udp_probe(f.env, udp_def(server.port(), spec)));
    REQUIRE(r);
    CHECK(r->ok);
    CHECK(std::chrono::steady_clock::now() - t0 >= 290ms);
    CHECK(r->detail == "UDP " + where(server.port()) + ": no ICMP error within 300 ms");
    REQUIRE(server.received.size() == 1);
    CHECK(server.received[0].size() == 16);
  }
  SECTION("any reply") {
    vigil::test::UdpResponder server(f.io,
                                     [](const Bytes&) { return std::vector<Bytes>{Bytes{9}}; });
    const auto r = f.run(*vigil::hc::io::make_udp_probe(f.env, udp_def(server.port(), spec)));
    REQUIRE(r);
    CHECK(r->ok);
    CHECK(r->detail == "UDP " + where(server.port()) + ": reply of 1 bytes");
  }
}

TEST_CASE("UDP_CHECK fails when no server listens (port unreachable)", "[hc_io][udp]") {
  ProbeFixture f;
  const auto port = vigil::test::closed_udp_port(f.io);
  for (const bool require : {false, true}) {
    vigil::config::UdpCheck spec;
    spec.require_reply = require;
    const auto r = f.run(*vigil::hc::io::make_udp_probe(f.env, udp_def(port, spec, 5s)), 4s);
    REQUIRE(r);
    CHECK_FALSE(r->ok);
    CHECK(r->detail == "UDP " + where(port) + ": Connection refused");
  }
}

TEST_CASE("UDP_CHECK random payloads differ between runs", "[hc_io][udp]") {
  ProbeFixture f;
  vigil::test::UdpResponder server(f.io, echo);
  vigil::config::UdpCheck spec;
  auto probe = vigil::hc::io::make_udp_probe(f.env, udp_def(server.port(), spec));
  REQUIRE(f.run(*probe));
  REQUIRE(f.run(*probe));
  REQUIRE(server.received.size() == 2);
  CHECK(server.received[0] != server.received[1]);
}

TEST_CASE("UDP_CHECK leaves no descriptor behind", "[hc_io][udp]") {
  ProbeFixture f;
  vigil::test::UdpResponder good(f.io, echo);
  vigil::test::UdpResponder silent(f.io, silence);
  const auto closed = vigil::test::closed_udp_port(f.io);
  auto ok_probe = vigil::hc::io::make_udp_probe(f.env, udp_def(good.port(), with_reply({1}, "01")));
  auto bad_probe = vigil::hc::io::make_udp_probe(f.env, udp_def(closed, with_reply({1}, "")));
  auto slow_probe =
      vigil::hc::io::make_udp_probe(f.env, udp_def(silent.port(), with_reply({1}, ""), 5s));
  REQUIRE(f.run(*ok_probe));
  const auto before = vigil::test::open_fds();
  int calls = 0;
  for (int i = 0; i < 30; ++i) {
    const auto a = f.run(*ok_probe);
    const auto b = f.run(*bad_probe);
    REQUIRE(a);
    REQUIRE(b);
    CHECK(a->ok);
    CHECK_FALSE(b->ok);
    slow_probe->start([&](const vigil::hc::ProbeResult&) { ++calls; });
    vigil::test::run_until(
        f.io, [&] { return silent.received.size() == static_cast<std::size_t>(i) + 1; }, 5s);
    slow_probe->cancel();
  }
  vigil::test::run_for(f.io, 20ms);
  CHECK(calls == 0);
  CHECK(vigil::test::open_fds() == before);
}
