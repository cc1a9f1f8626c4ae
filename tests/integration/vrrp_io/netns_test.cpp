// SPDX-License-Identifier: GPL-2.0-or-later
// vigil_vrrp_io against the kernel, in the two namespaces run.sh creates: this
// process runs in VIO_NS_A and enters VIO_NS_B (setns) to open the peer's
// sockets, so one io_context drives both ends. Waits are bounded polls of the
// loop, never fixed sleeps. Traffic stays on the private veth pair.
#include <fcntl.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "vigil/config/model_net.hpp"
#include "vigil/vrrp/io/address_manager.hpp"
#include "vigil/vrrp/io/gratuitous.hpp"
#include "vigil/vrrp/io/link_monitor.hpp"
#include "vigil/vrrp/io/socket.hpp"
#include "vigil/vrrp/packet.hpp"

namespace io = vigil::vrrp::io;
namespace config = vigil::config;
using namespace std::chrono_literals;

namespace {

constexpr auto kWait = 5s;  // generous bound for anything the kernel does at once

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr ? v : "";
}
const std::string& ns_a() {
  static const std::string s = env("VIO_NS_A");
  return s;
}
const std::string& ns_b() {
  static const std::string s = env("VIO_NS_B");
  return s;
}

io::VrrpSocket::Options opts(config::Family family, std::string ifname) {
  io::VrrpSocket::Options o;
  o.family = family;
  o.ifname = std::move(ifname);
  return o;
}

config::IpAddress ip(const char* s) {
  return *config::IpAddress::parse(s);
}

/// Runs `fn` with this thread in network namespace `ns` (by its ip-netns name), then returns.
template <class F>
auto in_ns(const std::string& ns, F&& fn) {
  const int self = ::open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
  const int target = ::open(("/run/netns/" + ns).c_str(), O_RDONLY | O_CLOEXEC);
  REQUIRE(self >= 0);
  REQUIRE(target >= 0);
  REQUIRE(::setns(target, CLONE_NEWNET) == 0);
  struct Back {
    Back(int s, int t) : self(s), target(t) {}
    int self;
    int target;
    ~Back() {
      ::setns(self, CLONE_NEWNET);
      ::close(self);
      ::close(target);
    }
    Back(const Back&) = delete;
    Back& operator=(const Back&) = delete;
    Back(Back&&) = delete;
    Back& operator=(Back&&) = delete;
  } back{self, target};
  return fn();
}

/// Runs the loop until `done()` or the bound passes.
bool run_until(boost::asio::io_context& ctx, const std::function<bool()>& done,
               std::chrono::milliseconds bound = kWait) {
  const auto deadline = std::chrono::steady_clock::now() + bound;
  while (!done() && std::chrono::steady_clock::now() < deadline) {
    ctx.restart();
    ctx.run_for(20ms);
  }
  return done();
}

std::string shell(const std::string& cmd) {
  std::string out;
  FILE* p = ::popen(cmd.c_str(), "r");
  REQUIRE(p != nullptr);
  std::array<char, 4096> buf{};
  std::size_t n = 0;
  while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) {
    out.append(buf.data(), n);
  }
  ::pclose(p);
  return out;
}

nlohmann::json ip_json(const std::string& ns, const std::string& args) {
  return nlohmann::json::parse(shell("ip -n " + ns + " -j " + args));
}

/// The addr_info entry of `local` on `dev` in `ns`, or null.
nlohmann::json find_addr(const std::string& ns, const std::string& dev, const std::string& local) {
  for (const auto& link : ip_json(ns, "addr show dev " + dev)) {
    for (const auto& a : link["addr_info"]) {
      if (a.value("local", "") == local) {
        return a;
      }
    }
  }
  return nullptr;
}

std::vector<std::uint8_t> advert(std::uint8_t vrid, const config::IpAddress& src,
                                 const config::IpAddress& dst, const config::IpAddress& vip) {
  vigil::vrrp::Advert a;
  a.version = 3;
  a.vrid = vrid;
  a.priority = 100;
  a.max_adver_int_cs = 100;
  a.addresses = {vip};
  return vigil::vrrp::encode(a, src, dst);
}

