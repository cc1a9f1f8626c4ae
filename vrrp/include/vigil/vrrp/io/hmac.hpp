// SPDX-License-Identifier: GPL-2.0-or-later
// HMAC-MD5 (RFC 2104) for the IPsec AH authentication of VRRPv2 (auth_type AH),
// computed with OpenSSL. The only place vigil_vrrp_io includes OpenSSL.
#pragma once

#include <array>
#include <cstdint>
#include <span>

namespace vigil::vrrp::io {

/// The 16-byte HMAC-MD5 of `data` under `key` (any key length; keys longer than 64 bytes are
/// hashed first, as RFC 2104 §2 says). AH (RFC 2403) uses the first 12 bytes (HMAC-MD5-96).
std::array<std::uint8_t, 16> hmac_md5(std::span<const std::uint8_t> key,
                                      std::span<const std::uint8_t> data);

}  // namespace vigil::vrrp::io
