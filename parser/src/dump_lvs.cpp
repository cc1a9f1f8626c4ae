// SPDX-License-Identifier: GPL-2.0-or-later
#include <fmt/format.h>

#include "dump_util.hpp"

namespace vigil::config {

void to_json(nlohmann::json& j, const TcpCheck& c) {
  j["type"] = "TCP_CHECK";
  j["connect_port"] = c.connect_port;
  j["connect_timeout"] = c.connect_timeout;
}

void to_json(nlohmann::json& j, const CheckerSpec& c) {
  std::visit([&j](const auto& x) { to_json(j, x); }, c);
}

void to_json(nlohmann::json& j, const RealServer& r) {
  j["ip"] = r.ip;
  j["port"] = r.port;
  j["weight"] = r.weight;
  j["checkers"] = r.checkers;
}

void to_json(nlohmann::json& j, const VirtualServer& v) {
  j["ip"] = v.ip;
  j["port"] = v.port;
  j["fwmark"] = v.fwmark;
  j["group"] = v.group;
  j["lb_algo"] = v.lb_algo;
  j["real_server"] = v.real_servers;
}

namespace detail {

nlohmann::json dump_lvs(const LvsConfig& l) {
  nlohmann::json j;
  j["virtual_server"] = l.virtual_server;
  return j;
}

}  // namespace detail
}  // namespace vigil::config
