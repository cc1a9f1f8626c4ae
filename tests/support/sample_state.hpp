// SPDX-License-Identifier: GPL-2.0-or-later
// A hand-built State for the tests of its renderers (status, metrics, the
// keepalived-style dumps) and of the control socket: two VRRP instances (one
// IPv6), a NAT service with a live, a failing and a draining real server and
// a sorry server, a fwmark service missing from the kernel, and names that
// need escaping (quotes, backslash, newline). Needs daemon/src on the include
// path.
#pragma once

#include "state.hpp"

// The designated initializers below name only what differs from the defaults.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace vigil::test {

/// The daemon's own part alone: no VRRP instances, no virtual servers.
inline daemon::State sample_empty_state() {
  daemon::State s;
  s.daemon = daemon::DaemonStatus{.pid = 4242,
                                  .version = "0.1.0",
                                  .config_file = "/etc/keepalived/keepalived.conf",
                                  .uptime_seconds = 3723.5};
  return s;
}

inline daemon::State sample_state() {
  using namespace vigil::daemon;
  State s = sample_empty_state();
  s.daemon.reloads = 2;
  s.daemon.reloads_failed = 1;
  s.daemon.vrrp = true;
  s.daemon.ipvs = true;
  s.daemon.sync_daemons = {"master eth0 id 1"};

  s.vrrp.push_back(VrrpStatus{.name = "VI_1",
                              .interface = "eth0",
                              .vrid = 51,
                              .state = "MASTER",
                              .sync_group = "G1",
                              .base_priority = 150,
                              .effective_priority = 140,
                              .vips = {"198.18.0.100/32", "198.18.0.101/32"},
                              .state_seconds = 65,
                              .adverts_sent = 1000,
                              .adverts_received = 3,
                              .became_master = 2,
                              .released_master = 1,
                              .packets_dropped = 4,
                              .priority_zero_sent = 1});
  s.vrrp.push_back(VrrpStatus{.name = "odd \"name\" \\ here",
                              .interface = "eth1",
                              .vrid = 7,
                              .version = 3,
                              .family = "inet6",
                              .state = "BACKUP",
                              .base_priority = 100,
                              .effective_priority = 100,
                              .vips = {"2001:db8::100/128"},
                              .master_address = "fe80::1",
                              .state_seconds = 2.25,
                              .adverts_received = 50});

  VirtualServerStatus vs{.name = "198.18.0.100:80 TCP",
                         .scheduler = "wlc",
                         .method = "NAT",
                         .counters = IpvsCounters{120, 5000, 4800, 700000, 9000000}};
  vs.real_servers.push_back(RealServerStatus{
      .address = "198.18.0.11:80",
      .weight = 3,
      .alive = true,
      .kernel_weight = 3,
      .active_conns = 7,
      .inactive_conns = 12,
      .counters = IpvsCounters{100, 4000, 3900, 600000, 8000000},
      .checks = {CheckStatus{"HTTP_GET", "198.18.0.11:80", true, 40, 1, 1.25, ""}}});
  vs.real_servers.push_back(RealServerStatus{
      .address = "198.18.0.12:80",
      .weight = 1,
      .alive = false,
      .kernel_weight = std::nullopt,
      .checks = {
          CheckStatus{"TCP_CHECK", "198.18.0.12:80", false, 40, 40, std::nullopt,
                      "connect: Connection refused"},
          CheckStatus{"MISC_CHECK", "/bin/check \"x\"\nnext", false, 3, 3, 15.5, "exit 1"}}});
  vs.real_servers.push_back(
      RealServerStatus{.address = "198.18.0.13:80",
                       .weight = 2,
                       .alive = true,
                       .draining = true,
                       .kernel_weight = 0,
                       .active_conns = 1,
                       .counters = IpvsCounters{20, 1000, 900, 100000, 1000000}});
  vs.real_servers.push_back(
      RealServerStatus{.address = "198.18.0.99:80", .weight = 1, .sorry = true});
  s.virtual_servers.push_back(vs);

  s.virtual_servers.push_back(VirtualServerStatus{.name = "fwmark 5",
                                                  .scheduler = "rr",
                                                  .method = "DR",
                                                  .quorum_up = false,
                                                  .sorry_active = true});
  return s;
}

}  // namespace vigil::test

#pragma GCC diagnostic pop
