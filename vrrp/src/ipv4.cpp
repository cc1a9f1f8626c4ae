// SPDX-License-Identifier: GPL-2.0-or-later
// parse_ipv4() / parse_ipv6(): IP framing around decode(). Never reads past the buffer.
#include "vigil/vrrp/ipv4.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace vigil::vrrp {
namespace {

DecodeError fail(DecodeErrc code, std::string text) {
  return DecodeError{code, std::move(text)};
}

std::uint16_t be16(std::span<const std::uint8_t> b, std::size_t at) {
  return static_cast<std::uint16_t>(b[at] << 8U | b[at + 1]);
}

std::uint32_t be32(std::span<const std::uint8_t> b, std::size_t at) {
  return static_cast<std::uint32_t>(b[at]) << 24U | static_cast<std::uint32_t>(b[at + 1]) << 16U |
         static_cast<std::uint32_t>(b[at + 2]) << 8U | static_cast<std::uint32_t>(b[at + 3]);
}

config::IpAddress v4_at(std::span<const std::uint8_t> b, std::size_t at) {
  config::IpAddress a;
  a.family = config::Family::Inet;
  std::copy_n(b.begin() + static_cast<std::ptrdiff_t>(at), 4, a.bytes.begin());
  return a;
}

}  // namespace

InboundResult parse_ipv4(std::span<const std::uint8_t> ip_packet, const DecodeOptions& options) {
  // RFC 791 §3.1: version/IHL, TOS, total length, id, flags/fragment offset, TTL, protocol,
  // header checksum, source, destination, options.
  if (ip_packet.size() < kIpv4HeaderLen) {
    return fail(DecodeErrc::BadIpHeader,
                fmt::format("{} bytes, shorter than an IPv4 header", ip_packet.size()));
  }
  if ((ip_packet[0] >> 4U) != 4) {
    return fail(DecodeErrc::BadIpHeader, fmt::format("IP version {}", ip_packet[0] >> 4U));
  }
  const std::size_t ihl = static_cast<std::size_t>(ip_packet[0] & 0x0fU) * 4;
  if (ihl < kIpv4HeaderLen) {
    return fail(DecodeErrc::BadIpHeader, fmt::format("IHL {} bytes", ihl));
  }
  const std::size_t total = be16(ip_packet, 2);
  if (total < ihl || total > ip_packet.size()) {
    return fail(DecodeErrc::BadIpHeader, fmt::format("total length {} with IHL {} and {} bytes",
                                                     total, ihl, ip_packet.size()));
  }
  // A fragment (MF set or a non-zero offset) cannot hold a whole advert.
  if ((be16(ip_packet, 6) & 0x3fffU) != 0) {
    return fail(DecodeErrc::BadIpHeader, "fragment");
  }
  const std::span<const std::uint8_t> packet = ip_packet.first(total);
  Inbound in;
  in.ttl = packet[8];
  in.src = v4_at(packet, 12);
  in.dst = v4_at(packet, 16);
  std::size_t vrrp_at = ihl;
  const std::uint8_t protocol = packet[9];
  if (protocol == kIpProtoAh) {
    // RFC 2402 §2: next header, payload length, reserved, SPI, sequence, ICV.
    if (total < ihl + kAhLen) {
      return fail(DecodeErrc::BadAh, "truncated AH header");
    }
    if (packet[ihl] != kIpProtoVrrp) {
      return fail(DecodeErrc::BadAh, fmt::format("AH next header {}", packet[ihl]));
    }
    const std::size_t ah_len = (static_cast<std::size_t>(packet[ihl + 1]) + 2) * 4;
    if (ah_len != kAhLen) {
      return fail(DecodeErrc::BadAh, fmt::format("AH length {} bytes, expected 24", ah_len));
    }
    AhInfo ah;
    ah.spi = be32(packet, ihl + 4);
    ah.seq = be32(packet, ihl + 8);
    std::copy_n(packet.begin() + static_cast<std::ptrdiff_t>(ihl + 12), kAhIcvLen, ah.icv.begin());
    ah.ip_packet.assign(packet.begin(), packet.end());
    in.ah = std::move(ah);
    vrrp_at += kAhLen;
  } else if (protocol != kIpProtoVrrp) {
    return fail(DecodeErrc::BadIpHeader, fmt::format("IP protocol {}", protocol));
  }
  DecodeResult d = decode(packet.subspan(vrrp_at), in.src, in.dst, options);
  if (!d.ok()) {
    return d.error();
  }
  in.advert = std::move(d).value();
  return in;
}

InboundResult parse_ipv6(std::span<const std::uint8_t> payload, const config::IpAddress& src,
                         const config::IpAddress& dst, int hop_limit,
                         const DecodeOptions& options) {
  DecodeResult d = decode(payload, src, dst, options);
  if (!d.ok()) {
    return d.error();
  }
  Inbound in;
  in.advert = std::move(d).value();
  in.src = src;
  in.dst = dst;
  in.ttl = hop_limit;
  return in;
}

std::optional<std::uint8_t> peek_vrid(std::span<const std::uint8_t> bytes, config::Family family) {
  // The VRID is the second byte of the VRRP header in both versions.
  if (family == config::Family::Inet6) {
    return bytes.size() >= 2 ? std::optional<std::uint8_t>(bytes[1]) : std::nullopt;
  }
  if (bytes.size() < kIpv4HeaderLen || (bytes[0] >> 4U) != 4) {
    return std::nullopt;
  }
  std::size_t at = static_cast<std::size_t>(bytes[0] & 0x0fU) * 4;
  if (at < kIpv4HeaderLen) {
    return std::nullopt;
  }
  if (bytes[9] == kIpProtoAh) {
    if (bytes.size() < at + kAhLen || bytes[at] != kIpProtoVrrp) {
      return std::nullopt;
    }
    at += kAhLen;
  } else if (bytes[9] != kIpProtoVrrp) {
    return std::nullopt;
  }
  return bytes.size() >= at + 2 ? std::optional<std::uint8_t>(bytes[at + 1]) : std::nullopt;
}

}  // namespace vigil::vrrp
