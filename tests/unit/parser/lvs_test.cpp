// SPDX-License-Identifier: GPL-2.0-or-later
// virtual_server, virtual_server_group, real_server and SSL: keywords, legacy
// names, inheritance, and the located diagnostics validate_lvs produces.
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

const std::string kRs = "  real_server 198.18.1.1 80 {\n    TCP_CHECK {\n    }\n  }\n}\n";

/// A complete virtual server (so validate_lvs is quiet) with `body` inserted.
std::string vs(const std::string& body) {
  return "virtual_server 198.18.0.1 80 {\n  lvs_sched rr\n  lvs_method NAT\n  protocol TCP\n" +
         body + "\n" + kRs;
}

}  // namespace

TEST_CASE("A complete NAT virtual server parses without diagnostics", "[parser][lvs]") {
  auto r = load_string(vs(""), "t.conf", {});
  CHECK(diags(r).empty());
  REQUIRE(r.model.lvs.virtual_server.size() == 1);
  const auto& v = r.model.lvs.virtual_server[0];
  CHECK(v.ip->str() == "198.18.0.1");
  CHECK(v.port == 80);
  CHECK(v.lvs_sched == "rr");
  CHECK(v.protocol == LvsProtocol::TCP);
  REQUIRE(v.real_server.size() == 1);
  CHECK(v.real_server[0].weight == 1);
  CHECK(r.diags.config_test_status() == 0);
}

TEST_CASE("Every scheduler keepalived 2.2.7 knows is accepted", "[parser][lvs]") {
  for (const char* s : {"rr", "wrr", "lc", "wlc", "lblc", "lblcr", "dh", "sh", "sed", "nq", "fo",
                        "ovf", "mh", "twos"}) {
    auto r = load_string(vs(std::string("  lvs_sched ") + s), "t.conf", {});
    CHECK(diags(r).empty());
    CHECK(r.model.lvs.virtual_server[0].lvs_sched == s);
  }
  auto bad = load_string(vs("  lvs_sched foo"), "t.conf", {});
  CHECK(has(bad, "t.conf:5:13: error: 'foo' is not a valid value for 'lvs_sched'"));
}

TEST_CASE("Legacy lb_algo and lb_kind set lvs_sched and lvs_method", "[parser][lvs][legacy]") {
  auto r = load_string(
      "virtual_server 198.18.0.1 80 {\n  lb_algo wrr\n  lb_kind DR\n  protocol TCP\n" + kRs,
      "t.conf", {});
  CHECK(diags(r).empty());
  const auto& v = r.model.lvs.virtual_server[0];
  CHECK(v.lvs_sched == "wrr");
  CHECK(v.lvs_method->method == LvsMethod::DR);
  // The real server inherits the virtual server's forwarding method.
  CHECK(v.real_server[0].lvs_method->method == LvsMethod::DR);
}

TEST_CASE("Missing protocol, scheduler and method are warnings as in keepalived", "[parser][lvs]") {
  auto r = load_string("virtual_server 198.18.0.1 80 {\n" + kRs, "t.conf", {});
  CHECK(has(r, "t.conf:1:1: warning: virtual_server 198.18.0.1 80 has no 'protocol'"));
  CHECK(has(r, "has no 'lvs_sched'; using wlc"));
  CHECK(has(r, "has no 'lvs_method'; using NAT"));
  CHECK(r.diags.config_test_status() == 5);
}

TEST_CASE("Scheduler flags need their scheduler, in keepalived's order", "[parser][lvs]") {
  auto ok = load_string(
      vs("  lvs_sched sh\n  sh-port\n  sh-fallback\n  flag-1\n  flag-2\n  flag-3"), "t.conf", {});
  CHECK(diags(ok).empty());
  CHECK(ok.model.lvs.virtual_server[0].sh_port);
  CHECK(ok.model.lvs.virtual_server[0].flag_3);
  auto mh = load_string(vs("  lvs_sched mh\n  mh-port\n  sh-port"), "t.conf", {});
  CHECK(has(mh, "t.conf:7:3: error: 'sh-port' only applies to the sh scheduler"));
  CHECK(mh.model.lvs.virtual_server[0].mh_port);
  CHECK_FALSE(mh.model.lvs.virtual_server[0].sh_port);
  auto ops = load_string(vs("  ops"), "t.conf", {});
  CHECK(has(ops, "'ops' (one-packet scheduling) needs protocol UDP"));
}

