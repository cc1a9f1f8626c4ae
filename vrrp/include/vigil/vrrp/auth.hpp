// SPDX-License-Identifier: GPL-2.0-or-later
// VRRPv2 authentication (RFC 2338 §5.3.6, kept by keepalived): simple text
// password (PASS) and the IP Authentication Header with HMAC-MD5-96 (RFC 2402,
// RFC 2403) framed as keepalived frames it. The HMAC is injected so the core
// stays free of OpenSSL. Pure.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <span>
#include <string_view>
#include <vector>

#include "vigil/config/types.hpp"
#include "vigil/vrrp/ipv4.hpp"
#include "vigil/vrrp/packet.hpp"

namespace vigil::vrrp {

/// HMAC-MD5 (RFC 2104): the 16-byte MAC of `data` under `key`.
using HmacMd5 = std::function<std::array<std::uint8_t, 16>(std::span<const std::uint8_t> key,
                                                           std::span<const std::uint8_t> data)>;

/// The 8-byte auth key / PASS auth data: `auth_pass` truncated to 8 bytes, zero-padded.
std::array<std::uint8_t, kV2AuthDataLen> auth_key(std::string_view auth_pass);

/// PASS: true when the advert's auth data equals `key` (all 8 bytes).
bool verify_pass(const Advert& a, std::span<const std::uint8_t, kV2AuthDataLen> key);

/// A complete IPv4 packet for an IP_HDRINCL raw socket: IPv4 header (TOS 0xc0 as keepalived
/// sends, TTL 255, protocol 51, identification `ip_id`, DF clear, checksum filled; pass a
/// non-zero `ip_id`: the kernel replaces a zero one after the ICV was computed), AH header (next
/// header 112, payload length 4 = (24 / 4) - 2, SPI = `src` in network order, sequence `seq`,
/// HMAC-MD5-96 ICV) and the VRRP packet encoded from `a` (version 2, auth type 2, auth data zero).
/// The ICV covers the IPv4 header with TOS, flags/fragment offset and checksum zeroed (and TTL too
/// when `unicast`: keepalived zeroes it only with unicast peers, multicast keeps 255), the AH
/// header with the ICV zeroed, and the VRRP packet. Empty when `a` cannot be encoded or the
/// addresses are not IPv4.
std::vector<std::uint8_t> build_ipv4_ah(const Advert& a, const config::IpAddress& src,
                                        const config::IpAddress& dst, std::uint16_t ip_id,
                                        std::uint32_t seq, std::span<const std::uint8_t> key,
                                        const HmacMd5& hmac, bool unicast = false);

/// True when `ip_packet` (a whole IPv4 packet with an AH header) carries the HMAC-MD5-96
/// ICV computed as build_ipv4_ah() computes it (same `unicast` rule for the TTL), and an SPI
/// equal to the IPv4 source address (keepalived's rule). False for anything malformed or
/// when `hmac` is empty. The sequence number is the caller's (Instance) to check.
bool verify_ah(std::span<const std::uint8_t> ip_packet, std::span<const std::uint8_t> key,
               const HmacMd5& hmac, bool unicast = false);

}  // namespace vigil::vrrp
