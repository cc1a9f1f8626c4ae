// SPDX-License-Identifier: GPL-2.0-or-later
#include "vigil/config/types.hpp"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>

namespace vigil::config {

std::optional<IpAddress> IpAddress::parse(std::string_view s) {
  if (s.empty() || s.size() > 64) {
    return std::nullopt;
  }
  const std::string str(s);
  IpAddress a;
  if (str.find(':') == std::string::npos) {
    in_addr v4{};
    if (::inet_pton(AF_INET, str.c_str(), &v4) != 1) {
      return std::nullopt;
    }
    a.family = Family::Inet;
    std::memcpy(a.bytes.data(), &v4, 4);
    return a;
  }
  in6_addr v6{};
  if (::inet_pton(AF_INET6, str.c_str(), &v6) != 1) {
    return std::nullopt;
  }
  a.family = Family::Inet6;
  std::memcpy(a.bytes.data(), &v6, 16);
  return a;
}

std::string IpAddress::str() const {
  char buf[INET6_ADDRSTRLEN] = {};
  if (family == Family::Inet) {
    ::inet_ntop(AF_INET, bytes.data(), buf, sizeof buf);
  } else if (family == Family::Inet6) {
    ::inet_ntop(AF_INET6, bytes.data(), buf, sizeof buf);
  }
  return buf;
}

bool IpAddress::is_multicast() const {
  return (family == Family::Inet && (bytes[0] & 0xf0) == 0xe0) ||
         (family == Family::Inet6 && bytes[0] == 0xff);
}

bool IpAddress::is_link_local() const {
  return (family == Family::Inet && bytes[0] == 169 && bytes[1] == 254) ||
         (family == Family::Inet6 && bytes[0] == 0xfe && (bytes[1] & 0xc0) == 0x80);
}

std::optional<Prefix> Prefix::parse(std::string_view s) {
  Prefix p;
  const auto slash = s.find('/');
  auto a = IpAddress::parse(s.substr(0, slash));
  if (!a) {
    return std::nullopt;
  }
  p.addr = *a;
  const unsigned max = a->family == Family::Inet ? 32 : 128;
  if (slash == std::string_view::npos) {
    p.len = static_cast<std::uint8_t>(max);
    return p;
  }
  auto len = s.substr(slash + 1);
  unsigned v = 0;
  auto [ptr, ec] = std::from_chars(len.data(), len.data() + len.size(), v);
  if (len.empty() || ec != std::errc() || ptr != len.data() + len.size() || v > max) {
    return std::nullopt;
  }
  p.len = static_cast<std::uint8_t>(v);
  p.has_len = true;
  return p;
}

std::string Prefix::str() const {
  return addr.str() + "/" + std::to_string(static_cast<unsigned>(len));
}

const char* family_name(Family f) {
  switch (f) {
    case Family::Inet:
      return "inet";
    case Family::Inet6:
      return "inet6";
    case Family::None:
      break;
  }
  return "none";
}

}  // namespace vigil::config
