// SPDX-License-Identifier: GPL-2.0-or-later
// The pure HTTP_GET/SSL_GET, MISC_CHECK and FILE_CHECK rules: status ranges,
// digests, the request a url block builds, regex, exit statuses and file values.
#include "vigil/hc/http.hpp"

#include <catch2/catch.hpp>

#include "vigil/hc/misc_file.hpp"

using namespace vigil;
using namespace std::chrono_literals;

namespace {

hc::Target target(const char* ip, std::uint16_t port) {
  hc::Target t;
  t.ip = *config::IpAddress::parse(ip);
  t.port = port;
  t.connect_timeout = 2500ms;
  return t;
}

config::HttpUrl url(const std::string& path) {
  config::HttpUrl u;
  u.path = path;
  return u;
}

}  // namespace

TEST_CASE("status_code ranges", "[hc][http]") {
  CHECK(hc::status_accepted({}, 200));
  CHECK(hc::status_accepted({}, 299));
  CHECK_FALSE(hc::status_accepted({}, 300));
  CHECK_FALSE(hc::status_accepted({}, 199));
  const std::vector<config::StatusRange> r = {{200, 200}, {400, 499}, {503, 503}};
  CHECK(hc::status_accepted(r, 200));
  CHECK_FALSE(hc::status_accepted(r, 201));
  CHECK(hc::status_accepted(r, 404));
  CHECK(hc::status_accepted(r, 503));
  CHECK_FALSE(hc::status_accepted(r, 502));
  CHECK(hc::describe_status_ranges({}) == "200-299");
  CHECK(hc::describe_status_ranges(r) == "200, 400-499, 503");
}

TEST_CASE("digests", "[hc][http]") {
  const unsigned char bytes[] = {0x00, 0x0f, 0xa5, 0xff};
  CHECK(hc::to_hex(bytes, 4) == "000fa5ff");
  CHECK(hc::digest_equal("ABCDEF", "abcdef"));
  CHECK_FALSE(hc::digest_equal("abcdee", "abcdef"));
}

TEST_CASE("build_request", "[hc][http]") {
  config::HttpGet check;
  SECTION("plain HTTP, no virtualhost: the URL has the address, curl's own Host") {
    auto s = hc::build_request(check, false, url("/health"), target("198.18.0.2", 8080), nullptr);
    CHECK(s.url == "http://198.18.0.2:8080/health");
    CHECK(s.host_header.empty());
    CHECK(s.connect_to.empty());
    CHECK_FALSE(s.http_1_1);
    CHECK_FALSE(s.connection_close);
    CHECK_FALSE(s.tls);
    CHECK(s.connect_timeout == 2500ms);
    CHECK(s.timeout == 2500ms);
    CHECK_FALSE(s.need_body);
  }
  SECTION("an empty path asks for /") {
    CHECK(hc::build_request(check, false, url(""), target("198.18.0.2", 80), nullptr).url ==
          "http://198.18.0.2:80/");
  }
  SECTION("virtualhost: checker's, overridden by the url's; port only when not default") {
    check.virtualhost = "www.example.test";
    auto s = hc::build_request(check, false, url("/"), target("198.18.0.2", 80), nullptr);
    CHECK(s.host_header == "www.example.test");
    s = hc::build_request(check, false, url("/"), target("198.18.0.2", 8080), nullptr);
    CHECK(s.host_header == "www.example.test:8080");
    auto u = url("/");
    u.virtualhost = "other.test";
    s = hc::build_request(check, true, u, target("198.18.0.2", 443), nullptr);
    CHECK(s.host_header == "other.test");
    CHECK(s.url == "https://198.18.0.2:443/");
  }
  SECTION("IPv6 targets are bracketed") {
    auto s = hc::build_request(check, false, url("/"), target("2001:db8::2", 80), nullptr);
    CHECK(s.url == "http://[2001:db8::2]:80/");
    auto t = target("fe80::1", 80);
    t.bind_if = "eth0";
    s = hc::build_request(check, false, url("/"), t, nullptr);
    CHECK(s.url == "http://[fe80::1%25eth0]:80/");
    CHECK(s.interface == "if!eth0");
  }
  SECTION("SSL_GET with enable_sni: URL names the host, CONNECT_TO sends it to the address") {
    check.virtualhost = "www.example.test";
    check.enable_sni = true;
    auto s = hc::build_request(check, true, url("/x"), target("198.18.0.2", 8443), nullptr);
    CHECK(s.url == "https://www.example.test:8443/x");
    CHECK(s.connect_to == "www.example.test:8443:198.18.0.2:8443");
    CHECK(s.host_header.empty());
    CHECK_FALSE(s.verify_peer);
    s = hc::build_request(check, true, url("/x"), target("2001:db8::2", 443), nullptr);
    CHECK(s.connect_to == "www.example.test:443:[2001:db8::2]:443");
    // enable_sni without a virtualhost: nothing to send.
    check.virtualhost.clear();
    s = hc::build_request(check, true, url("/x"), target("198.18.0.2", 443), nullptr);
    CHECK(s.connect_to.empty());
    CHECK(s.url == "https://198.18.0.2:443/x");
  }
  SECTION("the SSL block: files, and verification only with a ca") {
    config::SslConfig ssl;
    ssl.certificate = "/c.pem";
    ssl.key = "/k.pem";
    ssl.password = "pw";
    auto s = hc::build_request(check, true, url("/"), target("198.18.0.2", 443), &ssl);
    CHECK(s.cert_file == "/c.pem");
    CHECK(s.key_file == "/k.pem");
    CHECK(s.key_password == "pw");
    CHECK_FALSE(s.verify_peer);
    ssl.ca = "/ca.pem";
    s = hc::build_request(check, true, url("/"), target("198.18.0.2", 443), &ssl);
    CHECK(s.verify_peer);
    CHECK_FALSE(s.verify_host);  // no name in the URL
    check.virtualhost = "www.example.test";
    check.enable_sni = true;
    s = hc::build_request(check, true, url("/"), target("198.18.0.2", 443), &ssl);
    CHECK(s.verify_host);
    // HTTP_GET ignores the SSL block.
    s = hc::build_request(check, false, url("/"), target("198.18.0.2", 80), &ssl);
    CHECK(s.ca_file.empty());
    CHECK_FALSE(s.verify_peer);
  }
  SECTION("http_protocol") {
    check.http_protocol = config::HttpProtocol::v1_0C;
    auto s = hc::build_request(check, false, url("/"), target("198.18.0.2", 80), nullptr);
    CHECK_FALSE(s.http_1_1);
    CHECK(s.connection_close);
    check.http_protocol = config::HttpProtocol::v1_1;
    s = hc::build_request(check, false, url("/"), target("198.18.0.2", 80), nullptr);
    CHECK(s.http_1_1);
    CHECK(s.connection_close);
  }
  SECTION("bindto, bind_port, fwmark; digest and regex need the body") {
    auto t = target("198.18.0.2", 80);
    t.bindto = config::IpAddress::parse("198.18.0.9");
    t.bind_if = "eth1";
    t.bind_port = 4000;
    t.fwmark = 7;
    auto u = url("/");
    u.digest = "00";
    auto s = hc::build_request(check, false, u, t, nullptr);
    CHECK(s.interface == "host!198.18.0.9");
    CHECK(s.local_port == 4000);
    CHECK(s.fwmark == 7U);
    CHECK(s.need_body);
    CHECK_FALSE(s.keep_body);
    u.digest.clear();
    u.regex = "x";
    s = hc::build_request(check, false, u, t, nullptr);
    CHECK(s.need_body);
    CHECK(s.keep_body);
  }
}

