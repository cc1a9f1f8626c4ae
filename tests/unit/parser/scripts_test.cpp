// SPDX-License-Identifier: GPL-2.0-or-later
// Script security across families: keepalived's `-t` exit status 6.
#include <catch2/catch.hpp>

#include "diags.hpp"
#include "vigil/config/load.hpp"

using namespace vigil::config;
using vigil::test::diags;
using vigil::test::has;
using vigil::test::located;

namespace {

LoadOptions host(bool keepalived_script_user) {
  LoadOptions o;
  o.script_exists = [](const std::string& p) { return p.rfind("/bin/", 0) == 0; };
  o.user_exists = [keepalived_script_user](const std::string& u) {
    return u == "root" || (keepalived_script_user && u == "keepalived_script");
  };
  o.group_exists = [](const std::string& g) { return g == "root"; };
  return o;
}

const char* kInstance =
    "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 7\n"
    " virtual_ipaddress {\n  198.18.0.1\n }\n";

}  // namespace

TEST_CASE("Any runnable script without enable_script_security is a security violation",
          "[parser][scripts]") {
  auto r = load_string(std::string(kInstance) +
                           " notify_master \"/bin/true x\"\n}\n"
                           "virtual_server 198.18.0.1 80 {\n lvs_sched rr\n lvs_method NAT\n"
                           " protocol TCP\n real_server 198.18.1.1 80 {\n  MISC_CHECK {\n"
                           "   misc_path /bin/false\n  }\n }\n}\n",
                       "t.conf", host(false));
  CHECK(r.diags.config_test_status() == 6);
  CHECK(diags(r) ==
        "t.conf:7:2: warning: SECURITY VIOLATION: scripts would run (notify_master of "
        "vrrp_instance VI_1 '/bin/true x', and 1 more) but enable_script_security is not set "
        "in global_defs\n");
}

TEST_CASE("Security outranks other errors but not a fatal one", "[parser][scripts]") {
  auto r = load_string(
      std::string("vrrp_script s {\n script /bin/true\n}\nbogus_keyword 1\n") + kInstance + "}\n",
      "t.conf", host(false));
  CHECK(r.diags.config_test_status() == 6);
  auto f = load_string(std::string(kInstance) + " notify /bin/true\n}\nincludea /none*.conf\n",
                       "t.conf", host(false));
  CHECK(f.diags.config_test_status() == 4);
}

TEST_CASE("Scripts whose program is missing do not count", "[parser][scripts]") {
  auto r = load_string("vrrp_script s {\n script /opt/none.sh\n}\n", "t.conf", host(false));
  CHECK(r.diags.all().empty());
}

TEST_CASE("With script security, scripts need script_user or the keepalived_script user",
          "[parser][scripts]") {
  const std::string secure = "global_defs {\n enable_script_security\n}\n";
  auto nouser = load_string(secure + "vrrp_script s {\n script /bin/true\n}\n" + kInstance + "}\n",
                            "t.conf", host(false));
  CHECK(diags(nouser) ==
        "t.conf:5:2: error: vrrp_script s: no script_user is set and the default user "
        "'keepalived_script' does not exist\n");
  CHECK(nouser.diags.config_test_status() == 5);
  auto def = load_string(secure + "vrrp_script s {\n script /bin/true\n}\n" + kInstance + "}\n",
                         "t.conf", host(true));
  CHECK(def.diags.all().empty());
  auto named = load_string(
      "global_defs {\n enable_script_security\n script_user root\n}\n"
      "vrrp_script s {\n script /bin/true\n}\n" +
          std::string(kInstance) + "}\n",
      "t.conf", host(false));
  CHECK(named.diags.all().empty());
}

TEST_CASE("Without host lookups the checks are skipped", "[parser][scripts]") {
  auto r = load_string("vrrp_script s {\n script /bin/true\n}\n", "t.conf", {});
  CHECK(r.diags.all().empty());
}

TEST_CASE("VRRP scripts only count when there is a vrrp_instance to run them",
          "[parser][scripts]") {
  // keepalived 2.2.7 starts no VRRP process without instances.
  auto r = load_string("vrrp_script s {\n script /bin/true\n}\n", "t.conf", host(false));
  CHECK(r.diags.config_test_status() == 0);
  auto with =
      load_string(std::string("vrrp_script s {\n script /bin/true\n}\n") + kInstance + "}\n",
                  "t.conf", host(false));
  CHECK(with.diags.config_test_status() == 6);
}