struct Received {
  std::vector<std::uint8_t> bytes;
  config::IpAddress src;
  config::IpAddress dst;
  int hop_limit = -1;
  int ifindex = 0;
};

/// Opens the sender in A and the receiver in B; returns what B received for one send.
std::optional<Received> exchange(
    const io::VrrpSocket::Options& oa, const io::VrrpSocket::Options& ob,
    const std::function<std::optional<io::Error>(io::VrrpSocket&)>& send) {
  boost::asio::io_context ctx;
  auto a = in_ns(ns_a(), [&] { return io::VrrpSocket::open(ctx, oa); });
  REQUIRE(a.ok());
  auto b = in_ns(ns_b(), [&] { return io::VrrpSocket::open(ctx, ob); });
  if (!b.ok()) {
    FAIL(b.error().text());
  }
  std::optional<Received> got;
  b.value()->start([&](const io::RawPacket& p) {
    got = Received{{p.bytes.begin(), p.bytes.end()}, p.src, p.dst, p.hop_limit, p.ifindex};
  });
  // Multicast membership reports and the like may race the first send: resend until seen.
  const bool seen = run_until(ctx, [&] {
    if (!got) {
      const auto e = send(*a.value());
      if (e) {
        FAIL(e->text());
      }
    }
    return got.has_value();
  });
  CHECK(seen);
  return got;
}

int b_ifindex() {
  return in_ns(ns_b(), [] { return static_cast<int>(::if_nametoindex("vio-b")); });
}

}  // namespace

TEST_CASE("IPv4 multicast advert reaches the peer with TTL 255",
          "[vrrp_io][socket][rfc5798-5.1.1.3]") {
  const auto src = ip("198.18.0.1");
  const auto group = ip("224.0.0.18");
  const auto pkt = advert(7, src, group, ip("198.18.1.10"));
  const auto got =
      exchange(opts(config::Family::Inet, "vio-a"), opts(config::Family::Inet, "vio-b"),
               [&](io::VrrpSocket& s) { return s.send(pkt, src, group); });
  REQUIRE(got);
  REQUIRE(got->bytes.size() == 20 + pkt.size());
  CHECK(got->bytes[8] == 255);  // TTL
  CHECK(got->bytes[9] == 112);  // protocol
  CHECK(got->src == src);
  CHECK(got->dst == group);
  CHECK(got->ifindex == b_ifindex());
  const std::span<const std::uint8_t> payload(got->bytes.data() + 20, pkt.size());
  const auto decoded = vigil::vrrp::decode(payload, got->src, got->dst);
  REQUIRE(decoded.ok());
  CHECK(decoded.value().vrid == 7);
}

TEST_CASE("IPv4 multicast to a configured group", "[vrrp_io][socket]") {
  const auto src = ip("198.18.0.1");
  const auto group = ip("224.0.0.99");
  io::VrrpSocket::Options oa = opts(config::Family::Inet, "vio-a");
  oa.mcast_group = group;
  io::VrrpSocket::Options ob = opts(config::Family::Inet, "vio-b");
  ob.mcast_group = group;
  const auto pkt = advert(8, src, group, ip("198.18.1.10"));
  const auto got = exchange(oa, ob, [&](io::VrrpSocket& s) { return s.send(pkt, src, group); });
  REQUIRE(got);
  CHECK(got->dst == group);
  CHECK(got->bytes[8] == 255);
}

TEST_CASE("IPv6 multicast advert carries hop limit 255 and the link-local source",
          "[vrrp_io][socket][rfc5798-5.1.2.3]") {
  auto am = in_ns(ns_a(), [] { return io::NetlinkAddressManager::open(); });
  REQUIRE(am.ok());
  const auto src = am.value()->primary_address("vio-a", config::Family::Inet6);
  REQUIRE(src);
  CHECK(src->is_link_local());
  const auto group = ip("ff02::12");
  const auto pkt = advert(9, *src, group, ip("2001:db8:1::10"));
  const auto got =
      exchange(opts(config::Family::Inet6, "vio-a"), opts(config::Family::Inet6, "vio-b"),
               [&](io::VrrpSocket& s) { return s.send(pkt, *src, group); });
  REQUIRE(got);
  CHECK(got->hop_limit == 255);
  CHECK(got->src == *src);
  CHECK(got->dst == group);
  CHECK(got->ifindex == b_ifindex());
  CHECK(got->bytes == pkt);
  CHECK(vigil::vrrp::decode(got->bytes, got->src, got->dst).ok());
}