TEST_CASE("lvs_method TUN takes a tunnel type, gue port and checksum", "[parser][lvs]") {
  auto r = load_string(vs("  lvs_method TUN type gue port 6080 csum"), "t.conf", {});
  CHECK(diags(r).empty());
  const auto& f = *r.model.lvs.virtual_server[0].lvs_method;
  CHECK(f.method == LvsMethod::TUN);
  CHECK(f.type == TunType::gue);
  CHECK(f.port == 6080);
  CHECK(f.csum == TunCsum::csum);

  CHECK(has(load_string(vs("  lvs_method TUN type gue"), "t.conf", {}),
            "t.conf:5:3: error: 'lvs_method': a gue tunnel needs 'port NUM'"));
  CHECK(has(load_string(vs("  lvs_method TUN type ipip csum"), "t.conf", {}),
            "ipip tunnels do not support a checksum option"));
  CHECK(has(load_string(vs("  lvs_method TUN type gre remcsum"), "t.conf", {}),
            "gre tunnels do not support remcsum"));
  CHECK(has(load_string(vs("  lvs_method TUN bar"), "t.conf", {}),
            "t.conf:5:18: error: 'bar' is not a tunnel option"));
  CHECK(has(load_string(vs("  lvs_method FOO"), "t.conf", {}),
            "'FOO' is not a valid value for 'lvs_method' (expected NAT|DR|TUN)"));
}

TEST_CASE("Persistence keywords and their ranges", "[parser][lvs]") {
  auto r = load_string(vs("  persistence_timeout\n  persistence_granularity 255.255.255.0\n"
                          "  persistence_engine sip"),
                       "t.conf", {});
  CHECK(diags(r).empty());
  const auto& v = r.model.lvs.virtual_server[0];
  CHECK(v.persistence_timeout == 360U);
  CHECK(v.persistence_granularity->netmask->str() == "255.255.255.0");
  CHECK(v.persistence_engine == "sip");
  auto bad = load_string(vs("  persistence_timeout 2678401"), "t.conf", {});
  CHECK(has(bad,
            "t.conf:5:23: error: '2678401' for 'persistence_timeout' is outside the range "
            "[1, 2678400]"));
}

TEST_CASE("A port may be omitted only for a persistent service", "[parser][lvs]") {
  const std::string head =
      "virtual_server 198.18.0.1 {\n  lvs_sched rr\n  lvs_method NAT\n"
      "  protocol TCP\n";
  auto bad = load_string(head + kRs, "t.conf", {});
  CHECK(has(bad, "t.conf:1:1: warning: virtual_server 198.18.0.1: a port is required unless"));
  auto ok = load_string(head + "  persistence_timeout 60\n" + kRs, "t.conf", {});
  CHECK(diags(ok).empty());
}

TEST_CASE("fwmark services take no protocol", "[parser][lvs]") {
  const std::string head = "virtual_server fwmark 7 {\n  lvs_sched rr\n  lvs_method NAT\n";
  auto ok = load_string(head + kRs, "t.conf", {});
  CHECK(diags(ok).empty());
  CHECK(ok.model.lvs.virtual_server[0].fwmark == 7U);
  auto bad = load_string(head + "  protocol TCP\n" + kRs, "t.conf", {});
  CHECK(has(bad, "'protocol' is ignored for a fwmark service"));
  auto zero = load_string("virtual_server fwmark 0 {\n}\n", "t.conf", {});
  CHECK(has(zero, "t.conf:1:23: error: '0' for 'virtual_server' is outside the range"));
}

