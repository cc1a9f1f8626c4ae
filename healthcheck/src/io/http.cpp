// SPDX-License-Identifier: GPL-2.0-or-later
// HTTP_GET and SSL_GET: each url block in turn is fetched through the shared
// CurlMulti; the body's MD5 is computed as it streams in (OpenSSL EVP). The
// first url that fails fails the check.
#include "vigil/hc/http.hpp"

#include <fmt/format.h>
#include <openssl/evp.h>
#include <sys/socket.h>

#include <array>
#include <boost/asio/post.hpp>
#include <cerrno>
#include <cstring>
#include <memory>
#include <optional>
#include <variant>

#include "vigil/hc/io/curl_multi.hpp"
#include "vigil/hc/io/curl_util.hpp"
#include "vigil/hc/io/probes.hpp"
#include "vigil/runtime/log.hpp"

namespace vigil::hc::io {

namespace {

class HttpProbe final : public Probe {
 public:
  HttpProbe(ProbeEnv& env, const CheckDef& def, config::HttpGet check, bool tls)
      : env_(env), check_(std::move(check)), tls_(tls), alive_(std::make_shared<bool>(true)) {
    const config::SslConfig* ssl =
        env.model != nullptr && env.model->lvs.ssl ? &*env.model->lvs.ssl : nullptr;
    for (const auto& u : check_.url) {
      specs_.push_back(build_request(check_, tls_, u, def.target, ssl));
      for (const auto& o : unsupported_regex_options(u)) {
        log::warning(
            "{}: regex_options {} is not supported (std::regex, ECMAScript) and is ignored",
            def.checker_id, o);
      }
    }
  }
  HttpProbe(const HttpProbe&) = delete;
  HttpProbe& operator=(const HttpProbe&) = delete;
  HttpProbe(HttpProbe&&) = delete;
  HttpProbe& operator=(HttpProbe&&) = delete;
  ~HttpProbe() override {
    cancel();
    *alive_ = false;
  }

  void start(std::function<void(ProbeResult)> done) override {
    cancel();
    done_ = std::move(done);
    running_ = true;
    index_ = 0;
    if (specs_.empty()) {
      post_result({false, std::nullopt, fmt::format("{} has no url to check", kind())});
      return;
    }
    next_url();
  }

  void cancel() override {
    if (!running_) {
      return;
    }
    running_ = false;
    ++generation_;
    done_ = nullptr;
    if (in_multi_) {
      env_.curl->abandon(easy_->get());
      in_multi_ = false;
    }
    release();
  }

 private:
  [[nodiscard]] const char* kind() const { return tls_ ? "SSL_GET" : "HTTP_GET"; }

  // Results that are known before any transfer still reach `done` from the loop.
  void post_result(ProbeResult r) {
    boost::asio::post(env_.io, [this, alive = alive_, gen = generation_, r = std::move(r)] {
      if (!*alive || gen != generation_ || !running_) {
        return;
      }
      finish(r);
    });
  }

  // An idle probe holds no curl handle, buffer or digest context: with
  // thousands of checkers only the running ones cost memory. The handle goes
  // back to the CurlMulti's small pool of idle handles for the next check.
  void release() {
    if (easy_ && env_.curl != nullptr) {
      env_.curl->give_back(std::move(*easy_));
    }
    easy_.reset();
    headers_.reset();
    connect_to_.reset();
    md_.reset();
    body_ = std::string();
  }

  void finish(const ProbeResult& r) {
    release();
    running_ = false;
    ++generation_;
    auto d = std::move(done_);
    done_ = nullptr;
    if (d) {
      d(r);  // may destroy this probe: nothing after
    }
  }

  [[nodiscard]] std::string what(const HttpRequestSpec& s) const {
    if (!s.connect_to.empty()) {
      // "name:port:addr:port": the address is after the second colon.
      const auto at = s.connect_to.find(':', s.connect_to.find(':') + 1);
      return fmt::format("GET {} (at {})", s.url, s.connect_to.substr(at + 1));
    }
    return fmt::format("GET {}", s.url);
  }

  void next_url() {
    const HttpRequestSpec& s = specs_[index_];
    if (env_.curl == nullptr) {
      post_result({false, std::nullopt, fmt::format("{}: no libcurl multi handle", what(s))});
      return;
    }
    if (!configure(s)) {
      post_result({false, std::nullopt, fmt::format("{}: cannot set up the transfer", what(s))});
      return;
    }
    in_multi_ = true;
    env_.curl->start(easy_->get(), [this, gen = generation_](CURLcode code) {
      in_multi_ = false;
      if (gen == generation_ && running_) {
        on_done(code);
      }
    });
  }

