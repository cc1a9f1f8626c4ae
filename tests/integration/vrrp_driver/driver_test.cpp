// SPDX-License-Identifier: GPL-2.0-or-later
// The VRRP driver on a real link against a real peer daemon (run.sh starts it and the
// namespaces): what status() says about states, masters and counters, that STATS_CLEAR
// zeroes the counters, that the state listener hears every change, that a reload keeps an
// unchanged instance running (no state change, counters go on) as plan() said, and that
// the peer's priority 0 is counted. Waits are bounded polls of the loop, never sleeps.
#include "vigil/vrrp/io/driver.hpp"

#include <signal.h>

#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "vigil/config/load.hpp"

using namespace vigil::vrrp;  // NOLINT(google-build-using-namespace)
using vigil::vrrp::io::Driver;

namespace {

/// Our side: MASTER above the peer on 61, BACKUP below it on 62 and 64, and on 63 a
/// VRRPv2 instance whose password differs from the peer's. `prio62` changes on reload.
std::string our_config(int prio62) {
  const auto inst = [](const char* name, int vrid, int prio, const std::string& extra) {
    return "vrrp_instance " + std::string(name) +
           " {\n  state BACKUP\n  interface vd-a\n  virtual_router_id " + std::to_string(vrid) +
           "\n  priority " + std::to_string(prio) + "\n" + extra +
           "  virtual_ipaddress {\n    198.18.100." + std::to_string(vrid) + "/32\n  }\n}\n";
  };
  const std::string v3 = "  version 3\n  advert_int 0.2\n";
  return inst("VI_61", 61, 200, v3) + inst("VI_62", 62, prio62, v3) +
         inst("VI_63", 63, 100,
              "  version 2\n  advert_int 1\n  authentication {\n    auth_type PASS\n"
              "    auth_pass ourpass\n  }\n") +
         inst("VI_64", 64, 100, v3);
}

vigil::config::Model load(const std::string& text) {
  auto r = vigil::config::load_string(text, "driver_test.conf", {});
  for (const auto& d : r.diags.all()) {
    INFO(vigil::config::format(d));
    CHECK(d.severity != vigil::config::Severity::Error);
  }
  REQUIRE_FALSE(r.diags.has_errors());
  return r.model;
}

InstanceStatus find(const Driver& d, const std::string& name) {
  for (auto& s : d.status()) {
    if (s.name == name) {
      return s;
    }
  }
  FAIL("no instance " << name << " in status()");
  return {};
}

/// Runs the loop until `done` holds or `limit` passes (generous: the protocol needs well
/// under a second per step with 0.2 s adverts).
bool run_until(boost::asio::io_context& io, const std::function<bool()>& done,
               std::chrono::seconds limit = std::chrono::seconds(15)) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) {
      return false;
    }
    io.restart();
    io.run_for(std::chrono::milliseconds(50));
  }
  return true;
}

std::string addresses_on_vd_a() {
  std::string out;
  FILE* p = popen("ip -o addr show dev vd-a", "r");
  REQUIRE(p != nullptr);
  char buf[512];
  while (fgets(buf, sizeof buf, p) != nullptr) {
    out += buf;
  }
  pclose(p);
  return out;
}

}  // namespace

