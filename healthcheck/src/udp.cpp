// SPDX-License-Identifier: GPL-2.0-or-later
// UDP_CHECK reply matcher (see udp.hpp).
#include "vigil/hc/udp.hpp"

#include <fmt/format.h>

#include "vigil/runtime/text.hpp"

namespace vigil::hc {

namespace {

/// Value of one hex digit, 16 for an ignored one (x), -1 for anything else.
int nibble(char c) {
  if (c == 'x' || c == 'X') {
    return 16;  // wildcard
  }
  return text::hex_digit(c);
}

}  // namespace

UdpReplyVerdict match_udp_reply(std::span<const std::uint8_t> reply, std::string_view pattern,
                                std::uint16_t min_len, std::uint16_t max_len) {
  UdpReplyVerdict v;
  if (reply.size() < min_len || reply.size() > max_len) {
    v.reason = fmt::format("reply of {} bytes is outside {}..{}", reply.size(), min_len, max_len);
    return v;
  }
  if (pattern.size() % 2 != 0) {
    v.reason = "require_reply pattern has an odd number of hex digits";
    return v;
  }
  const std::size_t want = pattern.size() / 2;
  const std::size_t n = reply.size() < want ? reply.size() : want;
  for (std::size_t i = 0; i < n; ++i) {
    const int hi = nibble(pattern[2 * i]);
    const int lo = nibble(pattern[2 * i + 1]);
    if (hi < 0 || lo < 0) {
      v.reason = fmt::format("require_reply pattern has a bad digit at byte {}", i);
      return v;
    }
    unsigned value = 0;
    unsigned mask = 0;
    if (hi != 16) {
      value |= static_cast<unsigned>(hi) << 4;
      mask |= 0xf0;
    }
    if (lo != 16) {
      value |= static_cast<unsigned>(lo);
      mask |= 0x0f;
    }
    if ((reply[i] & mask) != value) {
      v.reason = fmt::format("reply byte {} is 0x{:02x}, expected {}{}", i, reply[i],
                             pattern[2 * i], pattern[2 * i + 1]);
      return v;
    }
  }
  v.ok = true;
  v.reason = fmt::format("reply of {} bytes matches", reply.size());
  return v;
}

}  // namespace vigil::hc
