// SPDX-License-Identifier: GPL-2.0-or-later
// HMAC-MD5 against the seven RFC 2202 §2 test cases.
#include "vigil/vrrp/io/hmac.hpp"

#include <catch2/catch.hpp>
#include <cstdint>
#include <string>
#include <vector>

namespace {

std::vector<std::uint8_t> bytes(const std::string& s) {
  return {s.begin(), s.end()};
}

std::string hex(const std::array<std::uint8_t, 16>& d) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string s;
  for (const std::uint8_t b : d) {
    s += kDigits[b >> 4U];
    s += kDigits[b & 0x0fU];
  }
  return s;
}

struct Vector {
  const char* description;
  std::vector<std::uint8_t> key;
  std::vector<std::uint8_t> data;
  const char* digest;
};

}  // namespace

TEST_CASE("HMAC-MD5 matches the RFC 2202 test vectors", "[vrrp_io][hmac][rfc2202]") {
  const std::vector<Vector> vectors = {
      {"case 1", std::vector<std::uint8_t>(16, 0x0b), bytes("Hi There"),
       "9294727a3638bb1c13f48ef8158bfc9d"},
      {"case 2", bytes("Jefe"), bytes("what do ya want for nothing?"),
       "750c783e6ab0b503eaa86e310a5db738"},
      {"case 3", std::vector<std::uint8_t>(16, 0xaa), std::vector<std::uint8_t>(50, 0xdd),
       "56be34521d144c88dbb8c733f0e8b3f6"},
      {"case 4",
       {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d,
        0x0e, 0x0f, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19},
       std::vector<std::uint8_t>(50, 0xcd),
       "697eaf0aca3a3aea3a75164746ffaa79"},
      {"case 5", std::vector<std::uint8_t>(16, 0x0c), bytes("Test With Truncation"),
       "56461ef2342edc00f9bab995690efd4c"},
      {"case 6", std::vector<std::uint8_t>(80, 0xaa),
       bytes("Test Using Larger Than Block-Size Key - Hash Key First"),
       "6b1ab7fe4bd7bf8f0b62e6ce61b9d0cd"},
      {"case 7", std::vector<std::uint8_t>(80, 0xaa),
       bytes("Test Using Larger Than Block-Size Key and Larger Than One Block-Size Data"),
       "6f630fad67cda0ee1fb1f562db3aa53e"},
  };
  for (const Vector& v : vectors) {
    INFO(v.description);
    CHECK(hex(vigil::vrrp::io::hmac_md5(v.key, v.data)) == v.digest);
  }
}

TEST_CASE("HMAC-MD5 accepts an empty key and empty data", "[vrrp_io][hmac]") {
  // HMAC-MD5("", "") is a well-known value.
  CHECK(hex(vigil::vrrp::io::hmac_md5({}, {})) == "74e6f7298a9c2d168935f58c001bad88");
}
