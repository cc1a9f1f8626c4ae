// SPDX-License-Identifier: GPL-2.0-or-later
// UDP_CHECK's reply rule. Pure: no sockets.
//
// keepalived.conf(5): with require_reply the reply's length must lie within
// min_reply_length..max_reply_length, and when a require_reply hex string is
// given the reply must match it over the shorter of the two lengths; an 'x'
// digit ignores those four bits.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace vigil::hc {

struct UdpReplyVerdict {
  bool ok = false;
  std::string reason;  ///< why it failed, or a short note when it passed
};

/// Checks `reply` against `pattern` (the model's require_reply_data: pairs of
/// lower-case hex digits or 'x'; empty: any content) and the length bounds.
UdpReplyVerdict match_udp_reply(std::span<const std::uint8_t> reply, std::string_view pattern,
                                std::uint16_t min_len, std::uint16_t max_len);

}  // namespace vigil::hc
