// SPDX-License-Identifier: GPL-2.0-or-later
// The VRRP advertisement codec: VRRPv2 (RFC 3768 §5) and VRRPv3 (RFC 5798 §5),
// over IPv4 and IPv6. Pure: bytes in, values out; no I/O, no clocks, never
// reads past the buffer. Errors are values.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "vigil/config/types.hpp"
#include "vigil/runtime/result.hpp"

namespace vigil::vrrp {

/// IANA protocol number of VRRP (the IPv4 protocol / IPv6 next header).
inline constexpr std::uint8_t kIpProtoVrrp = 112;
/// The only VRRP packet type, ADVERTISEMENT.
inline constexpr std::uint8_t kTypeAdvertisement = 1;
/// Fixed header length (both versions), and the v2 authentication data length.
inline constexpr std::size_t kHeaderLen = 8;
inline constexpr std::size_t kV2AuthDataLen = 8;

/// VRRPv2 Auth Type (RFC 3768 §5.3.6; 1 and 2 are RFC 2338's, still used by keepalived).
enum class AuthType : std::uint8_t { None = 0, Pass = 1, Ah = 2 };

/// One advertisement as it is on the wire (the VRRP part, without the IP header).
struct Advert {
  std::uint8_t version = 3;                ///< 2 or 3
  std::uint8_t type = kTypeAdvertisement;  ///< always 1 once decoded
  std::uint8_t vrid = 0;                   ///< 1..255 (0 is decoded; validation is the caller's)
  std::uint8_t priority = 0;               ///< 0 = master leaving, 255 = address owner
  std::uint8_t addr_count = 0;             ///< Count IP Addrs / Count IPvX Addr
  AuthType auth_type = AuthType::None;     ///< v2 only; None for v3
  std::array<std::uint8_t, kV2AuthDataLen> auth_data{};  ///< v2 only; zeros for v3
  std::uint8_t adver_int_s = 0;                          ///< v2 Adver Int, in seconds
  std::uint16_t max_adver_int_cs = 0;        ///< v3 Max Adver Int, in centiseconds (12 bits)
  std::uint16_t checksum = 0;                ///< as on the wire (host order)
  std::vector<config::IpAddress> addresses;  ///< all of the IP packet's family

  bool operator==(const Advert&) const = default;
};

struct DecodeOptions {
  /// keepalived's `vrrp_version 3` + `v3_checksum_as_v2`: a v3 IPv4 advert whose checksum
  /// leaves out the pseudo-header. With it set, decode accepts a v3 IPv4 checksum computed
  /// either way (such peers and RFC peers coexist during migration). No effect on IPv6.
  bool v3_checksum_as_v2 = false;
};

struct EncodeOptions {
  /// Compute a v3 IPv4 checksum without the pseudo-header (keepalived `v3_checksum_as_v2`).
  bool v3_checksum_as_v2 = false;
};

enum class DecodeErrc : std::uint8_t {
  TooShort,        ///< fewer than the 8 header bytes
  BadVersion,      ///< version nibble not 2 or 3
  BadType,         ///< type nibble not 1 (ADVERTISEMENT)
  BadFamily,       ///< src/dst not both IPv4 or both IPv6
  V2OverIpv6,      ///< VRRPv2 is IPv4 only
  V3WithAuth,      ///< a v3 packet carrying a v2-style 8-byte authentication trailer
  BadAuthType,     ///< v2 Auth Type not 0, 1 or 2
  LengthMismatch,  ///< the length does not match the address count
  BadChecksum,
  BadIpHeader,  ///< IPv4 header: version, IHL, total length, fragment or protocol wrong
  BadAh,        ///< AH header truncated, or its next header is not VRRP
};

/// "too-short", "bad-version", ... (stable: used in counters and logs).
std::string_view errc_name(DecodeErrc e);

struct DecodeError {
  DecodeErrc code = DecodeErrc::TooShort;
  std::string text;  ///< human-readable detail, e.g. "checksum 0x1234, expected 0x4321"
  bool operator==(const DecodeError&) const = default;
};

/// An Advert or a DecodeError.
using DecodeResult = Result<Advert, DecodeError>;

/// The RFC 1071 Internet checksum over `data` (odd length padded with a zero byte),
/// starting from the 32-bit partial sum `initial`. Returned in host order.
std::uint16_t internet_checksum(std::span<const std::uint8_t> data, std::uint32_t initial = 0);

/// The wire bytes of `a` sent from `src` to `dst`. Addr count is written from
/// `a.addresses.size()` and the checksum is computed (a.addr_count and a.checksum are
/// ignored). v2 writes auth_type, auth_data and adver_int_s; v3 writes max_adver_int_cs.
/// Returns an empty vector when `a` cannot be encoded: version not 2/3, src/dst
/// families differ, v2 over IPv6, an address of the wrong family, more than 255
/// addresses, or max_adver_int_cs above 4095.
std::vector<std::uint8_t> encode(const Advert& a, const config::IpAddress& src,
                                 const config::IpAddress& dst, const EncodeOptions& options = {});

/// Parses and validates the VRRP payload of an IP packet from `src` to `dst`.
/// Checks, in order: header length, version, type, families, auth type, length
/// against the address count, checksum.
DecodeResult decode(std::span<const std::uint8_t> bytes, const config::IpAddress& src,
                    const config::IpAddress& dst, const DecodeOptions& options = {});

}  // namespace vigil::vrrp