TEST_CASE("virtual_server_group entries: addresses, ranges, prefixes, fwmarks",
          "[parser][lvs][group]") {
  auto r = load_string(
      "virtual_server_group G1 {\n  198.18.0.1 80\n  198.18.0.2-10 80\n"
      "  198.18.0.250-198.18.1.10 80\n  198.18.2.0/29 81\n  2001:db8::1-ff 80\n"
      "  fwmark 3 inet\n}\n",
      "t.conf", {});
  CHECK(diags(r).empty());
  REQUIRE(r.model.lvs.virtual_server_group.size() == 1);
  const auto& g = r.model.lvs.virtual_server_group[0];
  REQUIRE(g.addresses.size() == 5);
  CHECK(g.addresses[1].last.str() == "198.18.0.10");
  CHECK(g.addresses[2].last.str() == "198.18.1.10");
  CHECK(g.addresses[3].first.str() == "198.18.2.0");
  CHECK(g.addresses[3].last.str() == "198.18.2.7");
  CHECK(g.addresses[4].last.str() == "2001:db8::ff");
  CHECK(g.fwmark[0].family == Family::Inet);

  auto bad = load_string("virtual_server_group G1 {\n  198.18.0.1-300 80\n  198.18.0.5-3 80\n}\n",
                         "t.conf", {});
  CHECK(has(bad, "t.conf:2:3: error: '198.18.0.1-300' is not a virtual_server_group address"));
  CHECK(has(bad,
            "t.conf:3:3: error: '198.18.0.5-3' is not a virtual_server_group address or "
            "range: the end of the range is not greater than its start"));
  CHECK(has(bad, "t.conf:1:1: error: virtual_server_group G1 has no entries"));
}

TEST_CASE("A virtual server must name an existing group", "[parser][lvs][group]") {
  auto r = load_string(
      "virtual_server group NOPE {\n  lvs_sched rr\n  lvs_method NAT\n"
      "  protocol TCP\n" +
          kRs,
      "t.conf", {});
  CHECK(has(r, "t.conf:1:1: error: virtual_server group NOPE: no virtual_server_group named"));
}

TEST_CASE("Duplicate virtual servers are rejected", "[parser][lvs]") {
  auto r = load_string(vs("") + vs(""), "t.conf", {});
  CHECK(has(r,
            "t.conf:11:1: error: virtual_server 198.18.0.1 80 (TCP) is already defined at "
            "line 1"));
}

TEST_CASE("Real server keywords and their ranges", "[parser][lvs][rs]") {
  auto r = load_string(vs("  real_server 198.18.1.2 80 {\n    weight 5\n    uthreshold 100\n"
                          "    lthreshold 10\n    inhibit_on_failure\n    smtp_alert no\n"
                          "    lvs_method DR\n    virtualhost rs.example\n  }"),
                       "t.conf", {});
  CHECK(diags(r).empty());
  const auto& rs = r.model.lvs.virtual_server[0].real_server[0];
  CHECK(rs.weight == 5U);
  CHECK(rs.uthreshold == 100U);
  CHECK(rs.lthreshold == 10U);
  CHECK(rs.inhibit_on_failure == true);
  CHECK(rs.smtp_alert == false);
  CHECK(rs.lvs_method->method == LvsMethod::DR);

  CHECK(has(
      load_string(vs("  real_server 198.18.1.2 80 {\n    weight 2147483648\n  }"), "t.conf", {}),
      "t.conf:6:12: error: '2147483648' for 'weight' is outside the range [0, 2147483647]"));
  CHECK(has(load_string(vs("  real_server 198.18.1.2 80 {\n    retry 0\n  }"), "t.conf", {}),
            "'0' for 'retry' is outside the range [1, 4294967295]"));
  CHECK(has(load_string(vs("  real_server 198.18.1.2 80 {\n    uthreshold 10\n    lthreshold 20\n"
                           "  }"),
                        "t.conf", {}),
            "t.conf:5:3: error: real_server 198.18.1.2: lthreshold 20 is greater than uthreshold "
            "10"));
}

