// SPDX-License-Identifier: GPL-2.0-or-later
// genhash: fetch one URL the way HTTP_GET/SSL_GET would and give the MD5 of
// its body, for the `digest` of a url block. Blocking (libcurl easy API): it
// serves the `vigild genhash` command line, never the daemon's loop.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "vigil/config/model_lvs.hpp"

namespace vigil::hc::io {

struct GenhashOptions {
  std::string server;      ///< an address (a name is resolved once)
  std::uint16_t port = 0;  ///< 0: 80, or 443 with ssl
  std::string url = "/";
  bool ssl = false;
  bool sni = false;  ///< send virtualhost as the TLS server name
  std::string virtualhost;
  config::HttpProtocol protocol = config::HttpProtocol::v1_0;
  std::chrono::milliseconds timeout{5000};
  std::optional<std::uint32_t> fwmark;
};

struct GenhashResult {
  bool ok = false;    ///< a response arrived (whatever its status)
  std::string error;  ///< why not, when !ok
  long status = 0;
  std::string headers;  ///< the response header block as received
  std::uint64_t body_bytes = 0;
  std::string digest_hex;
  std::chrono::microseconds elapsed{0};
  std::string request;  ///< "GET http://..." for verbose output
};

GenhashResult genhash_fetch(const GenhashOptions& o);

}  // namespace vigil::hc::io
