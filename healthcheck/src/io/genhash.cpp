// SPDX-License-Identifier: GPL-2.0-or-later
// genhash_fetch: one blocking GET with the same request HTTP_GET/SSL_GET build
// (build_request), hashing the body with MD5 as it arrives.
#include "vigil/hc/io/genhash.hpp"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <netdb.h>
#include <openssl/evp.h>
#include <sys/socket.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <memory>

#include "vigil/hc/http.hpp"
#include "vigil/hc/io/curl_multi.hpp"
#include "vigil/hc/io/curl_util.hpp"

namespace vigil::hc::io {

namespace {

struct Sink {
  MdCtx md;
  std::string headers;
  std::uint64_t body_bytes = 0;
  bool too_big = false;
  std::uint32_t fwmark = 0;
  std::string sockopt_error;
};

size_t on_body(char* data, size_t size, size_t nmemb, void* user) {
  auto* s = static_cast<Sink*>(user);
  const size_t n = size * nmemb;
  s->body_bytes += n;
  if (s->body_bytes > kMaxBodyBytes) {
    s->too_big = true;
    return 0;
  }
  EVP_DigestUpdate(s->md.get(), data, n);
  return n;
}

size_t on_header(char* data, size_t size, size_t nmemb, void* user) {
  auto* s = static_cast<Sink*>(user);
  s->headers.append(data, size * nmemb);
  return size * nmemb;
}

int on_sockopt(void* user, curl_socket_t fd, curlsocktype /*purpose*/) {
  auto* s = static_cast<Sink*>(user);
  const auto mark = static_cast<unsigned int>(s->fwmark);
  if (::setsockopt(fd, SOL_SOCKET, SO_MARK, &mark, sizeof(mark)) != 0) {
    s->sockopt_error = fmt::format("SO_MARK {}: {}", s->fwmark, std::strerror(errno));
    return CURL_SOCKOPT_ERROR;
  }
  return CURL_SOCKOPT_OK;
}

std::optional<config::IpAddress> resolve(const std::string& server, std::string& error) {
  if (auto ip = config::IpAddress::parse(server)) {
    return ip;
  }
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  const int rc = ::getaddrinfo(server.c_str(), nullptr, &hints, &res);
  if (rc != 0 || res == nullptr) {
    error = fmt::format("cannot resolve '{}': {}", server, ::gai_strerror(rc));
    return std::nullopt;
  }
  std::array<char, INET6_ADDRSTRLEN> buf{};
  const void* a =
      res->ai_family == AF_INET6
          ? static_cast<const void*>(&reinterpret_cast<sockaddr_in6*>(res->ai_addr)->sin6_addr)
          : static_cast<const void*>(&reinterpret_cast<sockaddr_in*>(res->ai_addr)->sin_addr);
  ::inet_ntop(res->ai_family, a, buf.data(), buf.size());
  ::freeaddrinfo(res);
  return config::IpAddress::parse(buf.data());
}

}  // namespace

GenhashResult genhash_fetch(const GenhashOptions& o) {
  GenhashResult out;
  auto ip = resolve(o.server, out.error);
  if (!ip) {
    return out;
  }
  config::HttpGet check;
  check.virtualhost = o.virtualhost;
  check.http_protocol = o.protocol;
  check.enable_sni = o.sni;
  config::HttpUrl url;
  url.path = o.url.empty() ? "/" : o.url;
  url.digest = "genhash";  // any digest: the body is read and hashed
  Target target;
  target.ip = *ip;
  target.port = o.port != 0 ? o.port : (o.ssl ? 443 : 80);
  target.connect_timeout = o.timeout;
  target.fwmark = o.fwmark;
  const HttpRequestSpec spec = build_request(check, o.ssl, url, target, nullptr);
  out.request = fmt::format("GET {}", spec.url);

  Sink sink;
  sink.md.reset(EVP_MD_CTX_new());
  if (!sink.md || EVP_DigestInit_ex(sink.md.get(), EVP_md5(), nullptr) != 1) {
    out.error = "MD5 is not available from OpenSSL";
    return out;
  }
  CurlEasy easy;
  CURL* h = easy.get();
  std::array<char, CURL_ERROR_SIZE> errbuf{};
  Slist headers;
  Slist connect_to;
  curl_easy_setopt(h, CURLOPT_URL, spec.url.c_str());
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(spec.connect_timeout.count()));
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(spec.timeout.count()));
  curl_easy_setopt(h, CURLOPT_USERAGENT, std::string(kHttpUserAgent).c_str());
  curl_easy_setopt(h, CURLOPT_HTTP_VERSION,
                   spec.http_1_1 ? CURL_HTTP_VERSION_1_1 : CURL_HTTP_VERSION_1_0);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf.data());
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &on_body);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, &on_header);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, &sink);
  if (!spec.host_header.empty()) {
    headers = slist_append(std::move(headers), "Host: " + spec.host_header);
  }
  if (spec.connection_close) {
    headers = slist_append(std::move(headers), "Connection: close");
  }
  if (headers) {
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());
  }
  if (!spec.connect_to.empty()) {
    connect_to = slist_append(nullptr, spec.connect_to);
    curl_easy_setopt(h, CURLOPT_CONNECT_TO, connect_to.get());
  }
  if (spec.fwmark) {
    sink.fwmark = *spec.fwmark;
    curl_easy_setopt(h, CURLOPT_SOCKOPTFUNCTION, &on_sockopt);
    curl_easy_setopt(h, CURLOPT_SOCKOPTDATA, &sink);
  }
  if (spec.tls) {
    // genhash, like keepalived, does not verify the server it hashes.
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
  }

  const auto t0 = std::chrono::steady_clock::now();
  const CURLcode rc = curl_easy_perform(h);
  out.elapsed =
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0);
  out.headers = std::move(sink.headers);
  out.body_bytes = sink.body_bytes;
  if (sink.too_big) {
    out.error = fmt::format("body longer than {} bytes", kMaxBodyBytes);
    return out;
  }
  if (rc != CURLE_OK) {
    out.error = !sink.sockopt_error.empty() ? sink.sockopt_error
                : errbuf[0] != '\0'         ? std::string(errbuf.data())
                                            : std::string(curl_easy_strerror(rc));
    return out;
  }
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &out.status);
  std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
  unsigned int len = 0;
  EVP_DigestFinal_ex(sink.md.get(), md.data(), &len);
  out.digest_hex = to_hex(md.data(), len);
  out.ok = true;
  return out;
}

}  // namespace vigil::hc::io