TEST_CASE("Real servers of another family are dropped unless tunnelled", "[parser][lvs][rs]") {
  auto r = load_string(vs("  real_server 2001:db8::1 80 {\n  }"), "t.conf", {});
  CHECK(has(r, "t.conf:5:3: error: real_server 2001:db8::1: its address family does not match"));
  CHECK(r.model.lvs.virtual_server[0].real_server.size() == 1);
  auto tun =
      load_string(vs("  real_server 2001:db8::1 80 {\n    lvs_method TUN\n  }"), "t.conf", {});
  CHECK(diags(tun).empty());
  CHECK(tun.model.lvs.virtual_server[0].real_server.size() == 2);
}

TEST_CASE("Duplicate real servers are dropped with a warning", "[parser][lvs][rs]") {
  auto r = load_string(vs("  real_server 198.18.1.1 80 {\n  }"), "t.conf", {});
  CHECK(has(r, "warning: real_server 198.18.1.1 80 is duplicated"));
  CHECK(r.model.lvs.virtual_server[0].real_server.size() == 1);
}

TEST_CASE("Quorum and hysteresis are checked against the real server weights", "[parser][lvs]") {
  CHECK(has(load_string(vs("  quorum 5"), "t.conf", {}),
            "quorum 5 exceeds the total weight of its real servers (1)"));
  CHECK(has(load_string(vs("  quorum 1\n  hysteresis 1"), "t.conf", {}),
            "hysteresis 1 must be less than the quorum (1)"));
  CHECK(has(load_string(vs("  quorum 0"), "t.conf", {}), "'0' for 'quorum' is outside the range"));
}

TEST_CASE("Sorry server keywords must follow sorry_server", "[parser][lvs]") {
  auto ok = load_string(vs("  sorry_server 198.18.9.9 80\n  sorry_server_inhibit\n"
                           "  sorry_server_lvs_method DR"),
                        "t.conf", {});
  CHECK(diags(ok).empty());
  const auto& s = *ok.model.lvs.virtual_server[0].sorry_server;
  CHECK(s.inhibit);
  CHECK(s.lvs_method->method == LvsMethod::DR);
  auto bad = load_string(vs("  sorry_server_inhibit"), "t.conf", {});
  CHECK(has(bad, "t.conf:5:3: error: 'sorry_server_inhibit' must follow 'sorry_server'"));
  auto fam = load_string(vs("  sorry_server 2001:db8::9 80"), "t.conf", {});
  CHECK(has(fam, "t.conf:5:3: error: sorry_server 2001:db8::9: its address family does not match"));
}

TEST_CASE("The SSL block", "[parser][lvs][ssl]") {
  auto r =
      load_string("SSL {\n  password pw\n  ca /c\n  certificate /t\n  key /k\n}\n", "t.conf", {});
  CHECK(diags(r).empty());
  REQUIRE(r.model.lvs.ssl);
  CHECK(r.model.lvs.ssl->password == "pw");
  CHECK(r.model.lvs.ssl->key == "/k");
  auto twice = load_string("SSL {\n}\nSSL {\n}\n", "t.conf", {});
  CHECK(has(twice, "t.conf:3:1: error: SSL is already configured"));
  auto missing = load_string("SSL {\n  password\n}\n", "t.conf", {});
  CHECK(has(missing, "t.conf:2:3: error: 'password' needs a value"));
}

