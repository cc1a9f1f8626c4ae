// SPDX-License-Identifier: GPL-2.0-or-later
// PLACEHOLDER until wip/core merges (same declarations).
#pragma once

#include <functional>
#include <optional>
#include <vector>

#include "vigil/config/model.hpp"
#include "vigil/ipvs/table.hpp"

namespace vigil::ipvs {

struct RsHealth {
  bool alive = true;
  std::optional<std::uint32_t> weight;
};
using HealthView = std::function<RsHealth(const config::VirtualServer&, const config::RealServer&)>;

struct Desired {
  Table table;
  std::optional<Timeouts> timeouts;
  std::vector<SyncDaemon> sync_daemons;
};

Desired desired_state(const config::Model& model, const HealthView& health = {});

}  // namespace vigil::ipvs
