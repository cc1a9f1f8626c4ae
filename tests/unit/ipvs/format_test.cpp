// SPDX-License-Identifier: GPL-2.0-or-later
// ipvsadm text formats. Every expected string below is the real output of the
// Debian 12 ipvsadm 1.31 (kernel 6.1, in a qemu guest) for the same table,
// programmed there with ipvsadm or keepalived 2.2.7, pasted unchanged.
#include "vigil/ipvs/format.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "ipvs_helpers.hpp"

using namespace vigil;
using namespace vigil::ipvs;
using test::add_dest;
using test::add_service;
using test::dk;
using test::dspec;
using test::fwm;
using test::spec;
using test::tcp;
using test::udp;

namespace {

const Info kInfo{0x010201, 4096};

DestSpec tun(TunType type, std::uint16_t port, std::uint16_t flags, std::uint32_t weight = 1) {
  DestSpec d = dspec(Fwd::Tunnel, weight);
  d.tun_type = type;
  d.tun_port = port;
  d.tun_flags = flags;
  return d;
}

/// The table the guest held after the ipvsadm commands of the format probe.
Table probe_table() {
  Table t;
  auto s1 = spec("sh", kSvcSched1 | kSvcSched2 | kSvcPersistent, 100, 0xffff0000);
  s1.pe_name = "sip";
  auto& a = add_service(t, tcp("198.18.0.1", 80), s1);
  DestSpec masq5 = dspec(Fwd::Masq, 5);
  masq5.u_threshold = 100;
  masq5.l_threshold = 10;
  add_dest(a, dk("198.18.1.1", 80), masq5);
  add_dest(a, dk("198.18.1.2", 80), dspec(Fwd::Route, 0));
  add_dest(a, dk("198.18.1.3", 80), tun(TunType::Ipip, 0, 0, 2));
  add_dest(a, dk("198.18.1.4", 80), tun(TunType::Gue, 6080, kTunCsum));
  add_dest(a, dk("198.18.1.6", 80), tun(TunType::Gre, 0, kTunCsum));
  add_dest(a, dk("198.18.1.10", 9), dspec(Fwd::Masq, 65535));
  auto& b = add_service(t, udp("198.18.0.2", 53), spec("mh", kSvcSched2 | kSvcOnePacket));
  add_dest(b, dk("198.18.100.200", 53), dspec(Fwd::Masq));
  add_service(t, udp("198.18.0.3", 53),
              spec("rr", kSvcSched3 | kSvcOnePacket | kSvcPersistent, 20));
  auto& c = add_service(t, udp("198.18.0.6", 80), spec("wrr", 0, 0, 0xffffff00));
  add_dest(c, dk("198.18.100.201", 80), dspec(Fwd::Masq));
  add_service(t, test::sctp("198.18.0.4", 5000), spec("rr", kSvcSched1 | kSvcSched2));
  auto& d = add_service(t, tcp("2001:db8::1", 443), spec("sh", kSvcSched3));
  add_dest(d, dk("2001:db8:1::1", 443), dspec(Fwd::Route));
  add_dest(d, dk("2001:db8:1:2:3:4:5:6", 65535), dspec(Fwd::Masq));
  auto& e = add_service(t, fwm(3), spec("wlc", kSvcPersistent, 360));
  add_dest(e, dk("198.18.1.9", 53), dspec(Fwd::Masq));
  add_service(t, fwm(4, true), spec("lc", kSvcPersistent, 30, 48));
  auto& f = add_service(t, fwm(5, true), spec("rr"));
  add_dest(f, dk("198.18.1.8", 0), tun(TunType::Ipip, 0, 0));
  add_dest(f, dk("2001:db8:1::8", 53), dspec(Fwd::Masq));
  return t;
}

/// The table of the traffic probe, with the counters the guest reported.
Table traffic_table(bool live_rates) {
  Table t;
  auto& a = add_service(t, tcp("198.18.0.100", 80), spec("rr"));
  auto& d1 = add_dest(a, dk("198.18.200.1", 8080), dspec(Fwd::Masq));
  add_dest(a, dk("198.18.200.2", 8080), dspec(Fwd::Masq, 0));
  auto& b = add_service(t, tcp("2001:db8::100", 80), spec("rr"));
  add_dest(b, dk("2001:db8:ff::1", 8080), dspec(Fwd::Masq));
  if (live_rates) {
    a.stats.inbps = 6;
    d1.rt.stats.inbps = 6;
  } else {
    a.stats.conns = 1;
    a.stats.inpkts = 7;
    a.stats.inbytes = 420;
    d1.rt.stats = a.stats;
  }
  return t;
}

}  // namespace

