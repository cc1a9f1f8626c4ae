// SPDX-License-Identifier: GPL-2.0-or-later
// The state machine, one case per clause of RFC 5798 §6.4 (and RFC 3768 for v2) plus
// keepalived's additions. Driven by a manual clock: a TimePoint advanced by hand.
#include "vigil/vrrp/instance.hpp"

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

Settings base_settings(int version = 3, std::uint8_t priority = 100) {
  Settings s;
  s.name = "VI_1";
  s.interface = "eth0";
  s.version = version;
  s.vrid = 51;
  s.priority = priority;
  s.advert_int = seconds(1);
  s.vips = {ip("192.0.2.10"), ip("192.0.2.11")};
  s.mcast_group = ip("224.0.0.18");
  return s;
}

Inbound advert_from(const Settings& s, const char* src, std::uint8_t priority) {
  Inbound in;
  in.advert.version = static_cast<std::uint8_t>(s.version);
  in.advert.vrid = s.vrid;
  in.advert.priority = priority;
  in.advert.addresses = s.vips;
  in.advert.addr_count = static_cast<std::uint8_t>(s.vips.size());
  if (s.version == 2) {
    in.advert.adver_int_s = 1;
    in.advert.auth_type = s.auth_type;
    if (s.auth_type == AuthType::Pass) {
      in.advert.auth_data = s.auth_key;
    }
  } else {
    in.advert.max_adver_int_cs = 100;
  }
  in.src = ip(src);
  in.dst = ip("224.0.0.18");
  in.ttl = 255;
  return in;
}

template <class T>
int count(const std::vector<Action>& v) {
  int n = 0;
  for (const Action& a : v) {
    n += std::holds_alternative<T>(a) ? 1 : 0;
  }
  return n;
}

template <class T>
const T* first(const std::vector<Action>& v) {
  for (const Action& a : v) {
    if (const T* t = std::get_if<T>(&a)) {
      return t;
    }
  }
  return nullptr;
}

/// A Backup started at t0, with our address 192.0.2.2.
struct Fixture {
  TimePoint now{};
  Instance vi;
  explicit Fixture(Settings s) : vi(std::move(s)) {
    vi.set_local_address(ip("192.0.2.2"));
    vi.start(now);
  }
  std::vector<Action> fire() {
    now = *vi.next_deadline();
    return vi.on_deadline(now);
  }
  std::vector<Action> make_master() {
    REQUIRE(vi.state() == State::Backup);
    return fire();
  }
};

}  // namespace

TEST_CASE("Startup as a non-owner enters Backup with Master_Down_Interval",
          "[vrrp][rfc5798-6.4.1]") {
  Fixture f(base_settings());
  CHECK(f.vi.state() == State::Backup);
  CHECK(*f.vi.next_deadline() == f.now + milliseconds(3600));
}

TEST_CASE("Startup as the address owner becomes Master at once", "[vrrp][rfc5798-6.4.1]") {
  Settings s = base_settings(3, 255);
  s.initial_master = true;
  Instance vi(s);
  const TimePoint t0{};
  const auto out = vi.start(t0);
  CHECK(vi.state() == State::Master);
  REQUIRE(out.size() == 4);
  const auto* adv = std::get_if<SendAdvert>(&out[0]);
  REQUIRE(adv != nullptr);
  CHECK(adv->advert.priority == 255);
  CHECK(adv->advert.max_adver_int_cs == 100);
  CHECK(adv->advert.addresses == s.vips);
  CHECK(std::holds_alternative<AcquireVips>(out[1]));
  CHECK(std::get<SendGratuitous>(out[2]).repeat == 5);
  CHECK(std::get<StateChanged>(out[3]).to == State::Master);
  CHECK(*vi.next_deadline() == t0 + seconds(1));
}

