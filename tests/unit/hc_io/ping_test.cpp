// SPDX-License-Identifier: GPL-2.0-or-later
// PING_CHECK on the loopback: 127.0.0.1 and ::1 answer; option failures are
// reported; cancel and descriptors.
#include <catch2/catch.hpp>

#include "hc_net_test_util.hpp"

using namespace std::chrono_literals;
using vigil::hc::CheckKind;
using vigil::test::ProbeFixture;

namespace {

vigil::hc::CheckDef ping_def(const char* addr, std::chrono::milliseconds t = 500ms) {
  return ProbeFixture::def(CheckKind::Ping, vigil::config::PingCheck{}, addr, 0, t);
}

}  // namespace

TEST_CASE("PING_CHECK gets an echo reply from 127.0.0.1", "[hc_io][ping]") {
  ProbeFixture f;
  auto probe = vigil::hc::io::make_ping_probe(f.env, ping_def("127.0.0.1"));
  for (int i = 0; i < 3; ++i) {
    const auto r = f.run(*probe);
    REQUIRE(r);
    CHECK(r->ok);
    CHECK(r->detail == "ping 127.0.0.1: echo reply");
  }
}

TEST_CASE("PING_CHECK gets an echo reply from ::1", "[hc_io][ping]") {
  ProbeFixture f;
  auto probe = vigil::hc::io::make_ping_probe(f.env, ping_def("::1"));
  const auto r = f.run(*probe);
  REQUIRE(r);
  CHECK(r->ok);
  CHECK(r->detail == "ping ::1: echo reply");
}

TEST_CASE("PING_CHECK applies bind_if and bindto", "[hc_io][ping]") {
  ProbeFixture f;
  auto def = ping_def("127.0.0.1");
  SECTION("bound to lo and 127.0.0.1") {
    def.target.bind_if = "lo";
    def.target.bindto = vigil::test::ip("127.0.0.1");
    const auto r = f.run(*vigil::hc::io::make_ping_probe(f.env, def));
    REQUIRE(r);
    CHECK(r->ok);
  }
  SECTION("an interface that does not exist") {
    def.target.bind_if = "nosuchif0";
    const auto r = f.run(*vigil::hc::io::make_ping_probe(f.env, def));
    REQUIRE(r);
    CHECK_FALSE(r->ok);
    CHECK(r->detail == "ping 127.0.0.1: bind_if nosuchif0: No such device");
  }
  SECTION("a source address the host does not have") {
    def.target.bindto = vigil::test::ip("198.18.0.77");
    const auto r = f.run(*vigil::hc::io::make_ping_probe(f.env, def));
    REQUIRE(r);
    CHECK_FALSE(r->ok);
    CHECK(r->detail == "ping 127.0.0.1: bind to 198.18.0.77:0: Cannot assign requested address");
  }
}

TEST_CASE("PING_CHECK cancel and descriptors", "[hc_io][ping]") {
  ProbeFixture f;
  auto probe = vigil::hc::io::make_ping_probe(f.env, ping_def("127.0.0.1"));
  REQUIRE(f.run(*probe));
  const auto before = vigil::test::open_fds();
  int calls = 0;
  for (int i = 0; i < 30; ++i) {
    const auto r = f.run(*probe);
    REQUIRE(r);
    CHECK(r->ok);
    probe->start([&](const vigil::hc::ProbeResult&) { ++calls; });
    probe->cancel();
  }
  vigil::test::run_for(f.io, 50ms);
  CHECK(calls == 0);
  CHECK(vigil::test::open_fds() == before);
}
