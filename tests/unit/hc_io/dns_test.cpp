// SPDX-License-Identifier: GPL-2.0-or-later
// DNS_CHECK against a UDP "DNS server" that the test runs on 127.0.0.1 in the
// same loop: NOERROR, NXDOMAIN, a wrong id, garbage, silence, no server.
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

/// A reply to `q`: same id and question, QR set, the given RCODE, `answers` in ANCOUNT.
Bytes answer(const Bytes& q, unsigned rcode, std::uint16_t answers = 1) {
  Bytes r = q;
  r[2] = 0x81;  // QR, RD
  r[3] = static_cast<std::uint8_t>(0x80 | rcode);
  r[6] = static_cast<std::uint8_t>(answers >> 8);
  r[7] = static_cast<std::uint8_t>(answers & 0xff);
  return r;
}

vigil::hc::CheckDef dns_def(std::uint16_t port, std::string type = "SOA", std::string name = ".",
                            std::chrono::milliseconds t = 300ms) {
  vigil::config::DnsCheck spec;
  spec.type = std::move(type);
  spec.name = std::move(name);
  return ProbeFixture::def(CheckKind::Dns, spec, "127.0.0.1", port, t);
}

std::string where(std::uint16_t port) {
  return "127.0.0.1:" + std::to_string(port);
}

}  // namespace

TEST_CASE("DNS_CHECK passes on NOERROR and sends the configured question", "[hc_io][dns]") {
  ProbeFixture f;
  vigil::test::UdpResponder server(f.io,
                                   [](const Bytes& q) { return std::vector<Bytes>{answer(q, 0)}; });
  const auto r =
      f.run(*vigil::hc::io::make_dns_probe(f.env, dns_def(server.port(), "A", "example.com")));
  REQUIRE(r);
  CHECK(r->ok);
  CHECK(r->detail == "DNS " + where(server.port()) + ": DNS reply NOERROR with 1 answer(s)");
  REQUIRE(server.received.size() == 1);
  const Bytes& q = server.received[0];
  const Bytes question = {7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0, 0, 1, 0, 1};
  REQUIRE(q.size() == 12 + question.size());
  CHECK(Bytes(q.begin() + 12, q.end()) == question);
  CHECK(q[2] == 0x01);  // RD, QR clear
}

TEST_CASE("DNS_CHECK passes on an empty NOERROR answer, as keepalived does", "[hc_io][dns]") {
  ProbeFixture f;
  vigil::test::UdpResponder server(
      f.io, [](const Bytes& q) { return std::vector<Bytes>{answer(q, 0, 0)}; });
  const auto r = f.run(*vigil::hc::io::make_dns_probe(f.env, dns_def(server.port())));
  REQUIRE(r);
  CHECK(r->ok);
}

TEST_CASE("DNS_CHECK fails on NXDOMAIN", "[hc_io][dns]") {
  ProbeFixture f;
  vigil::test::UdpResponder server(
      f.io, [](const Bytes& q) { return std::vector<Bytes>{answer(q, 3, 0)}; });
  const auto r = f.run(*vigil::hc::io::make_dns_probe(f.env, dns_def(server.port())));
  REQUIRE(r);
  CHECK_FALSE(r->ok);
  CHECK(r->detail == "DNS " + where(server.port()) + ": DNS reply NXDOMAIN (rcode 3)");
}

