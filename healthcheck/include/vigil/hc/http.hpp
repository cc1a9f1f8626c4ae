// SPDX-License-Identifier: GPL-2.0-or-later
// The pure half of HTTP_GET / SSL_GET: which request one `url` block asks for
// (address, Host header, SNI name, protocol, TLS files, timeouts, source
// address), and whether a response passes (status_code ranges, MD5 digest,
// regex). The libcurl transfer itself lives in src/io/http.cpp.
// Pure: no sockets, no curl, no OpenSSL, no clock.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "vigil/config/model_lvs.hpp"
#include "vigil/hc/plan.hpp"
#include "vigil/hc/result.hpp"

namespace vigil::hc {

/// keepalived's User-Agent, kept so server-side filters written for it still match.
inline constexpr std::string_view kHttpUserAgent = "KeepAliveClient";

/// The most body bytes a check reads; a longer body fails the check (a health
/// page is small, and a runaway stream must not pin a probe).
inline constexpr std::uint64_t kMaxBodyBytes = 16U * 1024U * 1024U;
/// The most body bytes `regex` searches, from regex_min_offset on. libstdc++'s
/// std::regex recurses once per character it consumes and backtracks
/// quadratically: on 16 KiB a pattern like `(a|b)*c` overflows an 8 MiB stack,
/// so the window stays small (keepalived's PCRE2 has no such limit).
inline constexpr std::uint64_t kMaxRegexBytes = 4096;

/// True when `status` lies in one of `ranges`; no ranges means 200-299.
bool status_accepted(const std::vector<config::StatusRange>& ranges, long status);

/// "200-299", "200, 301-302" (for details).
std::string describe_status_ranges(const std::vector<config::StatusRange>& ranges);

/// Lower-case hex of `n` bytes.
std::string to_hex(const unsigned char* data, std::size_t n);

/// Digests compare without regard to case (a config may carry upper-case hex).
bool digest_equal(std::string_view expected, std::string_view actual_hex);

/// Everything one GET needs, as plain values for the curl adapter.
struct HttpRequestSpec {
  /// "http://198.18.0.2:80/path", "https://[2001:db8::2]:443/",
  /// or with SNI "https://www.example.com:443/" (then connect_to says where to go).
  std::string url;
  /// curl's CONNECT_TO entry "www.example.com:443:198.18.0.2:443" when the URL
  /// names the virtual host (SNI), so the name is never resolved; else empty.
  std::string connect_to;
  /// "Host: ..." header to send when the URL carries the address but a
  /// virtualhost is configured; empty when the URL's host is the right one.
  std::string host_header;
  bool http_1_1 = false;          ///< else HTTP/1.0
  bool connection_close = false;  ///< 1.0C and 1.1 send "Connection: close"
  bool tls = false;
  /// Verify the server's certificate chain (only when the SSL block gives a
  /// ca; keepalived itself never verifies, see http.cpp).
  bool verify_peer = false;
  /// Also check the certificate's name against the URL's host (only when that
  /// host is the virtualhost name, i.e. with SNI).
  bool verify_host = false;
  std::string ca_file;
  std::string cert_file;
  std::string key_file;
  std::string key_password;
  /// curl's CURLOPT_INTERFACE: "host!198.18.0.9" (bindto), "if!eth0" (bind_if), or empty.
  std::string interface;
  std::uint16_t local_port = 0;  ///< bind_port (0: any)
  std::optional<std::uint32_t> fwmark;
  std::chrono::milliseconds connect_timeout{5000};
  /// The whole transfer of this URL, connect included.
  std::chrono::milliseconds timeout{5000};
  /// Read the body (digest or regex configured); else the status line decides
  /// and the transfer stops at the first body byte.
  bool need_body = false;
  bool keep_body = false;        ///< regex configured: keep the first keep_bytes bytes
  std::uint64_t keep_bytes = 0;  ///< regex_min_offset + kMaxRegexBytes
};

/// The request for `url` of an HTTP_GET (`tls` false) or SSL_GET (`tls` true)
/// checker aimed at `target`. `ssl` is the top-level SSL block, if any.
HttpRequestSpec build_request(const config::HttpGet& check, bool tls, const config::HttpUrl& url,
                              const Target& target, const config::SslConfig* ssl);

/// What a finished GET returned, for evaluate_response.
struct HttpResponse {
  long status = 0;
  std::string digest_hex;  ///< MD5 of the body read (when need_body)
  std::string body;        ///< kept body (when keep_body), possibly truncated
  std::uint64_t body_bytes = 0;
};

/// Whether `resp` satisfies `url`: status in range, then digest, then regex.
/// `what` names the request for details ("GET http://198.18.0.2:80/").
ProbeResult evaluate_response(const config::HttpUrl& url, const HttpResponse& resp,
                              std::string_view what);

/// The regex_options std::regex cannot honour (ECMAScript grammar): all but
/// caseless and multiline. They are ignored; the caller logs them once.
std::vector<std::string> unsupported_regex_options(const config::HttpUrl& url);

/// regex / regex_no_match / regex_min_offset / regex_max_offset against `body`
/// (ECMAScript grammar; at most kMaxRegexBytes from regex_min_offset are
/// searched). Returns an empty string when the check passes, else why it failed.
std::string regex_failure(const config::HttpUrl& url, std::string_view body);

}  // namespace vigil::hc
