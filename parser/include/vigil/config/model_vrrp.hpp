// SPDX-License-Identifier: GPL-2.0-or-later
// VRRP blocks: vrrp_script, track_file, vrrp_track_process, vrrp_sync_group,
// garp_group and vrrp_instance.
#pragma once

#include "vigil/config/model_common.hpp"
#include "vigil/config/model_net.hpp"

namespace vigil::config {

struct VrrpScript {
  std::string name;
  SourceLoc loc;
  Script script;
  Micros interval{std::chrono::seconds(1)};
  std::optional<Micros> timeout;
  int weight = 0;
  bool weight_reverse = false;
  int rise = 1;
  int fall = 1;
  std::string user;
  std::string group;
  bool init_fail = false;
  bool operator==(const VrrpScript&) const = default;
};

struct VrrpInstance {
  std::string name;
  SourceLoc loc;
  std::string interface;
  int virtual_router_id = 0;
  int priority = 100;
  std::vector<IpAddressSpec> virtual_ipaddress;
  bool operator==(const VrrpInstance&) const = default;
};

struct VrrpConfig {
  std::vector<VrrpScript> vrrp_script;
  std::vector<VrrpInstance> vrrp_instance;
  bool operator==(const VrrpConfig&) const = default;
};

}  // namespace vigil::config