TEST_CASE("Unicast adverts, IPv4 and IPv6, with the default and a configured TTL",
          "[vrrp_io][socket]") {
  SECTION("IPv4, TTL 255") {
    const auto src = ip("198.18.0.1");
    const auto dst = ip("198.18.0.2");
    const auto pkt = advert(10, src, dst, ip("198.18.1.10"));
    const auto got = exchange(opts(config::Family::Inet, ""), opts(config::Family::Inet, "vio-b"),
                              [&](io::VrrpSocket& s) { return s.send(pkt, src, dst); });
    REQUIRE(got);
    CHECK(got->bytes[8] == 255);
    CHECK(got->dst == dst);
  }
  SECTION("IPv4, unicast_ttl 64") {
    const auto src = ip("198.18.0.1");
    const auto dst = ip("198.18.0.2");
    io::VrrpSocket::Options oa = opts(config::Family::Inet, "vio-a");
    oa.unicast_ttl = 64;
    const auto pkt = advert(11, src, dst, ip("198.18.1.10"));
    const auto got = exchange(oa, opts(config::Family::Inet, "vio-b"),
                              [&](io::VrrpSocket& s) { return s.send(pkt, src, dst); });
    REQUIRE(got);
    CHECK(got->bytes[8] == 64);
  }
  SECTION("IPv6, hop limit 255") {
    const auto src = ip("2001:db8::1");
    const auto dst = ip("2001:db8::2");
    const auto pkt = advert(12, src, dst, ip("2001:db8:1::10"));
    const auto got =
        exchange(opts(config::Family::Inet6, "vio-a"), opts(config::Family::Inet6, "vio-b"),
                 [&](io::VrrpSocket& s) { return s.send(pkt, src, dst); });
    REQUIRE(got);
    CHECK(got->hop_limit == 255);
    CHECK(got->src == src);
    CHECK(got->dst == dst);
    CHECK(got->bytes == pkt);
  }
}

TEST_CASE("An AH socket sends a caller-built IPv4 packet (IP_HDRINCL)", "[vrrp_io][socket][ah]") {
  const auto src = ip("198.18.0.1");
  const auto group = ip("224.0.0.18");
  // 20-byte IPv4 header: version 4 / IHL 5, TTL 255, protocol 51; the kernel fills the total
  // length, the id and the checksum.
  std::vector<std::uint8_t> pkt(20, 0);
  pkt[0] = 0x45;
  pkt[8] = 255;
  pkt[9] = 51;
  std::memcpy(&pkt[12], src.bytes.data(), 4);
  std::memcpy(&pkt[16], group.bytes.data(), 4);
  for (std::uint8_t i = 0; i < 24; ++i) {
    pkt.push_back(i);  // stands for the AH header and the VRRP payload
  }
  io::VrrpSocket::Options oa = opts(config::Family::Inet, "vio-a");
  oa.protocol = io::kProtoAh;
  io::VrrpSocket::Options ob = opts(config::Family::Inet, "vio-b");
  ob.protocol = io::kProtoAh;
  const auto got =
      exchange(oa, ob, [&](io::VrrpSocket& s) { return s.send_ipv4_packet(pkt, group); });
  REQUIRE(got);
  REQUIRE(got->bytes.size() == pkt.size());
  CHECK(got->bytes[8] == 255);
  CHECK(got->bytes[9] == 51);
  CHECK(got->src == src);
  CHECK(std::equal(pkt.begin() + 20, pkt.end(), got->bytes.begin() + 20));
}

