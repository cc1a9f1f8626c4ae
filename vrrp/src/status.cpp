// SPDX-License-Identifier: GPL-2.0-or-later
// InstanceStatus from a running Instance (see status.hpp).
#include "vigil/vrrp/status.hpp"

#include <chrono>
#include <numeric>

namespace vigil::vrrp {

Counters counters_since(const Counters& now, const Counters& baseline) {
  const auto sub = [](std::uint64_t a, std::uint64_t b) { return a >= b ? a - b : 0; };
  Counters c;
  c.adverts_rx = sub(now.adverts_rx, baseline.adverts_rx);
  c.adverts_tx = sub(now.adverts_tx, baseline.adverts_tx);
  c.became_master = sub(now.became_master, baseline.became_master);
  c.left_master = sub(now.left_master, baseline.left_master);
  c.priority_zero_rx = sub(now.priority_zero_rx, baseline.priority_zero_rx);
  c.priority_zero_tx = sub(now.priority_zero_tx, baseline.priority_zero_tx);
  for (std::size_t i = 0; i < c.drops.size(); ++i) {
    c.drops[i] = sub(now.drops[i], baseline.drops[i]);
  }
  return c;
}

std::string vip_text(const config::IpAddressSpec& spec) {
  if (spec.address.has_len) {
    return spec.address.str();
  }
  return spec.address.addr.str() + (spec.address.addr.is_v4() ? "/32" : "/128");
}

InstanceStatus describe(const Instance& inst, const config::VrrpInstance& cfg,
                        const std::string& sync_group, const Counters& baseline, TimePoint entered,
                        TimePoint now) {
  const Settings& st = inst.settings();
  InstanceStatus s;
  s.name = st.name;
  s.interface = st.interface;
  s.vrid = st.vrid;
  s.version = st.version;
  s.family = config::family_name(st.family);
  s.state = inst.state();
  s.sync_group = sync_group;
  s.base_priority = st.priority;
  s.effective_priority = inst.effective_priority();
  for (const auto& v : cfg.virtual_ipaddress) {
    s.vips.push_back(vip_text(v));
  }
  for (const auto& v : cfg.virtual_ipaddress_excluded) {
    s.vips.push_back(vip_text(v));
  }
  if (inst.state() != State::Master && inst.last_master()) {
    s.master_address = inst.last_master()->str();
  }
  s.state_seconds = now > entered ? std::chrono::duration<double>(now - entered).count() : 0.0;
  const Counters c = counters_since(inst.counters(), baseline);
  s.adverts_sent = c.adverts_tx;
  s.adverts_received = c.adverts_rx;
  s.became_master = c.became_master;
  s.released_master = c.left_master;
  s.packets_dropped = std::accumulate(c.drops.begin(), c.drops.end(), std::uint64_t{0});
  s.priority_zero_sent = c.priority_zero_tx;
  s.priority_zero_received = c.priority_zero_rx;
  return s;
}

}  // namespace vigil::vrrp