TEST_CASE("save() is ipvsadm -Sn byte for byte", "[ipvs][format]") {
  CHECK(save(probe_table()) ==
        R"(-A -t 198.18.0.1:80 -s sh -p 100 -M 255.255.0.0 --pe sip -b sh-fallback,sh-port
-a -t 198.18.0.1:80 -r 198.18.1.1:80 -m -w 5
-a -t 198.18.0.1:80 -r 198.18.1.2:80 -g -w 0
-a -t 198.18.0.1:80 -r 198.18.1.3:80 -i -w 2 --tun-type ipip
-a -t 198.18.0.1:80 -r 198.18.1.4:80 -i -w 1 --tun-type gue --tun-port 6080 --tun-csum
-a -t 198.18.0.1:80 -r 198.18.1.6:80 -i -w 1 --tun-type gre --tun-csum
-a -t 198.18.0.1:80 -r 198.18.1.10:9 -m -w 65535
-A -u 198.18.0.2:53 -s mh -o -b mh-port
-a -u 198.18.0.2:53 -r 198.18.100.200:53 -m -w 1
-A -u 198.18.0.3:53 -s rr -p 20 -o -b flag-3
-A -u 198.18.0.6:80 -s wrr
-a -u 198.18.0.6:80 -r 198.18.100.201:80 -m -w 1
-A --sctp-service 198.18.0.4:5000 -s rr -b flag-1,flag-2
-A -t [2001:db8::1]:443 -s sh -b 
-a -t [2001:db8::1]:443 -r [2001:db8:1::1]:443 -g -w 1
-a -t [2001:db8::1]:443 -r [2001:db8:1:2:3:4:5:6]:65535 -m -w 1
-A -f 3 -s wlc -p 360
-a -f 3 -r 198.18.1.9:53 -m -w 1
-A -f 4 -6 -s lc -p 30 -M 48
-A -f 5 -6 -s rr
-a -f 5 -6 -r 198.18.1.8:0 -i -w 1 --tun-type ipip
-a -f 5 -6 -r [2001:db8:1::8]:53 -m -w 1
)");
}