TEST_CASE("driver status, counters, listener and reload against a real peer",
          "[vrrp_driver][netns]") {
  const char* peer_env = std::getenv("VD_PEER_PID");
  REQUIRE(peer_env != nullptr);
  const pid_t peer = static_cast<pid_t>(std::atoi(peer_env));
  REQUIRE(peer > 0);

  boost::asio::io_context io;
  auto opened = Driver::open(io, {});
  REQUIRE(opened.ok());
  Driver& driver = *opened.value();
  std::vector<std::pair<std::string, State>> events;
  driver.set_state_listener(
      [&events](const std::string& name, State st) { events.emplace_back(name, st); });
  const auto heard = [&events](const std::string& name, State st) {
    for (const auto& e : events) {
      if (e.first == name && e.second == st) {
        return true;
      }
    }
    return false;
  };

  const vigil::config::Model first = load(our_config(100));
  driver.start(first);

  // 1. States settle: MASTER on 61, BACKUP under the peer on 62 and 64; counters move.
  const bool settled = run_until(io, [&] {
    const auto s61 = find(driver, "VI_61");
    const auto s62 = find(driver, "VI_62");
    const auto s63 = find(driver, "VI_63");
    // 63 hears only adverts it drops: MASTER after its master down interval (v2, 1 s).
    return s61.state == State::Master && s61.adverts_sent >= 5 && s62.state == State::Backup &&
           s62.adverts_received >= 5 && s63.state == State::Master && s63.packets_dropped >= 1;
  });
  REQUIRE(settled);
  {
    const auto s61 = find(driver, "VI_61");
    CHECK(s61.interface == "vd-a");
    CHECK(s61.vrid == 61);
    CHECK(s61.version == 3);
    CHECK(s61.family == "inet");
    CHECK(s61.base_priority == 200);
    CHECK(s61.effective_priority == 200);
    CHECK(s61.vips == std::vector<std::string>{"198.18.100.61/32"});
    CHECK(s61.master_address.empty());
    CHECK(s61.became_master == 1);
    CHECK(s61.released_master == 0);
    CHECK(s61.state_seconds > 0);
    const auto s62 = find(driver, "VI_62");
    CHECK(s62.master_address == "198.18.0.2");
    CHECK(s62.became_master == 0);
    CHECK(s62.adverts_sent == 0);
    CHECK(s62.packets_dropped == 0);
    const auto s64 = find(driver, "VI_64");
    CHECK(s64.state == State::Backup);
    CHECK(s64.master_address == "198.18.0.2");
    CHECK(heard("VI_61", State::Master));
    CHECK(heard("VI_62", State::Backup));
    CHECK_FALSE(heard("VI_62", State::Master));
    CHECK(addresses_on_vd_a().find("198.18.100.61/32") != std::string::npos);
  }

  // 2. STATS_CLEAR zeroes the counters, which then count again.
  driver.clear_stats();
  {
    const auto s61 = find(driver, "VI_61");
    CHECK(s61.adverts_sent == 0);
    CHECK(s61.became_master == 0);
    CHECK(find(driver, "VI_62").adverts_received == 0);
    CHECK(find(driver, "VI_63").packets_dropped == 0);
  }
  CHECK(run_until(io, [&] {
    return find(driver, "VI_61").adverts_sent >= 3 && find(driver, "VI_62").adverts_received >= 3;
  }));

  // 3. Reload with a higher priority on 62: the plan keeps 61, 63, 64 and restarts 62, and
  // the reload does exactly that (61 hears no state change and its counters go on).
  const vigil::config::Model second = load(our_config(250));
  const auto plan = driver.plan(second);
  REQUIRE(plan.size() == 4);
  CHECK(plan[0].action == PlanAction::Unchanged);
  CHECK(plan[1].action == PlanAction::Changed);
  CHECK(plan[1].changes == std::vector<std::string>{"priority"});
  CHECK(plan[2].action == PlanAction::Unchanged);
  CHECK(plan[3].action == PlanAction::Unchanged);
  const auto before = find(driver, "VI_61");
  events.clear();
  driver.reload(second);
  CHECK(run_until(io, [&] { return find(driver, "VI_62").state == State::Master; }));
  {
    const auto s61 = find(driver, "VI_61");
    CHECK(s61.state == State::Master);
    CHECK(s61.became_master == 0);
    CHECK(s61.adverts_sent > before.adverts_sent);
    CHECK(s61.state_seconds > before.state_seconds);
    const auto s62 = find(driver, "VI_62");
    CHECK(s62.base_priority == 250);
    CHECK(s62.became_master == 1);  // a new instance: its counters start at its start
    for (const auto& e : events) {
      INFO(e.first << " -> " << state_name(e.second));
      CHECK(e.first == "VI_62");
    }
    CHECK(heard("VI_62", State::Master));
    CHECK(find(driver, "VI_64").state == State::Backup);
  }

  // 4. The peer stops: it sends priority 0 for 64 (which it holds), and we take over.
  REQUIRE(kill(peer, SIGTERM) == 0);
  CHECK(run_until(io, [&] { return find(driver, "VI_64").state == State::Master; }));
  {
    const auto s64 = find(driver, "VI_64");
    CHECK(s64.priority_zero_received == 1);
    CHECK(s64.became_master == 1);
    CHECK(s64.master_address.empty());
    CHECK(heard("VI_64", State::Master));
  }

  // 5. Stop: every instance ends in INIT (the listener hears it) and the VIPs are gone.
  events.clear();
  driver.stop();
  CHECK(driver.status().empty());
  CHECK(heard("VI_61", State::Init));
  CHECK(heard("VI_62", State::Init));
  CHECK(heard("VI_64", State::Init));
  CHECK(addresses_on_vd_a().find("198.18.100.") == std::string::npos);
}
