// SPDX-License-Identifier: GPL-2.0-or-later
// v2 PASS and AH framing: offsets, zeroed mutable fields, SPI, sequence, ICV placement.
// The HMAC is a recording fake: these tests pin the framing, not MD5.
#include "vigil/vrrp/auth.hpp"

#include <catch2/catch.hpp>

using namespace vigil::vrrp;  // NOLINT(google-build-using-namespace)
using vigil::config::IpAddress;

namespace {

IpAddress ip(const char* s) {
  return *IpAddress::parse(s);
}

Advert v2_advert() {
  Advert a;
  a.version = 2;
  a.vrid = 7;
  a.priority = 100;
  a.adver_int_s = 1;
  a.auth_type = AuthType::Ah;
  a.addresses = {ip("192.0.2.10")};
  return a;
}

}  // namespace

TEST_CASE("auth_key zero-pads and truncates auth_pass to 8 bytes", "[vrrp][auth]") {
  const auto k = auth_key("abc");
  CHECK(k == std::array<std::uint8_t, 8>{'a', 'b', 'c', 0, 0, 0, 0, 0});
  CHECK(auth_key("0123456789")[7] == '7');
  Advert a;
  a.auth_data = auth_key("abc");
  CHECK(verify_pass(a, auth_key("abc")));
  CHECK_FALSE(verify_pass(a, auth_key("abd")));
}

TEST_CASE("build_ipv4_ah frames IPv4 + AH + VRRP as keepalived does", "[vrrp][auth][ah]") {
  std::vector<std::uint8_t> seen;
  std::vector<std::uint8_t> seen_key;
  const HmacMd5 fake = [&](std::span<const std::uint8_t> key, std::span<const std::uint8_t> d) {
    seen.assign(d.begin(), d.end());
    seen_key.assign(key.begin(), key.end());
    std::array<std::uint8_t, 16> h{};
    for (std::size_t i = 0; i < h.size(); ++i) {
      h[i] = static_cast<std::uint8_t>(0xa0 + i);
    }
    return h;
  };
  const auto key = auth_key("secret");
  const auto p =
      build_ipv4_ah(v2_advert(), ip("192.0.2.1"), ip("224.0.0.18"), 0x1234, 0x01020304, key, fake);
  REQUIRE(p.size() == 20 + 24 + 8 + 4 + 8);
  CHECK(p[0] == 0x45);
  CHECK(p[1] == 0xc0);                  // TOS as keepalived sends
  CHECK((p[2] << 8 | p[3]) == 64);      // total length
  CHECK((p[4] << 8 | p[5]) == 0x1234);  // identification
  CHECK(p[8] == 255);                   // TTL
  CHECK(p[9] == 51);                    // protocol AH
  CHECK(internet_checksum(std::span(p).first(20)) == 0);
  CHECK(p[20] == 112);                                                // AH next header VRRP
  CHECK(p[21] == 4);                                                  // payload length (24 / 4 - 2)
  CHECK(std::equal(p.begin() + 24, p.begin() + 28, p.begin() + 12));  // SPI = source
  CHECK(std::vector<std::uint8_t>(p.begin() + 28, p.begin() + 32) ==
        std::vector<std::uint8_t>{1, 2, 3, 4});
  for (std::size_t i = 0; i < 12; ++i) {
    CHECK(p[32 + i] == 0xa0 + i);  // ICV = HMAC truncated to 96 bits
  }
  CHECK(p[44] == 0x21);   // VRRPv2 advertisement
  CHECK(p[44 + 4] == 2);  // auth type AH
  CHECK(std::all_of(p.end() - 8, p.end(), [](std::uint8_t b) { return b == 0; }));
  // The ICV input: same bytes, with TOS, flags/offset, checksum and ICV zeroed; TTL kept.
  REQUIRE(seen.size() == p.size());
  CHECK(seen[1] == 0);
  CHECK(seen[6] == 0);
  CHECK(seen[7] == 0);
  CHECK(seen[8] == 255);
  CHECK(seen[10] == 0);
  CHECK(seen[11] == 0);
  CHECK(std::all_of(seen.begin() + 32, seen.begin() + 44, [](std::uint8_t b) { return b == 0; }));
  CHECK(std::equal(seen.begin() + 44, seen.end(), p.begin() + 44));
  CHECK(seen_key == std::vector<std::uint8_t>(key.begin(), key.end()));

  CHECK(verify_ah(p, key, fake));
  // Unicast: keepalived also zeroes the TTL, so a changed TTL still verifies.
  const auto u = build_ipv4_ah(v2_advert(), ip("192.0.2.1"), ip("192.0.2.2"), 1, 1, key, fake,
                               /*unicast=*/true);
  CHECK(seen[8] == 0);
  auto hopped = u;
  hopped[8] = 60;
  CHECK(verify_ah(hopped, key, fake, true));
}

TEST_CASE("verify_ah rejects tampering, a foreign SPI and no HMAC", "[vrrp][auth][ah]") {
  const HmacMd5 sum = [](std::span<const std::uint8_t> key, std::span<const std::uint8_t> d) {
    std::array<std::uint8_t, 16> h{};
    for (std::size_t i = 0; i < d.size(); ++i) {
      h[i % 12] = static_cast<std::uint8_t>(h[i % 12] * 7 + d[i] + key[i % key.size()]);
    }
    return h;
  };
  const auto key = auth_key("secret");
  const auto p = build_ipv4_ah(v2_advert(), ip("192.0.2.1"), ip("224.0.0.18"), 9, 1, key, sum);
  REQUIRE(verify_ah(p, key, sum));
  auto tos = p;
  tos[1] = 0;  // mutable: not covered
  CHECK(verify_ah(tos, key, sum));
  auto body = p;
  body[46] ^= 1U;  // VRRP priority
  CHECK_FALSE(verify_ah(body, key, sum));
  auto spi = p;
  spi[27] ^= 1U;
  CHECK_FALSE(verify_ah(spi, key, sum));
  CHECK_FALSE(verify_ah(p, auth_key("other"), sum));
  CHECK_FALSE(verify_ah(p, key, HmacMd5{}));
  CHECK_FALSE(verify_ah(std::span(p).first(30), key, sum));
  // Multicast keeps the TTL in the ICV: a changed TTL fails.
  auto ttl = p;
  ttl[8] = 254;
  CHECK_FALSE(verify_ah(ttl, key, sum));
}