TEST_CASE("Master_Down_Timer expiry: advert, VIPs, GARP, Master", "[vrrp][rfc5798-6.4.2]") {
  Fixture f(base_settings());
  const auto out = f.make_master();
  CHECK(f.now == TimePoint{} + milliseconds(3600));
  REQUIRE(out.size() == 4);
  CHECK(std::holds_alternative<SendAdvert>(out[0]));
  CHECK(std::holds_alternative<AcquireVips>(out[1]));
  CHECK(std::holds_alternative<SendGratuitous>(out[2]));
  const auto& sc = std::get<StateChanged>(out[3]);
  CHECK(sc.from == State::Backup);
  CHECK(sc.to == State::Master);
  CHECK(state_name(sc.to) == "MASTER");
  CHECK(f.vi.counters().became_master == 1);
}

TEST_CASE("Backup: priority 0 sets Master_Down_Timer to Skew_Time", "[vrrp][rfc5798-6.4.2]") {
  Fixture f(base_settings());
  f.now += seconds(1);
  const auto out = f.vi.on_advert(f.now, advert_from(f.vi.settings(), "192.0.2.9", 0));
  CHECK(out.empty());
  CHECK(*f.vi.next_deadline() == f.now + milliseconds(600));
  CHECK(f.vi.counters().priority_zero_rx == 1);
}

TEST_CASE("Backup: a higher-priority advert resets the timer and teaches Master_Adver_Interval",
          "[vrrp][rfc5798-6.4.2]") {
  Fixture f(base_settings());
  f.now += seconds(2);
  Inbound in = advert_from(f.vi.settings(), "192.0.2.9", 200);
  in.advert.max_adver_int_cs = 200;
  CHECK(f.vi.on_advert(f.now, in).empty());
  CHECK(f.vi.master_adver_interval() == seconds(2));
  // 3 * 200 cs + 156 * 200 / 256 = 600 + 121 cs
  CHECK(*f.vi.next_deadline() == f.now + milliseconds(7210));
}

TEST_CASE("Backup with preempt discards a lower-priority advert", "[vrrp][rfc5798-6.4.2]") {
  Fixture f(base_settings());
  const TimePoint deadline = *f.vi.next_deadline();
  f.now += seconds(1);
  CHECK(f.vi.on_advert(f.now, advert_from(f.vi.settings(), "192.0.2.9", 50)).empty());
  CHECK(*f.vi.next_deadline() == deadline);
  f.fire();
  CHECK(f.vi.state() == State::Master);
}

TEST_CASE("Backup with nopreempt accepts a lower-priority advert", "[vrrp][rfc5798-6.4.2]") {
  Settings s = base_settings();
  s.preempt = false;
  Fixture f(s);
  f.now += seconds(1);
  f.vi.on_advert(f.now, advert_from(f.vi.settings(), "192.0.2.9", 50));
  CHECK(*f.vi.next_deadline() == f.now + milliseconds(3600));
}

TEST_CASE("preempt_delay holds off preemption of a lower-priority Master",
          "[vrrp][keepalived][preempt_delay]") {
  Settings s = base_settings();
  s.preempt_delay = seconds(10);
  Fixture f(s);
  // At startup the takeover waits preempt_delay longer.
  CHECK(*f.vi.next_deadline() == TimePoint{} + milliseconds(13600));
  // Lower-priority adverts keep us Backup until 10 s after startup...
  for (int i = 1; i <= 9; ++i) {
    f.now = TimePoint{} + seconds(i);
    f.vi.on_advert(f.now, advert_from(f.vi.settings(), "192.0.2.9", 50));
  }
  CHECK(*f.vi.next_deadline() == TimePoint{} + seconds(9) + milliseconds(3600));
  // ...then they are discarded and the timer runs out.
  f.now = TimePoint{} + seconds(11);
  f.vi.on_advert(f.now, advert_from(f.vi.settings(), "192.0.2.9", 50));
  CHECK(*f.vi.next_deadline() == TimePoint{} + seconds(9) + milliseconds(3600));
  f.fire();
  CHECK(f.vi.state() == State::Master);
}

TEST_CASE("Master: Adver_Timer sends an advert every Advertisement_Interval",
          "[vrrp][rfc5798-6.4.3]") {
  Settings s = base_settings();
  s.garp_master_delay = Duration(0);
  Fixture f(s);
  f.make_master();
  const TimePoint t = f.now;
  const auto out = f.fire();
  CHECK(f.now == t + seconds(1));
  REQUIRE(out.size() == 1);
  CHECK(std::get<SendAdvert>(out[0]).advert.priority == 100);
}

