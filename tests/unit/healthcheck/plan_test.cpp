// SPDX-License-Identifier: GPL-2.0-or-later
// plan_checks(): one CheckDef per configured checker, with stable ids, resolved
// targets and timing, and probe keys that let identical checks share a probe.
#include "vigil/hc/plan.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <set>
#include <string>
#include <vector>

#include "hc_test_util.hpp"

using std::chrono::milliseconds;
using std::chrono::seconds;
using vigil::hc::CheckDef;
using vigil::hc::CheckKind;
using vigil::hc::plan_checks;
using vigil::test::load_model;
using vigil::test::rs_block;
using vigil::test::vs_block;

namespace {

const std::string kTcp = "  protocol TCP\n  lvs_sched rr\n  lvs_method NAT\n";

std::vector<std::string> ids(const std::vector<CheckDef>& checks) {
  std::vector<std::string> out;
  out.reserve(checks.size());
  for (const auto& c : checks) {
    out.push_back(c.checker_id);
  }
  return out;
}

}  // namespace

TEST_CASE("rs_id names the virtual server and the real server", "[hc][plan]") {
  const auto m = load_model(
      vs_block("198.18.0.1 80", kTcp, rs_block("198.18.1.1 8080") + rs_block("198.18.1.2")) +
      vs_block("2001:db8::1 443", kTcp, rs_block("2001:db8::10 443")) +
      vs_block("fwmark 7", "  lvs_sched rr\n", rs_block("198.18.1.3")) +
      "virtual_server_group G {\n  198.18.0.5 80\n}\n" +
      vs_block("group G", kTcp, rs_block("198.18.1.4 80")) +
      vs_block("198.18.0.9 53", "  lvs_sched rr\n", rs_block("198.18.1.5 53")));
  const auto& v = m.lvs.virtual_server;
  REQUIRE(v.size() == 5);
  CHECK(vigil::hc::rs_id(v[0], v[0].real_server[0]) == "198.18.0.1:80/TCP|198.18.1.1:8080");
  // No port configured: 0 in the id (the id names the configuration, not the kernel).
  CHECK(vigil::hc::rs_id(v[0], v[0].real_server[1]) == "198.18.0.1:80/TCP|198.18.1.2:0");
  CHECK(vigil::hc::rs_id(v[1], v[1].real_server[0]) == "[2001:db8::1]:443/TCP|[2001:db8::10]:443");
  CHECK(vigil::hc::rs_id(v[2], v[2].real_server[0]) == "fwmark 7|198.18.1.3:0");
  CHECK(vigil::hc::rs_id(v[3], v[3].real_server[0]) == "group G/TCP|198.18.1.4:80");
  // keepalived's default protocol is UDP.
  CHECK(vigil::hc::vs_id(v[4]) == "198.18.0.9:53/UDP");
}

TEST_CASE("Each checker gets an id from its real server, kind and ordinal", "[hc][plan]") {
  const auto m = load_model(vs_block(
      "198.18.0.1 80", kTcp,
      rs_block("198.18.1.1 80",
               "    TCP_CHECK {\n    }\n"
               "    HTTP_GET {\n      url {\n        path /\n      }\n    }\n"
               "    TCP_CHECK {\n      connect_port 81\n    }\n") +
          rs_block("198.18.1.2 80", "    MISC_CHECK {\n      misc_path /bin/true\n    }\n")));
  const auto checks = plan_checks(m);
  CHECK(ids(checks) == std::vector<std::string>{
                           "198.18.0.1:80/TCP|198.18.1.1:80|TCP_CHECK#0",
                           "198.18.0.1:80/TCP|198.18.1.1:80|HTTP_GET#0",
                           "198.18.0.1:80/TCP|198.18.1.1:80|TCP_CHECK#1",
                           "198.18.0.1:80/TCP|198.18.1.2:80|MISC_CHECK#0",
                       });
  REQUIRE(checks.size() == 4);
  CHECK(checks[0].kind == CheckKind::Tcp);
  CHECK(checks[1].kind == CheckKind::Http);
  CHECK(checks[3].kind == CheckKind::Misc);
  CHECK(checks[3].vs_index == 0);
  CHECK(checks[3].rs_index == 1);
  CHECK(checks[3].rs_id == "198.18.0.1:80/TCP|198.18.1.2:80");
  CHECK(std::holds_alternative<vigil::config::MiscCheck>(checks[3].spec));
  // Every check of a different definition has its own probe.
  std::set<std::string> keys;
  for (const auto& c : checks) {
    keys.insert(c.probe_key);
  }
  CHECK(keys.size() == 4);
}