TEST_CASE("evaluate_response", "[hc][http]") {
  auto u = url("/");
  hc::HttpResponse resp;
  resp.status = 200;
  CHECK(hc::evaluate_response(u, resp, "GET x").ok);
  resp.status = 503;
  auto r = hc::evaluate_response(u, resp, "GET x");
  CHECK_FALSE(r.ok);
  CHECK(r.detail == "GET x: HTTP status 503 not in 200-299");
  resp.status = 200;
  u.digest = "AABB";
  resp.digest_hex = "aabb";
  CHECK(hc::evaluate_response(u, resp, "GET x").ok);
  resp.digest_hex = "aabc";
  r = hc::evaluate_response(u, resp, "GET x");
  CHECK(r.detail == "GET x: digest aabc != expected aabb");
  // Status is checked before the digest.
  resp.status = 404;
  CHECK(hc::evaluate_response(u, resp, "GET x").detail.find("404") != std::string::npos);
}

TEST_CASE("regex", "[hc][http]") {
  auto u = url("/");
  CHECK(hc::regex_failure(u, "anything").empty());
  u.regex = "sta(tus)? ok";
  CHECK(hc::regex_failure(u, "status ok\n").empty());
  CHECK_FALSE(hc::regex_failure(u, "STATUS OK\n").empty());
  u.regex_options = {"caseless"};
  CHECK(hc::regex_failure(u, "STATUS OK\n").empty());
  u.regex_no_match = true;
  CHECK(hc::regex_failure(u, "STATUS OK\n").find("regex_no_match") != std::string::npos);
  CHECK(hc::regex_failure(u, "down\n").empty());
  u.regex_no_match = false;
  u.regex = "^ok$";
  u.regex_options = {"multiline"};
  CHECK(hc::regex_failure(u, "first\nok\nlast").empty());
  u.regex_options = {};
  CHECK_FALSE(hc::regex_failure(u, "first\nok\nlast").empty());
  SECTION("offsets") {
    u.regex = "ok";
    u.regex_min_offset = 3;
    CHECK_FALSE(hc::regex_failure(u, "ok ....").empty());
    CHECK(hc::regex_failure(u, "... ok").empty());
    u.regex_min_offset.reset();
    u.regex_max_offset = 2;
    CHECK(hc::regex_failure(u, "..ok").empty());
    CHECK_FALSE(hc::regex_failure(u, "...ok").empty());
    u.regex_min_offset = 100;  // beyond the body: nothing to search
    CHECK_FALSE(hc::regex_failure(u, "ok").empty());
  }
  SECTION("only kMaxRegexBytes from regex_min_offset are searched") {
    u.regex = "needle";
    std::string body(hc::kMaxRegexBytes + 100, '.');
    body.replace(hc::kMaxRegexBytes + 10, 6, "needle");
    CHECK_FALSE(hc::regex_failure(u, body).empty());
    u.regex_min_offset = 100;
    CHECK(hc::regex_failure(u, body).empty());
    auto s = hc::build_request(config::HttpGet{}, false, u, target("198.18.0.2", 80), nullptr);
    CHECK(s.keep_bytes == 100 + hc::kMaxRegexBytes);
  }
  SECTION("an invalid regex fails with a reason, never throws") {
    u.regex = "(unclosed";
    CHECK(hc::regex_failure(u, "x").find("not a valid") != std::string::npos);
  }
  SECTION("options std::regex cannot honour are listed") {
    u.regex_options = {"caseless", "dotall", "ungreedy", "multiline"};
    CHECK(hc::unsupported_regex_options(u) == std::vector<std::string>{"dotall", "ungreedy"});
  }
}