TEST_CASE("Master: priority 0 is answered at once", "[vrrp][rfc5798-6.4.3]") {
  Fixture f(base_settings());
  f.make_master();
  f.now += milliseconds(300);
  const auto out = f.vi.on_advert(f.now, advert_from(f.vi.settings(), "192.0.2.9", 0));
  REQUIRE(count<SendAdvert>(out) == 1);
  CHECK(f.vi.state() == State::Master);
  CHECK(*f.vi.next_deadline() == f.now + seconds(1));
}

TEST_CASE("Master: a higher-priority advert sends us to Backup and releases the VIPs",
          "[vrrp][rfc5798-6.4.3]") {
  Fixture f(base_settings());
  f.make_master();
  f.now += milliseconds(300);
  const auto out = f.vi.on_advert(f.now, advert_from(f.vi.settings(), "192.0.2.9", 150));
  CHECK(f.vi.state() == State::Backup);
  CHECK(count<SendAdvert>(out) == 0);  // higher_prio_send_advert is off by default
  CHECK(count<ReleaseVips>(out) == 1);
  CHECK(first<StateChanged>(out)->to == State::Backup);
  CHECK(*f.vi.next_deadline() == f.now + milliseconds(3600));
  CHECK(f.vi.counters().left_master == 1);
}

TEST_CASE("Master: equal priority, greater primary address wins", "[vrrp][rfc5798-6.4.3]") {
  Fixture f(base_settings());
  f.make_master();
  f.vi.on_advert(f.now, advert_from(f.vi.settings(), "192.0.2.1", 100));
  CHECK(f.vi.state() == State::Master);
  f.vi.on_advert(f.now, advert_from(f.vi.settings(), "192.0.2.3", 100));
  CHECK(f.vi.state() == State::Backup);
}

TEST_CASE("Master: a lower-priority advert forces a new election and refreshes ARP",
          "[vrrp][keepalived][lower_prio_no_advert]") {
  Settings s = base_settings();
  SECTION("default: advert now, garp_lower_prio_repeat, second burst later") {
    Fixture f(s);
    f.make_master();
    f.now += milliseconds(100);
    const auto out = f.vi.on_advert(f.now, advert_from(f.vi.settings(), "192.0.2.9", 50));
    CHECK(count<SendAdvert>(out) == 1);
    CHECK(first<SendGratuitous>(out)->repeat == 5);
    CHECK(f.vi.state() == State::Master);
  }
  SECTION("lower_prio_no_advert: RFC behaviour, no advert") {
    s.lower_prio_no_advert = true;
    s.garp_lower_prio_repeat = 0;
    Fixture f(s);
    f.make_master();
    CHECK(f.vi.on_advert(f.now, advert_from(f.vi.settings(), "192.0.2.9", 50)).empty());
  }
}

TEST_CASE("Master: higher_prio_send_advert advertises before yielding",
          "[vrrp][keepalived][higher_prio_send_advert]") {
  Settings s = base_settings();
  s.higher_prio_send_advert = true;
  Fixture f(s);
  f.make_master();
  const auto out = f.vi.on_advert(f.now, advert_from(f.vi.settings(), "192.0.2.9", 200));
  REQUIRE(out.size() >= 3);
  CHECK(std::get<SendAdvert>(out[0]).advert.priority == 100);
  CHECK(std::holds_alternative<ReleaseVips>(out[1]));
  CHECK(f.vi.state() == State::Backup);
}

