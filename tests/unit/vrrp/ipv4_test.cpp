// SPDX-License-Identifier: GPL-2.0-or-later
// IPv4 framing (header checks, AH) and IPv6 payload framing around decode().
#include "vigil/vrrp/ipv4.hpp"

#include <catch2/catch.hpp>

#include "vigil/vrrp/auth.hpp"

using namespace vigil::vrrp;  // NOLINT(google-build-using-namespace)
using vigil::config::IpAddress;

namespace {

IpAddress ip(const char* s) {
  return *IpAddress::parse(s);
}

Advert advert(std::uint8_t version) {
  Advert a;
  a.version = version;
  a.vrid = 7;
  a.priority = 100;
  a.adver_int_s = version == 2 ? 1 : 0;
  a.max_adver_int_cs = version == 3 ? 100 : 0;
  a.addresses = {ip("192.0.2.10")};
  return a;
}

std::vector<std::uint8_t> ipv4(const std::vector<std::uint8_t>& payload, std::uint8_t ttl = 255) {
  std::vector<std::uint8_t> p(20, 0);
  p[0] = 0x45;
  const std::size_t total = 20 + payload.size();
  p[2] = static_cast<std::uint8_t>(total >> 8U);
  p[3] = static_cast<std::uint8_t>(total & 0xffU);
  p[8] = ttl;
  p[9] = 112;
  const auto src = ip("192.0.2.1");
  const auto dst = ip("224.0.0.18");
  std::copy_n(src.bytes.begin(), 4, p.begin() + 12);
  std::copy_n(dst.bytes.begin(), 4, p.begin() + 16);
  p.insert(p.end(), payload.begin(), payload.end());
  return p;
}

}  // namespace

TEST_CASE("parse_ipv4 takes TTL, source and destination from the header", "[vrrp][ipv4]") {
  const auto payload = encode(advert(3), ip("192.0.2.1"), ip("224.0.0.18"));
  auto pkt = ipv4(payload, 254);
  pkt.push_back(0xee);  // bytes after total length are ignored
  const InboundResult r = parse_ipv4(pkt);
  REQUIRE(r.ok());
  CHECK(r.value().ttl == 254);
  CHECK(r.value().src == ip("192.0.2.1"));
  CHECK(r.value().dst == ip("224.0.0.18"));
  CHECK(r.value().advert.priority == 100);
  CHECK_FALSE(r.value().ah);
}

TEST_CASE("parse_ipv4 rejects malformed IPv4 headers", "[vrrp][ipv4]") {
  const auto good = ipv4(encode(advert(2), ip("192.0.2.1"), ip("224.0.0.18")));
  auto edit = [&](std::size_t at, std::uint8_t v) {
    auto p = good;
    p[at] = v;
    return p;
  };
  struct Row {
    const char* description;
    std::vector<std::uint8_t> bytes;
    DecodeErrc code;
  };
  const std::vector<Row> rows = {
      {"shorter than a header", std::vector<std::uint8_t>(good.begin(), good.begin() + 19),
       DecodeErrc::BadIpHeader},
      {"version 6", edit(0, 0x65), DecodeErrc::BadIpHeader},
      {"IHL 4", edit(0, 0x44), DecodeErrc::BadIpHeader},
      {"total length beyond the buffer", edit(3, 0xff), DecodeErrc::BadIpHeader},
      {"fragment", edit(6, 0x20), DecodeErrc::BadIpHeader},
      {"protocol 17", edit(9, 17), DecodeErrc::BadIpHeader},
      {"AH truncated", edit(9, 51), DecodeErrc::BadAh},
      {"VRRP checksum", edit(27, 0), DecodeErrc::BadChecksum},
  };
  for (const Row& r : rows) {
    INFO(r.description);
    const InboundResult res = parse_ipv4(r.bytes);
    REQUIRE_FALSE(res.ok());
    CHECK(res.error().code == r.code);
    CHECK_FALSE(errc_name(r.code).empty());
  }
}

TEST_CASE("parse_ipv4 reads the AH header and the VRRP packet behind it", "[vrrp][ipv4][ah]") {
  const HmacMd5 fake = [](std::span<const std::uint8_t>, std::span<const std::uint8_t>) {
    return std::array<std::uint8_t, 16>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
  };
  Advert a = advert(2);
  a.auth_type = AuthType::Ah;
  auto p = build_ipv4_ah(a, ip("192.0.2.1"), ip("224.0.0.18"), 5, 42, auth_key("x"), fake);
  const InboundResult r = parse_ipv4(p);
  REQUIRE(r.ok());
  REQUIRE(r.value().ah);
  CHECK(r.value().ah->seq == 42);
  CHECK(r.value().ah->spi == 0xc0000201U);
  CHECK(r.value().ah->icv[11] == 12);
  CHECK(r.value().ah->ip_packet == p);
  CHECK(r.value().advert.auth_type == AuthType::Ah);
  p[20] = 6;  // next header TCP
  CHECK(parse_ipv4(p).error().code == DecodeErrc::BadAh);
}

TEST_CASE("parse_ipv6 decodes the payload with cmsg data", "[vrrp][ipv6]") {
  Advert a = advert(3);
  a.addresses = {ip("fe80::10")};
  const auto src = ip("fe80::1");
  const auto dst = ip("ff02::12");
  const InboundResult r = parse_ipv6(encode(a, src, dst), src, dst, 255);
  REQUIRE(r.ok());
  CHECK(r.value().ttl == 255);
  CHECK(r.value().dst == dst);
  CHECK(r.value().advert.addresses == a.addresses);
  CHECK_FALSE(parse_ipv6({}, src, dst, 255).ok());
}

TEST_CASE("peek_vrid finds the VRID of a packet that fails to parse", "[vrrp][ipv4]") {
  auto payload = encode(advert(3), ip("192.0.2.1"), ip("224.0.0.18"));
  payload[6] ^= 0xffU;  // a bad checksum: parse_ipv4 fails
  const auto pkt = ipv4(payload);
  REQUIRE_FALSE(parse_ipv4(pkt).ok());
  CHECK(peek_vrid(pkt, vigil::config::Family::Inet) == std::optional<std::uint8_t>(7));
  CHECK(peek_vrid(payload, vigil::config::Family::Inet6) == std::optional<std::uint8_t>(7));
  // Framing too broken to tell.
  CHECK_FALSE(peek_vrid(std::vector<std::uint8_t>(pkt.begin(), pkt.begin() + 21),
                        vigil::config::Family::Inet));
  auto other = pkt;
  other[9] = 6;  // not VRRP
  CHECK_FALSE(peek_vrid(other, vigil::config::Family::Inet));
  CHECK_FALSE(peek_vrid(std::vector<std::uint8_t>{3}, vigil::config::Family::Inet6));
}
