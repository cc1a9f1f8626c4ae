// SPDX-License-Identifier: GPL-2.0-or-later
// VRRPv2 PASS and AH (HMAC-MD5-96) framing. The layout below is keepalived's
// (vrrp.c vrrp_build_ipsecah / vrrp_in_chk_ipsecah), checked against RFC 2402:
//
//    0                   1                   2                   3
//   +-------+-------+---------------+-------------------------------+
//   |Ver|IHL|  TOS  |         Total Length          |  (IPv4, 20 B)
//   |   Identification  |Flags|Frag Offset | TTL | Proto=51 | Csum |
//   |   Source Address  |  Destination Address                      |
//   +---------------+---------------+-------------------------------+
//   | Next Hdr=112  | Payload Len=4 |          Reserved             |  (AH, 24 B)
//   |        Security Parameters Index (= IPv4 source address)      |
//   |                      Sequence Number                          |
//   |              ICV: HMAC-MD5 truncated to 96 bits               |
//   +---------------------------------------------------------------+
//   | VRRPv2 packet, auth type 2, auth data zero                    |
#include "vigil/vrrp/auth.hpp"

#include <algorithm>

namespace vigil::vrrp {
namespace {

constexpr std::size_t kIcvAt = kIpv4HeaderLen + 12;
constexpr std::uint8_t kAhPayloadLen = kAhLen / 4 - 2;  // RFC 2402 §2.2: in 32-bit words, -2
constexpr std::uint8_t kTosNetworkControl = 0xc0;       // keepalived's TOS for adverts

void put16(std::vector<std::uint8_t>& b, std::size_t at, std::uint16_t v) {
  b[at] = static_cast<std::uint8_t>(v >> 8U);
  b[at + 1] = static_cast<std::uint8_t>(v & 0xffU);
}

void put32(std::vector<std::uint8_t>& b, std::size_t at, std::uint32_t v) {
  put16(b, at, static_cast<std::uint16_t>(v >> 16U));
  put16(b, at + 2, static_cast<std::uint16_t>(v & 0xffffU));
}

/// The ICV input: `packet` with the mutable IPv4 fields and the ICV zeroed.
std::vector<std::uint8_t> icv_input(std::span<const std::uint8_t> packet, bool unicast) {
  std::vector<std::uint8_t> m(packet.begin(), packet.end());
  m[1] = 0;  // TOS
  m[6] = 0;  // flags + fragment offset
  m[7] = 0;
  if (unicast) {
    m[8] = 0;  // TTL: keepalived zeroes it only with unicast peers
  }
  m[10] = 0;  // header checksum
  m[11] = 0;
  std::fill_n(m.begin() + static_cast<std::ptrdiff_t>(kIcvAt), kAhIcvLen, std::uint8_t{0});
  return m;
}

}  // namespace

std::array<std::uint8_t, kV2AuthDataLen> auth_key(std::string_view auth_pass) {
  std::array<std::uint8_t, kV2AuthDataLen> key{};
  const std::size_t n = std::min(auth_pass.size(), key.size());
  for (std::size_t i = 0; i < n; ++i) {
    key[i] = static_cast<std::uint8_t>(auth_pass[i]);
  }
  return key;
}

bool verify_pass(const Advert& a, std::span<const std::uint8_t, kV2AuthDataLen> key) {
  // RFC 2338 §5.3.6.1: the receiver compares all 8 bytes (keepalived: constant time).
  std::uint8_t diff = 0;
  for (std::size_t i = 0; i < kV2AuthDataLen; ++i) {
    diff = static_cast<std::uint8_t>(diff | (a.auth_data[i] ^ key[i]));
  }
  return diff == 0;
}

std::vector<std::uint8_t> build_ipv4_ah(const Advert& a, const config::IpAddress& src,
                                        const config::IpAddress& dst, std::uint16_t ip_id,
                                        std::uint32_t seq, std::span<const std::uint8_t> key,
                                        const HmacMd5& hmac, bool unicast) {
  if (!src.is_v4() || !dst.is_v4() || !hmac) {
    return {};
  }
  Advert v = a;
  v.version = 2;
  v.auth_type = AuthType::Ah;
  v.auth_data = {};
  const std::vector<std::uint8_t> vrrp = encode(v, src, dst);
  if (vrrp.empty()) {
    return {};
  }
  const std::size_t total = kIpv4HeaderLen + kAhLen + vrrp.size();
  std::vector<std::uint8_t> p(total, 0);
  p[0] = 0x45;
  p[1] = kTosNetworkControl;
  put16(p, 2, static_cast<std::uint16_t>(total));
  put16(p, 4, ip_id);
  p[8] = 255;  // RFC 3768 §5.2.3 / RFC 5798 §5.1.1.3: TTL 255
  p[9] = kIpProtoAh;
  std::copy_n(src.bytes.begin(), 4, p.begin() + 12);
  std::copy_n(dst.bytes.begin(), 4, p.begin() + 16);
  p[kIpv4HeaderLen] = kIpProtoVrrp;
  p[kIpv4HeaderLen + 1] = kAhPayloadLen;
  // SPI = the source address, as keepalived chooses it (multicast has no negotiated SA).
  std::copy_n(src.bytes.begin(), 4, p.begin() + kIpv4HeaderLen + 4);
  put32(p, kIpv4HeaderLen + 8, seq);
  std::copy(vrrp.begin(), vrrp.end(), p.begin() + kIpv4HeaderLen + kAhLen);
  // RFC 2402 §3.3.3.1: the ICV covers the packet with mutable fields and the ICV zeroed.
  const std::array<std::uint8_t, 16> mac = hmac(key, icv_input(p, unicast));
  std::copy_n(mac.begin(), kAhIcvLen, p.begin() + static_cast<std::ptrdiff_t>(kIcvAt));
  put16(p, 10, internet_checksum(std::span<const std::uint8_t>(p).first(kIpv4HeaderLen)));
  return p;
}

bool verify_ah(std::span<const std::uint8_t> ip_packet, std::span<const std::uint8_t> key,
               const HmacMd5& hmac, bool unicast) {
  if (!hmac || ip_packet.size() < kIpv4HeaderLen + kAhLen + kHeaderLen || ip_packet[0] != 0x45 ||
      ip_packet[9] != kIpProtoAh) {
    return false;
  }
  const std::size_t total = static_cast<std::size_t>(ip_packet[2] << 8U | ip_packet[3]);
  if (total > ip_packet.size() || total < kIpv4HeaderLen + kAhLen + kHeaderLen) {
    return false;
  }
  const std::span<const std::uint8_t> packet = ip_packet.first(total);
  // keepalived: the SPI must equal the IPv4 source address.
  if (!std::equal(packet.begin() + 12, packet.begin() + 16, packet.begin() + kIpv4HeaderLen + 4)) {
    return false;
  }
  const std::array<std::uint8_t, 16> mac = hmac(key, icv_input(packet, unicast));
  std::uint8_t diff = 0;
  for (std::size_t i = 0; i < kAhIcvLen; ++i) {
    diff = static_cast<std::uint8_t>(diff | (mac[i] ^ packet[kIcvAt + i]));
  }
  return diff == 0;
}

}  // namespace vigil::vrrp