TEST_CASE("garp_master_delay sends a second burst, garp_master_refresh repeats",
          "[vrrp][keepalived][garp]") {
  Settings s = base_settings();
  s.garp_master_delay = seconds(5);
  s.garp_master_refresh = seconds(60);
  s.garp_master_refresh_repeat = 2;
  Fixture f(s);
  f.make_master();
  const TimePoint became = f.now;
  int bursts = 0;
  while (f.now < became + seconds(5)) {
    bursts += count<SendGratuitous>(f.fire());
  }
  CHECK(f.now == became + seconds(5));
  CHECK(bursts == 1);
  while (f.now < became + seconds(60)) {
    const auto out = f.fire();
    if (const auto* g = first<SendGratuitous>(out)) {
      CHECK(g->repeat == 2);
      CHECK(f.now == became + seconds(60));
    }
  }
}

TEST_CASE("Shutdown from Master sends priority 0 and releases the VIPs", "[vrrp][rfc5798-6.4.3]") {
  Fixture f(base_settings());
  f.make_master();
  const auto out = f.vi.shutdown(f.now);
  REQUIRE(out.size() == 3);
  CHECK(std::get<SendAdvert>(out[0]).advert.priority == 0);
  CHECK(std::holds_alternative<ReleaseVips>(out[1]));
  CHECK(std::get<StateChanged>(out[2]).to == State::Init);
  CHECK(f.vi.counters().priority_zero_tx == 1);
  CHECK_FALSE(f.vi.next_deadline());
}

TEST_CASE("Fault from Master sends priority 0 and leaving Fault restarts as Backup",
          "[vrrp][fault]") {
  Fixture f(base_settings());
  f.make_master();
  auto out = f.vi.set_fault(f.now, true, "eth0 down");
  CHECK(f.vi.state() == State::Fault);
  CHECK(std::get<SendAdvert>(out[0]).advert.priority == 0);
  CHECK(count<ReleaseVips>(out) == 1);
  CHECK(std::get<StateChanged>(out.back()).reason == "eth0 down");
  CHECK_FALSE(f.vi.next_deadline());
  CHECK(f.vi.on_advert(f.now, advert_from(f.vi.settings(), "192.0.2.9", 200)).empty());
  f.now += seconds(5);
  out = f.vi.set_fault(f.now, false, "eth0 up");
  CHECK(f.vi.state() == State::Backup);
  CHECK(*f.vi.next_deadline() == f.now + milliseconds(3600));
}

TEST_CASE("Fault before start starts in Fault", "[vrrp][fault]") {
  Instance vi(base_settings());
  vi.set_fault(TimePoint{}, true, "eth0 down");
  vi.start(TimePoint{});
  CHECK(vi.state() == State::Fault);
}

TEST_CASE("Tracking changes the effective priority, clamped to 1..254, never the owner's",
          "[vrrp][tracking]") {
  Fixture f(base_settings());
  f.vi.set_priority_delta(f.now, 50);
  CHECK(f.vi.effective_priority() == 150);
  f.vi.set_priority_delta(f.now, 500);
  CHECK(f.vi.effective_priority() == 254);
  f.vi.set_priority_delta(f.now, -500);
  CHECK(f.vi.effective_priority() == 1);
  f.vi.set_priority_delta(f.now, 0);
  f.make_master();
  const auto out = f.vi.set_priority_delta(f.now, -20);
  CHECK(std::get<SendAdvert>(out.at(0)).advert.priority == 80);
  Instance owner(base_settings(3, 255));
  owner.set_priority_delta(TimePoint{}, -50);
  CHECK(owner.effective_priority() == 255);
}

TEST_CASE("Two address owners: ours drops to 254 and yields", "[vrrp][keepalived][owner]") {
  Settings s = base_settings(3, 255);
  Instance vi(s);
  vi.set_local_address(ip("192.0.2.2"));
  vi.start(TimePoint{});
  const auto out = vi.on_advert(TimePoint{}, advert_from(s, "192.0.2.9", 255));
  CHECK(first<Dropped>(out)->reason == DropReason::OwnerConflict);
  CHECK(vi.effective_priority() == 254);
  CHECK(vi.state() == State::Backup);
}

