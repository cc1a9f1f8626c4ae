// SPDX-License-Identifier: GPL-2.0-or-later
// Sync group propagation.
#include "vigil/vrrp/sync_group.hpp"

#include <catch2/catch.hpp>

using vigil::vrrp::Force;
using vigil::vrrp::State;
using vigil::vrrp::SyncGroup;

TEST_CASE("Sync group members move together", "[vrrp][sync]") {
  const SyncGroup g("VG_1");
  struct Row {
    const char* description;
    std::vector<State> states;
    std::size_t member;
    std::vector<Force> expect;
  };
  const std::vector<Row> rows = {
      {"one Fault puts all in Fault",
       {State::Fault, State::Master, State::Backup},
       0,
       {{1, State::Fault}, {2, State::Fault}}},
      {"one Master takes the Backups along",
       {State::Backup, State::Master, State::Backup},
       1,
       {{0, State::Master}, {2, State::Master}}},
      {"no Master while a member is in Fault", {State::Fault, State::Master, State::Backup}, 1, {}},
      {"one Backup brings Masters and Faults back",
       {State::Backup, State::Master, State::Fault},
       0,
       {{1, State::Backup}, {2, State::Backup}}},
      {"Init changes nothing", {State::Init, State::Master}, 0, {}},
  };
  for (const Row& r : rows) {
    INFO(r.description);
    CHECK(g.on_member_changed(r.member, r.states[r.member], r.states) == r.expect);
  }
}