TEST_CASE("list() Plain is ipvsadm -Ln byte for byte", "[ipvs][format]") {
  CHECK(list(probe_table(), kInfo, ListMode::Plain) ==
        R"(IP Virtual Server version 1.2.1 (size=4096)
Prot LocalAddress:Port Scheduler Flags
  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
TCP  198.18.0.1:80 sh (sh-fallback,sh-port) persistent 100 mask 255.255.0.0 pe sip
  -> 198.18.1.1:80                Masq    5      0          0         
  -> 198.18.1.2:80                Route   0      0          0         
  -> 198.18.1.3:80                Tunnel  2      0          0         
  -> 198.18.1.4:80                Tunnel  1      0          0         
  -> 198.18.1.6:80                Tunnel  1      0          0         
  -> 198.18.1.10:9                Masq    65535  0          0         
UDP  198.18.0.2:53 mh (mh-port) ops
  -> 198.18.100.200:53            Masq    1      0          0         
UDP  198.18.0.3:53 rr (flag-3) persistent 20 ops
UDP  198.18.0.6:80 wrr
  -> 198.18.100.201:80            Masq    1      0          0         
SCTP 198.18.0.4:5000 rr (flag-1,flag-2)
TCP  [2001:db8::1]:443 sh ()
  -> [2001:db8:1::1]:443          Route   1      0          0         
  -> [2001:db8:1:2:3:4:5:6]:65535 Masq    1      0          0         
FWM  3 wlc persistent 360
  -> 198.18.1.9:53                Masq    1      0          0         
FWM  4 IPv6 lc persistent 30 mask 48
FWM  5 IPv6 rr
  -> 198.18.1.8:0                 Tunnel  1      0          0         
  -> [2001:db8:1::8]:53           Masq    1      0          0         
)");
  CHECK(list(traffic_table(false), kInfo, ListMode::Plain) ==
        R"(IP Virtual Server version 1.2.1 (size=4096)
Prot LocalAddress:Port Scheduler Flags
  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
TCP  198.18.0.100:80 rr
  -> 198.18.200.1:8080            Masq    1      0          0         
  -> 198.18.200.2:8080            Masq    0      0          0         
TCP  [2001:db8::100]:80 rr
  -> [2001:db8:ff::1]:8080        Masq    1      0          0         
)");
}

TEST_CASE("list() Stats is ipvsadm -Ln --stats byte for byte", "[ipvs][format]") {
  CHECK(list(probe_table(), kInfo, ListMode::Stats) ==
        R"(IP Virtual Server version 1.2.1 (size=4096)
Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes
  -> RemoteAddress:Port
TCP  198.18.0.1:80                       0        0        0        0        0
  -> 198.18.1.1:80                       0        0        0        0        0
  -> 198.18.1.2:80                       0        0        0        0        0
  -> 198.18.1.3:80                       0        0        0        0        0
  -> 198.18.1.4:80                       0        0        0        0        0
  -> 198.18.1.6:80                       0        0        0        0        0
  -> 198.18.1.10:9                       0        0        0        0        0
UDP  198.18.0.2:53                       0        0        0        0        0
  -> 198.18.100.200:53                   0        0        0        0        0
UDP  198.18.0.3:53                       0        0        0        0        0
UDP  198.18.0.6:80                       0        0        0        0        0
  -> 198.18.100.201:80                   0        0        0        0        0
SCTP 198.18.0.4:5000                     0        0        0        0        0
TCP  [2001:db8::1]:443                   0        0        0        0        0
  -> [2001:db8:1::1]:443                 0        0        0        0        0
  -> [2001:db8:1:2:3:4:5:6]:65535        0        0        0        0        0
FWM  3                                   0        0        0        0        0
  -> 198.18.1.9:53                       0        0        0        0        0
FWM  4 IPv6                              0        0        0        0        0
FWM  5 IPv6                              0        0        0        0        0
  -> 198.18.1.8:0                        0        0        0        0        0
  -> [2001:db8:1::8]:53                  0        0        0        0        0
)");
  CHECK(list(traffic_table(false), kInfo, ListMode::Stats) ==
        R"(IP Virtual Server version 1.2.1 (size=4096)
Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes
  -> RemoteAddress:Port
TCP  198.18.0.100:80                     1        7        0      420        0
  -> 198.18.200.1:8080                   1        7        0      420        0
  -> 198.18.200.2:8080                   0        0        0        0        0
TCP  [2001:db8::100]:80                  0        0        0        0        0
  -> [2001:db8:ff::1]:8080               0        0        0        0        0
)");
}

