// SPDX-License-Identifier: GPL-2.0-or-later
// The checks a configuration asks for: one CheckDef per checker of every real
// server of every virtual_server, with its target resolved (connect_ip and
// connect_port default to the real server's), its effective timing, and two
// keys:
//   checker_id  stable across reloads while the checker stays where it is
//               (virtual server + real server + kind + ordinal among that
//               kind), so an unchanged checker keeps its state;
//   probe_key   equal for checks that can share one probe: same kind, same
//               resolved target, same definition and timing (the same real
//               server behind two VIPs is probed once).
// Pure: no I/O.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "vigil/config/model.hpp"
#include "vigil/hc/tracker.hpp"

namespace vigil::hc {

enum class CheckKind : std::uint8_t { Tcp, Http, Ssl, Misc, Smtp, Dns, Udp, Ping, File, Bfd };

/// "TCP_CHECK", "HTTP_GET", ... (keepalived's keywords, for logs).
const char* kind_name(CheckKind k);

/// Where a network checker connects, everything defaulted.
struct Target {
  config::IpAddress ip;    ///< connect_ip, else the real server's address
  std::uint16_t port = 0;  ///< connect_port, else the real server's port (0: none)
  std::optional<config::IpAddress> bindto;
  std::optional<std::uint16_t> bind_port;
  std::string bind_if;
  config::Micros connect_timeout{std::chrono::seconds(5)};
  std::optional<std::uint32_t> fwmark;  ///< SO_MARK
  bool operator==(const Target&) const = default;
};

/// Identity of a virtual server, stable across reloads: "ip:port/proto"
/// (an IPv6 address in brackets), "fwmark N" or "group NAME/proto".
std::string vs_id(const config::VirtualServer& vs);

/// Identity of a real server inside its virtual server, stable across reloads:
/// "<vs_id>|<rs ip>:<port>" (port 0 when the real server has none). The same text for the same (vs,
/// rs) wherever they sit in the file.
std::string rs_id(const config::VirtualServer& vs, const config::RealServer& rs);

struct CheckDef {
  std::size_t vs_index = 0;  ///< into model.lvs.virtual_server
  std::size_t rs_index = 0;  ///< into that virtual server's real_server
  std::string rs_id;
  std::string checker_id;  ///< rs_id + "|" + kind + "#" + ordinal of that kind
  std::string probe_key;
  CheckKind kind = CheckKind::Tcp;
  TrackerConfig timing;
  Target target;             ///< unused by MISC_CHECK and FILE_CHECK
  config::CheckerSpec spec;  ///< the checker as configured (effective values filled in)
  bool log_all_failures = false;
};

/// Every checker of every virtual server that programs a service (a virtual
/// server without real servers has none), in file order.
std::vector<CheckDef> plan_checks(const config::Model& model);

}  // namespace vigil::hc
