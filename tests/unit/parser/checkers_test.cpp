// SPDX-License-Identifier: GPL-2.0-or-later
// Checker blocks inside real_server: each kind's keywords, legacy names, and
// the located errors for invalid values.
#include <catch2/catch.hpp>
#include <string>

#include "diags.hpp"
#include "vigil/config/load.hpp"

using namespace vigil::config;
using std::chrono::seconds;
using vigil::test::diags;
using vigil::test::has;
using vigil::test::located;

namespace {

/// One real server (line 5) holding `checker` (opening on line 6).
LoadResult with_checker(const std::string& checker, const std::string& prefix = "") {
  return load_string(prefix +
                         "virtual_server 198.18.0.1 80 {\n  lvs_sched rr\n  lvs_method NAT\n"
                         "  protocol TCP\n  real_server 198.18.1.1 80 {\n" +
                         checker + "\n  }\n}\n",
                     "t.conf", {});
}

const CheckerSpec& first(const LoadResult& r) {
  return r.model.lvs.virtual_server.at(0).real_server.at(0).checkers.at(0);
}

}  // namespace

TEST_CASE("TCP_CHECK takes every connection and timing option", "[parser][checkers]") {
  auto r = with_checker(
      "    TCP_CHECK {\n      connect_ip 198.18.2.1\n      connect_port 81\n"
      "      bindto 198.18.0.9\n      bind_port 1000\n      bind_if eth0\n"
      "      connect_timeout 2.5\n      fwmark 5\n      retry 0\n      delay_before_retry 1\n"
      "      warmup 0\n      delay_loop 2\n      alpha\n      log_all_failures\n    }");
  CHECK(diags(r).empty());
  const auto& c = std::get<TcpCheck>(first(r));
  CHECK(c.connect_ip->str() == "198.18.2.1");
  CHECK(c.connect_port == 81);
  CHECK(c.bindto->str() == "198.18.0.9");
  CHECK(c.bind_port == 1000);
  CHECK(c.bind_if == "eth0");
  CHECK(c.connect_timeout == Micros(2'500'000));
  CHECK(c.fwmark == 5U);
  CHECK(c.retry == 0U);
  CHECK(c.warmup == Micros(0));
  CHECK(c.alpha == true);
  CHECK(c.log_all_failures);
}

TEST_CASE("Connection options are checked", "[parser][checkers]") {
  CHECK(has(with_checker("    TCP_CHECK {\n      connect_port 0\n    }"),
            "t.conf:7:20: error: '0' for 'connect_port' is outside the range [1, 65535]"));
  CHECK(has(with_checker("    TCP_CHECK {\n      bindto 2001:db8::9\n    }"),
            "t.conf:6:5: error: TCP_CHECK: bindto address 2001:db8::9 does not match"));
  CHECK(has(with_checker("    TCP_CHECK {\n      connect_ip fe80::1\n    }"),
            "t.conf:6:5: error: TCP_CHECK: link-local address fe80::1 requires 'bind_if'"));
  CHECK(diags(with_checker("    TCP_CHECK {\n      connect_ip fe80::1\n      bind_if eth0\n    }"))
            .empty());
  CHECK(has(with_checker("    TCP_CHECK {\n      bind_if averyveryverylongname0\n    }"),
            "t.conf:7:15: error: interface name 'averyveryverylongname0' for 'bind_if' is longer"));
  CHECK(has(with_checker("    TCP_CHECK {\n      connect_timeout 0\n    }"),
            "'0' for 'connect_timeout' is outside the range"));
}

TEST_CASE("HTTP_GET urls: path, digest, status codes, regex", "[parser][checkers][http]") {
  auto r = with_checker(
      "    HTTP_GET {\n      http_protocol 1.0c\n      fast_recovery\n      virtualhost h\n"
      "      url {\n        path /health\n        digest 9B3A0C85A887A256D6939DA88AABD8CD\n"
      "        status_code 200-299 400 503\n        virtualhost u\n        regex \"ok\"\n"
      "        regex_no_match\n        regex_options caseless utf\n        regex_stack 10 20\n"
      "        regex_min_offset 1\n        regex_max_offset 5\n      }\n    }");
  CHECK(diags(r).empty());
  const auto& h = std::get<HttpGet>(first(r));
  CHECK(h.http_protocol == HttpProtocol::v1_0C);
  CHECK(h.fast_recovery);
  CHECK(h.virtualhost == "h");
  REQUIRE(h.url.size() == 1);
  const auto& u = h.url[0];
  CHECK(u.path == "/health");
  CHECK(u.digest == "9b3a0c85a887a256d6939da88aabd8cd");
  REQUIRE(u.status_code.size() == 3);
  CHECK(u.status_code[0] == StatusRange{200, 299});
  CHECK(u.status_code[2] == StatusRange{503, 503});
  CHECK(u.regex == "ok");
  CHECK(u.regex_no_match);
  CHECK(u.regex_options == std::vector<std::string>{"caseless", "utf"});
  CHECK(u.regex_max_offset == 5U);
}

