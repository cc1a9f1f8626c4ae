// SPDX-License-Identifier: GPL-2.0-or-later
// bfd_instance blocks (keepalived.conf(5) "BFD CONFIGURATION", RFC 5880).
// Intervals are written in milliseconds with microsecond resolution and held
// as Micros.
#pragma once

#include "vigil/config/model_common.hpp"

namespace vigil::config {

struct BfdInstance {
  std::string name;  ///< at most 31 characters
  SourceLoc loc;
  std::optional<IpAddress> neighbor_ip;  ///< required; `neighbour_ip` is a synonym
  std::optional<IpAddress> source_ip;    ///< same family as neighbor_ip
  Micros min_rx{10'000};                 ///< 1..4294967 ms
  Micros min_tx{10'000};                 ///< 1..4294967 ms
  Micros idle_tx{1'000'000};             ///< 1000..4294967 ms
  int multiplier = 5;                    ///< 1..255
  bool passive = false;
  std::optional<int> ttl;       ///< IPv4 TTL, 1..255; unset: 255
  std::optional<int> hoplimit;  ///< IPv6 hop limit, 1..255; unset: 64
  int max_hops = 0;             ///< -1..255; 255 disables the check
  int weight = 0;               ///< -253..253, default weight for track_bfd
  bool weight_reverse = false;
  /// `vrrp` / `checker`: send events only to that process (both unset: to both).
  bool vrrp = false;
  bool checker = false;
  bool operator==(const BfdInstance&) const = default;
};

struct BfdConfig {
  std::vector<BfdInstance> bfd_instance;
  bool operator==(const BfdConfig&) const = default;
};

}  // namespace vigil::config