TEST_CASE("kind_name gives keepalived's keywords", "[hc][plan]") {
  CHECK(std::string(vigil::hc::kind_name(CheckKind::Tcp)) == "TCP_CHECK");
  CHECK(std::string(vigil::hc::kind_name(CheckKind::Ssl)) == "SSL_GET");
  CHECK(std::string(vigil::hc::kind_name(CheckKind::File)) == "FILE_CHECK");
  CHECK(std::string(vigil::hc::kind_name(CheckKind::Bfd)) == "BFD_CHECK");
}

TEST_CASE("A virtual server without real servers has no checks", "[hc][plan]") {
  const auto m = load_model(
      vs_block("198.18.0.1 80", kTcp, "") +
      vs_block("198.18.0.2 80", kTcp, rs_block("198.18.1.1 80", "    TCP_CHECK {\n    }\n")));
  const auto checks = plan_checks(m);
  REQUIRE(checks.size() == 1);
  CHECK(checks[0].vs_index == 1);
}

TEST_CASE("Targets default to the real server, then the service port", "[hc][plan]") {
  const auto m = load_model(
      vs_block("198.18.0.1 80", kTcp,
               rs_block("198.18.1.1 8080", "    TCP_CHECK {\n    }\n") +
                   rs_block("198.18.1.2", "    TCP_CHECK {\n    }\n") +
                   rs_block("198.18.1.3 80",
                            "    TCP_CHECK {\n      connect_ip 198.18.2.3\n      connect_port "
                            "9000\n      bindto 198.18.3.1\n      bind_port 5000\n      "
                            "connect_timeout 2\n      fwmark 12\n    }\n")) +
      vs_block("fwmark 5", "  lvs_sched rr\n",
               rs_block("198.18.1.4", "    TCP_CHECK {\n    }\n") +
                   rs_block("198.18.1.5", "    TCP_CHECK {\n      connect_port 22\n    }\n")));
  const auto checks = plan_checks(m);
  REQUIRE(checks.size() == 5);
  const auto ip = [](const char* s) { return *vigil::config::IpAddress::parse(s); };
  CHECK(checks[0].target.ip == ip("198.18.1.1"));
  CHECK(checks[0].target.port == 8080);
  CHECK(checks[0].target.connect_timeout == seconds(5));
  CHECK_FALSE(checks[0].target.bindto);
  CHECK_FALSE(checks[0].target.fwmark);
  CHECK(checks[1].target.ip == ip("198.18.1.2"));
  CHECK(checks[1].target.port == 80);  // the service's port
  CHECK(checks[2].target.ip == ip("198.18.2.3"));
  CHECK(checks[2].target.port == 9000);
  CHECK(checks[2].target.bindto == ip("198.18.3.1"));
  CHECK(checks[2].target.bind_port == 5000);
  CHECK(checks[2].target.connect_timeout == seconds(2));
  CHECK(checks[2].target.fwmark == 12U);
  CHECK(checks[3].target.ip == ip("198.18.1.4"));
  CHECK(checks[3].target.port == 0);  // an fwmark service has no port to fall back on
  CHECK(checks[4].target.port == 22);
}