TEST_CASE("force_state moves a member for its sync group", "[vrrp][sync]") {
  Fixture f(base_settings());
  auto out = f.vi.force_state(f.now, State::Master, "sync group VG_1");
  CHECK(f.vi.state() == State::Master);
  CHECK(count<AcquireVips>(out) == 1);
  out = f.vi.force_state(f.now, State::Backup, "sync group VG_1");
  CHECK(count<ReleaseVips>(out) == 1);
  CHECK(f.vi.force_state(f.now, State::Init, "no").empty());
}

TEST_CASE("Received adverts are validated before the state machine sees them",
          "[vrrp][rfc5798-7.1][rfc3768-7.1]") {
  struct Row {
    const char* description;
    int version;
    std::function<void(Settings&, Inbound&)> edit;
    DropReason reason;
  };
  const std::vector<Row> rows = {
      {"TTL 254 on multicast", 3, [](Settings&, Inbound& in) { in.ttl = 254; }, DropReason::Ttl},
      {"version 2 advert to a v3 instance", 3,
       [](Settings&, Inbound& in) { in.advert.version = 2; }, DropReason::Version},
      {"v2 interval mismatch", 2, [](Settings&, Inbound& in) { in.advert.adver_int_s = 2; },
       DropReason::AdvertInterval},
      {"v2 auth type mismatch", 2,
       [](Settings& s, Inbound&) {
         s.auth_type = AuthType::Pass;
         s.auth_key = auth_key("secret");
       },
       DropReason::AuthType},
      {"v2 wrong password", 2,
       [](Settings& s, Inbound& in) {
         s.auth_type = AuthType::Pass;
         s.auth_key = auth_key("secret");
         in.advert.auth_type = AuthType::Pass;
         in.advert.auth_data = auth_key("guess");
       },
       DropReason::AuthFailed},
      {"AH expected, none present", 2,
       [](Settings& s, Inbound& in) {
         s.auth_type = AuthType::Ah;
         in.advert.auth_type = AuthType::Ah;
       },
       DropReason::AuthType},
      {"address count differs", 3, [](Settings&, Inbound& in) { in.advert.addresses.pop_back(); },
       DropReason::AddressList},
      {"address differs", 3,
       [](Settings&, Inbound& in) { in.advert.addresses[1] = ip("192.0.2.99"); },
       DropReason::AddressList},
      {"unicast source not a peer", 3,
       [](Settings& s, Inbound& in) {
         s.unicast_peers = {UnicastPeer{ip("192.0.2.7"), 0, 255}};
         s.check_unicast_src = true;
         in.dst = ip("192.0.2.2");
       },
       DropReason::UnicastSource},
      {"unicast TTL outside the peer's min_ttl", 3,
       [](Settings& s, Inbound& in) {
         s.unicast_peers = {UnicastPeer{ip("192.0.2.9"), 250, 255}};
         s.check_unicast_src = true;
         in.dst = ip("192.0.2.2");
         in.ttl = 64;
       },
       DropReason::Ttl},
      {"multicast received with unicast peers", 3,
       [](Settings& s, Inbound&) {
         s.unicast_peers = {UnicastPeer{ip("192.0.2.9"), 0, 255}};
       },
       DropReason::Destination},
      {"IPv6 advert to an IPv4 instance", 3, [](Settings&, Inbound& in) { in.src = ip("fe80::1"); },
       DropReason::Family},
  };
  for (const Row& r : rows) {
    INFO(r.description);
    Settings s = base_settings(r.version);
    Inbound in = advert_from(s, "192.0.2.9", 200);
    r.edit(s, in);
    Fixture f(s);
    const TimePoint deadline = *f.vi.next_deadline();
    const auto out = f.vi.on_advert(f.now, in);
    REQUIRE(out.size() == 1);
    CHECK(std::get<Dropped>(out[0]).reason == r.reason);
    CHECK(f.vi.counters().drops[static_cast<std::size_t>(r.reason)] == 1);
    CHECK(*f.vi.next_deadline() == deadline);
    CHECK_FALSE(drop_name(r.reason).empty());
  }
}