TEST_CASE("Checker timing is inherited virtual_server -> real_server -> checker",
          "[parser][lvs][inherit]") {
  auto r = load_string(
      "virtual_server 198.18.0.1 80 {\n  lvs_sched rr\n  lvs_method NAT\n  protocol TCP\n"
      "  delay_loop 10\n  retry 4\n  connect_timeout 2\n  alpha\n"
      "  real_server 198.18.1.1 80 {\n    delay_before_retry 7\n    warmup 1\n"
      "    TCP_CHECK {\n      retry 0\n    }\n    MISC_CHECK {\n      misc_path /bin/true\n    }\n"
      "    DNS_CHECK {\n      delay_loop 20\n    }\n  }\n"
      "  real_server 198.18.1.2 80 {\n    HTTP_GET {\n      url {\n        path /\n      }\n"
      "    }\n  }\n}\n",
      "t.conf", {});
  CHECK(diags(r).empty());
  const auto& rs1 = r.model.lvs.virtual_server[0].real_server[0];
  const auto& tcp = std::get<TcpCheck>(rs1.checkers[0]);
  CHECK(tcp.delay_loop == Micros(seconds(10)));
  CHECK(tcp.retry == 0U);
  CHECK(tcp.delay_before_retry == Micros(seconds(7)));
  CHECK(tcp.warmup == Micros(seconds(1)));
  CHECK(tcp.connect_timeout == Micros(seconds(2)));
  CHECK(tcp.alpha == true);
  const auto& misc = std::get<MiscCheck>(rs1.checkers[1]);
  CHECK(misc.retry == 4U);
  const auto& dns = std::get<DnsCheck>(rs1.checkers[2]);
  CHECK(dns.delay_loop == Micros(seconds(20)));
  CHECK(dns.delay_before_retry == Micros(seconds(7)));

  // Defaults when nothing is set above the checker.
  auto d = load_string(vs("  real_server 198.18.1.2 80 {\n    HTTP_GET {\n      url {\n"
                          "        path /\n      }\n    }\n    DNS_CHECK {\n    }\n"
                          "    MISC_CHECK {\n      misc_path /x\n    }\n  }"),
                       "t.conf", {});
  const auto& rs2 = d.model.lvs.virtual_server[0].real_server[0];
  const auto& http = std::get<HttpGet>(rs2.checkers[0]);
  CHECK(http.delay_loop == Micros(seconds(60)));
  CHECK(http.retry == 1U);
  CHECK(http.delay_before_retry == Micros(seconds(3)));
  CHECK(http.warmup == Micros(seconds(60)));
  CHECK(http.connect_timeout == Micros(seconds(5)));
  CHECK(http.alpha == false);
  const auto& dns2 = std::get<DnsCheck>(rs2.checkers[1]);
  CHECK(dns2.retry == 3U);
  CHECK(dns2.delay_before_retry == Micros(seconds(60)));
  CHECK(std::get<MiscCheck>(rs2.checkers[2]).retry == 0U);
}

TEST_CASE("HTTP virtualhost flows from the virtual and real server", "[parser][lvs][inherit]") {
  auto r = load_string(vs("  virtualhost vs.example\n  real_server 198.18.1.2 80 {\n"
                          "    HTTP_GET {\n      url {\n        path /\n      }\n    }\n  }"),
                       "t.conf", {});
  CHECK(std::get<HttpGet>(r.model.lvs.virtual_server[0].real_server[0].checkers[0]).virtualhost ==
        "vs.example");
}

TEST_CASE("Bad values never crash and leave defaults", "[parser][lvs]") {
  for (const char* body :
       {"  delay_loop abc", "  delay_loop 0", "  connect_timeout 5000", "  hysteresis -1",
        "  ip_family foo", "  smtp_alert maybe", "  weight 0", "  protocol", "  sorry_server x",
        "  real_server {\n  }", "  real_server 198.18.1.1 99999 {\n  }"}) {
    auto r = load_string(vs(body), "t.conf", {});
    CHECK(r.diags.has_errors());
  }
}

TEST_CASE("DR and TUN real servers must use the virtual server's port", "[parser][lvs]") {
  const std::string head = "virtual_server 198.18.0.1 80 {\n lvs_sched rr\n protocol TCP\n";
  const std::string rs = " real_server 198.19.0.12 8001 {\n }\n}\n";
  for (const char* method : {"DR", "TUN"}) {
    auto r = load_string(head + " lvs_method " + method + "\n" + rs, "t.conf", {});
    REQUIRE(r.diags.all().size() == 1);
    CHECK(r.diags.all()[0].severity == Severity::Warning);
    CHECK(r.diags.all()[0].loc.line == 5);
    CHECK_THAT(r.diags.all()[0].message, Catch::Contains("port 8001 does not match"));
    CHECK(r.model.lvs.virtual_server[0].real_server[0].port == std::optional<std::uint16_t>(80));
  }
  auto nat = load_string(head + " lvs_method NAT\n" + rs, "t.conf", {});
  CHECK(nat.diags.all().empty());
}