TEST_CASE("Timing is inherited checker, real server, virtual server, then defaults", "[hc][plan]") {
  const auto m = load_model(vs_block(
      "198.18.0.1 80", kTcp + "  delay_loop 10\n  retry 4\n  alpha\n  connect_timeout 7\n",
      rs_block("198.18.1.1 80",
               "    delay_before_retry 2\n    warmup 3\n"
               "    TCP_CHECK {\n    }\n"
               "    TCP_CHECK {\n      retry 2\n      delay_loop 0.5\n      alpha no\n      "
               "warmup 0\n    }\n") +
          rs_block("198.18.1.2 80", "    alpha no\n    TCP_CHECK {\n    }\n") +
          rs_block("198.18.1.3 80",
                   "    MISC_CHECK {\n      misc_path /bin/true\n    }\n"
                   "    DNS_CHECK {\n      retry 0\n    }\n"
                   "    HTTP_GET {\n      url {\n        path /\n      }\n    }\n")));
  const auto checks = plan_checks(m);
  REQUIRE(checks.size() == 6);
  struct Row {
    int retry;
    std::chrono::microseconds delay_loop, dbr, warmup;
    bool alpha;
  };
  const std::vector<Row> rows = {
      {4, seconds(10), seconds(2), seconds(3), true},         // vs + rs
      {2, milliseconds(500), seconds(2), seconds(0), false},  // the checker's own
      {4, seconds(10), seconds(1), seconds(10), false},       // rs alpha no; warmup = delay_loop
      {4, seconds(10), seconds(1), seconds(10), true},        // MISC_CHECK: vs retry wins
      {0, seconds(10), seconds(10), seconds(10), true},       // DNS_CHECK: dbr = delay_loop
      {4, seconds(10), seconds(3), seconds(10), true},        // HTTP_GET: dbr 3 s
  };
  for (std::size_t i = 0; i < rows.size(); ++i) {
    INFO(checks[i].checker_id);
    CHECK(checks[i].timing.retry == rows[i].retry);
    CHECK(checks[i].timing.delay_loop == rows[i].delay_loop);
    CHECK(checks[i].timing.delay_before_retry == rows[i].dbr);
    CHECK(checks[i].timing.warmup == rows[i].warmup);
    CHECK(checks[i].timing.alpha == rows[i].alpha);
  }
  CHECK(checks[0].target.connect_timeout == seconds(7));
}

TEST_CASE("Kind defaults for retry without inherited values", "[hc][plan]") {
  const auto m = load_model(vs_block("198.18.0.1 80", kTcp,
                                     rs_block("198.18.1.1 80",
                                              "    MISC_CHECK {\n      misc_path /bin/true\n    }\n"
                                              "    DNS_CHECK {\n    }\n    TCP_CHECK {\n    }\n")));
  const auto checks = plan_checks(m);
  REQUIRE(checks.size() == 3);
  CHECK(checks[0].timing.retry == 0);  // MISC_CHECK
  CHECK(checks[1].timing.retry == 3);  // DNS_CHECK
  CHECK(checks[2].timing.retry == 1);
  CHECK(checks[2].timing.delay_loop == seconds(60));
  CHECK(checks[2].timing.warmup == seconds(60));
  CHECK_FALSE(checks[2].timing.alpha);
}

TEST_CASE("Hand-made models resolve timing and targets as the parser does", "[hc][plan]") {
  vigil::config::Model m;
  vigil::config::VirtualServer vs;
  vs.ip = vigil::config::IpAddress::parse("198.18.0.1");
  vs.port = 80;
  vs.delay_loop = seconds(4);
  vs.alpha = true;
  vigil::config::RealServer rs;
  rs.ip = *vigil::config::IpAddress::parse("198.18.1.1");
  rs.retry = 6;
  rs.checkers.emplace_back(vigil::config::HttpGet{});
  vs.real_server.push_back(rs);
  m.lvs.virtual_server.push_back(vs);
  const auto checks = plan_checks(m);
  REQUIRE(checks.size() == 1);
  CHECK(checks[0].timing.retry == 6);
  CHECK(checks[0].timing.delay_loop == seconds(4));
  CHECK(checks[0].timing.delay_before_retry == seconds(3));
  CHECK(checks[0].timing.warmup == seconds(4));
  CHECK(checks[0].timing.alpha);
  CHECK(checks[0].target.port == 80);
  CHECK(checks[0].target.connect_timeout == seconds(5));
}

