// SPDX-License-Identifier: GPL-2.0-or-later
// HTTP_GET and SSL_GET probes against python3 servers on 127.0.0.1: status,
// digest, ranges, Host header, a server that never answers, refused, garbage,
// TLS with SNI and with a CA made at test time, several urls, cancel, and no
// descriptor left behind. genhash against the same server.
#include <catch2/catch.hpp>
#include <optional>

#include "http_server_util.hpp"
#include "probe_env_fixture.hpp"
#include "vigil/hc/io/curl_multi.hpp"
#include "vigil/hc/io/genhash.hpp"
#include "vigil/hc/io/probes.hpp"
#include "vigil/vrrp/io/process.hpp"

using namespace vigil;
using namespace std::chrono_literals;

namespace {

constexpr const char* kHelloMd5 = "6f5902ac237024bdd0c176cb93063dc4";  // "hello world\n"

using Env = test::ProbeEnvFixture;

config::HttpUrl url(const std::string& path, const std::string& digest = "") {
  config::HttpUrl u;
  u.path = path;
  u.digest = digest;
  return u;
}

hc::CheckDef http_def(std::uint16_t port, std::vector<config::HttpUrl> urls, bool tls = false,
                      std::chrono::milliseconds timeout = 3000ms) {
  hc::CheckDef d;
  d.kind = tls ? hc::CheckKind::Ssl : hc::CheckKind::Http;
  d.checker_id = "test";
  d.target.ip = *config::IpAddress::parse("127.0.0.1");
  d.target.port = port;
  d.target.connect_timeout = timeout;
  config::HttpGet h;
  h.url = std::move(urls);
  if (tls) {
    config::SslGet s;
    static_cast<config::HttpGet&>(s) = h;
    d.spec = s;
  } else {
    d.spec = h;
  }
  return d;
}

config::HttpGet& http_of(hc::CheckDef& d) {
  if (auto* s = std::get_if<config::SslGet>(&d.spec)) {
    return *s;
  }
  return std::get<config::HttpGet>(d.spec);
}

std::optional<hc::ProbeResult> run_probe(Env& e, const hc::CheckDef& d,
                                         std::chrono::milliseconds limit = 10s) {
  auto probe = hc::io::make_http_probe(e.env, d);
  std::optional<hc::ProbeResult> got;
  probe->start([&](hc::ProbeResult r) { got = std::move(r); });
  REQUIRE_FALSE(got.has_value());  // never from inside start()
  test::run_until(
      e.io, [&] { return got.has_value(); }, limit);
  return got;
}

}  // namespace

