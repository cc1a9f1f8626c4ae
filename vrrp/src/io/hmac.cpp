// SPDX-License-Identifier: GPL-2.0-or-later
// HMAC-MD5 through OpenSSL's one-shot HMAC() (not deprecated in OpenSSL 3).
#include "vigil/vrrp/io/hmac.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

namespace vigil::vrrp::io {

std::array<std::uint8_t, 16> hmac_md5(std::span<const std::uint8_t> key,
                                      std::span<const std::uint8_t> data) {
  static constexpr std::uint8_t kEmpty = 0;
  std::array<std::uint8_t, 16> out{};
  unsigned int out_len = 0;
  // OpenSSL takes the key length as int; a VRRP AH key is at most a few dozen bytes.
  const auto key_len = static_cast<int>(key.size());
  HMAC(EVP_md5(), key.empty() ? &kEmpty : key.data(), key_len, data.empty() ? &kEmpty : data.data(),
       data.size(), out.data(), &out_len);
  return out;
}

}  // namespace vigil::vrrp::io
