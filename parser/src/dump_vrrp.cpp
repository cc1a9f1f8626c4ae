// SPDX-License-Identifier: GPL-2.0-or-later
#include "dump_util.hpp"

namespace vigil::config {

void to_json(nlohmann::json& j, const VrrpScript& s) {
  j["script"] = s.script;
  j["interval"] = s.interval;
  j["timeout"] = s.timeout;
  j["weight"] = s.weight;
  j["weight_reverse"] = s.weight_reverse;
  j["rise"] = s.rise;
  j["fall"] = s.fall;
  j["user"] = s.user;
  j["group"] = s.group;
  j["init_fail"] = s.init_fail;
}

void to_json(nlohmann::json& j, const VrrpInstance& v) {
  j["interface"] = v.interface;
  j["virtual_router_id"] = v.virtual_router_id;
  j["priority"] = v.priority;
  j["virtual_ipaddress"] = v.virtual_ipaddress;
}

namespace detail {

template <class T>
nlohmann::json by_name(const std::vector<T>& items) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& i : items) {
    j[i.name] = i;
  }
  return j;
}

nlohmann::json dump_vrrp(const VrrpConfig& v) {
  nlohmann::json j;
  j["vrrp_script"] = by_name(v.vrrp_script);
  j["vrrp_instance"] = by_name(v.vrrp_instance);
  return j;
}

}  // namespace detail
}  // namespace vigil::config
