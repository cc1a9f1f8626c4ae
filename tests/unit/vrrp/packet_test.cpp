// SPDX-License-Identifier: GPL-2.0-or-later
// The VRRP codec against hand-built packets. The expected checksums were
// computed independently of this code with python3 (RFC 1071 sum, RFC 5798
// §5.2.8 pseudo-header), e.g. for the v3 IPv4 packet below:
//   import ipaddress, struct
//   def csum(b):
//       s = sum(struct.unpack('!%dH' % (len(b) // 2), b))
//       while s >> 16: s = (s & 0xffff) + (s >> 16)
//       return ~s & 0xffff
//   a = lambda s: ipaddress.ip_address(s).packed
//   body = bytes([0x31, 51, 150, 2, 0, 100, 0, 0]) + a('10.0.0.100') + a('10.0.0.101')
//   ph = a('10.0.0.1') + a('224.0.0.18') + bytes([0, 112]) + struct.pack('!H', len(body))
//   hex(csum(ph + body))  # 0x3909; hex(csum(body)) == 0x239d (v3_checksum_as_v2)
// IPv6: ph = src + dst + struct.pack('!I', len(body)) + bytes([0, 0, 0, 112]).
// v2: csum(body) with no pseudo-header.
#include "vigil/vrrp/packet.hpp"

#include <catch2/catch.hpp>
#include <cstdint>
#include <string>
#include <vector>

using vigil::config::IpAddress;
using vigil::vrrp::Advert;
using vigil::vrrp::AuthType;
using vigil::vrrp::decode;
using vigil::vrrp::DecodeErrc;
using vigil::vrrp::DecodeOptions;
using vigil::vrrp::encode;
using vigil::vrrp::EncodeOptions;
using Bytes = std::vector<std::uint8_t>;

namespace {

IpAddress ip(const char* s) {
  auto a = IpAddress::parse(s);
  REQUIRE(a.has_value());
  return *a;
}

// keepalived-style v2: vrid 51, priority 100, auth_pass 1111, advert_int 1,
// 192.168.200.16, from 192.168.1.10 to 224.0.0.18.
const Bytes v2_packet = {0x21, 51, 100, 1,   1,   1,   0x8e, 0xae, 192, 168,
                         200,  16, '1', '1', '1', '1', 0,    0,    0,   0};
// v3 IPv4: vrid 51, priority 150, advert_int 1s (100 cs), 10.0.0.100 and .101,
// from 10.0.0.1 to 224.0.0.18.
const Bytes v3v4_packet = {0x31, 51, 150, 2, 0, 100, 0x39, 0x09, 10, 0, 0, 100, 10, 0, 0, 101};
// v3 IPv6: vrid 7, priority 200, 100 cs, fe80::100 and 2001:db8::100, from fe80::a to ff02::12.
const Bytes v3v6_packet = {0x31, 7,    200,  2,    0, 100, 0xda, 0x1f,                          //
                           0xfe, 0x80, 0,    0,    0, 0,   0,    0,    0, 0, 0, 0, 0, 0, 1, 0,  //
                           0x20, 0x01, 0x0d, 0xb8, 0, 0,   0,    0,    0, 0, 0, 0, 0, 0, 1, 0};

Advert v2_advert() {
  Advert a;
  a.version = 2;
  a.vrid = 51;
  a.priority = 100;
  a.addr_count = 1;
  a.auth_type = AuthType::Pass;
  a.auth_data = {'1', '1', '1', '1', 0, 0, 0, 0};
  a.adver_int_s = 1;
  a.checksum = 0x8eae;
  a.addresses = {ip("192.168.200.16")};
  return a;
}

Advert v3v4_advert() {
  Advert a;
  a.version = 3;
  a.vrid = 51;
  a.priority = 150;
  a.addr_count = 2;
  a.max_adver_int_cs = 100;
  a.checksum = 0x3909;
  a.addresses = {ip("10.0.0.100"), ip("10.0.0.101")};
  return a;
}

Advert v3v6_advert() {
  Advert a;
  a.version = 3;
  a.vrid = 7;
  a.priority = 200;
  a.addr_count = 2;
  a.max_adver_int_cs = 100;
  a.checksum = 0xda1f;
  a.addresses = {ip("fe80::100"), ip("2001:db8::100")};
  return a;
}

/// Recomputes a packet's checksum with the library (after a test edits a byte).
void refresh_checksum(Bytes& b, const IpAddress& src, const IpAddress& dst) {
  b[6] = 0;
  b[7] = 0;
  std::uint32_t initial = 0;
  if ((b[0] >> 4U) == 3) {
    // Reuse encode's pseudo-header by summing through a one-off 0-checksum packet is not
    // possible generically, so add the pseudo-header here (IPv4 and IPv6 forms sum alike).
    const std::size_t alen = src.is_v6() ? 16 : 4;
    for (std::size_t i = 0; i < alen; i += 2) {
      initial += static_cast<std::uint32_t>(src.bytes[i] << 8U | src.bytes[i + 1]);
      initial += static_cast<std::uint32_t>(dst.bytes[i] << 8U | dst.bytes[i + 1]);
    }
    initial += static_cast<std::uint32_t>(b.size()) + 112U;
  }
  const std::uint16_t sum = vigil::vrrp::internet_checksum(b, initial);
  b[6] = static_cast<std::uint8_t>(sum >> 8U);
  b[7] = static_cast<std::uint8_t>(sum & 0xffU);
}

}  // namespace

