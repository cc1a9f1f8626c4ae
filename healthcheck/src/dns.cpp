// SPDX-License-Identifier: GPL-2.0-or-later
// DNS_CHECK query builder and reply rule (see dns.hpp).
#include "vigil/hc/dns.hpp"

#include <fmt/format.h>

#include <array>
#include <cctype>
#include <utility>

namespace vigil::hc {

namespace {

constexpr std::size_t kHeaderSize = 12;

void put16(std::vector<std::uint8_t>& out, std::uint16_t v) {
  out.push_back(static_cast<std::uint8_t>(v >> 8));
  out.push_back(static_cast<std::uint8_t>(v & 0xff));
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::toupper(static_cast<unsigned char>(a[i])) !=
        std::toupper(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::optional<std::uint16_t> dns_type_code(std::string_view type) {
  static constexpr std::array<std::pair<std::string_view, std::uint16_t>, 9> kTypes{{
      {"A", 1},
      {"NS", 2},
      {"CNAME", 5},
      {"SOA", 6},
      {"MX", 15},
      {"TXT", 16},
      {"AAAA", 28},
      {"RRSIG", 46},
      {"DNSKEY", 48},
  }};
  for (const auto& [label, code] : kTypes) {
    if (iequals(label, type)) {
      return code;
    }
  }
  return std::nullopt;
}

std::string dns_rcode_name(unsigned rcode) {
  switch (rcode) {
    case 0:
      return "NOERROR";
    case 1:
      return "FORMERR";
    case 2:
      return "SERVFAIL";
    case 3:
      return "NXDOMAIN";
    case 4:
      return "NOTIMP";
    case 5:
      return "REFUSED";
    default:
      return fmt::format("rcode {}", rcode);
  }
}

Result<std::vector<std::uint8_t>, std::string> build_dns_query(std::uint16_t id,
                                                               std::string_view name,
                                                               std::uint16_t type) {
  std::vector<std::uint8_t> out;
  out.reserve(kHeaderSize + name.size() + 6);
  put16(out, id);
  put16(out, 0x0100);  // RD: ask a resolver to recurse, as keepalived does
  put16(out, 1);       // QDCOUNT
  put16(out, 0);       // ANCOUNT
  put16(out, 0);       // NSCOUNT
  put16(out, 0);       // ARCOUNT
  if (name == ".") {
    name = {};
  } else if (!name.empty() && name.back() == '.') {
    name.remove_suffix(1);
  }
  std::size_t encoded = 1;  // the root label's zero byte
  while (!name.empty()) {
    const auto dot = name.find('.');
    const std::string_view label = name.substr(0, dot);
    if (label.empty()) {
      return std::string("empty label in DNS name");
    }
    if (label.size() > 63) {
      return fmt::format("DNS label '{}...' is longer than 63 bytes", label.substr(0, 20));
    }
    encoded += label.size() + 1;
    if (encoded > 255) {
      return std::string("DNS name is longer than 255 bytes");
    }
    out.push_back(static_cast<std::uint8_t>(label.size()));
    out.insert(out.end(), label.begin(), label.end());
    name = dot == std::string_view::npos ? std::string_view{} : name.substr(dot + 1);
    if (dot != std::string_view::npos && name.empty()) {
      return std::string("empty label in DNS name");
    }
  }
  out.push_back(0);
  put16(out, type);
  put16(out, 1);  // class IN
  return out;
}

DnsReplyVerdict check_dns_reply(std::span<const std::uint8_t> reply, std::uint16_t id) {
  DnsReplyVerdict v;
  if (reply.size() < kHeaderSize) {
    v.reason = fmt::format("datagram of {} bytes is shorter than a DNS header", reply.size());
    return v;
  }
  const auto rid = static_cast<std::uint16_t>((reply[0] << 8) | reply[1]);
  if (rid != id) {
    v.reason = fmt::format("reply id 0x{:04x} is not ours (0x{:04x})", rid, id);
    return v;
  }
  const auto flags = static_cast<std::uint16_t>((reply[2] << 8) | reply[3]);
  if ((flags & 0x8000) == 0) {
    v.reason = "datagram with our id is a query (QR clear), not a reply";
    return v;
  }
  const unsigned rcode = flags & 0x000f;
  const auto ancount = static_cast<unsigned>((reply[6] << 8) | reply[7]);
  if (rcode != 0) {
    v.kind = DnsReplyVerdict::Kind::Fail;
    v.reason = rcode <= 5 ? fmt::format("DNS reply {} (rcode {})", dns_rcode_name(rcode), rcode)
                          : fmt::format("DNS reply with rcode {}", rcode);
    return v;
  }
  v.kind = DnsReplyVerdict::Kind::Pass;
  v.reason = fmt::format("DNS reply NOERROR with {} answer(s)", ancount);
  return v;
}

}  // namespace vigil::hc