TEST_CASE("misc_verdict", "[hc][misc]") {
  using K = hc::MiscExit::Kind;
  CHECK(hc::misc_verdict({K::Exited, 0, ""}, false, 1000, "s").ok);
  CHECK_FALSE(hc::misc_verdict({K::Exited, 1, ""}, false, 1000, "s").ok);
  CHECK_FALSE(hc::misc_verdict({K::Exited, 5, ""}, false, 1000, "s").ok);
  auto r = hc::misc_verdict({K::Exited, 5, ""}, true, 1000, "s");
  CHECK(r.ok);
  CHECK(r.weight == 3U);
  CHECK(hc::misc_verdict({K::Exited, 2, ""}, true, 1000, "s").weight == 0U);
  CHECK(hc::misc_verdict({K::Exited, 255, ""}, true, 1000, "s").weight == 253U);
  CHECK_FALSE(hc::misc_verdict({K::Exited, 0, ""}, true, 1000, "s").weight);
  CHECK_FALSE(hc::misc_verdict({K::Exited, 1, ""}, true, 1000, "s").ok);
  auto t = hc::misc_verdict({K::TimedOut, 15, ""}, true, 3000, "/x.sh");
  CHECK_FALSE(t.ok);
  CHECK(t.detail == "/x.sh timed out after 3000 ms and was killed");
  CHECK_FALSE(hc::misc_verdict({K::Signaled, 9, ""}, false, 1000, "s").ok);
  auto f = hc::misc_verdict({K::FailedToStart, 2, "execve /x: No such file"}, false, 1000, "/x");
  CHECK_FALSE(f.ok);
  CHECK(f.detail.find("No such file") != std::string::npos);
}

TEST_CASE("file_verdict", "[hc][file]") {
  SECTION("weight 0: the file is a flag") {
    CHECK(hc::file_verdict(0, 0, false, 10, "f").ok);
    CHECK_FALSE(hc::file_verdict(1, 0, false, 10, "f").ok);
    CHECK_FALSE(hc::file_verdict(-3, 0, false, 10, "f").ok);
    CHECK_FALSE(hc::file_verdict(0, 0, false, 10, "f").weight);
    // reverse: zero is the failure
    CHECK_FALSE(hc::file_verdict(0, 0, true, 10, "f").ok);
    CHECK(hc::file_verdict(4, 0, true, 10, "f").ok);
  }
  SECTION("weighted: value x weight added to the real server's weight") {
    auto r = hc::file_verdict(3, 2, false, 10, "f");
    CHECK(r.ok);
    CHECK(r.weight == 16U);
    CHECK(hc::file_verdict(3, 2, true, 10, "f").weight == 4U);
    CHECK(hc::file_verdict(-50, 1, false, 10, "f").weight == 0U);
    CHECK(hc::file_verdict(0, 5, false, 10, "f").weight == 10U);
    // Very large products clamp, never overflow.
    CHECK(hc::file_verdict(2147483648LL, 2147483647, false, 10, "f").weight == 2147483647U);
  }
  SECTION("a product at the bottom of the range is keepalived's FAULT: down") {
    CHECK_FALSE(hc::file_verdict(-2147483647LL, 1, false, 10, "f").ok);
    CHECK_FALSE(hc::file_verdict(1, 2147483647, true, 10, "f").ok);
    CHECK(hc::file_verdict(-2147483646LL, 1, false, 10, "f").ok);
  }
}