TEST_CASE("list() Rate is ipvsadm -Ln --rate byte for byte", "[ipvs][format]") {
  CHECK(list(probe_table(), kInfo, ListMode::Rate) == R"(IP Virtual Server version 1.2.1 (size=4096)
Prot LocalAddress:Port                 CPS    InPPS   OutPPS    InBPS   OutBPS
  -> RemoteAddress:Port
TCP  198.18.0.1:80                       0        0        0        0        0
  -> 198.18.1.1:80                       0        0        0        0        0
  -> 198.18.1.2:80                       0        0        0        0        0
  -> 198.18.1.3:80                       0        0        0        0        0
  -> 198.18.1.4:80                       0        0        0        0        0
  -> 198.18.1.6:80                       0        0        0        0        0
  -> 198.18.1.10:9                       0        0        0        0        0
UDP  198.18.0.2:53                       0        0        0        0        0
  -> 198.18.100.200:53                   0        0        0        0        0
UDP  198.18.0.3:53                       0        0        0        0        0
UDP  198.18.0.6:80                       0        0        0        0        0
  -> 198.18.100.201:80                   0        0        0        0        0
SCTP 198.18.0.4:5000                     0        0        0        0        0
TCP  [2001:db8::1]:443                   0        0        0        0        0
  -> [2001:db8:1::1]:443                 0        0        0        0        0
  -> [2001:db8:1:2:3:4:5:6]:65535        0        0        0        0        0
FWM  3                                   0        0        0        0        0
  -> 198.18.1.9:53                       0        0        0        0        0
FWM  4 IPv6                              0        0        0        0        0
FWM  5 IPv6                              0        0        0        0        0
  -> 198.18.1.8:0                        0        0        0        0        0
  -> [2001:db8:1::8]:53                  0        0        0        0        0
)");
  CHECK(list(traffic_table(true), kInfo, ListMode::Rate) ==
        R"(IP Virtual Server version 1.2.1 (size=4096)
Prot LocalAddress:Port                 CPS    InPPS   OutPPS    InBPS   OutBPS
  -> RemoteAddress:Port
TCP  198.18.0.100:80                     0        0        0        6        0
  -> 198.18.200.1:8080                   0        0        0        6        0
  -> 198.18.200.2:8080                   0        0        0        0        0
TCP  [2001:db8::100]:80                  0        0        0        0        0
  -> [2001:db8:ff::1]:8080               0        0        0        0        0
)");
}

TEST_CASE("ipvsadm quirks: pe without persistence, unnamed sh/mh flags, port 0, mixed families",
          "[ipvs][format]") {
  Table t;
  add_service(t, tcp("198.18.0.3", 80), spec("mh", kSvcSched3));
  add_service(t, tcp("198.18.0.4", 80), spec("sh", kSvcSched3 | kSvcSched2));
  auto& a = add_service(t, tcp("198.18.0.6", 80), spec("rr", kSvcPersistent, 1));
  DestSpec x10 = dspec(Fwd::Masq);
  x10.u_threshold = 10;
  add_dest(a, dk("198.18.1.1", 80), x10);
  add_dest(a, dk("198.18.200.1", 80), dspec(Fwd::Masq));
  add_dest(a, dk("2001:db8:1::7", 80), dspec(Fwd::Tunnel));
  auto& b = add_service(t, tcp("198.18.0.7", 0), spec("rr", kSvcPersistent, 50));
  add_dest(b, dk("198.18.1.1", 0), dspec(Fwd::Masq));
  add_dest(b, dk("198.18.1.2", 0), dspec(Fwd::Route));
  add_dest(b, dk("198.18.1.3", 0), dspec(Fwd::Route));
  auto pe = spec("rr");
  pe.pe_name = "sip";
  add_service(t, udp("198.18.0.1", 5060), pe);
  add_service(t, udp("198.18.0.2", 5060), spec("rr", 0, 0, 0xffffff00));
  // Note the trailing space after the bare "-b" (ipvsadm -R refuses that line).
  CHECK(save(t) == R"(-A -t 198.18.0.3:80 -s mh -b 
-A -t 198.18.0.4:80 -s sh -b sh-port
-A -t 198.18.0.6:80 -s rr -p 1
-a -t 198.18.0.6:80 -r 198.18.1.1:80 -m -w 1
-a -t 198.18.0.6:80 -r 198.18.200.1:80 -m -w 1
-a -t 198.18.0.6:80 -r [2001:db8:1::7]:80 -i -w 1 --tun-type ipip
-A -t 198.18.0.7:0 -s rr -p 50
-a -t 198.18.0.7:0 -r 198.18.1.1:0 -m -w 1
-a -t 198.18.0.7:0 -r 198.18.1.2:0 -g -w 1
-a -t 198.18.0.7:0 -r 198.18.1.3:0 -g -w 1
-A -u 198.18.0.1:5060 -s rr --pe sip
-A -u 198.18.0.2:5060 -s rr
)");
  CHECK(list(t, kInfo, ListMode::Plain) == R"(IP Virtual Server version 1.2.1 (size=4096)
Prot LocalAddress:Port Scheduler Flags
  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
TCP  198.18.0.3:80 mh ()
TCP  198.18.0.4:80 sh (sh-port)
TCP  198.18.0.6:80 rr persistent 1
  -> 198.18.1.1:80                Masq    1      0          0         
  -> 198.18.200.1:80              Masq    1      0          0         
  -> [2001:db8:1::7]:80           Tunnel  1      0          0         
TCP  198.18.0.7:0 rr persistent 50
  -> 198.18.1.1:0                 Masq    1      0          0         
  -> 198.18.1.2:0                 Route   1      0          0         
  -> 198.18.1.3:0                 Route   1      0          0         
UDP  198.18.0.1:5060 rr
UDP  198.18.0.2:5060 rr
)");
}