TEST_CASE("skip_check_adv_addr checks only a new Master's address list",
          "[vrrp][keepalived][skip_check_adv_addr]") {
  Settings s = base_settings();
  s.skip_check_adv_addr = true;
  Fixture f(s);
  CHECK(f.vi.on_advert(f.now, advert_from(s, "192.0.2.9", 200)).empty());
  Inbound odd = advert_from(s, "192.0.2.9", 200);
  odd.advert.addresses.pop_back();
  CHECK(f.vi.on_advert(f.now, odd).empty());  // same Master: not checked
  odd.src = ip("192.0.2.8");
  CHECK(first<Dropped>(f.vi.on_advert(f.now, odd))->reason == DropReason::AddressList);
}

TEST_CASE("v2 adverts carry seconds and the PASS password", "[vrrp][rfc3768-5]") {
  Settings s = base_settings(2);
  s.auth_type = AuthType::Pass;
  s.auth_key = auth_key("secret");
  s.advert_int = seconds(3);
  Fixture f(s);
  // v2 Skew_Time ignores the interval: 3 * 3 s + 156/256 s.
  CHECK(*f.vi.next_deadline() == TimePoint{} + Duration(9'609'375));
  const auto out = f.make_master();
  const Advert& a = first<SendAdvert>(out)->advert;
  CHECK(a.version == 2);
  CHECK(a.adver_int_s == 3);
  CHECK(a.auth_type == AuthType::Pass);
  CHECK(a.auth_data == auth_key("secret"));
  Inbound in = advert_from(s, "192.0.2.9", 50);
  in.advert.adver_int_s = 3;
  CHECK(count<Dropped>(f.vi.on_advert(f.now, in)) == 0);
}

TEST_CASE("AH: sequence numbers increase on send and must increase on receive",
          "[vrrp][auth][ah]") {
  Settings s = base_settings(2);
  s.auth_type = AuthType::Ah;
  s.auth_key = auth_key("secret");
  const HmacMd5 fake = [](std::span<const std::uint8_t> key, std::span<const std::uint8_t> data) {
    std::array<std::uint8_t, 16> h{};
    for (std::size_t i = 0; i < data.size(); ++i) {
      h[i % 16] = static_cast<std::uint8_t>(h[i % 16] * 31 + data[i] + key[i % key.size()]);
    }
    return h;
  };
  Instance vi(s, fake);
  vi.set_local_address(ip("192.0.2.2"));
  vi.start(TimePoint{});
  auto ah_inbound = [&](std::uint32_t seq) {
    Inbound in = advert_from(s, "192.0.2.9", 200);
    in.advert.auth_type = AuthType::Ah;
    const auto bytes = build_ipv4_ah(in.advert, in.src, in.dst, 1, seq, s.auth_key, fake);
    auto parsed = parse_ipv4(bytes);
    REQUIRE(parsed.ok());
    return std::move(parsed).value();
  };
  CHECK(vi.on_advert(TimePoint{}, ah_inbound(5)).empty());
  CHECK(first<Dropped>(vi.on_advert(TimePoint{}, ah_inbound(5)))->reason == DropReason::AhSequence);
  CHECK(vi.on_advert(TimePoint{}, ah_inbound(6)).empty());
  Inbound bad = ah_inbound(7);
  bad.ah->ip_packet.back() ^= 1U;
  CHECK(first<Dropped>(vi.on_advert(TimePoint{}, bad))->reason == DropReason::AuthFailed);
  const TimePoint t = *vi.next_deadline();
  const auto out = vi.on_deadline(t);
  CHECK(first<SendAdvert>(out)->ah_seq == 1);
  CHECK(first<SendAdvert>(vi.on_deadline(t + seconds(1)))->ah_seq == 2);
}

TEST_CASE("state MASTER below priority 255 still waits Master_Down_Interval at startup",
          "[vrrp][rfc5798-6.4.1]") {
  Settings s = base_settings(3, 200);
  s.initial_master = true;
  Instance vi(s);
  const TimePoint t0{};
  (void)vi.start(t0);
  CHECK(vi.state() == State::Backup);
  // 3 x 1 s + ((256 - 200) x 100 cs) / 256 = 3 s + 21 cs.
  CHECK(*vi.next_deadline() == t0 + milliseconds(3210));
}