  bool configure(const HttpRequestSpec& s) {
    try {
      if (!easy_) {
        easy_.emplace(env_.curl->take_easy());
      }
    } catch (const std::exception&) {
      return false;
    }
    CURL* h = easy_->get();
    curl_easy_reset(h);
    headers_.reset();
    connect_to_.reset();
    md_.reset(EVP_MD_CTX_new());
    if (!md_ || EVP_DigestInit_ex(md_.get(), EVP_md5(), nullptr) != 1) {
      return false;
    }
    body_.clear();
    body_bytes_ = 0;
    stopped_early_ = false;
    too_big_ = false;
    sockopt_error_.clear();
    errbuf_[0] = '\0';

    bool ok = true;
    auto set = [&ok](CURLcode rc) { ok = ok && rc == CURLE_OK; };
    set(curl_easy_setopt(h, CURLOPT_URL, s.url.c_str()));
    set(curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https"));
    set(curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L));
    // One connection per check, closed at its end, as keepalived does: no
    // cached connection hides a server that stopped accepting, and no
    // descriptor outlives the check.
    set(curl_easy_setopt(h, CURLOPT_FORBID_REUSE, 1L));
    set(curl_easy_setopt(h, CURLOPT_FRESH_CONNECT, 1L));
    // No DNS cache: every address here is a literal (the virtualhost, if any,
    // is mapped to it by CONNECT_TO), so caching saves nothing, and curl's
    // cache is one small hash per multi handle that it walks in full on every
    // connection; with thousands of real servers that walk was most of the
    // CPU a check cost.
    set(curl_easy_setopt(h, CURLOPT_DNS_CACHE_TIMEOUT, 0L));
    set(curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
                         static_cast<long>(s.connect_timeout.count())));
    set(curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(s.timeout.count())));
    set(curl_easy_setopt(h, CURLOPT_USERAGENT, std::string(kHttpUserAgent).c_str()));
    set(curl_easy_setopt(h, CURLOPT_HTTP_VERSION,
                         s.http_1_1 ? CURL_HTTP_VERSION_1_1 : CURL_HTTP_VERSION_1_0));
    set(curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf_.data()));
    set(curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &HttpProbe::on_body));
    set(curl_easy_setopt(h, CURLOPT_WRITEDATA, this));
    Slist headers;
    if (!s.host_header.empty()) {
      headers = slist_append(std::move(headers), "Host: " + s.host_header);
    }
    if (s.connection_close) {
      headers = slist_append(std::move(headers), "Connection: close");
    }
    headers_ = std::move(headers);
    if (headers_) {
      set(curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers_.get()));
    }
    if (!s.connect_to.empty()) {
      connect_to_ = slist_append(nullptr, s.connect_to);
      set(curl_easy_setopt(h, CURLOPT_CONNECT_TO, connect_to_.get()));
    }
    if (!s.interface.empty()) {
      set(curl_easy_setopt(h, CURLOPT_INTERFACE, s.interface.c_str()));
    }
    if (s.local_port != 0) {
      set(curl_easy_setopt(h, CURLOPT_LOCALPORT, static_cast<long>(s.local_port)));
      set(curl_easy_setopt(h, CURLOPT_LOCALPORTRANGE, 1L));
    }
    if (s.fwmark) {
      fwmark_ = *s.fwmark;
      set(curl_easy_setopt(h, CURLOPT_SOCKOPTFUNCTION, &HttpProbe::on_sockopt));
      set(curl_easy_setopt(h, CURLOPT_SOCKOPTDATA, this));
    }
    if (s.tls) {
      // Handles are reused across checks (CurlMulti's pool): a check must not
      // resume a TLS session of an earlier one, every check does a full handshake.
      set(curl_easy_setopt(h, CURLOPT_SSL_SESSIONID_CACHE, 0L));
      set(curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, s.verify_peer ? 1L : 0L));
      set(curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, s.verify_host ? 2L : 0L));
      if (s.verify_peer) {
        set(curl_easy_setopt(h, CURLOPT_CAINFO, s.ca_file.c_str()));
        set(curl_easy_setopt(h, CURLOPT_CAPATH, nullptr));
      } else {
        // Nothing is verified: don't load the system CA bundle on every check.
        set(curl_easy_setopt(h, CURLOPT_CAINFO, nullptr));
        set(curl_easy_setopt(h, CURLOPT_CAPATH, nullptr));
      }
      if (!s.cert_file.empty()) {
        set(curl_easy_setopt(h, CURLOPT_SSLCERT, s.cert_file.c_str()));
      }
      if (!s.key_file.empty()) {
        set(curl_easy_setopt(h, CURLOPT_SSLKEY, s.key_file.c_str()));
      }
      if (!s.key_password.empty()) {
        set(curl_easy_setopt(h, CURLOPT_KEYPASSWD, s.key_password.c_str()));
      }
    }
    return ok;
  }

  static size_t on_body(char* data, size_t size, size_t nmemb, void* self) {
    auto* p = static_cast<HttpProbe*>(self);
    const size_t n = size * nmemb;
    const HttpRequestSpec& s = p->specs_[p->index_];
    if (!s.need_body) {
      // The status line decides: stop reading (curl reports a write error,
      // which on_done knows to be ours).
      p->stopped_early_ = true;
      return 0;
    }
    p->body_bytes_ += n;
    if (p->body_bytes_ > kMaxBodyBytes) {
      p->too_big_ = true;
      return 0;
    }
    EVP_DigestUpdate(p->md_.get(), data, n);
    if (s.keep_body && p->body_.size() < s.keep_bytes) {
      p->body_.append(
          data, static_cast<size_t>(std::min<std::uint64_t>(n, s.keep_bytes - p->body_.size())));
    }
    return n;
  }

  static int on_sockopt(void* self, curl_socket_t fd, curlsocktype /*purpose*/) {
    auto* p = static_cast<HttpProbe*>(self);
    const auto mark = static_cast<unsigned int>(p->fwmark_);
    if (::setsockopt(fd, SOL_SOCKET, SO_MARK, &mark, sizeof(mark)) != 0) {
      p->sockopt_error_ = fmt::format("SO_MARK {}: {}", p->fwmark_, std::strerror(errno));
      return CURL_SOCKOPT_ERROR;
    }
    return CURL_SOCKOPT_OK;
  }

  void on_done(CURLcode code) {
    const HttpRequestSpec& s = specs_[index_];
    if (too_big_) {
      finish({false, std::nullopt,
              fmt::format("{}: body longer than {} bytes", what(s), kMaxBodyBytes)});
      return;
    }
    const bool ours = code == CURLE_WRITE_ERROR && stopped_early_;
    if (code != CURLE_OK && !ours) {
      std::string why = !sockopt_error_.empty() ? sockopt_error_
                        : errbuf_[0] != '\0'    ? std::string(errbuf_.data())
                                                : std::string(curl_easy_strerror(code));
      finish({false, std::nullopt, fmt::format("{}: {}", what(s), why)});
      return;
    }
    HttpResponse resp;
    curl_easy_getinfo(easy_->get(), CURLINFO_RESPONSE_CODE, &resp.status);
    if (s.need_body) {
      std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
      unsigned int len = 0;
      EVP_DigestFinal_ex(md_.get(), md.data(), &len);
      resp.digest_hex = to_hex(md.data(), len);
      resp.body = std::move(body_);
      resp.body_bytes = body_bytes_;
    }
    ProbeResult r = evaluate_response(check_.url[index_], resp, what(s));
    if (!r.ok || index_ + 1 >= specs_.size()) {
      finish(r);
      return;
    }
    ++index_;
    next_url();
  }

  ProbeEnv& env_;
  config::HttpGet check_;
  bool tls_;
  std::vector<HttpRequestSpec> specs_;
  std::optional<CurlEasy> easy_;
  Slist headers_;
  Slist connect_to_;
  MdCtx md_;
  std::string body_;
  std::uint64_t body_bytes_ = 0;
  bool stopped_early_ = false;
  bool too_big_ = false;
  std::uint32_t fwmark_ = 0;
  std::string sockopt_error_;
  std::array<char, CURL_ERROR_SIZE> errbuf_{};
  std::size_t index_ = 0;
  std::function<void(ProbeResult)> done_;
  bool running_ = false;
  bool in_multi_ = false;
  std::uint64_t generation_ = 0;
  std::shared_ptr<bool> alive_;
};