TEST_CASE("Services keepalived programmed list back as ipvsadm shows them", "[ipvs][format]") {
  Table t;
  auto s = spec("sed", kSvcPersistent | kSvcOnePacket, 120, 0xffffff00);
  s.pe_name = "sip";
  add_service(t, udp("198.18.0.3", 5060), s);
  add_service(t, tcp("2001:db8::1", 443), spec("lc", kSvcPersistent, 360, 64));
  add_service(t, fwm(7, true), spec("rr", kSvcPersistent, 300));
  add_service(t, fwm(6, true), spec("rr"));
  add_service(t, test::sctp("198.18.0.13", 9000), spec("rr"));
  CHECK(save(t) == R"(-A -u 198.18.0.3:5060 -s sed -p 120 -M 255.255.255.0 --pe sip -o
-A --sctp-service 198.18.0.13:9000 -s rr
-A -t [2001:db8::1]:443 -s lc -p 360 -M 64
-A -f 6 -6 -s rr
-A -f 7 -6 -s rr -p 300
)");
  CHECK(list(t, kInfo, ListMode::Plain) == R"(IP Virtual Server version 1.2.1 (size=4096)
Prot LocalAddress:Port Scheduler Flags
  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
UDP  198.18.0.3:5060 sed persistent 120 mask 255.255.255.0 pe sip ops
SCTP 198.18.0.13:9000 rr
TCP  [2001:db8::1]:443 lc persistent 360 mask 64
FWM  6 IPv6 rr
FWM  7 IPv6 rr persistent 300
)");
}