TEST_CASE("vrrp: decodes hand-built v2, v3/IPv4 and v3/IPv6 adverts", "[vrrp][packet]") {
  SECTION("v2") {
    const auto r = decode(v2_packet, ip("192.168.1.10"), ip("224.0.0.18"));
    REQUIRE(r.ok());
    CHECK(r.value() == v2_advert());
  }
  SECTION("v3 IPv4") {
    const auto r = decode(v3v4_packet, ip("10.0.0.1"), ip("224.0.0.18"));
    REQUIRE(r.ok());
    CHECK(r.value() == v3v4_advert());
  }
  SECTION("v3 IPv6") {
    const auto r = decode(v3v6_packet, ip("fe80::a"), ip("ff02::12"));
    REQUIRE(r.ok());
    CHECK(r.value() == v3v6_advert());
  }
}

TEST_CASE("vrrp: encodes the hand-built packets byte for byte", "[vrrp][packet]") {
  CHECK(encode(v2_advert(), ip("192.168.1.10"), ip("224.0.0.18")) == v2_packet);
  CHECK(encode(v3v4_advert(), ip("10.0.0.1"), ip("224.0.0.18")) == v3v4_packet);
  CHECK(encode(v3v6_advert(), ip("fe80::a"), ip("ff02::12")) == v3v6_packet);
  // addr_count and checksum are derived, not copied.
  Advert a = v3v4_advert();
  a.addr_count = 9;
  a.checksum = 0x1234;
  CHECK(encode(a, ip("10.0.0.1"), ip("224.0.0.18")) == v3v4_packet);
}

TEST_CASE("vrrp: v3_checksum_as_v2 leaves out the IPv4 pseudo-header", "[vrrp][packet]") {
  const auto src = ip("10.0.0.1");
  const auto dst = ip("224.0.0.18");
  const Bytes b = encode(v3v4_advert(), src, dst, EncodeOptions{.v3_checksum_as_v2 = true});
  REQUIRE(b.size() == v3v4_packet.size());
  CHECK(b[6] == 0x23);
  CHECK(b[7] == 0x9d);
  // An RFC receiver rejects it; one with the option accepts both forms.
  const auto strict = decode(b, src, dst);
  REQUIRE_FALSE(strict.ok());
  CHECK(strict.error().code == DecodeErrc::BadChecksum);
  CHECK(decode(b, src, dst, DecodeOptions{.v3_checksum_as_v2 = true}).ok());
  CHECK(decode(v3v4_packet, src, dst, DecodeOptions{.v3_checksum_as_v2 = true}).ok());
  // IPv6 always uses the pseudo-header.
  CHECK(encode(v3v6_advert(), ip("fe80::a"), ip("ff02::12"),
               EncodeOptions{.v3_checksum_as_v2 = true}) == v3v6_packet);
}