TEST_CASE("HTTP_GET invalid values are located errors", "[parser][checkers][http]") {
  const std::string head = "    HTTP_GET {\n      url {\n        path /\n";
  CHECK(has(with_checker(head + "        digest 9b3a0c85\n      }\n    }"),
            "t.conf:9:16: error: digest '9b3a0c85' must be 32 hex characters (an MD5 sum), not 8"));
  CHECK(has(with_checker(head + "        digest 9b3a0c85a887a256d6939da88aabd8cg\n      }\n    }"),
            "has a non-hex character at offset 31"));
  auto codes = with_checker(head + "        status_code 99 600 300-200 abc 200\n      }\n    }");
  CHECK(has(codes, "t.conf:9:21: error: '99' for 'status_code' is not a status code"));
  CHECK(has(codes, "t.conf:9:28: error: '300-200' for 'status_code'"));
  CHECK(std::get<HttpGet>(first(codes)).url[0].status_code.size() == 1);
  CHECK(has(with_checker(head + "        regex_options nosuch\n      }\n    }"),
            "'nosuch' is not a valid value for 'regex_options'"));
  CHECK(has(with_checker("    HTTP_GET {\n      http_protocol 2\n      url {\n        path /\n"
                         "      }\n    }"),
            "t.conf:7:21: error: '2' is not a valid value for 'http_protocol'"));
  CHECK(has(with_checker("    HTTP_GET {\n    }"),
            "t.conf:6:5: error: HTTP_GET has no url; the checker is ignored"));
  CHECK(has(with_checker("    HTTP_GET {\n      url {\n        status_code 200\n      }\n    }"),
            "t.conf:7:7: error: url has no 'path'"));
}

TEST_CASE("nb_get_retry is the deprecated name of retry", "[parser][checkers][legacy]") {
  auto r = with_checker(
      "    HTTP_GET {\n      nb_get_retry 4\n      url {\n        path /\n"
      "      }\n    }");
  CHECK(has(r, "t.conf:7:7: warning: 'nb_get_retry' is deprecated; use 'retry'"));
  CHECK(std::get<HttpGet>(first(r)).retry == 4U);
  // keepalived 2.2.7 knows it only in HTTP_GET / SSL_GET.
  CHECK(has(with_checker("    TCP_CHECK {\n      nb_get_retry 4\n    }"),
            "unknown keyword 'nb_get_retry' in TCP_CHECK"));
}

TEST_CASE("SSL_GET is an HTTP_GET over TLS with enable_sni", "[parser][checkers][http]") {
  auto r = with_checker(
      "    SSL_GET {\n      enable_sni\n      url {\n        path /\n      }\n"
      "    }");
  CHECK(diags(r).empty());
  const auto& s = std::get<SslGet>(first(r));
  CHECK(s.enable_sni);
  CHECK(s.delay_before_retry == Micros(seconds(3)));
}

TEST_CASE("MISC_CHECK keywords and its missing path", "[parser][checkers]") {
  auto r = with_checker(
      "    MISC_CHECK {\n      misc_path \"/bin/check x\"\n      misc_timeout 5\n"
      "      misc_dynamic\n      user nobody nogroup\n    }");
  CHECK(diags(r).empty());
  const auto& m = std::get<MiscCheck>(first(r));
  CHECK(m.misc_path == "/bin/check x");
  CHECK(m.misc_timeout == Micros(seconds(5)));
  CHECK(m.misc_dynamic);
  CHECK(m.user == "nobody");
  CHECK(m.group == "nogroup");
  CHECK(has(with_checker("    MISC_CHECK {\n    }"),
            "t.conf:6:5: error: MISC_CHECK has no 'misc_path'"));
  CHECK(has(with_checker("    MISC_CHECK {\n      misc_path /x\n      connect_port 3\n    }"),
            "unknown keyword 'connect_port' in MISC_CHECK"));
}

