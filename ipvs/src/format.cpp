// SPDX-License-Identifier: GPL-2.0-or-later
// ipvsadm 1.31's text formats, written from its observed output (checked in a
// guest against the Debian 12 ipvsadm; the expected strings in
// tests/unit/ipvs/format_test.cpp are pasted from it).
#include "vigil/ipvs/format.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <type_traits>
#include <vector>

namespace vigil::ipvs {

namespace {

template <class... F>
struct Overloaded : F... {
  using F::operator()...;
};
template <class... F>
Overloaded(F...) -> Overloaded<F...>;

// AF_INET / AF_INET6, as ipvsadm compares them.
int af_number(Family f) {
  return f == Family::Inet6 ? 10 : 2;
}

std::uint32_t word(const IpAddress& a, std::size_t i) {
  return (std::uint32_t{a.bytes[4 * i]} << 24) | (std::uint32_t{a.bytes[4 * i + 1]} << 16) |
         (std::uint32_t{a.bytes[4 * i + 2]} << 8) | std::uint32_t{a.bytes[4 * i + 3]};
}

/// ipvsadm subtracts unsigned values into an int; keep the wrap-around.
int wrap_sub(std::uint32_t a, std::uint32_t b) {
  return static_cast<int>(static_cast<std::int32_t>(a - b));
}

int cmp_addr(bool v6, const IpAddress& a, const IpAddress& b) {
  if (!v6) {
    return wrap_sub(word(a, 0), word(b, 0));
  }
  int r = 0;
  for (std::size_t i = 0; r == 0 && i < 4; ++i) {
    r = wrap_sub(word(a, i), word(b, i));
  }
  return r;
}

/// libipvs's ipvs_cmp_services.
int cmp_services(const Service* a, const Service* b) {
  int r = wrap_sub(a->key.fwmark, b->key.fwmark);
  if (r != 0) {
    return r;
  }
  r = af_number(a->key.af) - af_number(b->key.af);
  if (r != 0) {
    return r;
  }
  r = int{a->key.protocol} - int{b->key.protocol};
  if (r != 0) {
    return r;
  }
  r = cmp_addr(a->key.af == Family::Inet6, a->key.addr, b->key.addr);
  if (r != 0) {
    return r;
  }
  return int{a->key.port} - int{b->key.port};
}

/// libipvs's ipvs_cmp_dests.
int cmp_dests(const Dest* a, const Dest* b) {
  const int r = cmp_addr(a->key.addr.is_v6(), a->key.addr, b->key.addr);
  if (r != 0) {
    return r;
  }
  return int{a->key.port} - int{b->key.port};
}

/// glibc's qsort is a top-down merge sort (first half n/2, ties from the left);
/// doing the same gives ipvsadm's order even where its comparator is not a
/// strict weak ordering (addresses 2^31 apart).
template <class T, class Cmp>
void merge_sort(std::vector<T>& v, Cmp cmp) {
  std::vector<T> tmp(v.size());
  auto sort = [&](auto& self, std::size_t lo, std::size_t n) -> void {
    if (n <= 1) {
      return;
    }
    const std::size_t n1 = n / 2;
    const std::size_t n2 = n - n1;
    self(self, lo, n1);
    self(self, lo + n1, n2);
    std::size_t i = lo;
    std::size_t j = lo + n1;
    std::size_t k = 0;
    while (i < lo + n1 && j < lo + n) {
      tmp[k++] = cmp(v[i], v[j]) <= 0 ? v[i++] : v[j++];
    }
    while (i < lo + n1) {
      tmp[k++] = v[i++];
    }
    while (j < lo + n) {
      tmp[k++] = v[j++];
    }
    std::copy(tmp.begin(), tmp.begin() + static_cast<std::ptrdiff_t>(k),
              v.begin() + static_cast<std::ptrdiff_t>(lo));
  };
  sort(sort, 0, v.size());
}

std::vector<const Service*> sorted_services(const Table& t) {
  std::vector<const Service*> v;
  v.reserve(t.services.size());
  for (const auto& [k, s] : t.services) {
    v.push_back(&s);
  }
  merge_sort(v, cmp_services);
  return v;
}

std::vector<const Dest*> sorted_dests(const Service& s) {
  std::vector<const Dest*> v;
  v.reserve(s.dests.size());
  for (const auto& [k, d] : s.dests) {
    v.push_back(&d);
  }
  merge_sort(v, cmp_dests);
  return v;
}

std::string_view protocol_name(std::uint16_t p) {
  switch (p) {
    case kProtoTcp:
      return "TCP";
    case kProtoUdp:
      return "UDP";
    case kProtoSctp:
      return "SCTP";
    default:
      return "UDP";
  }
}

std::string_view protocol_switch(std::uint16_t p) {
  switch (p) {
    case kProtoTcp:
      return "-t";
    case kProtoSctp:
      return "--sctp-service";
    default:
      return "-u";
  }
}

std::string dotted(std::uint32_t host_order) {
  return fmt::format("{}.{}.{}.{}", host_order >> 24, (host_order >> 16) & 0xff,
                     (host_order >> 8) & 0xff, host_order & 0xff);
}

/// The service as ipvsadm names it in rules: "-t 198.18.0.1:80", "-f 1 -6".
std::string rule_service(const ServiceKey& k) {
  if (k.fwmark != 0) {
    return k.af == Family::Inet6 ? fmt::format("-f {} -6", k.fwmark)
                                 : fmt::format("-f {}", k.fwmark);
  }
  return fmt::format("{} {}", protocol_switch(k.protocol), addr_port(k.addr, k.port));
}

/// The service as ipvsadm names it in listings: "TCP  198.18.0.1:80", "FWM  1 IPv6".
std::string list_service(const ServiceKey& k) {
  if (k.fwmark != 0) {
    return k.af == Family::Inet6 ? fmt::format("FWM  {} IPv6", k.fwmark)
                                 : fmt::format("FWM  {}", k.fwmark);
  }
  std::string s = fmt::format("{:<4} {}", protocol_name(k.protocol), addr_port(k.addr, k.port));
  if (k.af != Family::Inet6 && s.size() > 33) {
    s.resize(33);
  }
  return s;
}

/// Scheduler flag names as ipvsadm prints them (sh and mh have their own names
/// for flags 1 and 2 and none for flag 3).
std::string flag_names(const ServiceSpec& s) {
  std::vector<std::string_view> names;
  const bool sh = s.sched_name == "sh";
  const bool mh = s.sched_name == "mh";
  if ((s.flags & kSvcSched1) != 0) {
    names.push_back(sh ? "sh-fallback" : mh ? "mh-fallback" : "flag-1");
  }
  if ((s.flags & kSvcSched2) != 0) {
    names.push_back(sh ? "sh-port" : mh ? "mh-port" : "flag-2");
  }
  if ((s.flags & kSvcSched3) != 0 && !sh && !mh) {
    names.push_back("flag-3");
  }
  return fmt::format("{}", fmt::join(names, ","));
}

bool has_sched_flags(const ServiceSpec& s) {
  return (s.flags & (kSvcSched1 | kSvcSched2 | kSvcSched3)) != 0;
}

std::string netmask_text(Family af, std::uint32_t netmask) {
  return af == Family::Inet6 ? std::to_string(netmask) : dotted(netmask);
}

bool default_netmask(Family af, std::uint32_t netmask) {
  return af == Family::Inet6 ? netmask == 128 : netmask == 0xffffffffU;
}

std::string service_rule(char cmd, const ServiceKey& k, const ServiceSpec& s) {
  std::string out = fmt::format("-{} {} -s {}", cmd, rule_service(k), s.sched_name);
  if ((s.flags & kSvcPersistent) != 0) {
    out += fmt::format(" -p {}", s.timeout);
    if (!default_netmask(k.af, s.netmask)) {
      out += fmt::format(" -M {}", netmask_text(k.af, s.netmask));
    }
  }
  if (!s.pe_name.empty()) {
    out += fmt::format(" --pe {}", s.pe_name);
  }
  if ((s.flags & kSvcOnePacket) != 0) {
    out += " -o";
  }
  if (has_sched_flags(s)) {
    out += fmt::format(" -b {}", flag_names(s));
  }
  return out;
}

std::string_view fwd_switch(Fwd f) {
  switch (f) {
    case Fwd::Masq:
      return "-m";
    case Fwd::Tunnel:
      return "-i";
    case Fwd::Local:
    case Fwd::Route:
    case Fwd::Bypass:
      return "-g";
  }
  return "-g";
}

std::string_view fwd_name(Fwd f) {
  switch (f) {
    case Fwd::Masq:
      return "Masq";
    case Fwd::Local:
      return "Local";
    case Fwd::Tunnel:
      return "Tunnel";
    case Fwd::Route:
      return "Route";
    case Fwd::Bypass:
      return "Bypass";
  }
  return "";
}

std::string_view tun_name(TunType t) {
  switch (t) {
    case TunType::Ipip:
      return "ipip";
    case TunType::Gue:
      return "gue";
    case TunType::Gre:
      return "gre";
  }
  return "ipip";
}

std::string_view csum_option(std::uint16_t flags) {
  if ((flags & kTunRemCsum) != 0) {
    return "--tun-remcsum";
  }
  if ((flags & kTunCsum) != 0) {
    return "--tun-csum";
  }
  return "--tun-nocsum";
}

std::string_view csum_name(std::uint16_t flags) {
  if ((flags & kTunRemCsum) != 0) {
    return "remcsum";
  }
  if ((flags & kTunCsum) != 0) {
    return "csum";
  }
  return "nocsum";
}

std::string dest_rule(char cmd, const ServiceKey& svc, const DestKey& k, const DestSpec& d,
                      bool thresholds) {
  std::string out =
      fmt::format("-{} {} -r {} {} -w {}", cmd, rule_service(svc), addr_port(k.addr, k.port),
                  fwd_switch(d.fwd), static_cast<std::int32_t>(d.weight));
  if (d.fwd == Fwd::Tunnel) {
    switch (d.tun_type) {
      case TunType::Ipip:
        out += " --tun-type ipip";
        break;
      case TunType::Gue:
        out +=
            fmt::format(" --tun-type gue --tun-port {} {}", d.tun_port, csum_option(d.tun_flags));
        break;
      case TunType::Gre:
        out += fmt::format(" --tun-type gre {}", csum_option(d.tun_flags));
        break;
    }
  }
  if (thresholds) {
    if (d.u_threshold != 0) {
      out += fmt::format(" -x {}", d.u_threshold);
    }
    if (d.l_threshold != 0) {
      out += fmt::format(" -y {}", d.l_threshold);
    }
  }
  return out;
}

std::string_view role_name(SyncDaemon::Role r) {
  return r == SyncDaemon::Role::Master ? "master" : "backup";
}

/// ipvsadm's print_largenum without --exact: 9 columns, big values scaled.
void largenum(std::string& out, std::uint64_t i) {
  if (i < 100000000ULL) {
    fmt::format_to(std::back_inserter(out), "{:>9}", i);
  } else if (i < 1000000000ULL) {
    fmt::format_to(std::back_inserter(out), "{:>8}K", i / 1000ULL);
  } else if (i < 100000000000ULL) {
    fmt::format_to(std::back_inserter(out), "{:>8}M", i / 1000000ULL);
  } else if (i < 100000000000000ULL) {
    fmt::format_to(std::back_inserter(out), "{:>8}G", i / 1000000000ULL);
  } else {
    fmt::format_to(std::back_inserter(out), "{:>8}T", i / 1000000000000ULL);
  }
}

void numbers(std::string& out, const Stats& s, ListMode mode) {
  if (mode == ListMode::Stats) {
    for (auto v : {s.conns, s.inpkts, s.outpkts, s.inbytes, s.outbytes}) {
      largenum(out, v);
    }
  } else {
    for (auto v : {s.cps, s.inpps, s.outpps, s.inbps, s.outbps}) {
      largenum(out, v);
    }
  }
}

std::string list_service_line(const Service& s) {
  std::string out = fmt::format("{} {}", list_service(s.key), s.spec.sched_name);
  if (has_sched_flags(s.spec)) {
    out += fmt::format(" ({})", flag_names(s.spec));
  }
  if ((s.spec.flags & kSvcPersistent) != 0) {
    out += fmt::format(" persistent {}", s.spec.timeout);
    if (!default_netmask(s.key.af, s.spec.netmask)) {
      out += fmt::format(" mask {}", netmask_text(s.key.af, s.spec.netmask));
    }
    if (!s.spec.pe_name.empty()) {
      out += fmt::format(" pe {}", s.spec.pe_name);
    }
  }
  if ((s.spec.flags & kSvcOnePacket) != 0) {
    out += " ops";
  }
  return out;
}

std::string list_dest_name(const Service& s, const Dest& d) {
  std::string n = addr_port(d.key.addr, d.key.port);
  if (s.key.af != Family::Inet6 && n.size() > 28) {
    n.resize(28);
  }
  return n;
}

std::string_view af_text(Family f) {
  return f == Family::Inet6 ? "inet6" : "inet";
}

nlohmann::json stats_json(const Stats& s) {
  return {{"conns", s.conns},
          {"inpkts", s.inpkts},
          {"outpkts", s.outpkts},
          {"inbytes", s.inbytes},
          {"outbytes", s.outbytes}};
}

nlohmann::json rates_json(const Stats& s) {
  return {{"cps", s.cps},
          {"inpps", s.inpps},
          {"outpps", s.outpps},
          {"inbps", s.inbps},
          {"outbps", s.outbps}};
}

}  // namespace

std::string addr_port(const IpAddress& addr, std::uint16_t port) {
  if (addr.is_v6()) {
    return fmt::format("[{}]:{}", addr.str(), port);
  }
  if (addr.is_v4()) {
    return fmt::format("{}:{}", addr.str(), port);
  }
  return fmt::format("0.0.0.0:{}", port);
}

std::string rule(const Op& op) {
  return std::visit(
      Overloaded{
          [](const AddService& o) { return service_rule('A', o.key, o.spec); },
          [](const EditService& o) { return service_rule('E', o.key, o.spec); },
          [](const DelService& o) { return fmt::format("-D {}", rule_service(o.key)); },
          [](const AddDest& o) { return dest_rule('a', o.svc, o.key, o.spec, true); },
          [](const EditDest& o) { return dest_rule('e', o.svc, o.key, o.spec, true); },
          [](const DelDest& o) {
            return fmt::format("-d {} -r {}", rule_service(o.svc),
                               addr_port(o.key.addr, o.key.port));
          },
          [](const Flush&) { return std::string("-C"); },
          [](const SetTimeouts& o) {
            return fmt::format("--set {} {} {}", o.timeouts.tcp, o.timeouts.tcpfin, o.timeouts.udp);
          },
          [](const StartDaemon& o) {
            const SyncDaemon& d = o.daemon;
            std::string out = fmt::format("--start-daemon {} --mcast-interface {} --syncid {}",
                                          role_name(d.role), d.mcast_ifn, d.syncid);
            if (d.sync_maxlen != 0) {
              out += fmt::format(" --sync-maxlen {}", d.sync_maxlen);
            }
            if (d.mcast_group) {
              out += fmt::format(" --mcast-group {}", d.mcast_group->str());
            }
            if (d.mcast_port != 0) {
              out += fmt::format(" --mcast-port {}", d.mcast_port);
            }
            if (d.mcast_ttl != 0) {
              out += fmt::format(" --mcast-ttl {}", d.mcast_ttl);
            }
            return out;
          },
          [](const StopDaemon& o) { return fmt::format("--stop-daemon {}", role_name(o.role)); },
      },
      op);
}

std::string save(const Table& table) {
  std::string out;
  for (const Service* s : sorted_services(table)) {
    out += service_rule('A', s->key, s->spec);
    out += '\n';
    for (const Dest* d : sorted_dests(*s)) {
      out += dest_rule('a', s->key, d->key, d->spec, false);
      out += '\n';
    }
  }
  return out;
}

std::string list(const Table& table, const Info& info, ListMode mode) {
  std::string out =
      fmt::format("IP Virtual Server version {}.{}.{} (size={})\n", (info.version >> 16) & 0xff,
                  (info.version >> 8) & 0xff, info.version & 0xff, info.conn_tab_size);
  switch (mode) {
    case ListMode::Plain:
      out +=
          "Prot LocalAddress:Port Scheduler Flags\n"
          "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n";
      break;
    case ListMode::Stats:
      out += fmt::format("{:<33} {:>8} {:>8} {:>8} {:>8} {:>8}\n  -> RemoteAddress:Port\n",
                         "Prot LocalAddress:Port", "Conns", "InPkts", "OutPkts", "InBytes",
                         "OutBytes");
      break;
    case ListMode::Rate:
      out += fmt::format("{:<33} {:>8} {:>8} {:>8} {:>8} {:>8}\n  -> RemoteAddress:Port\n",
                         "Prot LocalAddress:Port", "CPS", "InPPS", "OutPPS", "InBPS", "OutBPS");
      break;
  }
  for (const Service* s : sorted_services(table)) {
    if (mode == ListMode::Plain) {
      out += list_service_line(*s);
    } else {
      out += fmt::format("{:<33}", list_service(s->key));
      numbers(out, s->stats, mode);
    }
    out += '\n';
    for (const Dest* d : sorted_dests(*s)) {
      const std::string name = list_dest_name(*s, *d);
      if (mode == ListMode::Plain) {
        out += fmt::format("  -> {:<28} {:<7} {:<6} {:<10} {:<10}\n", name, fwd_name(d->spec.fwd),
                           static_cast<std::int32_t>(d->spec.weight), d->rt.active_conns,
                           d->rt.inact_conns);
      } else {
        out += fmt::format("  -> {:<28}", name);
        numbers(out, d->rt.stats, mode);
        out += '\n';
      }
    }
  }
  return out;
}

std::string list_json(const Table& table, const Info& info) {
  nlohmann::json services = nlohmann::json::array();
  for (const Service* s : sorted_services(table)) {
    nlohmann::json dests = nlohmann::json::array();
    for (const Dest* d : sorted_dests(*s)) {
      nlohmann::json dj = {
          {"address", d->key.addr.str()},
          {"family", af_text(d->key.addr.family)},
          {"port", d->key.port},
          {"forward", fwd_name(d->spec.fwd)},
          {"weight", d->spec.weight},
          {"u_threshold", d->spec.u_threshold},
          {"l_threshold", d->spec.l_threshold},
          {"active_conns", d->rt.active_conns},
          {"inact_conns", d->rt.inact_conns},
          {"persist_conns", d->rt.persist_conns},
          {"stats", stats_json(d->rt.stats)},
          {"rates", rates_json(d->rt.stats)},
          {"name", addr_port(d->key.addr, d->key.port)},
      };
      if (d->spec.fwd == Fwd::Tunnel) {
        dj["tunnel"] = {{"type", tun_name(d->spec.tun_type)},
                        {"port", d->spec.tun_port},
                        {"csum", csum_name(d->spec.tun_flags)}};
      } else {
        dj["tunnel"] = nullptr;
      }
      dests.push_back(std::move(dj));
    }
    const ServiceSpec& sp = s->spec;
    nlohmann::json sj = {
        {"name", describe(s->key)},
        {"family", af_text(s->key.af)},
        {"protocol", s->key.fwmark != 0 ? nlohmann::json(nullptr)
                                        : nlohmann::json(protocol_name(s->key.protocol))},
        {"address",
         s->key.fwmark != 0 ? nlohmann::json(nullptr) : nlohmann::json(s->key.addr.str())},
        {"port", s->key.port},
        {"fwmark", s->key.fwmark},
        {"scheduler", sp.sched_name},
        {"flags", sp.flags & kSvcUserFlags},
        {"sched_flags", flag_names(sp)},
        {"persistent", (sp.flags & kSvcPersistent) != 0},
        {"timeout", sp.timeout},
        {"netmask", netmask_text(s->key.af, sp.netmask)},
        {"pe_name", sp.pe_name},
        {"one_packet", (sp.flags & kSvcOnePacket) != 0},
        {"stats", stats_json(s->stats)},
        {"rates", rates_json(s->stats)},
        {"destinations", std::move(dests)},
    };
    services.push_back(std::move(sj));
  }
  nlohmann::json doc = {
      {"version", fmt::format("{}.{}.{}", (info.version >> 16) & 0xff, (info.version >> 8) & 0xff,
                              info.version & 0xff)},
      {"conn_tab_size", info.conn_tab_size},
      {"services", std::move(services)},
  };
  return doc.dump(2) + "\n";
}

std::string describe(const ServiceKey& svc) {
  if (svc.fwmark != 0) {
    return svc.af == Family::Inet6 ? fmt::format("FWM {} IPv6", svc.fwmark)
                                   : fmt::format("FWM {}", svc.fwmark);
  }
  return fmt::format("{} {}", protocol_name(svc.protocol), addr_port(svc.addr, svc.port));
}

std::string describe(const ServiceKey& svc, const DestKey& dest) {
  return fmt::format("{} -> {}", describe(svc), addr_port(dest.addr, dest.port));
}

std::string describe(const Op& op) {
  return std::visit(
      Overloaded{
          [](const AddService& o) { return describe(o.key); },
          [](const EditService& o) { return describe(o.key); },
          [](const DelService& o) { return describe(o.key); },
          [](const AddDest& o) { return describe(o.svc, o.key); },
          [](const EditDest& o) { return describe(o.svc, o.key); },
          [](const DelDest& o) { return describe(o.svc, o.key); },
          [](const Flush&) { return std::string("all services"); },
          [](const SetTimeouts& o) {
            return fmt::format("tcp {} tcpfin {} udp {}", o.timeouts.tcp, o.timeouts.tcpfin,
                               o.timeouts.udp);
          },
          [](const StartDaemon& o) {
            return fmt::format("{} sync daemon on {} (syncid {})", role_name(o.daemon.role),
                               o.daemon.mcast_ifn, o.daemon.syncid);
          },
          [](const StopDaemon& o) { return fmt::format("{} sync daemon", role_name(o.role)); },
      },
      op);
}

std::string_view op_name(const Op& op) {
  static constexpr std::string_view kNames[] = {
      "add service",       "edit service",       "delete service", "add destination",
      "edit destination",  "delete destination", "flush",          "set timeouts",
      "start sync daemon", "stop sync daemon",
  };
  static_assert(std::size(kNames) == std::variant_size_v<Op>);
  return kNames[op.index()];
}

}  // namespace vigil::ipvs
