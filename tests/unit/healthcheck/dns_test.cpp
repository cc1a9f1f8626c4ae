// SPDX-License-Identifier: GPL-2.0-or-later
// DNS_CHECK codec: query encoding, and keepalived's rule for replies.
#include "vigil/hc/dns.hpp"

#include <catch2/catch.hpp>
#include <cstdint>
#include <string>
#include <vector>

using vigil::hc::build_dns_query;
using vigil::hc::check_dns_reply;
using vigil::hc::dns_type_code;
using Verdict = vigil::hc::DnsReplyVerdict::Kind;
using Bytes = std::vector<std::uint8_t>;

TEST_CASE("DNS type names map to RR type codes", "[dns]") {
  CHECK(dns_type_code("A") == 1);
  CHECK(dns_type_code("ns") == 2);
  CHECK(dns_type_code("CNAME") == 5);
  CHECK(dns_type_code("SOA") == 6);
  CHECK(dns_type_code("MX") == 15);
  CHECK(dns_type_code("TXT") == 16);
  CHECK(dns_type_code("AAAA") == 28);
  CHECK(dns_type_code("RRSIG") == 46);
  CHECK(dns_type_code("DNSKEY") == 48);
  CHECK_FALSE(dns_type_code("ANY").has_value());
  CHECK_FALSE(dns_type_code("").has_value());
}

TEST_CASE("DNS queries are encoded as keepalived sends them", "[dns]") {
  const Bytes header = {0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0};
  auto with = [&](Bytes qname, std::uint16_t type) {
    Bytes b = header;
    b.insert(b.end(), qname.begin(), qname.end());
    b.push_back(static_cast<std::uint8_t>(type >> 8));
    b.push_back(static_cast<std::uint8_t>(type & 0xff));
    b.push_back(0);
    b.push_back(1);
    return b;
  };
  auto q = build_dns_query(0x1234, ".", 6);
  REQUIRE(q.ok());
  CHECK(q.value() == with({0}, 6));
  q = build_dns_query(0x1234, "", 6);
  REQUIRE(q.ok());
  CHECK(q.value() == with({0}, 6));
  const Bytes example = {7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0};
  q = build_dns_query(0x1234, "example.com", 1);
  REQUIRE(q.ok());
  CHECK(q.value() == with(example, 1));
  q = build_dns_query(0x1234, "example.com.", 1);
  REQUIRE(q.ok());
  CHECK(q.value() == with(example, 1));
}

TEST_CASE("DNS names that cannot be encoded are refused with a reason", "[dns]") {
  const std::vector<std::string> names = {"a..b", ".a", "a.b..", std::string(64, 'x') + ".com",
                                          std::string(300, 'a')};
  for (const auto& name : names) {
    CAPTURE(name);
    const auto q = build_dns_query(1, name, 1);
    REQUIRE_FALSE(q.ok());
    CHECK_FALSE(q.error().empty());
  }
  // 63-byte labels are fine.
  CHECK(build_dns_query(1, std::string(63, 'x') + ".com", 1).ok());
}

TEST_CASE("DNS replies: keepalived's rule", "[dns]") {
  auto reply = [](std::uint16_t id, std::uint16_t flags, std::uint16_t ancount) {
    return Bytes{static_cast<std::uint8_t>(id >> 8),
                 static_cast<std::uint8_t>(id & 0xff),
                 static_cast<std::uint8_t>(flags >> 8),
                 static_cast<std::uint8_t>(flags & 0xff),
                 0,
                 1,
                 static_cast<std::uint8_t>(ancount >> 8),
                 static_cast<std::uint8_t>(ancount & 0xff),
                 0,
                 0,
                 0,
                 0};
  };
  struct Row {
    Bytes bytes;
    Verdict want;
    std::string reason_has;
  };
  const auto row = GENERATE_REF(values<Row>({
      {reply(0xbeef, 0x8180, 1), Verdict::Pass, "NOERROR"},
      {reply(0xbeef, 0x8180, 0), Verdict::Pass, "0 answer"},  // keepalived: ancount not checked
      {reply(0xbeef, 0x8183, 0), Verdict::Fail, "NXDOMAIN"},
      {reply(0xbeef, 0x8182, 0), Verdict::Fail, "SERVFAIL"},
      {reply(0xbeef, 0x8185, 0), Verdict::Fail, "REFUSED"},
      {reply(0xbeef, 0x818b, 0), Verdict::Fail, "rcode 11"},
      {reply(0xbeee, 0x8180, 1), Verdict::Ignore, "not ours"},
      {reply(0xbeef, 0x0100, 0), Verdict::Ignore, "QR clear"},
      {Bytes{0xbe, 0xef, 0x81}, Verdict::Ignore, "shorter"},
      {Bytes{}, Verdict::Ignore, "shorter"},
  }));
  const auto v = check_dns_reply(row.bytes, 0xbeef);
  CHECK(v.kind == row.want);
  CHECK(v.reason.find(row.reason_has) != std::string::npos);
}

TEST_CASE("DNS replies with trailing garbage still follow the header rule", "[dns]") {
  Bytes b = {0xbe, 0xef, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0, 0xff, 0xff, 0xff};
  CHECK(check_dns_reply(b, 0xbeef).kind == Verdict::Pass);
}