TEST_CASE("VrrpSocket::open reports what failed", "[vrrp_io][socket]") {
  boost::asio::io_context ctx;
  auto r = io::VrrpSocket::open(ctx, opts(config::Family::Inet, "no-such-if0"));
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().object == "no-such-if0");
  io::VrrpSocket::Options v6ah = opts(config::Family::Inet6, "vio-a");
  v6ah.protocol = io::kProtoAh;
  CHECK_FALSE(io::VrrpSocket::open(ctx, v6ah).ok());
}

TEST_CASE("VIPs are added and deleted with label, scope, brd and flags", "[vrrp_io][addr]") {
  auto r = io::NetlinkAddressManager::open();
  REQUIRE(r.ok());
  io::AddressManager& am = *r.value();

  config::IpAddressSpec v4;
  v4.address = *config::Prefix::parse("198.18.5.10/24");
  v4.label = "vio-a:vip";
  v4.scope = 253;  // link
  v4.brd_mode = config::BroadcastMode::SetHostBits;
  config::IpAddressSpec v4b;
  v4b.address = *config::Prefix::parse("198.18.2.20");  // default /32
  v4b.dev = "vio-a";
  v4b.brd_mode = config::BroadcastMode::Address;
  v4b.brd = ip("198.18.2.255");
  config::IpAddressSpec v6;
  v6.address = *config::Prefix::parse("2001:db8:1::10/64");
  v6.nodad = true;
  v6.noprefixroute = true;
  v6.preferred_lft = 0;
  const std::vector<config::IpAddressSpec> vips{v4, v4b, v6};

  auto errors = am.add_addresses(vips, "vio-a");
  for (const auto& e : errors) {
    FAIL_CHECK(e.text());
  }
  const auto a = find_addr(ns_a(), "vio-a", "198.18.5.10");
  REQUIRE(a != nullptr);
  CHECK(a["prefixlen"] == 24);
  CHECK(a["label"] == "vio-a:vip");
  CHECK(a["scope"] == "link");
  CHECK(a["broadcast"] == "198.18.5.255");
  const auto b = find_addr(ns_a(), "vio-a", "198.18.2.20");
  REQUIRE(b != nullptr);
  CHECK(b["prefixlen"] == 32);
  CHECK(b["broadcast"] == "198.18.2.255");
  const auto c = find_addr(ns_a(), "vio-a", "2001:db8:1::10");
  REQUIRE(c != nullptr);
  CHECK(c["prefixlen"] == 64);
  CHECK(c.value("noprefixroute", false));
  CHECK_FALSE(c.value("tentative", false));
  CHECK(c["preferred_life_time"] == 0);
  CHECK(am.has_address("vio-a", ip("198.18.2.20")));
  CHECK(am.has_address("vio-a", ip("2001:db8:1::10")));

  // Both VIPs are primary addresses in their own subnets; neither is the advert source.
  CHECK(am.primary_address("vio-a", config::Family::Inet) == ip("198.18.0.1"));

  // Adding again is not an error (EEXIST).
  CHECK(am.add_addresses(vips, "vio-a").empty());

  errors = am.del_addresses(vips, "vio-a");
  CHECK(errors.empty());
  CHECK(find_addr(ns_a(), "vio-a", "198.18.5.10") == nullptr);
  CHECK(find_addr(ns_a(), "vio-a", "198.18.2.20") == nullptr);
  CHECK(find_addr(ns_a(), "vio-a", "2001:db8:1::10") == nullptr);
  CHECK_FALSE(am.has_address("vio-a", ip("198.18.2.20")));
  // Deleting what is not there is not an error (EADDRNOTAVAIL).
  CHECK(am.del_addresses(vips, "vio-a").empty());

  SECTION("a peer address") {
    config::IpAddressSpec p;
    p.address = *config::Prefix::parse("198.18.3.1");
    p.peer = ip("198.18.3.2");
    REQUIRE(am.add_addresses({p}, "vio-a").empty());
    const auto e = find_addr(ns_a(), "vio-a", "198.18.3.1");
    REQUIRE(e != nullptr);
    CHECK(e["address"] == "198.18.3.2");
    CHECK(am.del_addresses({p}, "vio-a").empty());
  }
  SECTION("errors name the operation and the object") {
    config::IpAddressSpec bad;
    bad.address = *config::Prefix::parse("198.18.4.1/32");
    bad.dev = "no-such-if0";
    const auto e = am.add_addresses({bad}, "vio-a");
    REQUIRE(e.size() == 1);
    CHECK(e[0].op == "RTM_NEWADDR");
    CHECK(e[0].object == "198.18.4.1/32 dev no-such-if0");
  }
  SECTION("errors carry the kernel's extended ACK text") {
    // A secondary address must have its primary's scope.
    config::IpAddressSpec bad;
    bad.address = *config::Prefix::parse("198.18.0.10/24");
    bad.scope = 253;
    const auto e = am.add_addresses({bad}, "vio-a");
    REQUIRE(e.size() == 1);
    CHECK(e[0].errnum == EINVAL);
    CHECK(e[0].text().find("scope") != std::string::npos);
  }
}