TEST_CASE("DNS_CHECK ignores replies that are not its own", "[hc_io][dns]") {
  ProbeFixture f;
  SECTION("a wrong id only: fails after connect_timeout") {
    vigil::test::UdpResponder server(f.io, [](const Bytes& q) {
      Bytes r = answer(q, 0);
      r[1] ^= 0x01;
      return std::vector<Bytes>{r};
    });
    const auto t0 = std::chrono::steady_clock::now();
    const auto r = f.run(*vigil::hc::io::make_dns_probe(f.env, dns_def(server.port())));
    REQUIRE(r);
    CHECK_FALSE(r->ok);
    CHECK(std::chrono::steady_clock::now() - t0 >= 290ms);
    CHECK(r->detail.rfind(
              "DNS " + where(server.port()) + ": no reply within 300 ms (ignored: reply id", 0) ==
          0);
  }
  SECTION("garbage, a query, a wrong id, then the real reply: passes") {
    vigil::test::UdpResponder server(f.io, [](const Bytes& q) {
      Bytes wrong = answer(q, 3);
      wrong[0] ^= 0x80;
      return std::vector<Bytes>{Bytes{1, 2, 3}, q, wrong, answer(q, 0)};
    });
    const auto r = f.run(*vigil::hc::io::make_dns_probe(f.env, dns_def(server.port())));
    REQUIRE(r);
    CHECK(r->ok);
  }
  SECTION("garbage only") {
    vigil::test::UdpResponder server(
        f.io, [](const Bytes&) { return std::vector<Bytes>{Bytes(5, 0xff)}; });
    const auto r = f.run(*vigil::hc::io::make_dns_probe(f.env, dns_def(server.port())));
    REQUIRE(r);
    CHECK_FALSE(r->ok);
    CHECK(r->detail.find("ignored: datagram of 5 bytes is shorter than a DNS header") !=
          std::string::npos);
  }
}

TEST_CASE("DNS_CHECK fails after connect_timeout on a silent server", "[hc_io][dns]") {
  ProbeFixture f;
  vigil::test::UdpResponder server(f.io, [](const Bytes&) { return std::vector<Bytes>{}; });
  const auto r = f.run(*vigil::hc::io::make_dns_probe(f.env, dns_def(server.port())));
  REQUIRE(r);
  CHECK_FALSE(r->ok);
  CHECK(r->detail == "DNS " + where(server.port()) + ": no reply within 300 ms");
}

TEST_CASE("DNS_CHECK fails at once when no server listens", "[hc_io][dns]") {
  ProbeFixture f;
  const auto port = vigil::test::closed_udp_port(f.io);
  const auto t0 = std::chrono::steady_clock::now();
  const auto r = f.run(*vigil::hc::io::make_dns_probe(f.env, dns_def(port, "SOA", ".", 5s)));
  REQUIRE(r);
  CHECK_FALSE(r->ok);
  CHECK(r->detail == "DNS " + where(port) + ": Connection refused");
  CHECK(std::chrono::steady_clock::now() - t0 < 4s);
}

TEST_CASE("DNS_CHECK reports names it cannot encode", "[hc_io][dns]") {
  ProbeFixture f;
  vigil::test::UdpResponder server(f.io,
                                   [](const Bytes& q) { return std::vector<Bytes>{answer(q, 0)}; });
  const auto r = f.run(*vigil::hc::io::make_dns_probe(f.env, dns_def(server.port(), "A", "a..b")));
  REQUIRE(r);
  CHECK_FALSE(r->ok);
  CHECK(r->detail == "DNS " + where(server.port()) + ": name 'a..b': empty label in DNS name");
  CHECK(server.received.empty());
}

TEST_CASE("DNS_CHECK leaves no descriptor behind", "[hc_io][dns]") {
  ProbeFixture f;
  vigil::test::UdpResponder good(f.io,
                                 [](const Bytes& q) { return std::vector<Bytes>{answer(q, 0)}; });
  vigil::test::UdpResponder silent(f.io, [](const Bytes&) { return std::vector<Bytes>{}; });
  auto ok_probe = vigil::hc::io::make_dns_probe(f.env, dns_def(good.port()));
  auto slow_probe = vigil::hc::io::make_dns_probe(f.env, dns_def(silent.port(), "SOA", ".", 5s));
  REQUIRE(f.run(*ok_probe));
  const auto before = vigil::test::open_fds();
  int calls = 0;
  for (int i = 0; i < 30; ++i) {
    const auto r = f.run(*ok_probe);
    REQUIRE(r);
    CHECK(r->ok);
    slow_probe->start([&](const vigil::hc::ProbeResult&) { ++calls; });
    vigil::test::run_until(
        f.io, [&] { return silent.received.size() == static_cast<std::size_t>(i) + 1; }, 5s);
    slow_probe->cancel();
  }
  vigil::test::run_for(f.io, 20ms);
  CHECK(calls == 0);
  CHECK(vigil::test::open_fds() == before);
}
