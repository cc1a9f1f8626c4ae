// SPDX-License-Identifier: GPL-2.0-or-later
#include "vigil/vrrp/packet.hpp"

#include <fmt/format.h>

namespace vigil::vrrp {
namespace {

using config::Family;
using config::IpAddress;

std::size_t addr_len(Family f) {
  return f == Family::Inet6 ? 16 : 4;
}

/// The 32-bit partial sum of the RFC 5798 §5.2.8 pseudo-header (RFC 2460 §8.1 for IPv6).
std::uint32_t pseudo_header_sum(const IpAddress& src, const IpAddress& dst, std::size_t vrrp_len) {
  const std::size_t alen = addr_len(src.family);
  std::uint32_t sum = 0;
  for (std::size_t i = 0; i < alen; i += 2) {
    sum += static_cast<std::uint32_t>(src.bytes[i] << 8U | src.bytes[i + 1]);
    sum += static_cast<std::uint32_t>(dst.bytes[i] << 8U | dst.bytes[i + 1]);
  }
  // IPv4: zero, protocol, 16-bit length. IPv6: 32-bit length, 3 zero bytes, next header.
  // Either way the 16-bit words add up to length + protocol (our lengths are < 65536).
  sum += static_cast<std::uint32_t>(vrrp_len & 0xffffU);
  sum += static_cast<std::uint32_t>((vrrp_len >> 16U) & 0xffffU);
  sum += kIpProtoVrrp;
  return sum;
}

bool use_pseudo_header(std::uint8_t version, Family f, bool as_v2) {
  return version == 3 && !(as_v2 && f == Family::Inet);
}

DecodeError fail(DecodeErrc code, std::string text) {
  return DecodeError{code, std::move(text)};
}

}  // namespace

std::string_view errc_name(DecodeErrc e) {
  switch (e) {
    case DecodeErrc::TooShort:
      return "too-short";
    case DecodeErrc::BadVersion:
      return "bad-version";
    case DecodeErrc::BadType:
      return "bad-type";
    case DecodeErrc::BadFamily:
      return "bad-family";
    case DecodeErrc::V2OverIpv6:
      return "v2-over-ipv6";
    case DecodeErrc::V3WithAuth:
      return "v3-with-auth";
    case DecodeErrc::BadAuthType:
      return "bad-auth-type";
    case DecodeErrc::LengthMismatch:
      return "length-mismatch";
    case DecodeErrc::BadChecksum:
      return "bad-checksum";
    case DecodeErrc::BadIpHeader:
      return "bad-ip-header";
    case DecodeErrc::BadAh:
      return "bad-ah";
  }
  return "unknown";
}

std::uint16_t internet_checksum(std::span<const std::uint8_t> data, std::uint32_t initial) {
  std::uint64_t sum = initial;
  std::size_t i = 0;
  for (; i + 1 < data.size(); i += 2) {
    sum += static_cast<std::uint64_t>(data[i] << 8U | data[i + 1]);
  }
  if (i < data.size()) {
    sum += static_cast<std::uint64_t>(data[i]) << 8U;
  }
  while ((sum >> 16U) != 0) {
    sum = (sum & 0xffffU) + (sum >> 16U);
  }
  return static_cast<std::uint16_t>(~sum & 0xffffU);
}

std::vector<std::uint8_t> encode(const Advert& a, const IpAddress& src, const IpAddress& dst,
                                 const EncodeOptions& options) {
  const Family fam = src.family;
  if ((a.version != 2 && a.version != 3) || fam == Family::None || dst.family != fam ||
      (a.version == 2 && fam != Family::Inet) || a.addresses.size() > 255 ||
      (a.version == 3 && a.max_adver_int_cs > 0x0fffU)) {
    return {};
  }
  for (const IpAddress& ip : a.addresses) {
    if (ip.family != fam) {
      return {};
    }
  }
  const std::size_t alen = addr_len(fam);
  std::vector<std::uint8_t> out;
  out.reserve(kHeaderLen + alen * a.addresses.size() + kV2AuthDataLen);
  out.push_back(
      static_cast<std::uint8_t>((static_cast<unsigned>(a.version) << 4U) | (a.type & 0x0fU)));
  out.push_back(a.vrid);
  out.push_back(a.priority);
  out.push_back(static_cast<std::uint8_t>(a.addresses.size()));
  if (a.version == 2) {
    out.push_back(static_cast<std::uint8_t>(a.auth_type));
    out.push_back(a.adver_int_s);
  } else {
    out.push_back(static_cast<std::uint8_t>(a.max_adver_int_cs >> 8U));  // rsvd nibble zero
    out.push_back(static_cast<std::uint8_t>(a.max_adver_int_cs & 0xffU));
  }
  out.push_back(0);  // checksum, filled in below
  out.push_back(0);
  for (const IpAddress& ip : a.addresses) {
    out.insert(out.end(), ip.bytes.begin(), ip.bytes.begin() + static_cast<std::ptrdiff_t>(alen));
  }
  if (a.version == 2) {
    out.insert(out.end(), a.auth_data.begin(), a.auth_data.end());
  }
  const std::uint32_t initial = use_pseudo_header(a.version, fam, options.v3_checksum_as_v2)
                                    ? pseudo_header_sum(src, dst, out.size())
                                    : 0;
  const std::uint16_t sum = internet_checksum(out, initial);
  out[6] = static_cast<std::uint8_t>(sum >> 8U);
  out[7] = static_cast<std::uint8_t>(sum & 0xffU);
  return out;
}

DecodeResult decode(std::span<const std::uint8_t> bytes, const IpAddress& src, const IpAddress& dst,
                    const DecodeOptions& options) {
  if (bytes.size() < kHeaderLen) {
    return fail(DecodeErrc::TooShort,
                fmt::format("{} bytes, the VRRP header is {}", bytes.size(), kHeaderLen));
  }
  Advert a;
  a.version = static_cast<std::uint8_t>(bytes[0] >> 4U);
  a.type = static_cast<std::uint8_t>(bytes[0] & 0x0fU);
  if (a.version != 2 && a.version != 3) {
    return fail(DecodeErrc::BadVersion, fmt::format("version {}, expected 2 or 3", a.version));
  }
  if (a.type != kTypeAdvertisement) {
    return fail(DecodeErrc::BadType, fmt::format("type {}, expected 1 (advertisement)", a.type));
  }
  const Family fam = src.family;
  if (fam == Family::None || dst.family != fam) {
    return fail(DecodeErrc::BadFamily, "source and destination are not of one address family");
  }
  if (a.version == 2 && fam == Family::Inet6) {
    return fail(DecodeErrc::V2OverIpv6, "VRRPv2 is defined for IPv4 only");
  }
  a.vrid = bytes[1];
  a.priority = bytes[2];
  a.addr_count = bytes[3];
  const std::size_t alen = addr_len(fam);
  const std::size_t addrs_len = alen * a.addr_count;
  std::size_t expected = kHeaderLen + addrs_len;
  if (a.version == 2) {
    if (bytes[4] > static_cast<std::uint8_t>(AuthType::Ah)) {
      return fail(DecodeErrc::BadAuthType,
                  fmt::format("auth type {}, expected 0, 1 or 2", bytes[4]));
    }
    a.auth_type = static_cast<AuthType>(bytes[4]);
    a.adver_int_s = bytes[5];
    expected += kV2AuthDataLen;
  } else {
    a.max_adver_int_cs = static_cast<std::uint16_t>((bytes[4] & 0x0fU) << 8U | bytes[5]);
    if (bytes.size() == expected + kV2AuthDataLen) {
      return fail(DecodeErrc::V3WithAuth,
                  fmt::format("{} bytes: {} address(es) and an 8-byte v2 authentication trailer",
                              bytes.size(), a.addr_count));
    }
  }
  if (bytes.size() != expected) {
    return fail(DecodeErrc::LengthMismatch,
                fmt::format("{} bytes, {} address(es) make a v{} advert of {} bytes", bytes.size(),
                            a.addr_count, a.version, expected));
  }
  a.checksum = static_cast<std::uint16_t>(bytes[6] << 8U | bytes[7]);
  const bool pseudo = a.version == 3;
  const std::uint32_t initial = pseudo ? pseudo_header_sum(src, dst, bytes.size()) : 0;
  bool good = internet_checksum(bytes, initial) == 0;
  if (!good && pseudo && fam == Family::Inet && options.v3_checksum_as_v2) {
    good = internet_checksum(bytes, 0) == 0;
  }
  if (!good) {
    // What the checksum should have been: the sum over the packet with the field zeroed.
    std::uint32_t partial = initial + 0xffffU - a.checksum;  // remove the field from the sum
    const std::uint16_t want = internet_checksum(bytes, partial);
    return fail(DecodeErrc::BadChecksum,
                fmt::format("checksum {:#06x}, expected {:#06x}", a.checksum, want));
  }
  a.addresses.reserve(a.addr_count);
  for (std::size_t i = 0; i < a.addr_count; ++i) {
    IpAddress ip;
    ip.family = fam;
    const std::size_t off = kHeaderLen + i * alen;
    for (std::size_t j = 0; j < alen; ++j) {
      ip.bytes[j] = bytes[off + j];
    }
    a.addresses.push_back(ip);
  }
  if (a.version == 2) {
    const std::size_t off = kHeaderLen + addrs_len;
    for (std::size_t j = 0; j < kV2AuthDataLen; ++j) {
      a.auth_data[j] = bytes[off + j];
    }
  }
  return a;
}

}  // namespace vigil::vrrp
