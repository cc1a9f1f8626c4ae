// SPDX-License-Identifier: GPL-2.0-or-later
// Inbound framing: a raw IPv4 VRRP socket delivers the whole IP packet (header,
// optional AH, VRRP); an IPv6 one delivers the VRRP payload only, with hop limit
// and destination from ancillary data. Both end in an Inbound value for the
// state machine. Pure: bytes in, values out; errors are DecodeError values.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <utility>
#include <variant>
#include <vector>

#include "vigil/config/types.hpp"
#include "vigil/runtime/result.hpp"
#include "vigil/vrrp/packet.hpp"

namespace vigil::vrrp {

/// IANA protocol number of the IP Authentication Header (RFC 2402).
inline constexpr std::uint8_t kIpProtoAh = 51;
/// Length of the IPv4 header vigil sends (no options).
inline constexpr std::size_t kIpv4HeaderLen = 20;
/// Length of the AH header with a 96-bit ICV (RFC 2402 §2, HMAC-MD5-96).
inline constexpr std::size_t kAhLen = 24;
/// Length of the HMAC-MD5-96 Integrity Check Value.
inline constexpr std::size_t kAhIcvLen = 12;

/// What an AH-authenticated packet carried (RFC 2402 §2).
struct AhInfo {
  std::uint32_t spi = 0;  ///< Security Parameters Index (keepalived: the sender's address)
  std::uint32_t seq = 0;  ///< Sequence Number
  std::array<std::uint8_t, kAhIcvLen> icv{};
  /// The whole IPv4 packet as received, for verify_ah().
  std::vector<std::uint8_t> ip_packet;
  bool operator==(const AhInfo&) const = default;
};

/// One received advert with what the IP layer said about it.
struct Inbound {
  Advert advert;
  config::IpAddress src;
  config::IpAddress dst;
  int ttl = 0;  ///< IPv4 TTL / IPv6 hop limit
  std::optional<AhInfo> ah;
  bool operator==(const Inbound&) const = default;
};

/// An Inbound or a DecodeError.
using InboundResult = Result<Inbound, DecodeError>;

/// Parses a whole IPv4 packet: checks version 4, IHL >= 5, total length against the
/// buffer (trailing bytes beyond total length are ignored), not a fragment, and protocol
/// 112 (VRRP) or 51 (AH, whose next header must be 112); takes TTL, src and dst from the
/// header and decodes the VRRP payload with decode(). The AH ICV is not verified here
/// (see verify_ah()). Errors: BadIpHeader, BadAh, or decode()'s.
InboundResult parse_ipv4(std::span<const std::uint8_t> ip_packet,
                         const DecodeOptions& options = {});

/// Decodes an IPv6 VRRP payload (the kernel strips the IPv6 header; `dst` and
/// `hop_limit` come from IPV6_PKTINFO / IPV6_HOPLIMIT control messages).
InboundResult parse_ipv6(std::span<const std::uint8_t> payload, const config::IpAddress& src,
                         const config::IpAddress& dst, int hop_limit,
                         const DecodeOptions& options = {});

/// The VRID a packet that failed to parse was meant for, when its framing is sound enough
/// to find the VRRP header (IPv4, with or without AH; an IPv6 payload), so that the drop
/// can be counted for the instance it was addressed to. nullopt otherwise.
std::optional<std::uint8_t> peek_vrid(std::span<const std::uint8_t> bytes, config::Family family);

}  // namespace vigil::vrrp
