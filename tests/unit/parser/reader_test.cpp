// SPDX-License-Identifier: GPL-2.0-or-later
#include <catch2/catch.hpp>

#include "vigil/config/load.hpp"

using namespace vigil::config;

TEST_CASE("A minimal vrrp_instance parses", "[parser]") {
  auto r = load_string(
      "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 5\n virtual_ipaddress {\n "
      "198.18.0.1\n }\n}\n",
      "t.conf", {});
  CHECK(r.diags.all().empty());
  REQUIRE(r.model.vrrp.vrrp_instance.size() == 1);
  CHECK(r.model.vrrp.vrrp_instance[0].virtual_router_id == 5);
}