TEST_CASE("The same real server behind two services shares one probe", "[hc][plan]") {
  const std::string check =
      "    HTTP_GET {\n      url {\n        path /health\n        status_code 200\n      }\n"
      "      connect_timeout 3\n    }\n";
  const auto m = load_model(
      vs_block("198.18.0.1 80", kTcp, rs_block("198.18.1.1 80", check)) +
      vs_block("198.18.0.2 80", kTcp,
               "\n\n" /* other lines and columns: locations must not matter */ +
                   rs_block("198.18.1.1 80", "  " + check)) +
      // The same definition on another real server, another path, another timeout.
      vs_block("198.18.0.3 80", kTcp,
               rs_block("198.18.1.2 80", check) +
                   rs_block("198.18.1.1 80",
                            "    HTTP_GET {\n      url {\n        path /other\n        "
                            "status_code 200\n      }\n      connect_timeout 3\n    }\n")) +
      vs_block("198.18.0.4 80", kTcp,
               rs_block("198.18.1.1 80",
                        "    HTTP_GET {\n      url {\n        path /health\n        status_code "
                        "200\n      }\n      connect_timeout 4\n    }\n")));
  const auto checks = plan_checks(m);
  REQUIRE(checks.size() == 5);
  CHECK(checks[0].checker_id != checks[1].checker_id);
  CHECK(checks[0].probe_key == checks[1].probe_key);
  CHECK(checks[0].probe_key != checks[2].probe_key);  // another real server
  CHECK(checks[0].probe_key != checks[3].probe_key);  // another path
  CHECK(checks[0].probe_key != checks[4].probe_key);  // another connect_timeout
}

TEST_CASE("Different timing or connect_port means separate probes", "[hc][plan]") {
  const auto m = load_model(
      vs_block("198.18.0.1 80", kTcp, rs_block("198.18.1.1 80", "    TCP_CHECK {\n    }\n")) +
      vs_block("198.18.0.2 80", kTcp + "  delay_loop 5\n",
               rs_block("198.18.1.1 80", "    TCP_CHECK {\n    }\n")) +
      vs_block("198.18.0.3 80", kTcp,
               rs_block("198.18.1.1 80", "    TCP_CHECK {\n      connect_port 80\n    }\n")) +
      vs_block("198.18.0.4 80", kTcp, rs_block("198.18.1.1 80", "    TCP_CHECK {\n    }\n")));
  const auto checks = plan_checks(m);
  REQUIRE(checks.size() == 4);
  CHECK(checks[0].probe_key != checks[1].probe_key);
  // connect_port 80 resolves to the same target as the default.
  CHECK(checks[0].probe_key == checks[2].probe_key);
  CHECK(checks[0].probe_key == checks[3].probe_key);
}

TEST_CASE("log_all_failures comes from the checker or global_defs", "[hc][plan]") {
  const std::string rs = rs_block(
      "198.18.1.1 80", "    TCP_CHECK {\n      log_all_failures\n    }\n    TCP_CHECK {\n    }\n");
  const auto local = plan_checks(load_model(vs_block("198.18.0.1 80", kTcp, rs)));
  REQUIRE(local.size() == 2);
  CHECK(local[0].log_all_failures);
  CHECK_FALSE(local[1].log_all_failures);
  const auto global = plan_checks(load_model("global_defs {\n  checker_log_all_failures\n}\n" +
                                             vs_block("198.18.0.1 80", kTcp, rs)));
  REQUIRE(global.size() == 2);
  CHECK(global[1].log_all_failures);
}

