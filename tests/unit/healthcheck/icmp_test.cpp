// SPDX-License-Identifier: GPL-2.0-or-later
// ICMP echo codec: checksum, request layout, reply parsing and matching.
#include "vigil/hc/icmp.hpp"

#include <catch2/catch.hpp>
#include <cstdint>
#include <vector>

using namespace vigil::hc;
using Bytes = std::vector<std::uint8_t>;

TEST_CASE("Internet checksum (RFC 1071 example)", "[icmp]") {
  // RFC 1071 §3: 0001 f203 f4f5 f6f7 sums to ddf2, checksum 220d.
  const Bytes b = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
  CHECK(inet_checksum(b) == 0x220d);
  CHECK(inet_checksum(Bytes{}) == 0xffff);
  CHECK(inet_checksum(Bytes{0x01}) == 0xfeff);
}

TEST_CASE("ICMP echo requests", "[icmp]") {
  const Bytes payload = {'v', 'i', 'g', 'i', 'l'};
  const Bytes v4 = build_icmp_echo(false, 0x1234, 7, payload);
  REQUIRE(v4.size() == 13);
  CHECK(v4[0] == 8);
  CHECK(v4[1] == 0);
  CHECK(v4[4] == 0x12);
  CHECK(v4[5] == 0x34);
  CHECK(v4[6] == 0);
  CHECK(v4[7] == 7);
  CHECK(inet_checksum(v4) == 0);  // a correct checksum sums to zero
  const Bytes v6 = build_icmp_echo(true, 0x1234, 7, payload);
  CHECK(v6[0] == 128);
  CHECK(v6[2] == 0);
  CHECK(v6[3] == 0);
}

namespace {

Bytes make_reply(bool v6, std::uint16_t id, std::uint16_t seq, const Bytes& payload) {
  Bytes m = build_icmp_echo(v6, id, seq, payload);
  m[0] = v6 ? kIcmp6EchoReply : kIcmpEchoReply;
  if (!v6) {
    m[2] = 0;
    m[3] = 0;
    const auto sum = inet_checksum(m);
    m[2] = static_cast<std::uint8_t>(sum >> 8);
    m[3] = static_cast<std::uint8_t>(sum & 0xff);
  }
  return m;
}

Bytes with_ipv4_header(const Bytes& icmp) {
  Bytes p = {0x45, 0, 0, 0, 0, 0, 0, 0, 64, 1, 0, 0, 127, 0, 0, 1, 127, 0, 0, 1};
  p.insert(p.end(), icmp.begin(), icmp.end());
  return p;
}

}  // namespace

TEST_CASE("ICMP echo replies are parsed and matched", "[icmp]") {
  const Bytes payload = {1, 2, 3, 4};
  for (const bool v6 : {false, true}) {
    const Bytes reply = make_reply(v6, 0x4242, 9, payload);
    auto m = parse_icmp(reply, v6, false);
    REQUIRE(m.ok());
    CHECK(is_echo_reply_to(m.value(), v6, 0x4242, 9, payload, true));
    CHECK_FALSE(is_echo_reply_to(m.value(), v6, 0x4243, 9, payload, true));
    CHECK(is_echo_reply_to(m.value(), v6, 0x4243, 9, payload, false));
    CHECK_FALSE(is_echo_reply_to(m.value(), v6, 0x4242, 10, payload, true));
    CHECK_FALSE(is_echo_reply_to(m.value(), v6, 0x4242, 9, Bytes{1, 2, 3}, true));
    // Our own request (looped back on a raw socket) is not a reply.
    const Bytes req = build_icmp_echo(v6, 0x4242, 9, payload);
    auto r = parse_icmp(req, v6, false);
    REQUIRE(r.ok());
    CHECK_FALSE(is_echo_reply_to(r.value(), v6, 0x4242, 9, payload, true));
  }
  auto m = parse_icmp(with_ipv4_header(make_reply(false, 1, 2, payload)), false, true);
  REQUIRE(m.ok());
  CHECK(m.value().id == 1);
  CHECK(m.value().seq == 2);
  CHECK(m.value().payload == payload);
}

TEST_CASE("Malformed ICMP is rejected with a reason", "[icmp]") {
  const Bytes good = make_reply(false, 1, 2, Bytes{9, 9});
  Bytes bad_sum = good;
  bad_sum[8] ^= 0xff;
  struct Row {
    Bytes bytes;
    bool ip_header;
    std::string reason_has;
  };
  const auto row = GENERATE_REF(values<Row>({
      {Bytes{0, 0, 0}, false, "shorter"},
      {Bytes{}, true, "empty"},
      {Bytes{0x65, 0, 0}, true, "IP version 6"},
      {Bytes{0x4f, 0, 0, 0}, true, "header length"},
      {Bytes{0x43, 0, 0, 0}, true, "header length"},
      {bad_sum, false, "checksum"},
  }));
  const auto m = parse_icmp(row.bytes, false, row.ip_header);
  REQUIRE_FALSE(m.ok());
  CHECK(m.error().find(row.reason_has) != std::string::npos);
}
