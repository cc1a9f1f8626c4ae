// SPDX-License-Identifier: GPL-2.0-or-later
// describe(): an Instance's status and counters, on a manual clock, with STATS_CLEAR
// as a baseline.
#include "vigil/vrrp/status.hpp"

#include <catch2/catch.hpp>
#include <chrono>

using namespace vigil::vrrp;  // NOLINT(google-build-using-namespace)
using std::chrono::milliseconds;
using std::chrono::seconds;
using vigil::config::IpAddress;

namespace {

IpAddress ip(const char* s) {
  return *IpAddress::parse(s);
}

Settings settings(std::uint8_t priority) {
  Settings s;
  s.name = "VI_1";
  s.interface = "eth0";
  s.version = 3;
  s.vrid = 51;
  s.priority = priority;
  s.advert_int = seconds(1);
  s.vips = {ip("198.18.100.51")};
  s.mcast_group = ip("224.0.0.18");
  return s;
}

vigil::config::VrrpInstance config() {
  vigil::config::VrrpInstance c;
  c.name = "VI_1";
  vigil::config::IpAddressSpec v;
  v.address.addr = ip("198.18.100.51");
  c.virtual_ipaddress.push_back(v);
  vigil::config::IpAddressSpec w;
  w.address = *vigil::config::Prefix::parse("2001:db8:100::51/64");
  c.virtual_ipaddress_excluded.push_back(w);
  return c;
}

Inbound advert(const char* src, std::uint8_t priority) {
  Inbound in;
  in.advert.version = 3;
  in.advert.vrid = 51;
  in.advert.priority = priority;
  in.advert.addresses = {ip("198.18.100.51")};
  in.advert.addr_count = 1;
  in.advert.max_adver_int_cs = 100;
  in.src = ip(src);
  in.dst = ip("224.0.0.18");
  in.ttl = 255;
  return in;
}

/// Runs the actions' state changes into `entered`, as the driver does.
void track(const std::vector<Action>& actions, TimePoint now, TimePoint& entered) {
  for (const auto& a : actions) {
    if (std::holds_alternative<StateChanged>(a)) {
      entered = now;
    }
  }
}

}  // namespace

TEST_CASE("status of a Backup that hears a Master, becomes Master and is cleared",
          "[vrrp][status]") {
  TimePoint t{};
  TimePoint entered = t;
  Instance vi(settings(100));
  vi.set_local_address(ip("198.18.1.1"));
  track(vi.start(t), t, entered);
  const auto cfg = config();

  t += milliseconds(500);
  track(vi.on_advert(t, advert("198.18.1.2", 200)), t, entered);
  t += milliseconds(500);
  auto bad = advert("198.18.1.2", 200);
  bad.ttl = 64;  // dropped: not 255
  track(vi.on_advert(t, bad), t, entered);

  InstanceStatus s = describe(vi, cfg, "G", Counters{}, entered, t);
  CHECK(s.name == "VI_1");
  CHECK(s.vrid == 51);
  CHECK(s.version == 3);
  CHECK(s.family == "inet");
  CHECK(s.state == State::Backup);
  CHECK(s.sync_group == "G");
  CHECK(s.base_priority == 100);
  CHECK(s.effective_priority == 100);
  CHECK(s.vips == std::vector<std::string>{"198.18.100.51/32", "2001:db8:100::51/64"});
  CHECK(s.master_address == "198.18.1.2");
  CHECK(s.state_seconds == Approx(1.0));
  CHECK(s.adverts_received == 2);
  CHECK(s.packets_dropped == 1);
  CHECK(s.adverts_sent == 0);
  CHECK(s.became_master == 0);

  // The master leaves (priority 0): this Backup takes over after the skew time.
  t += milliseconds(100);
  track(vi.on_advert(t, advert("198.18.1.2", 0)), t, entered);
  for (int i = 0; i < 50 && vi.state() != State::Master; ++i) {
    t = std::max(t, *vi.next_deadline());
    track(vi.on_deadline(t), t, entered);
  }
  REQUIRE(vi.state() == State::Master);
  const TimePoint became = entered;
  t += seconds(3);
  for (auto d = vi.next_deadline(); d && *d <= t; d = vi.next_deadline()) {
    track(vi.on_deadline(*d), *d, entered);
  }
  s = describe(vi, cfg, "", Counters{}, entered, t);
  CHECK(s.state == State::Master);
  CHECK(s.master_address.empty());
  CHECK(s.state_seconds == Approx(std::chrono::duration<double>(t - became).count()));
  CHECK(s.priority_zero_received == 1);
  CHECK(s.became_master == 1);
  CHECK(s.adverts_sent >= 3);

  // STATS_CLEAR: counting starts again from the baseline.
  const Counters baseline = vi.counters();
  s = describe(vi, cfg, "", baseline, entered, t);
  CHECK(s.adverts_sent == 0);
  CHECK(s.adverts_received == 0);
  CHECK(s.became_master == 0);
  CHECK(s.packets_dropped == 0);
  CHECK(s.priority_zero_received == 0);

  // Shutdown: priority 0 sent, master released, counted after the clear.
  t += seconds(1);
  track(vi.shutdown(t), t, entered);
  s = describe(vi, cfg, "", baseline, entered, t);
  CHECK(s.state == State::Init);
  CHECK(s.priority_zero_sent == 1);
  CHECK(s.released_master == 1);
  CHECK(s.adverts_sent >= 1);
  CHECK(s.state_seconds == 0.0);
}

TEST_CASE("counters_since subtracts field by field and never wraps", "[vrrp][status]") {
  Counters a;
  a.adverts_tx = 10;
  a.drops[2] = 4;
  Counters b;
  b.adverts_tx = 3;
  b.drops[2] = 1;
  const Counters c = counters_since(a, b);
  CHECK(c.adverts_tx == 7);
  CHECK(c.drops[2] == 3);
  CHECK(counters_since(b, a).adverts_tx == 0);
}