TEST_CASE("FILE_CHECK and BFD_CHECK never retry", "[hc][plan]") {
  const auto m = load_model(
      "track_file tf {\n  file /run/vigil-test-weight\n}\n"
      "bfd_instance b1 {\n  neighbor_ip 198.18.1.1\n}\n" +
      vs_block("198.18.0.1 80", kTcp + "  alpha\n  retry 5\n",
               rs_block("198.18.1.1 80",
                        "    FILE_CHECK {\n      track_file tf\n      weight 2\n    }\n"
                        "    BFD_CHECK {\n      name b1\n    }\n")));
  const auto checks = plan_checks(m);
  REQUIRE(checks.size() == 2);
  CHECK(checks[0].kind == CheckKind::File);
  CHECK(checks[0].timing.retry == 0);
  CHECK_FALSE(checks[0].timing.alpha);
  CHECK(checks[0].checker_id == "198.18.0.1:80/TCP|198.18.1.1:80|FILE_CHECK#0");
  CHECK(checks[1].kind == CheckKind::Bfd);
  CHECK(checks[1].timing.retry == 0);
  CHECK(checks[1].timing.alpha);  // inherited from the virtual server
}

TEST_CASE("A FILE_CHECK probe follows its track_file block and the real server weight",
          "[hc][plan]") {
  const auto key = [](const std::string& file, const std::string& weight) {
    const auto m =
        load_model("track_file tf {\n  file " + file + "\n}\n" +
                   vs_block("198.18.0.1 80", kTcp,
                            rs_block("198.18.1.1 80",
                                     "    weight " + weight +
                                         "\n    FILE_CHECK {\n      track_file tf\n    }\n")));
    const auto checks = plan_checks(m);
    REQUIRE(checks.size() == 1);
    return checks[0].probe_key;
  };
  CHECK(key("/run/a", "1") == key("/run/a", "1"));
  CHECK(key("/run/a", "1") != key("/run/b", "1"));
  CHECK(key("/run/a", "1") != key("/run/a", "2"));
}

TEST_CASE("Every checker keyword maps to its kind, and kinds never share a probe", "[hc][plan]") {
  const std::string url = "      url {\n        path /\n      }\n";
  const auto m = load_model(vs_block(
      "198.18.0.1 80", kTcp,
      rs_block("198.18.1.1 80", "    HTTP_GET {\n" + url + "    }\n    SSL_GET {\n" + url +
                                    "    }\n    TCP_CHECK {\n    }\n    SMTP_CHECK {\n    }\n"
                                    "    DNS_CHECK {\n      name example.test\n    }\n"
                                    "    DNS_CHECK {\n      name other.test\n    }\n"
                                    "    UDP_CHECK {\n      payload 0a0b\n    }\n"
                                    "    UDP_CHECK {\n      payload 0a0c\n    }\n"
                                    "    PING_CHECK {\n    }\n")));
  const auto checks = plan_checks(m);
  const std::vector<CheckKind> kinds = {CheckKind::Http, CheckKind::Ssl, CheckKind::Tcp,
                                        CheckKind::Smtp, CheckKind::Dns, CheckKind::Dns,
                                        CheckKind::Udp,  CheckKind::Udp, CheckKind::Ping};
  REQUIRE(checks.size() == kinds.size());
  std::set<std::string> keys;
  for (std::size_t i = 0; i < checks.size(); ++i) {
    CHECK(checks[i].kind == kinds[i]);
    keys.insert(checks[i].probe_key);
  }
  CHECK(keys.size() == checks.size());
  CHECK(checks[5].checker_id == "198.18.0.1:80/TCP|198.18.1.1:80|DNS_CHECK#1");
}
