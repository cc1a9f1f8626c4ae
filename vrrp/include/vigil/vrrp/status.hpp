// SPDX-License-Identifier: GPL-2.0-or-later
// What one running vrrp_instance looks like from outside, as a plain value: its
// identity, state, priorities, VIPs, the master last heard from, how long it has
// been in its state and its counters since start or the last STATS_CLEAR. Pure:
// the driver passes the times (its loop's clock) and the counters' baseline.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "vigil/config/model.hpp"
#include "vigil/vrrp/instance.hpp"

namespace vigil::vrrp {

struct InstanceStatus {
  std::string name;
  std::string interface;
  int vrid = 0;
  int version = 2;
  std::string family = "inet";  ///< "inet" or "inet6"
  State state = State::Init;
  std::string sync_group;  ///< empty when in none
  int base_priority = 0;
  int effective_priority = 0;
  std::vector<std::string> vips;  ///< virtual_ipaddress then _excluded, "198.18.0.100/32"
  std::string master_address;     ///< the master last heard from; "" if none or ourselves
  double state_seconds = 0;       ///< time since it entered `state`
  std::uint64_t adverts_sent = 0;
  std::uint64_t adverts_received = 0;
  std::uint64_t became_master = 0;
  std::uint64_t released_master = 0;
  std::uint64_t packets_dropped = 0;  ///< received adverts that failed any validation
  std::uint64_t priority_zero_sent = 0;
  std::uint64_t priority_zero_received = 0;
};

/// `now - since`, field by field (counters never go backwards, so this never wraps).
Counters counters_since(const Counters& now, const Counters& baseline);

/// "198.18.0.100/32": a VIP with its prefix length (the host length when none was written).
std::string vip_text(const config::IpAddressSpec& spec);

/// The status of `inst` (configured by `cfg`), in state since `entered`, at `now`, with
/// counters counted from `baseline` (Counters{} when never cleared).
InstanceStatus describe(const Instance& inst, const config::VrrpInstance& cfg,
                        const std::string& sync_group, const Counters& baseline, TimePoint entered,
                        TimePoint now);

}  // namespace vigil::vrrp
