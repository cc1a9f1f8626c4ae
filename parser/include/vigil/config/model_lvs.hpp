// SPDX-License-Identifier: GPL-2.0-or-later
// LVS blocks: virtual_server_group, virtual_server, real_server and their
// checkers, and the top-level SSL block.
#pragma once

#include <variant>

#include "vigil/config/model_common.hpp"

namespace vigil::config {

struct TcpCheck {
  std::optional<std::uint16_t> connect_port;
  std::optional<Micros> connect_timeout;
  bool operator==(const TcpCheck&) const = default;
};

using CheckerSpec = std::variant<TcpCheck>;

struct RealServer {
  SourceLoc loc;
  IpAddress ip;
  std::optional<std::uint16_t> port;
  int weight = 1;
  std::vector<CheckerSpec> checkers;
  bool operator==(const RealServer&) const = default;
};

struct VirtualServer {
  SourceLoc loc;
  std::optional<IpAddress> ip;
  std::optional<std::uint16_t> port;
  std::optional<std::uint32_t> fwmark;
  std::string group;
  std::string lb_algo = "wlc";
  std::vector<RealServer> real_servers;
  bool operator==(const VirtualServer&) const = default;
};

struct LvsConfig {
  std::vector<VirtualServer> virtual_server;
  bool operator==(const LvsConfig&) const = default;
};

}  // namespace vigil::config
