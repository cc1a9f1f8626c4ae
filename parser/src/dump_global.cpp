// SPDX-License-Identifier: GPL-2.0-or-later
#include "dump_util.hpp"

namespace vigil::config::detail {

nlohmann::json dump_global(const GlobalConfig& g) {
  nlohmann::json defs;
  defs["router_id"] = g.global_defs.router_id;
  nlohmann::json j;
  j["global_defs"] = defs;
  j["static_ipaddress"] = g.static_ipaddress;
  j["static_routes"] = g.static_routes;
  j["static_rules"] = g.static_rules;
  return j;
}

}  // namespace vigil::config::detail