TEST_CASE("SMTP_CHECK with helo_name and host blocks", "[parser][checkers]") {
  auto r = with_checker(
      "    SMTP_CHECK {\n      helo_name mail.example\n      host {\n"
      "        connect_ip 198.18.3.3\n        connect_port 2525\n      }\n    }");
  CHECK(diags(r).empty());
  const auto& s = std::get<SmtpCheck>(first(r));
  CHECK(s.helo_name == "mail.example");
  REQUIRE(s.host.size() == 1);
  CHECK(s.host[0].connect_port == 2525);
}

TEST_CASE("DNS_CHECK type is case-insensitive and checked", "[parser][checkers]") {
  auto r = with_checker("    DNS_CHECK {\n      type aaaa\n      name example.com\n    }");
  CHECK(diags(r).empty());
  CHECK(std::get<DnsCheck>(first(r)).type == "AAAA");
  CHECK(std::get<DnsCheck>(first(r)).name == "example.com");
  CHECK(has(with_checker("    DNS_CHECK {\n      type XYZ\n    }"),
            "t.conf:7:12: error: 'XYZ' is not a valid value for 'type'"));
}

TEST_CASE("UDP_CHECK hex payloads and reply lengths", "[parser][checkers]") {
  auto r = with_checker(
      "    UDP_CHECK {\n      payload Ab12f 3 456\n      require_reply 12xX\n"
      "      min_reply_length 2\n      max_reply_length 20\n    }");
  CHECK(diags(r).empty());
  const auto& u = std::get<UdpCheck>(first(r));
  CHECK(u.payload == std::vector<std::uint8_t>{0xab, 0x12, 0x0f, 0x03, 0x45, 0x06});
  CHECK(u.require_reply);
  CHECK(u.require_reply_data == "12xx");
  CHECK(has(with_checker("    UDP_CHECK {\n      payload zz\n    }"),
            "t.conf:7:15: error: 'zz' for 'payload' is not a hex string"));
  CHECK(has(with_checker("    UDP_CHECK {\n      min_reply_length 30\n      max_reply_length 20\n"
                         "    }"),
            "UDP_CHECK min_reply_length 30 is greater than max_reply_length 20"));
}

TEST_CASE("PING_CHECK, FILE_CHECK and BFD_CHECK", "[parser][checkers]") {
  auto r = with_checker(
      "    PING_CHECK {\n    }\n    FILE_CHECK {\n      track_file tf\n"
      "      weight -2 reverse\n    }\n    BFD_CHECK {\n      name b1\n    }",
      "bfd_instance b1 {\n}\n");
  const auto& cks = r.model.lvs.virtual_server[0].real_server[0].checkers;
  REQUIRE(cks.size() == 3);
  CHECK(std::holds_alternative<PingCheck>(cks[0]));
  const auto& f = std::get<FileCheck>(cks[1]);
  CHECK(f.weight == -2);
  CHECK(f.weight_reverse);
  CHECK(std::get<BfdCheck>(cks[2]).name == "b1");
  CHECK(has(with_checker("    BFD_CHECK {\n      name nope\n    }"),
            "t.conf:6:5: error: BFD_CHECK names bfd_instance 'nope', which is not configured"));
  CHECK(has(with_checker("    FILE_CHECK {\n      retry 2\n    }"),
            "unknown keyword 'retry' in FILE_CHECK"));
  CHECK(has(with_checker("    FILE_CHECK {\n    }"), "FILE_CHECK has no 'track_file'"));
}

TEST_CASE("Keywords newer than keepalived 2.2.7 parse with a warning", "[parser][checkers]") {
  auto r = with_checker(
      "    HTTP_GET {\n      tls_compliant\n      url {\n        path /\n"
      "      }\n    }");
  CHECK(has(r, "t.conf:7:7: warning: 'tls_compliant' is not supported by keepalived 2.2.7"));
  CHECK(std::get<HttpGet>(first(r)).tls_compliant);
}