TEST_CASE("virtual_routes and virtual_rules are added and deleted", "[vrrp_io][route][rule]") {
  auto r = io::NetlinkAddressManager::open();
  REQUIRE(r.ok());
  io::AddressManager& am = *r.value();

  config::RouteSpec rt;
  rt.to = *config::Prefix::parse("198.19.100.0/24");
  rt.via = ip("198.18.0.2");
  rt.dev = "vio-a";
  rt.table = 100;
  rt.metric = 5;
  rt.protocol = 4;  // static
  config::RouteSpec bh;
  bh.to = *config::Prefix::parse("198.19.200.0/24");
  bh.type = config::RouteType::Blackhole;
  bh.table = 100;
  config::RouteSpec v6;
  v6.family = config::Family::Inet6;
  v6.to = *config::Prefix::parse("2001:db8:100::/48");
  v6.via = ip("2001:db8::2");
  v6.dev = "vio-a";
  v6.src = ip("2001:db8::1");
  v6.table = 100;
  const std::vector<config::RouteSpec> routes{rt, bh, v6};
  for (const auto& e : am.add_routes(routes)) {
    FAIL_CHECK(e.text());
  }
  auto table = ip_json(ns_a(), "route show table 100");
  REQUIRE(table.size() == 2);
  CHECK(table[0]["dst"] == "198.19.100.0/24");
  CHECK(table[0]["gateway"] == "198.18.0.2");
  CHECK(table[0]["dev"] == "vio-a");
  CHECK(table[0]["metric"] == 5);
  CHECK(table[0]["protocol"] == "static");
  CHECK(table[1]["type"] == "blackhole");
  auto table6 = ip_json(ns_a(), "-6 route show table 100");
  REQUIRE(table6.size() == 1);
  CHECK(table6[0]["dst"] == "2001:db8:100::/48");
  CHECK(table6[0]["prefsrc"] == "2001:db8::1");
  CHECK(am.add_routes(routes).empty());  // EEXIST
  CHECK(am.del_routes(routes).empty());
  CHECK(ip_json(ns_a(), "route show table 100").empty());
  CHECK(ip_json(ns_a(), "-6 route show table 100").empty());
  CHECK(am.del_routes(routes).empty());  // already gone

  config::RouteSpec odd = rt;
  odd.realms = config::Realms{1, 2};
  const auto errs = am.add_routes({odd});
  REQUIRE(errs.size() == 1);
  CHECK(errs[0].text().find("realms") != std::string::npos);

  config::RuleSpec ru;
  ru.from = *config::Prefix::parse("198.18.0.10/32");
  ru.table = 100;
  ru.preference = 1000;
  config::RuleSpec mark;
  mark.fwmark = 0x10;
  mark.fwmask = 0xff;
  mark.iif = "vio-a";
  mark.action = config::RuleAction::Blackhole;
  mark.preference = 1001;
  mark.invert = true;
  const std::vector<config::RuleSpec> rules{ru, mark};
  for (const auto& e : am.add_rules(rules)) {
    FAIL_CHECK(e.text());
  }
  bool saw_from = false;
  bool saw_mark = false;
  for (const auto& j : ip_json(ns_a(), "rule show")) {
    if (j["priority"] == 1000) {
      saw_from = j["src"] == "198.18.0.10" && j["table"] == "100";
    }
    if (j["priority"] == 1001) {
      saw_mark = j["fwmark"] == "0x10" && j["fwmask"] == "0xff" && j["iif"] == "vio-a" &&
                 j["action"] == "blackhole" && j.contains("not");
    }
  }
  CHECK(saw_from);
  CHECK(saw_mark);
  CHECK(am.add_rules(rules).empty());  // EEXIST
  CHECK(am.del_rules(rules).empty());
  for (const auto& j : ip_json(ns_a(), "rule show")) {
    CHECK(j["priority"] != 1000);
    CHECK(j["priority"] != 1001);
  }
  CHECK(am.del_rules(rules).empty());  // ENOENT

  config::RuleSpec uid = ru;
  uid.uidrange = config::UidRange{1, 2};
  const auto rerrs = am.add_rules({uid});
  REQUIRE(rerrs.size() == 1);
  CHECK(rerrs[0].text().find("uidrange") != std::string::npos);
}

