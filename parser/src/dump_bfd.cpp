// SPDX-License-Identifier: GPL-2.0-or-later
// JSON dump of bfd_instance blocks (intervals in seconds, as every timer).
#include "dump_util.hpp"

namespace vigil::config {

void to_json(nlohmann::json& j, const BfdInstance& b) {
  j["neighbor_ip"] = b.neighbor_ip;
  j["source_ip"] = b.source_ip;
  j["min_rx"] = b.min_rx;
  j["min_tx"] = b.min_tx;
  j["idle_tx"] = b.idle_tx;
  j["multiplier"] = b.multiplier;
  j["passive"] = b.passive;
  j["ttl"] = b.ttl;
  j["hoplimit"] = b.hoplimit;
  j["max_hops"] = b.max_hops;
  j["weight"] = b.weight;
  j["weight_reverse"] = b.weight_reverse;
  j["vrrp"] = b.vrrp;
  j["checker"] = b.checker;
}

namespace detail {

nlohmann::json dump_bfd(const BfdConfig& b) {
  nlohmann::json j;
  j["bfd_instance"] = by_name(b.bfd_instance);
  return j;
}

}  // namespace detail
}  // namespace vigil::config
