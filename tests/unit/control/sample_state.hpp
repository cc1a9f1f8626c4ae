// SPDX-License-Identifier: GPL-2.0-or-later
// A hand-built State for the render, control and metrics tests: two VRRP
// instances, a NAT service with a live, a failing and a draining real server,
// a sorry server, and names that need escaping (quotes, backslash, newline).
#pragma once

#include "state.hpp"

namespace vigil::test {

inline daemon::State sample_state() {
  using namespace vigil::daemon;
  State s;
  s.daemon.pid = 4242;
  s.daemon.version = "0.1.0";
  s.daemon.config_file = "/etc/keepalived/keepalived.conf";
  s.daemon.uptime_seconds = 3723.5;
  s.daemon.reloads = 2;
  s.daemon.reloads_failed = 1;
  s.daemon.vrrp = true;
  s.daemon.ipvs = true;
  s.daemon.sync_daemons = {"master eth0 id 1"};

  VrrpStatus v1;
  v1.name = "VI_1";
  v1.interface = "eth0";
  v1.vrid = 51;
  v1.state = "MASTER";
  v1.sync_group = "G1";
  v1.base_priority = 150;
  v1.effective_priority = 140;
  v1.vips = {"198.18.0.100/32", "198.18.0.101/32"};
  v1.state_seconds = 65;
  v1.adverts_sent = 1000;
  v1.adverts_received = 3;
  v1.became_master = 2;
  v1.released_master = 1;
  v1.packets_dropped = 4;
  v1.priority_zero_sent = 1;
  s.vrrp.push_back(v1);

  VrrpStatus v2;
  v2.name = "odd \"name\" \\ here";
  v2.interface = "eth1";
  v2.vrid = 7;
  v2.version = 3;
  v2.family = "inet6";
  v2.state = "BACKUP";
  v2.base_priority = 100;
  v2.effective_priority = 100;
  v2.vips = {"2001:db8::100/128"};
  v2.master_address = "fe80::1";
  v2.state_seconds = 2.25;
  v2.adverts_received = 50;
  s.vrrp.push_back(v2);

  VirtualServerStatus vs;
  vs.name = "198.18.0.100:80 TCP";
  vs.scheduler = "wlc";
  vs.method = "NAT";
  vs.counters = IpvsCounters{120, 5000, 4800, 700000, 9000000};

  RealServerStatus a;
  a.address = "198.18.0.11:80";
  a.weight = 3;
  a.alive = true;
  a.kernel_weight = 3;
  a.active_conns = 7;
  a.inactive_conns = 12;
  a.counters = IpvsCounters{100, 4000, 3900, 600000, 8000000};
  a.checks.push_back(CheckStatus{"HTTP_GET", "198.18.0.11:80", true, 40, 1, 1.25, ""});
  vs.real_servers.push_back(a);

  RealServerStatus b;
  b.address = "198.18.0.12:80";
  b.weight = 1;
  b.alive = false;
  b.kernel_weight = std::nullopt;
  b.checks.push_back(CheckStatus{"TCP_CHECK", "198.18.0.12:80", false, 40, 40, std::nullopt,
                                 "connect: Connection refused"});
  b.checks.push_back(
      CheckStatus{"MISC_CHECK", "/bin/check \"x\"\nnext", false, 3, 3, 15.5, "exit 1"});
  vs.real_servers.push_back(b);

  RealServerStatus c;
  c.address = "198.18.0.13:80";
  c.weight = 2;
  c.alive = true;
  c.draining = true;
  c.kernel_weight = 0;
  c.active_conns = 1;
  c.counters = IpvsCounters{20, 1000, 900, 100000, 1000000};
  vs.real_servers.push_back(c);

  RealServerStatus sorry;
  sorry.address = "198.18.0.99:80";
  sorry.sorry = true;
  sorry.weight = 1;
  vs.real_servers.push_back(sorry);
  s.virtual_servers.push_back(vs);

  VirtualServerStatus fw;
  fw.name = "fwmark 5";
  fw.scheduler = "rr";
  fw.method = "DR";
  fw.quorum_up = false;
  fw.sorry_active = true;
  s.virtual_servers.push_back(fw);
  return s;
}

}  // namespace vigil::test