TEST_CASE("Gratuitous ARP is broadcast with the VIP and the interface MAC", "[vrrp_io][garp]") {
  auto am = io::NetlinkAddressManager::open();
  REQUIRE(am.ok());
  const auto mac = am.value()->mac("vio-a");
  REQUIRE(mac);
  const auto vip = ip("198.18.0.50");
  // Capture on the peer's side with an AF_PACKET socket (man 7 packet).
  const int fd = in_ns(ns_b(), [] {
    return ::socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, htons(ETH_P_ARP));
  });
  REQUIRE(fd >= 0);
  sockaddr_ll sll{};
  sll.sll_family = AF_PACKET;
  sll.sll_protocol = htons(ETH_P_ARP);
  sll.sll_ifindex = b_ifindex();
  REQUIRE(::bind(fd, reinterpret_cast<const sockaddr*>(&sll), sizeof(sll)) == 0);

  REQUIRE_FALSE(io::send_garp("vio-a", vip));
  bool seen = false;
  const auto deadline = std::chrono::steady_clock::now() + kWait;
  while (!seen && std::chrono::steady_clock::now() < deadline) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) {
      continue;
    }
    std::array<std::uint8_t, 128> f{};
    const ssize_t n = ::recv(fd, f.data(), f.size(), 0);
    if (n < 14 + 28) {
      continue;
    }
    const auto* arp = f.data() + 14;
    const bool bcast = std::all_of(f.begin(), f.begin() + 6, [](auto x) { return x == 0xff; });
    const bool from_a = std::equal(mac->begin(), mac->end(), f.begin() + 6);
    const bool is_request = arp[6] == 0 && arp[7] == 1;
    const bool sha = std::equal(mac->begin(), mac->end(), arp + 8);
    const bool spa = std::equal(vip.bytes.begin(), vip.bytes.begin() + 4, arp + 14);
    const bool tpa = std::equal(vip.bytes.begin(), vip.bytes.begin() + 4, arp + 24);
    seen = bcast && from_a && is_request && sha && spa && tpa;
  }
  ::close(fd);
  CHECK(seen);
  CHECK(io::send_garp("vio-a", ip("2001:db8::50")).has_value());
}