/// For a CheckDef whose spec is not an HTTP checker (a planning bug): fails, says why.
class WrongSpecProbe final : public Probe {
 public:
  WrongSpecProbe(ProbeEnv& env, std::string why)
      : env_(env), why_(std::move(why)), alive_(std::make_shared<bool>(true)) {}
  WrongSpecProbe(const WrongSpecProbe&) = delete;
  WrongSpecProbe& operator=(const WrongSpecProbe&) = delete;
  WrongSpecProbe(WrongSpecProbe&&) = delete;
  WrongSpecProbe& operator=(WrongSpecProbe&&) = delete;
  ~WrongSpecProbe() override { *alive_ = false; }
  void start(std::function<void(ProbeResult)> done) override {
    done_ = std::move(done);
    boost::asio::post(env_.io, [this, alive = alive_] {
      if (*alive && done_) {
        auto d = std::move(done_);
        done_ = nullptr;
        d({false, std::nullopt, why_});
      }
    });
  }
  void cancel() override { done_ = nullptr; }

 private:
  ProbeEnv& env_;
  std::string why_;
  std::function<void(ProbeResult)> done_;
  std::shared_ptr<bool> alive_;
};

}  // namespace

std::unique_ptr<Probe> make_http_probe(ProbeEnv& env, const CheckDef& def) {
  if (const auto* s = std::get_if<config::SslGet>(&def.spec)) {
    return std::make_unique<HttpProbe>(env, def, *s, true);
  }
  if (const auto* h = std::get_if<config::HttpGet>(&def.spec)) {
    return std::make_unique<HttpProbe>(env, def, *h, false);
  }
  return std::make_unique<WrongSpecProbe>(
      env, fmt::format("{}: not an HTTP_GET/SSL_GET checker", def.checker_id));
}

}  // namespace vigil::hc::io
