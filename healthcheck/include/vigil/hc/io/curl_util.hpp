// SPDX-License-Identifier: GPL-2.0-or-later
// Owners for the C objects an HTTP fetch uses, shared by the HTTP_GET/SSL_GET
// probe and genhash: curl header lists and the OpenSSL digest context.
#pragma once

#include <curl/curl.h>
#include <openssl/evp.h>

#include <memory>
#include <string>

namespace vigil::hc::io {

struct SlistFree {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};
/// A curl_slist (request headers, CONNECT_TO entries) that frees itself.
using Slist = std::unique_ptr<curl_slist, SlistFree>;

/// `list` with `s` appended; unchanged when curl cannot allocate.
inline Slist slist_append(Slist list, const std::string& s) {
  curl_slist* raw = curl_slist_append(list.get(), s.c_str());
  if (raw == nullptr) {
    return list;
  }
  (void)list.release();  // curl_slist_append returned the same list, now longer
  return Slist(raw);
}

struct MdFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
/// An OpenSSL digest context (the body's MD5) that frees itself.
using MdCtx = std::unique_ptr<EVP_MD_CTX, MdFree>;

}  // namespace vigil::hc::io
