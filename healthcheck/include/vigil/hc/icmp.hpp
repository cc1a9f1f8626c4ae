// SPDX-License-Identifier: GPL-2.0-or-later
// ICMP / ICMPv6 echo messages for PING_CHECK: build a request, read a reply.
// Pure: no sockets.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "vigil/runtime/result.hpp"

namespace vigil::hc {

constexpr std::uint8_t kIcmpEchoRequest = 8;
constexpr std::uint8_t kIcmpEchoReply = 0;
constexpr std::uint8_t kIcmp6EchoRequest = 128;
constexpr std::uint8_t kIcmp6EchoReply = 129;

/// The Internet checksum (RFC 1071) of `data`.
std::uint16_t inet_checksum(std::span<const std::uint8_t> data);

/// An echo request: type, code 0, checksum, id, sequence, payload. For IPv4 the
/// checksum is filled in; for ICMPv6 it stays 0, since it covers the IPv6
/// pseudo-header and the kernel computes it on ICMPv6 sockets.
std::vector<std::uint8_t> build_icmp_echo(bool v6, std::uint16_t id, std::uint16_t seq,
                                          std::span<const std::uint8_t> payload);

struct IcmpMessage {
  std::uint8_t type = 0;
  std::uint8_t code = 0;
  std::uint16_t id = 0;   ///< echo messages only
  std::uint16_t seq = 0;  ///< echo messages only
  std::vector<std::uint8_t> payload;
};

/// Reads one received ICMP message. `ip_header` is true for IPv4 raw sockets,
/// which hand over the IP header too. The IPv4 checksum is verified (ICMPv6's
/// is checked by the kernel). Error with a reason for anything malformed.
Result<IcmpMessage, std::string> parse_icmp(std::span<const std::uint8_t> data, bool v6,
                                            bool ip_header);

/// True when `m` is the echo reply to our request: echo-reply type, code 0, the
/// same sequence and payload, and (when `check_id`) the same id. Ping sockets
/// (SOCK_DGRAM) choose the id themselves, so their replies skip that check.
bool is_echo_reply_to(const IcmpMessage& m, bool v6, std::uint16_t id, std::uint16_t seq,
                      std::span<const std::uint8_t> payload, bool check_id);

}  // namespace vigil::hc
