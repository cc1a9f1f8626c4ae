// SPDX-License-Identifier: GPL-2.0-or-later
// HTTP_GET / SSL_GET without I/O: the request one url block asks for, and the
// verdict on what came back.
#include "vigil/hc/http.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <regex>

#include "vigil/runtime/text.hpp"

namespace vigil::hc {

namespace {

constexpr config::StatusRange kDefaultStatus{200, 299};

std::string host_in_url(const config::IpAddress& ip, const std::string& bind_if) {
  if (!ip.is_v6()) {
    return ip.str();
  }
  // A link-local target only routes through its interface: carry the zone in
  // the URL (RFC 6874 form, which curl reads).
  if (ip.is_link_local() && !bind_if.empty()) {
    return fmt::format("[{}%25{}]", ip.str(), bind_if);
  }
  return fmt::format("[{}]", ip.str());
}

bool default_port(bool tls, std::uint16_t port) {
  return port == (tls ? 443 : 80);
}

}  // namespace

bool status_accepted(const std::vector<config::StatusRange>& ranges, long status) {
  if (ranges.empty()) {
    return status >= kDefaultStatus.min && status <= kDefaultStatus.max;
  }
  return std::any_of(ranges.begin(), ranges.end(), [status](const config::StatusRange& r) {
    return status >= r.min && status <= r.max;
  });
}

std::string describe_status_ranges(const std::vector<config::StatusRange>& ranges) {
  if (ranges.empty()) {
    return fmt::format("{}-{}", kDefaultStatus.min, kDefaultStatus.max);
  }
  std::string out;
  for (const auto& r : ranges) {
    if (!out.empty()) {
      out += ", ";
    }
    out += r.min == r.max ? fmt::format("{}", r.min) : fmt::format("{}-{}", r.min, r.max);
  }
  return out;
}

std::string to_hex(const unsigned char* data, std::size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(n * 2);
  for (std::size_t i = 0; i < n; ++i) {
    out.push_back(kDigits[data[i] >> 4U]);
    out.push_back(kDigits[data[i] & 0x0fU]);
  }
  return out;
}

bool digest_equal(std::string_view expected, std::string_view actual_hex) {
  return text::ascii_lower(expected) == text::ascii_lower(actual_hex);
}

HttpRequestSpec build_request(const config::HttpGet& check, bool tls, const config::HttpUrl& url,
                              const Target& target, const config::SslConfig* ssl) {
  HttpRequestSpec spec;
  spec.tls = tls;
  const char* scheme = tls ? "https" : "http";
  const std::string path = url.path.empty() ? std::string("/") : url.path;
  // The url's own virtualhost wins over the checker's (which validation has
  // already defaulted from the real and virtual servers).
  const std::string& vhost = !url.virtualhost.empty() ? url.virtualhost : check.virtualhost;
  const std::string addr = host_in_url(target.ip, target.bind_if);
  const std::string port_suffix =
      default_port(tls, target.port) ? std::string() : fmt::format(":{}", target.port);

  if (tls && check.enable_sni && !vhost.empty()) {
    // SNI carries the URL's host name, so the URL names the virtual host and
    // CONNECT_TO sends the connection to the real server without any lookup.
    spec.url = fmt::format("{}://{}:{}{}", scheme, vhost, target.port, path);
    spec.connect_to = fmt::format(
        "{}:{}:{}:{}", vhost, target.port,
        target.ip.is_v6() ? fmt::format("[{}]", target.ip.str()) : target.ip.str(), target.port);
  } else {
    spec.url = fmt::format("{}://{}:{}{}", scheme, addr, target.port, path);
    if (!vhost.empty()) {
      spec.host_header = vhost + port_suffix;
    }
  }

  spec.http_1_1 = check.http_protocol == config::HttpProtocol::v1_1;
  spec.connection_close = check.http_protocol != config::HttpProtocol::v1_0;

  if (tls && ssl != nullptr) {
    spec.ca_file = ssl->ca;
    spec.cert_file = ssl->certificate;
    spec.key_file = ssl->key;
    spec.key_password = ssl->password;
  }
  // keepalived loads the SSL block's ca but never asks OpenSSL to verify the
  // peer, so it accepts any certificate. We verify the chain when a ca is
  // configured (that is what configuring one asks for), and the name only when
  // the request carries one (SNI); without a ca nothing is verified, as in
  // keepalived.
  spec.verify_peer = tls && !spec.ca_file.empty();
  spec.verify_host = spec.verify_peer && !spec.connect_to.empty();

  if (target.bindto) {
    spec.interface = "host!" + target.bindto->str();
  } else if (!target.bind_if.empty()) {
    spec.interface = "if!" + target.bind_if;
  }
  spec.local_port = target.bind_port.value_or(0);
  spec.fwmark = target.fwmark;

  const auto ct = std::chrono::duration_cast<std::chrono::milliseconds>(target.connect_timeout);
  spec.connect_timeout = std::max(ct, std::chrono::milliseconds(1));
  spec.timeout = spec.connect_timeout;

  spec.keep_body = !url.regex.empty();
  spec.keep_bytes = spec.keep_body
                        ? std::min(url.regex_min_offset.value_or(0), kMaxBodyBytes) + kMaxRegexBytes
                        : 0;
  spec.need_body = !url.digest.empty() || spec.keep_body;
  return spec;
}

std::vector<std::string> unsupported_regex_options(const config::HttpUrl& url) {
  std::vector<std::string> out;
  for (const auto& o : url.regex_options) {
    if (o != "caseless" && o != "multiline") {
      out.push_back(o);
    }
  }
  return out;
}

std::string regex_failure(const config::HttpUrl& url, std::string_view body) {
  if (url.regex.empty()) {
    return {};
  }
  auto flags = std::regex::ECMAScript;
  for (const auto& o : url.regex_options) {
    if (o == "caseless") {
      flags |= std::regex::icase;
    } else if (o == "multiline") {
      flags |= std::regex::multiline;
    }
  }
  std::regex re;
  try {
    re.assign(url.regex, flags);
  } catch (const std::regex_error& e) {
    return fmt::format("regex '{}' is not a valid ECMAScript regular expression: {}", url.regex,
                       e.what());
  }
  const std::size_t start = std::min<std::size_t>(url.regex_min_offset.value_or(0), body.size());
  std::match_results<std::string_view::const_iterator> m;
  bool found = false;
  try {
    const std::size_t len = std::min<std::size_t>(body.size() - start, kMaxRegexBytes);
    const auto first = body.begin() + static_cast<std::ptrdiff_t>(start);
    found = std::regex_search(first, first + static_cast<std::ptrdiff_t>(len), m, re);
  } catch (const std::regex_error& e) {
    return fmt::format("regex '{}' could not be evaluated: {}", url.regex, e.what());
  }
  if (found && url.regex_max_offset) {
    const auto at = start + static_cast<std::size_t>(m.position(0));
    found = at <= *url.regex_max_offset;
  }
  if (found && url.regex_no_match) {
    return fmt::format("body matches regex '{}' (regex_no_match)", url.regex);
  }
  if (!found && !url.regex_no_match) {
    return fmt::format("body does not match regex '{}'", url.regex);
  }
  return {};
}

ProbeResult evaluate_response(const config::HttpUrl& url, const HttpResponse& resp,
                              std::string_view what) {
  ProbeResult r;
  if (!status_accepted(url.status_code, resp.status)) {
    r.detail = fmt::format("{}: HTTP status {} not in {}", what, resp.status,
                           describe_status_ranges(url.status_code));
    return r;
  }
  if (!url.digest.empty() && !digest_equal(url.digest, resp.digest_hex)) {
    r.detail = fmt::format("{}: digest {} != expected {}", what, resp.digest_hex,
                           text::ascii_lower(url.digest));
    return r;
  }
  if (auto why = regex_failure(url, resp.body); !why.empty()) {
    r.detail = fmt::format("{}: {}", what, why);
    return r;
  }
  r.ok = true;
  r.detail = fmt::format("{}: HTTP status {}", what, resp.status);
  return r;
}

}  // namespace vigil::hc