TEST_CASE("Unsolicited NA goes to ff02::1 with hop limit 255, O flag and TLLA",
          "[vrrp_io][na][rfc4861-7.2.6]") {
  auto am = io::NetlinkAddressManager::open();
  REQUIRE(am.ok());
  const auto mac = am.value()->mac("vio-a");
  REQUIRE(mac);
  const auto vip = ip("2001:db8::50");
  const int fd = in_ns(ns_b(), [] {
    return ::socket(AF_INET6, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_ICMPV6);
  });
  REQUIRE(fd >= 0);
  icmp6_filter filter{};
  ICMP6_FILTER_SETBLOCKALL(&filter);
  ICMP6_FILTER_SETPASS(ND_NEIGHBOR_ADVERT, &filter);
  REQUIRE(::setsockopt(fd, IPPROTO_ICMPV6, ICMP6_FILTER, &filter, sizeof(filter)) == 0);
  const int on = 1;
  REQUIRE(::setsockopt(fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &on, sizeof(on)) == 0);
  REQUIRE(::setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, "vio-b", 5) == 0);

  REQUIRE_FALSE(io::send_na("vio-a", vip));
  bool seen = false;
  int hops = -1;
  const auto deadline = std::chrono::steady_clock::now() + kWait;
  while (!seen && std::chrono::steady_clock::now() < deadline) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) {
      continue;
    }
    std::array<std::uint8_t, 256> f{};
    std::array<std::uint8_t, 128> cbuf{};
    iovec iov{f.data(), f.size()};
    msghdr m{};
    m.msg_iov = &iov;
    m.msg_iovlen = 1;
    m.msg_control = cbuf.data();
    m.msg_controllen = cbuf.size();
    const ssize_t n = ::recvmsg(fd, &m, 0);
    if (n < 32) {
      continue;
    }
    for (cmsghdr* c = CMSG_FIRSTHDR(&m); c != nullptr; c = CMSG_NXTHDR(&m, c)) {
      if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_HOPLIMIT) {
        std::memcpy(&hops, CMSG_DATA(c), sizeof(hops));
      }
    }
    const bool target = std::equal(vip.bytes.begin(), vip.bytes.end(), f.begin() + 8);
    const bool override_flag = (f[4] & 0x20U) != 0 && (f[4] & 0x40U) == 0;
    const bool tlla =
        f[24] == 2 && f[25] == 1 && std::equal(mac->begin(), mac->end(), f.begin() + 26);
    seen = f[0] == 136 && target && override_flag && tlla;
  }
  ::close(fd);
  CHECK(seen);
  CHECK(hops == 255);
}

TEST_CASE("LinkMonitor sees link down/up and address changes", "[vrrp_io][link]") {
  boost::asio::io_context ctx;
  auto r = io::LinkMonitor::open(ctx);
  REQUIRE(r.ok());
  io::LinkMonitor& lm = *r.value();
  CHECK(lm.is_up("vio-a"));
  CHECK(lm.is_up("lo"));
  CHECK_FALSE(lm.exists("vio-b"));  // in the other namespace
  std::vector<std::pair<std::string, bool>> events;
  std::vector<std::string> addr_events;
  lm.start([&](const std::string& n, bool up) { events.emplace_back(n, up); },
           [&](const std::string& n) { addr_events.push_back(n); });

  REQUIRE(std::system(("ip -n " + ns_a() + " link set vio-a down").c_str()) == 0);
  CHECK(run_until(ctx, [&] { return !events.empty(); }));
  REQUIRE(events.size() == 1);
  CHECK(events[0] == std::make_pair(std::string("vio-a"), false));
  CHECK_FALSE(lm.is_up("vio-a"));

  // Carrier loss on the peer's side also takes us out of RUNNING.
  REQUIRE(std::system(("ip -n " + ns_a() + " link set vio-a up").c_str()) == 0);
  CHECK(run_until(ctx, [&] { return lm.is_up("vio-a"); }));
  REQUIRE(std::system(("ip -n " + ns_b() + " link set vio-b down").c_str()) == 0);
  CHECK(run_until(ctx, [&] { return !lm.is_up("vio-a"); }));
  REQUIRE(std::system(("ip -n " + ns_b() + " link set vio-b up").c_str()) == 0);
  CHECK(run_until(ctx, [&] { return lm.is_up("vio-a"); }));
  CHECK(events.back() == std::make_pair(std::string("vio-a"), true));

  addr_events.clear();
  REQUIRE(std::system(("ip -n " + ns_a() + " addr add 198.18.0.77/32 dev vio-a").c_str()) == 0);
  CHECK(run_until(ctx, [&] { return !addr_events.empty(); }));
  REQUIRE(std::system(("ip -n " + ns_a() + " addr del 198.18.0.77/32 dev vio-a").c_str()) == 0);
  CHECK(addr_events.front() == "vio-a");
  lm.close();
}