TEST_CASE("rule() writes each op as an ipvsadm -R line", "[ipvs][format]") {
  // Every line here was fed to `ipvsadm -R` in the guest and accepted (the
  // daemon lines parse; that kernel then refused the daemon itself, EINVAL).
  DestSpec e = dspec(Fwd::Masq, 3);
  e.u_threshold = 50;
  e.l_threshold = 5;
  SyncDaemon full{SyncDaemon::Role::Master, "eth0", 5, 1400, 8850, 2, test::ip("239.1.2.3")};
  SyncDaemon bare{SyncDaemon::Role::Backup, "eth0", 5, 0, 0, 0, std::nullopt};
  auto pers = spec("rr", kSvcPersistent, 40, 64);
  const std::vector<std::pair<Op, std::string>> rows = {
      {AddService{tcp("198.18.0.1", 80), spec("rr")}, "-A -t 198.18.0.1:80 -s rr"},
      {EditService{tcp("198.18.0.1", 80), spec("rr")}, "-E -t 198.18.0.1:80 -s rr"},
      {EditService{fwm(4, true), pers}, "-E -f 4 -6 -s rr -p 40 -M 64"},
      {EditService{test::sctp("198.18.0.4", 5000), spec("rr")},
       "-E --sctp-service 198.18.0.4:5000 -s rr"},
      {DelService{udp("198.18.0.3", 53)}, "-D -u 198.18.0.3:53"},
      {AddDest{tcp("198.18.0.1", 80), dk("198.18.1.1", 80), e},
       "-a -t 198.18.0.1:80 -r 198.18.1.1:80 -m -w 3 -x 50 -y 5"},
      {EditDest{tcp("198.18.0.1", 80), dk("198.18.1.1", 80), e},
       "-e -t 198.18.0.1:80 -r 198.18.1.1:80 -m -w 3 -x 50 -y 5"},
      {EditDest{tcp("198.18.0.1", 80), dk("198.18.1.4", 80), tun(TunType::Gue, 6081, kTunNoCsum)},
       "-e -t 198.18.0.1:80 -r 198.18.1.4:80 -i -w 1 --tun-type gue --tun-port 6081 --tun-nocsum"},
      {AddDest{tcp("198.18.0.1", 80), dk("198.18.1.5", 80), tun(TunType::Gre, 0, kTunRemCsum)},
       "-a -t 198.18.0.1:80 -r 198.18.1.5:80 -i -w 1 --tun-type gre --tun-remcsum"},
      {DelDest{tcp("198.18.0.1", 80), dk("198.18.1.2", 80)},
       "-d -t 198.18.0.1:80 -r 198.18.1.2:80"},
      {DelDest{fwm(5, true), dk("2001:db8:1::8", 53)}, "-d -f 5 -6 -r [2001:db8:1::8]:53"},
      {Flush{}, "-C"},
      {SetTimeouts{{0, 60, 0}}, "--set 0 60 0"},
      {SetTimeouts{{900, 120, 300}}, "--set 900 120 300"},
      {StartDaemon{full},
       "--start-daemon master --mcast-interface eth0 --syncid 5 --sync-maxlen 1400 "
       "--mcast-group 239.1.2.3 --mcast-port 8850 --mcast-ttl 2"},
      {StartDaemon{bare}, "--start-daemon backup --mcast-interface eth0 --syncid 5"},
      {StopDaemon{SyncDaemon::Role::Master}, "--stop-daemon master"},
      {StopDaemon{SyncDaemon::Role::Backup}, "--stop-daemon backup"},
  };
  for (const auto& [op, want] : rows) {
    CHECK(rule(op) == want);
  }
}

TEST_CASE("Counters of 100 million and more are scaled as ipvsadm does", "[ipvs][format]") {
  // ipvsadm's print_largenum (no --exact): 9 columns, then K/M/G/T.
  const std::vector<std::pair<std::uint64_t, std::string>> rows = {
      {0, "        0"},
      {99999999, " 99999999"},
      {100000000, "  100000K"},
      {999999999, "  999999K"},
      {1000000000, "    1000M"},
      {99999999999ULL, "   99999M"},
      {100000000000ULL, "     100G"},
      {99999999999999ULL, "   99999G"},
      {100000000000000ULL, "     100T"},
  };
  for (const auto& [v, want] : rows) {
    Table t;
    auto& s = add_service(t, tcp("198.18.0.1", 80), spec("rr"));
    s.stats.conns = v;
    s.stats.outbps = v;
    const std::string out = list(t, kInfo, ListMode::Stats);
    INFO(out);
    const std::string zeros = "        0        0        0        0";
    CHECK(out.substr(out.find("TCP")) == "TCP  198.18.0.1:80               " + want + zeros + "\n");
    const std::string rate = list(t, kInfo, ListMode::Rate);
    CHECK(rate.substr(rate.find("TCP")) ==
          "TCP  198.18.0.1:80               " + zeros + want + "\n");
  }
}

