// SPDX-License-Identifier: GPL-2.0-or-later
#include "dump_util.hpp"

namespace vigil::config {

void to_json(nlohmann::json& j, const BfdInstance& b) { j["neighbor_ip"] = b.neighbor_ip; }

namespace detail {

nlohmann::json dump_bfd(const BfdConfig& b) {
  nlohmann::json j;
  nlohmann::json items = nlohmann::json::object();
  for (const auto& i : b.bfd_instance) {
    items[i.name] = i;
  }
  j["bfd_instance"] = items;
  return j;
}

}  // namespace detail
}  // namespace vigil::config