TEST_CASE("vrrp: encode then decode is the identity", "[vrrp][packet]") {
  struct Case {
    Advert advert;
    const char* src;
    const char* dst;
  };
  Advert zero_addrs = v3v4_advert();
  zero_addrs.addresses.clear();
  zero_addrs.addr_count = 0;
  Advert max_int = v3v6_advert();
  max_int.max_adver_int_cs = 4095;
  max_int.priority = 255;
  Advert leaving = v2_advert();
  leaving.priority = 0;
  leaving.auth_type = AuthType::None;
  leaving.auth_data = {};
  leaving.adver_int_s = 255;
  Advert many = v3v4_advert();
  many.addresses.clear();
  for (int i = 0; i < 255; ++i) {
    IpAddress a = ip("198.18.0.0");
    a.bytes[3] = static_cast<std::uint8_t>(i);
    many.addresses.push_back(a);
  }
  const Case c = GENERATE_COPY(values<Case>({
      {v2_advert(), "192.168.1.10", "224.0.0.18"},
      {v3v4_advert(), "10.0.0.1", "10.0.0.2"},
      {v3v6_advert(), "fe80::a", "ff02::12"},
      {zero_addrs, "10.0.0.1", "224.0.0.18"},
      {max_int, "fe80::1", "fe80::2"},
      {leaving, "192.168.1.10", "224.0.0.18"},
      {many, "10.0.0.1", "224.0.0.18"},
  }));
  const Bytes b = encode(c.advert, ip(c.src), ip(c.dst));
  REQUIRE_FALSE(b.empty());
  const auto r = decode(b, ip(c.src), ip(c.dst));
  REQUIRE(r.ok());
  Advert want = c.advert;
  want.addr_count = static_cast<std::uint8_t>(want.addresses.size());
  want.checksum = static_cast<std::uint16_t>(b[6] << 8U | b[7]);
  CHECK(r.value() == want);
  CHECK(encode(r.value(), ip(c.src), ip(c.dst)) == b);
}

TEST_CASE("vrrp: encode refuses what cannot go on the wire", "[vrrp][packet]") {
  const auto v4 = ip("10.0.0.1");
  const auto v6 = ip("fe80::1");
  Advert a = v3v4_advert();
  a.version = 4;
  CHECK(encode(a, v4, v4).empty());
  CHECK(encode(v3v4_advert(), v4, v6).empty());
  CHECK(encode(v3v4_advert(), IpAddress{}, IpAddress{}).empty());
  CHECK(encode(v2_advert(), v6, v6).empty());
  CHECK(encode(v3v4_advert(), v6, v6).empty());  // IPv4 addresses in an IPv6 advert
  a = v3v4_advert();
  a.max_adver_int_cs = 4096;
  CHECK(encode(a, v4, v4).empty());
  a = v3v4_advert();
  a.addresses.resize(256, ip("10.0.0.9"));
  CHECK(encode(a, v4, v4).empty());
}

