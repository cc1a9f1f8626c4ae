// SPDX-License-Identifier: GPL-2.0-or-later
// The checker blocks inside real_server: HTTP_GET, SSL_GET, TCP_CHECK,
// MISC_CHECK, SMTP_CHECK, DNS_CHECK, UDP_CHECK, PING_CHECK, FILE_CHECK and
// BFD_CHECK, plus the value ranges the LVS family shares with them.
#pragma once

#include <chrono>
#include <cstdint>

#include "parse_util.hpp"

namespace vigil::config::detail {

/// keepalived's read_timer upper bound for delay_loop, warmup and
/// delay_before_retry (we cap at UINT32_MAX seconds).
inline constexpr Micros kMaxTimer{std::chrono::seconds(UINT32_MAX)};
/// connect_timeout is held in microseconds in a 32-bit value: at most 4294.967295 s.
inline constexpr Micros kMaxConnectTimeout{UINT32_MAX};

/// The checker keywords a real_server block takes.
inline constexpr std::string_view kCheckerKeywords[] = {
    "HTTP_GET",  "SSL_GET",   "TCP_CHECK",  "MISC_CHECK", "SMTP_CHECK",
    "DNS_CHECK", "UDP_CHECK", "PING_CHECK", "FILE_CHECK", "BFD_CHECK"};

/// Parses one checker block of `rs` and appends it to rs.checkers (a checker
/// keepalived would drop, such as an HTTP_GET without url, is reported and
/// not added).
void parse_checker(Ctx& ctx, const Node& n, RealServer& rs);

/// Hex string of UDP_CHECK payload / require_reply: whitespace-separated groups
/// of hex digits, each group read two digits at a time with an odd last digit
/// taken as a low nibble. With `allow_mask`, 'x'/'X' stands for an ignored
/// nibble. Returns the normalized digits (two per byte, lower case) or nullopt.
std::optional<std::string> normalize_hex(const std::vector<Token>& words, std::size_t from,
                                         bool allow_mask);

}  // namespace vigil::config::detail