TEST_CASE("describe() and op_name() name ops and objects for error messages", "[ipvs][format]") {
  CHECK(describe(tcp("198.18.0.1", 80)) == "TCP 198.18.0.1:80");
  CHECK(describe(udp("2001:db8::1", 53)) == "UDP [2001:db8::1]:53");
  CHECK(describe(test::sctp("198.18.0.1", 9)) == "SCTP 198.18.0.1:9");
  CHECK(describe(fwm(1)) == "FWM 1");
  CHECK(describe(fwm(1, true)) == "FWM 1 IPv6");
  CHECK(describe(tcp("198.18.0.1", 80), dk("198.18.1.1", 80)) ==
        "TCP 198.18.0.1:80 -> 198.18.1.1:80");
  const Op add = AddDest{tcp("198.18.0.1", 80), dk("198.18.1.1", 80), {}};
  CHECK(op_name(add) == "add destination");
  CHECK(describe(add) == "TCP 198.18.0.1:80 -> 198.18.1.1:80");
  CHECK(op_name(Op{AddService{}}) == "add service");
  CHECK(op_name(Op{EditService{}}) == "edit service");
  CHECK(op_name(Op{DelService{}}) == "delete service");
  CHECK(op_name(Op{EditDest{}}) == "edit destination");
  CHECK(op_name(Op{DelDest{}}) == "delete destination");
  CHECK(op_name(Op{Flush{}}) == "flush");
  CHECK(op_name(Op{SetTimeouts{}}) == "set timeouts");
  CHECK(op_name(Op{StartDaemon{}}) == "start sync daemon");
  CHECK(op_name(Op{StopDaemon{}}) == "stop sync daemon");
  CHECK(describe(Op{SetTimeouts{{900, 60, 300}}}) == "tcp 900 tcpfin 60 udp 300");
  CHECK(describe(Op{StopDaemon{SyncDaemon::Role::Backup}}) == "backup sync daemon");
  Error err{std::string(op_name(add)), describe(add), 2, ""};
  CHECK(err.text() ==
        "add destination TCP 198.18.0.1:80 -> 198.18.1.1:80: No such file or directory (errno 2)");
}

TEST_CASE("list_json() holds every field in a stable, sorted document", "[ipvs][format]") {
  const Table t = probe_table();
  const std::string text = list_json(t, kInfo);
  CHECK(text == list_json(t, kInfo));
  const auto j = nlohmann::json::parse(text);
  CHECK(j["version"] == "1.2.1");
  CHECK(j["conn_tab_size"] == 4096);
  REQUIRE(j["services"].size() == t.services.size());
  const auto& first = j["services"][0];
  CHECK(first["name"] == "TCP 198.18.0.1:80");
  CHECK(first["scheduler"] == "sh");
  CHECK(first["sched_flags"] == "sh-fallback,sh-port");
  CHECK(first["persistent"] == true);
  CHECK(first["timeout"] == 100);
  CHECK(first["netmask"] == "255.255.0.0");
  CHECK(first["pe_name"] == "sip");
  REQUIRE(first["destinations"].size() == 6);
  const auto& d0 = first["destinations"][0];
  CHECK(d0["address"] == "198.18.1.1");
  CHECK(d0["u_threshold"] == 100);
  CHECK(d0["l_threshold"] == 10);
  CHECK(d0["tunnel"].is_null());
  const auto& gue = first["destinations"][3];
  CHECK(gue["tunnel"]["type"] == "gue");
  CHECK(gue["tunnel"]["port"] == 6080);
  CHECK(gue["tunnel"]["csum"] == "csum");
  const auto& f5 = j["services"].back();
  CHECK(f5["name"] == "FWM 5 IPv6");
  CHECK(f5["protocol"].is_null());
  CHECK(f5["netmask"] == "128");
  // Keys come sorted (nlohmann's object is an ordered map).
  CHECK(text.find("\"address\"") < text.find("\"conns\""));
}