TEST_CASE("vrrp: every decode error", "[vrrp][packet]") {
  const auto v4src = ip("192.168.1.10");
  const auto v4dst = ip("224.0.0.18");
  const auto v3src = ip("10.0.0.1");
  const auto v6src = ip("fe80::a");
  const auto v6dst = ip("ff02::12");
  struct Case {
    const char* name;
    Bytes bytes;
    IpAddress src;
    IpAddress dst;
    DecodeErrc want;
  };
  auto edit = [](Bytes b, std::size_t i, std::uint8_t v) {
    b[i] = v;
    return b;
  };
  auto fixed = [&](Bytes b, const IpAddress& s, const IpAddress& d) {
    refresh_checksum(b, s, d);
    return b;
  };
  Bytes v2_short_auth(v2_packet.begin(), v2_packet.end() - 1);
  Bytes v2_long = v2_packet;
  v2_long.push_back(0);
  Bytes v3_auth = v3v4_packet;
  v3_auth.insert(v3_auth.end(), 8, 0);
  Bytes v3_trunc(v3v6_packet.begin(), v3v6_packet.end() - 16);
  const std::vector<Case> cases = {
      {"empty", {}, v4src, v4dst, DecodeErrc::TooShort},
      {"7 bytes", Bytes(v2_packet.begin(), v2_packet.begin() + 7), v4src, v4dst,
       DecodeErrc::TooShort},
      {"version 1", edit(v2_packet, 0, 0x11), v4src, v4dst, DecodeErrc::BadVersion},
      {"version 0", edit(v2_packet, 0, 0x01), v4src, v4dst, DecodeErrc::BadVersion},
      {"version 15", edit(v3v4_packet, 0, 0xf1), v3src, v4dst, DecodeErrc::BadVersion},
      {"type 0", edit(v2_packet, 0, 0x20), v4src, v4dst, DecodeErrc::BadType},
      {"type 2", edit(v3v4_packet, 0, 0x32), v3src, v4dst, DecodeErrc::BadType},
      {"mixed families", v3v4_packet, v3src, v6dst, DecodeErrc::BadFamily},
      {"no family", v3v4_packet, IpAddress{}, IpAddress{}, DecodeErrc::BadFamily},
      {"v2 over IPv6", edit(v3v6_packet, 0, 0x21), v6src, v6dst, DecodeErrc::V2OverIpv6},
      {"v3 with auth trailer", v3_auth, v3src, v4dst, DecodeErrc::V3WithAuth},
      {"auth type 3", fixed(edit(v2_packet, 4, 3), v4src, v4dst), v4src, v4dst,
       DecodeErrc::BadAuthType},
      {"v2 count 2, one address", fixed(edit(v2_packet, 3, 2), v4src, v4dst), v4src, v4dst,
       DecodeErrc::LengthMismatch},
      {"v2 count 0, one address", fixed(edit(v2_packet, 3, 0), v4src, v4dst), v4src, v4dst,
       DecodeErrc::LengthMismatch},
      {"v2 auth data cut short", v2_short_auth, v4src, v4dst, DecodeErrc::LengthMismatch},
      {"v2 trailing byte", v2_long, v4src, v4dst, DecodeErrc::LengthMismatch},
      {"v3 count 255", edit(v3v4_packet, 3, 255), v3src, v4dst, DecodeErrc::LengthMismatch},
      {"v3 IPv6 truncated", v3_trunc, v6src, v6dst, DecodeErrc::LengthMismatch},
      {"v3 IPv6 bytes read as IPv4", v3v6_packet, v3src, v4dst, DecodeErrc::LengthMismatch},
      {"v2 checksum", edit(v2_packet, 7, 0xaf), v4src, v4dst, DecodeErrc::BadChecksum},
      {"v2 flipped auth byte", edit(v2_packet, 19, 1), v4src, v4dst, DecodeErrc::BadChecksum},
      {"v3 other source", v3v4_packet, ip("10.0.0.2"), v4dst, DecodeErrc::BadChecksum},
      {"v3 other destination", v3v4_packet, v3src, ip("224.0.0.19"), DecodeErrc::BadChecksum},
      {"v3 IPv6 other source", v3v6_packet, ip("fe80::b"), v6dst, DecodeErrc::BadChecksum},
      {"v3 IPv6 flipped address", edit(v3v6_packet, 39, 1), v6src, v6dst, DecodeErrc::BadChecksum},
  };
  for (const Case& c : cases) {
    INFO(c.name);
    const auto r = decode(c.bytes, c.src, c.dst);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == c.want);
    CHECK_FALSE(r.error().text.empty());
    CHECK(vigil::vrrp::errc_name(r.error().code) != "unknown");
  }
}

TEST_CASE("vrrp: a bad checksum's text names the expected value", "[vrrp][packet]") {
  Bytes b = v2_packet;
  b[6] = 0x12;
  b[7] = 0x34;
  const auto r = decode(b, ip("192.168.1.10"), ip("224.0.0.18"));
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().text == "checksum 0x1234, expected 0x8eae");
  const auto r6 = decode(v3v6_packet, ip("fe80::b"), ip("ff02::12"));
  REQUIRE_FALSE(r6.ok());
  CHECK(r6.error().text.find("checksum 0xda1f, expected") == 0);
}