TEST_CASE("HTTP_GET against a local server", "[hc_io][http]") {
  test::TempDir dir;
  test::PyServer srv(dir, false);
  REQUIRE(srv.port != 0);
  Env e;

  SECTION("200 OK passes") {
    auto r = run_probe(e, http_def(srv.port, {url("/ok")}));
    REQUIRE(r);
    CHECK(r->ok);
    CHECK(r->detail.find("200") != std::string::npos);
  }
  SECTION("503 fails with the status and the accepted range in the detail") {
    auto r = run_probe(e, http_def(srv.port, {url("/status/503")}));
    REQUIRE(r);
    CHECK_FALSE(r->ok);
    CHECK(r->detail.find("HTTP status 503 not in 200-299") != std::string::npos);
  }
  SECTION("status_code lists and ranges") {
    auto u = url("/status/503");
    u.status_code = {{200, 200}, {500, 504}};
    CHECK(run_probe(e, http_def(srv.port, {u}))->ok);
    u.status_code = {{200, 299}, {505, 505}};
    CHECK_FALSE(run_probe(e, http_def(srv.port, {u}))->ok);
    auto nf = url("/nothing");
    nf.status_code = {{404, 404}};
    CHECK(run_probe(e, http_def(srv.port, {nf}))->ok);
  }
  SECTION("the right digest passes, a wrong one fails") {
    CHECK(run_probe(e, http_def(srv.port, {url("/ok", kHelloMd5)}))->ok);
    auto r = run_probe(e, http_def(srv.port, {url("/ok", "0123456789abcdef0123456789abcdef")}));
    CHECK_FALSE(r->ok);
    CHECK(r->detail.find(std::string("digest ") + kHelloMd5 +
                         " != expected 0123456789abcdef0123456789abcdef") != std::string::npos);
  }
  SECTION("upper-case digest in the config still matches") {
    std::string up = kHelloMd5;
    for (auto& c : up) {
      c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    CHECK(run_probe(e, http_def(srv.port, {url("/ok", up)}))->ok);
  }
  SECTION("the server sees the virtualhost in Host (url's own wins over the checker's)") {
    auto d = http_def(srv.port, {url("/host")});
    http_of(d).virtualhost = "www.example.test";
    auto& u = http_of(d).url[0];
    u.regex = "^host=www\\.example\\.test:" + std::to_string(srv.port) + "$";
    u.regex_options = {"multiline"};
    auto r = run_probe(e, d);
    CHECK(r->ok);
    INFO(r->detail);
    u.virtualhost = "other.example.test";
    u.regex = "host=other\\.example\\.test:";
    CHECK(run_probe(e, d)->ok);
  }
  SECTION("regex and regex_no_match") {
    auto u = url("/ok");
    u.regex = "HELLO";
    u.regex_options = {"caseless"};
    CHECK(run_probe(e, http_def(srv.port, {u}))->ok);
    u.regex_no_match = true;
    auto r = run_probe(e, http_def(srv.port, {u}));
    CHECK_FALSE(r->ok);
    CHECK(r->detail.find("regex_no_match") != std::string::npos);
  }
  SECTION("http_protocol 1.1 sends HTTP/1.1 and Connection: close") {
    auto d = http_def(srv.port, {url("/headers")});
    http_of(d).http_protocol = config::HttpProtocol::v1_1;
    auto& u = http_of(d).url[0];
    u.regex = "^HTTP/1\\.1$[\\s\\S]*^Connection: close$";
    u.regex_options = {"multiline", "caseless"};
    CHECK(run_probe(e, d)->ok);
    http_of(d).http_protocol = config::HttpProtocol::v1_0;
    u.regex = "^HTTP/1\\.0$";
    CHECK(run_probe(e, d)->ok);
    u.regex = "Connection: close";
    u.regex_no_match = true;
    CHECK(run_probe(e, d)->ok);  // plain 1.0 sends no Connection header
    http_of(d).http_protocol = config::HttpProtocol::v1_0C;
    u.regex_no_match = false;
    u.regex = "^HTTP/1\\.0$[\\s\\S]*Connection: close";
    CHECK(run_probe(e, d)->ok);
  }
  SECTION("bindto and bind_port set the source; fwmark is set on the socket") {
    auto d = http_def(srv.port, {url("/peer")});
    const std::uint16_t src = test::closed_port();
    d.target.bindto = config::IpAddress::parse("127.0.0.1");
    d.target.bind_port = src;
    d.target.fwmark = 5;
    http_of(d).url[0].regex = "^peer=127\\.0\\.0\\.1:" + std::to_string(src) + "\n";
    auto r = run_probe(e, d);
    INFO(r->detail);
    CHECK(r->ok);
  }
  SECTION("every url is checked in order; the first failure fails the check") {
    auto r = run_probe(e, http_def(srv.port, {url("/ok", kHelloMd5), url("/status/500")}));
    CHECK_FALSE(r->ok);
    CHECK(r->detail.find("/status/500") != std::string::npos);
    CHECK(run_probe(e, http_def(srv.port, {url("/ok"), url("/status/204")}))->ok);
  }
  SECTION("a server that accepts and never answers fails after connect_timeout") {
    const auto t0 = std::chrono::steady_clock::now();
    auto r = run_probe(e, http_def(srv.hang_port, {url("/")}, false, 700ms));
    const auto took = std::chrono::steady_clock::now() - t0;
    REQUIRE(r);
    CHECK_FALSE(r->ok);
    CHECK(r->detail.find("timed out") != std::string::npos);
    CHECK(took >= 600ms);
    CHECK(took < 5s);
  }
  SECTION("a body that stalls fails after the timeout") {
    auto r = run_probe(e, http_def(srv.port, {url("/slowbody", kHelloMd5)}, false, 700ms));
    REQUIRE(r);
    CHECK_FALSE(r->ok);
    CHECK(r->detail.find("timed out") != std::string::npos);
  }
  SECTION("connection refused fails with curl's reason") {
    auto r = run_probe(e, http_def(test::closed_port(), {url("/")}));
    REQUIRE(r);
    CHECK_FALSE(r->ok);
    INFO(r->detail);
    CHECK((r->detail.find("refused") != std::string::npos ||
           r->detail.find("connect") != std::string::npos));
  }
  SECTION("a garbage answer fails cleanly") {
    auto r = run_probe(e, http_def(srv.garbage_port, {url("/", kHelloMd5)}));
    REQUIRE(r);
    CHECK_FALSE(r->ok);
    CHECK_FALSE(r->detail.empty());
  }
  SECTION("cancel: no callback, nothing left running") {
    const auto before = test::open_fds();
    auto probe = hc::io::make_http_probe(e.env, http_def(srv.hang_port, {url("/")}, false, 5000ms));
    bool called = false;
    probe->start([&](hc::ProbeResult) { called = true; });
    test::run_until(
        e.io, [&] { return e.curl.open_sockets() > 0; }, 2s);
    probe->cancel();
    test::run_until(
        e.io, [] { return false; }, 200ms);
    CHECK_FALSE(called);
    CHECK(e.curl.running() == 0);
    CHECK(e.curl.open_sockets() == 0);
    probe.reset();
    CHECK(test::open_fds() == before);
  }
  SECTION("no descriptor, socket or transfer left after many checks") {
    // Warm up once so lazily opened library descriptors are counted in the baseline.
    run_probe(e, http_def(srv.port, {url("/ok")}));
    const auto before = test::open_fds();
    auto good = hc::io::make_http_probe(e.env, http_def(srv.port, {url("/ok", kHelloMd5)}));
    auto bad = hc::io::make_http_probe(e.env, http_def(test::closed_port(), {url("/")}));
    auto junk = hc::io::make_http_probe(e.env, http_def(srv.garbage_port, {url("/")}));
    int oks = 0;
    int fails = 0;
    for (int i = 0; i < 60; ++i) {
      int pending = 3;
      for (auto* p : {good.get(), bad.get(), junk.get()}) {
        p->start([&](const hc::ProbeResult& r) {
          (r.ok ? oks : fails)++;
          --pending;
        });
      }
      REQUIRE(test::run_until(e.io, [&] { return pending == 0; }));
    }
    CHECK(oks == 60);
    CHECK(fails == 120);
    CHECK(e.curl.running() == 0);
    CHECK(e.curl.open_sockets() == 0);
    CHECK(test::open_fds() == before);
  }
}

TEST_CASE("SSL_GET against a TLS server with a CA made at test time", "[hc_io][http][tls]") {
  test::TempDir dir;
  REQUIRE(test::make_ca_and_cert(dir.path().string()));
  REQUIRE(test::make_ca_and_cert(dir.path().string(), "other-"));
  test::PyServer srv(dir, true, dir.file("server.pem"), dir.file("server.key"));
  REQUIRE(srv.port != 0);
  Env e;

  SECTION("no SSL block: the certificate is not verified, as in keepalived") {
    auto r = run_probe(e, http_def(srv.port, {url("/ok", kHelloMd5)}, true));
    CHECK(r->ok);
    INFO(r->detail);
  }
  SECTION("enable_sni sends the virtualhost as the server name") {
    auto d = http_def(srv.port, {url("/sni")}, true);
    http_of(d).virtualhost = "www.example.test";
    http_of(d).enable_sni = true;
    http_of(d).url[0].regex = "sni=www\\.example\\.test";
    auto r = run_probe(e, d);
    INFO(r->detail);
    CHECK(r->ok);
    // Without enable_sni no name is sent (the URL holds the address).
    http_of(d).enable_sni = false;
    http_of(d).url[0].regex = "sni=None";
    CHECK(run_probe(e, d)->ok);
  }
  SECTION("with the SSL block's ca the chain is verified") {
    config::SslConfig ssl;
    ssl.ca = dir.file("ca.pem");
    e.model.lvs.ssl = ssl;
    auto d = http_def(srv.port, {url("/ok", kHelloMd5)}, true);
    http_of(d).virtualhost = "www.example.test";
    http_of(d).enable_sni = true;
    auto r = run_probe(e, d);
    INFO(r->detail);
    CHECK(r->ok);
    // Without SNI the chain is still verified (name not checked: the URL has the address).
    http_of(d).enable_sni = false;
    CHECK(run_probe(e, d)->ok);

    ssl.ca = dir.file("other-ca.pem");
    e.model.lvs.ssl = ssl;
    auto bad = run_probe(e, d);
    CHECK_FALSE(bad->ok);
    INFO(bad->detail);
    CHECK(bad->detail.find("certificate") != std::string::npos);
  }
  SECTION("with the ca and SNI, a name the certificate does not carry fails") {
    config::SslConfig ssl;
    ssl.ca = dir.file("ca.pem");
    e.model.lvs.ssl = ssl;
    auto d = http_def(srv.port, {url("/ok")}, true);
    http_of(d).virtualhost = "wrong.example.test";
    http_of(d).enable_sni = true;
    auto r = run_probe(e, d);
    CHECK_FALSE(r->ok);
    INFO(r->detail);
  }
  SECTION("plain HTTP to the TLS port fails cleanly") {
    auto r = run_probe(e, http_def(srv.port, {url("/ok")}, false, 1500ms));
    CHECK_FALSE(r->ok);
  }
}

TEST_CASE("genhash prints the MD5 of the served body", "[hc_io][genhash]") {
  test::TempDir dir;
  test::PyServer srv(dir, false);
  REQUIRE(srv.port != 0);
  hc::io::GenhashOptions o;
  o.server = "127.0.0.1";
  o.port = srv.port;
  o.url = "/ok";
  auto r = hc::io::genhash_fetch(o);
  REQUIRE(r.ok);
  CHECK(r.status == 200);
  CHECK(r.digest_hex == kHelloMd5);
  CHECK(r.body_bytes == 12);
  CHECK(r.headers.find("HTTP/1.0 200") != std::string::npos);

  o.port = test::closed_port();
  auto bad = hc::io::genhash_fetch(o);
  CHECK_FALSE(bad.ok);
  CHECK_FALSE(bad.error.empty());
}
