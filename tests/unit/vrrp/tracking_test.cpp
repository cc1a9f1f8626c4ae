// SPDX-License-Identifier: GPL-2.0-or-later
// Tracking arithmetic: weight 0 faults, signed weights, reverse, track_file values,
// the primary interface and sync-group tracks.
#include "vigil/vrrp/tracking.hpp"

#include <catch2/catch.hpp>

using vigil::vrrp::Tracking;
using vigil::vrrp::TrackKind;

TEST_CASE("Tracked objects with weight 0 fault the instance when down", "[vrrp][tracking]") {
  Tracking t;
  t.add(TrackKind::Script, "chk", 0, false);
  CHECK_FALSE(t.verdict().fault);
  t.set_up(TrackKind::Script, "chk", false);
  CHECK(t.verdict().fault);
  CHECK(t.verdict().reason == "track_script chk down");
  Tracking r;
  r.add(TrackKind::Interface, "eth1", 0, true);
  CHECK(r.verdict().fault);  // reverse: up is the fault
}

TEST_CASE("Positive weights count while up, negative while down, reverse negates",
          "[vrrp][tracking]") {
  Tracking t;
  t.add(TrackKind::Script, "plus", 10, false);
  t.add(TrackKind::Script, "minus", -20, false);
  t.add(TrackKind::Process, "rev", 5, true);
  CHECK(t.verdict().delta == 10 - 5);
  t.set_up(TrackKind::Script, "plus", false);
  t.set_up(TrackKind::Script, "minus", false);
  t.set_up(TrackKind::Process, "rev", false);
  CHECK(t.verdict().delta == -20);
  CHECK_FALSE(t.verdict().fault);
}

TEST_CASE("track_file adds value times weight and weight 0 faults on non-zero",
          "[vrrp][tracking]") {
  Tracking t;
  t.add(TrackKind::File, "f", 3, false);
  t.add(TrackKind::File, "g", 0, false);
  CHECK(t.set_value("f", -4));
  CHECK(t.verdict().delta == -12);
  CHECK_FALSE(t.verdict().fault);
  t.set_value("g", 1);
  CHECK(t.verdict().fault);
  CHECK_FALSE(t.set_value("nope", 1));
}

TEST_CASE("for_instance tracks the primary interface and the sync group's objects",
          "[vrrp][tracking]") {
  vigil::config::Model m;
  vigil::config::VrrpScript s;
  s.name = "chk";
  s.weight = 7;
  m.vrrp.vrrp_script.push_back(s);
  vigil::config::VrrpInstance v;
  v.name = "VI_1";
  v.interface = "eth0";
  v.track_script.push_back({"chk", {}, std::nullopt, false});
  vigil::config::VrrpSyncGroup g;
  g.name = "VG";
  g.group.push_back({"VI_1", {}});
  g.track_interface.push_back({"eth9", {}, -30, false});
  m.vrrp.vrrp_sync_group.push_back(g);

  Tracking t = Tracking::for_instance(m, v);
  CHECK(t.verdict().delta == 7);
  t.set_up(TrackKind::Interface, "eth9", false);
  CHECK(t.verdict().delta == 7 - 30);
  t.set_up(TrackKind::Interface, "eth0", false);
  CHECK(t.verdict().fault);
  v.dont_track_primary = true;
  Tracking u = Tracking::for_instance(m, v);
  u.set_up(TrackKind::Interface, "eth0", false);
  CHECK_FALSE(u.verdict().fault);
}
