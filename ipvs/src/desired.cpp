// SPDX-License-Identifier: GPL-2.0-or-later
// desired_state(): the configuration model turned into the IPVS table that
// keepalived 2.2.7 programs for it. The defaults and corrections below were
// checked against keepalived -C and ipvsadm -Sn in a guest with IPVS.
#include "vigil/ipvs/desired.hpp"

#include <algorithm>
#include <array>
#include <string_view>

namespace vigil::ipvs {

namespace {

using config::Forwarding;
using config::LvsMethod;
using config::RealServer;
using config::VirtualServer;
using config::VirtualServerGroup;

/// IPVS_SVC_PERSISTENT_TIMEOUT: what keepalived forces for a port-0 service.
constexpr std::uint32_t kForcedPersistence = 360;
/// The weight keepalived gives a sorry server.
constexpr std::uint32_t kSorryWeight = 1;
constexpr std::string_view kDefaultScheduler = "wlc";

constexpr std::array<std::string_view, 14> kSchedulers = {
    "rr", "wrr", "lc", "wlc", "lblc", "lblcr", "dh", "sh", "sed", "nq", "fo", "ovf", "mh", "twos"};

bool is_tunnel(const Forwarding& f) {
  return f.method == LvsMethod::TUN;
}

Forwarding rs_forwarding(const VirtualServer& vs, const RealServer& rs) {
  return rs.lvs_method.value_or(vs.lvs_method.value_or(Forwarding{}));
}

Forwarding sorry_forwarding(const VirtualServer& vs) {
  return vs.sorry_server->lvs_method.value_or(vs.lvs_method.value_or(Forwarding{}));
}

/// The spec part of a destination that depends only on the forwarding method.
DestSpec forwarding_spec(const Forwarding& f) {
  DestSpec d;
  switch (f.method) {
    case LvsMethod::NAT:
      d.fwd = Fwd::Masq;
      break;
    case LvsMethod::DR:
      d.fwd = Fwd::Route;
      break;
    case LvsMethod::TUN:
      d.fwd = Fwd::Tunnel;
      switch (f.type) {
        case config::TunType::ipip:
          d.tun_type = TunType::Ipip;
          break;
        case config::TunType::gue:
          d.tun_type = TunType::Gue;
          d.tun_port = f.port;
          break;
        case config::TunType::gre:
          d.tun_type = TunType::Gre;
          break;
      }
      if (f.type != config::TunType::ipip) {
        switch (f.csum) {
          case config::TunCsum::nocsum:
            d.tun_flags = kTunNoCsum;
            break;
          case config::TunCsum::csum:
            d.tun_flags = kTunCsum;
            break;
          case config::TunCsum::remcsum:
            d.tun_flags = kTunRemCsum;
            break;
        }
      }
      break;
  }
  return d;
}

/// IPv4 netmask as a host-order integer.
std::uint32_t v4_host_order(const IpAddress& a) {
  return (std::uint32_t{a.bytes[0]} << 24) | (std::uint32_t{a.bytes[1]} << 16) |
         (std::uint32_t{a.bytes[2]} << 8) | std::uint32_t{a.bytes[3]};
}

/// The next address (carrying across bytes); false when it wrapped.
bool increment(IpAddress& a) {
  const int last = a.is_v4() ? 3 : 15;
  for (int i = last; i >= 0; --i) {
    auto& b = a.bytes[static_cast<std::size_t>(i)];
    b = static_cast<std::uint8_t>(b + 1);
    if (b != 0) {
      return true;
    }
  }
  return false;
}

/// The family of a service that is not named by an address.
Family derived_family(const VirtualServer& vs, const VirtualServerGroup* group) {
  if (vs.ip) {
    return vs.ip->family;
  }
  if (vs.ip_family) {
    return *vs.ip_family;
  }
  if (group != nullptr && !group->addresses.empty()) {
    return group->addresses.front().first.family;
  }
  if (vs.sorry_server && !is_tunnel(sorry_forwarding(vs))) {
    return vs.sorry_server->ip.family;
  }
  for (const auto& rs : vs.real_server) {
    if (!is_tunnel(rs_forwarding(vs, rs))) {
      return rs.ip.family;
    }
  }
  // All tunnelled: their common family, else inet.
  std::optional<Family> common;
  bool mixed = false;
  auto note = [&](Family f) {
    if (!common) {
      common = f;
    } else if (*common != f) {
      mixed = true;
    }
  };
  for (const auto& rs : vs.real_server) {
    note(rs.ip.family);
  }
  if (vs.sorry_server) {
    note(vs.sorry_server->ip.family);
  }
  return common && !mixed ? *common : Family::Inet;
}

std::uint16_t protocol_number(const std::optional<config::LvsProtocol>& p) {
  switch (p.value_or(config::LvsProtocol::UDP)) {
    case config::LvsProtocol::TCP:
      return kProtoTcp;
    case config::LvsProtocol::UDP:
      return kProtoUdp;
    case config::LvsProtocol::SCTP:
      return kProtoSctp;
  }
  return kProtoUdp;
}

struct Builder {
  const config::Model& model;
  const HealthView& health;
  const QuorumView& quorum_view;
  Desired out;

  const VirtualServerGroup* find_group(const std::string& name) const {
    for (const auto& g : model.lvs.virtual_server_group) {
      if (g.name == name) {
        return &g;
      }
    }
    return nullptr;
  }

  /// One service key with the destinations' port rule: `plain` is a service
  /// named directly by address (NAT real servers without a port get its port).
  struct Target {
    ServiceKey key;
    Family af = Family::Inet;
    bool plain = false;
  };

  /// The group a virtual server names (nullptr for none or an unknown one).
  const VirtualServerGroup* group_of(const VirtualServer& vs) const {
    return vs.group.empty() ? nullptr : find_group(vs.group);
  }

  /// Whether `vs` makes services at all.
  bool makes_services(const VirtualServer& vs) const {
    // keepalived: "has no real servers - ignoring"
    return !vs.real_server.empty() && (vs.group.empty() || group_of(vs) != nullptr);
  }

  /// The service keys of `vs` (which makes_services()).
  std::vector<Target> targets_of(const VirtualServer& vs) const {
    const VirtualServerGroup* group = group_of(vs);
    const Family af = derived_family(vs, group);
    const bool by_address = vs.ip.has_value() || (group != nullptr && !group->addresses.empty());
    const std::uint16_t proto = by_address ? protocol_number(vs.protocol) : 0;
    std::vector<Target> targets;
    if (vs.ip) {
      targets.push_back({{af, proto, *vs.ip, vs.port.value_or(0), 0}, af, true});
    } else if (vs.fwmark) {
      targets.push_back({{af, 0, IpAddress{}, 0, *vs.fwmark}, af, false});
    } else {
      for (const auto& r : group->addresses) {
        IpAddress a = r.first;
        while (true) {
          targets.push_back({{a.family, proto, a, r.port.value_or(0), 0}, a.family, false});
          if (!(a < r.last) || !increment(a)) {
            break;
          }
        }
      }
      for (const auto& f : group->fwmark) {
        const Family fam = f.family.value_or(af);
        targets.push_back({{fam, 0, IpAddress{}, 0, f.fwmark}, fam, false});
      }
    }
    return targets;
  }

  /// The port a destination gets in service `t`.
  static std::uint16_t dest_port(const Target& t, const Forwarding& f,
                                 std::optional<std::uint16_t> port, bool sorry) {
    if (f.method != LvsMethod::NAT) {
      return t.key.port;  // the kernel stores DR/TUN dests on the service port
    }
    if (!port && t.plain && !sorry) {
      return t.key.port;
    }
    return port.value_or(0);
  }

  bool add(const VirtualServer& vs) {
    if (!makes_services(vs)) {
      return false;
    }
    const VirtualServerGroup* group = group_of(vs);
    const bool by_address = vs.ip.has_value() || (group != nullptr && !group->addresses.empty());
    const std::uint16_t proto = by_address ? protocol_number(vs.protocol) : 0;

    // Service settings.
    ServiceSpec spec;
    spec.sched_name = vs.lvs_sched.empty() ? std::string(kDefaultScheduler) : vs.lvs_sched;
    if (vs.flag_1 || vs.sh_fallback || vs.mh_fallback) {
      spec.flags |= kSvcSched1;
    }
    if (vs.flag_2 || vs.sh_port || vs.mh_port) {
      spec.flags |= kSvcSched2;
    }
    if (vs.flag_3) {
      spec.flags |= kSvcSched3;
    }
    // One-packet scheduling: only UDP when the service is named by address.
    if (vs.ops && (!by_address || proto == kProtoUdp)) {
      spec.flags |= kSvcOnePacket;
    }
    std::uint32_t persistence = vs.persistence_timeout.value_or(0);
    if (persistence == 0) {
      // keepalived: "zero port only valid for persistent services - setting".
      const bool zero_port =
          (vs.ip && vs.port.value_or(0) == 0) ||
          (group != nullptr &&
           std::any_of(group->addresses.begin(), group->addresses.end(),
                       [](const config::VsgRange& r) { return r.port.value_or(0) == 0; }));
      if (zero_port) {
        persistence = kForcedPersistence;
      }
    }
    spec.pe_name = vs.persistence_engine;

    const std::vector<Target> targets = targets_of(vs);

    // Health and quorum.
    std::uint64_t total = 0;
    std::uint64_t live = 0;
    std::vector<RsHealth> rs_health;
    rs_health.reserve(vs.real_server.size());
    for (const auto& rs : vs.real_server) {
      RsHealth h = health ? health(vs, rs) : RsHealth{};
      total += rs.weight;
      if (h.alive) {
        live += h.weight.value_or(rs.weight);
      }
      rs_health.push_back(h);
    }
    // keepalived's arithmetic is unsigned 32-bit; keep its wrap-arounds.
    const std::uint32_t q = vs.quorum > total ? static_cast<std::uint32_t>(total) : vs.quorum;
    const std::uint32_t hyst = vs.hysteresis >= q ? q - 1U : vs.hysteresis;
    const std::optional<bool> prev = quorum_view ? quorum_view(vs) : std::nullopt;
    bool up = false;
    if (prev.value_or(false)) {
      const std::uint32_t threshold = q - hyst;
      up = !(live == 0 || live < threshold);
    } else {
      const std::uint32_t threshold = q + hyst;
      up = live >= threshold;
    }
    const bool sorry_active = !up && vs.sorry_server.has_value();

    for (const auto& t : targets) {
      auto [it, fresh] = out.table.services.try_emplace(t.key);
      Service& svc = it->second;
      if (fresh) {
        svc.key = t.key;
        svc.spec = spec;
        if (persistence != 0) {
          svc.spec.flags |= kSvcPersistent;
          svc.spec.timeout = persistence;
        }
        svc.spec.netmask = t.af == Family::Inet6 ? 128U : 0xffffffffU;
        if (persistence != 0 && vs.persistence_granularity) {
          const auto& g = *vs.persistence_granularity;
          if (t.af == Family::Inet6) {
            if (g.prefix_len != 0) {
              svc.spec.netmask = g.prefix_len;
            }
          } else if (g.netmask) {
            svc.spec.netmask = v4_host_order(*g.netmask);
          }
        }
      }
      auto put = [&](const IpAddress& ip, std::uint16_t port, const DestSpec& d, bool replace) {
        DestKey k{ip, port};
        auto [dit, dfresh] = svc.dests.try_emplace(k);
        if (dfresh || replace) {
          dit->second.key = k;
          dit->second.spec = d;
        }
      };
      for (std::size_t i = 0; i < vs.real_server.size(); ++i) {
        const RealServer& rs = vs.real_server[i];
        const RsHealth& h = rs_health[i];
        const bool inhibit = rs.inhibit_on_failure.value_or(vs.inhibit_on_failure);
        const Forwarding f = rs_forwarding(vs, rs);
        DestSpec d = forwarding_spec(f);
        d.u_threshold = rs.uthreshold;
        d.l_threshold = rs.lthreshold;
        if (h.alive && !sorry_active) {
          d.weight = h.weight.value_or(rs.weight);
        } else if (inhibit) {
          d.weight = 0;
        } else {
          continue;
        }
        put(rs.ip, dest_port(t, f, rs.port, false), d, false);
      }
      if (vs.sorry_server && (sorry_active || vs.sorry_server->inhibit)) {
        const Forwarding f = sorry_forwarding(vs);
        DestSpec d = forwarding_spec(f);
        d.weight = sorry_active ? kSorryWeight : 0;
        const std::uint16_t port = dest_port(t, f, vs.sorry_server->port, true);
        // A sorry server that is also a real server only matters when it is active.
        const bool duplicates = svc.dests.count(DestKey{vs.sorry_server->ip, port}) != 0;
        if (sorry_active || !duplicates) {
          put(vs.sorry_server->ip, port, d, sorry_active);
        }
      }
    }
    return up;
  }
};

}  // namespace

bool is_known_scheduler(std::string_view name) {
  return std::find(kSchedulers.begin(), kSchedulers.end(), name) != kSchedulers.end();
}

Desired desired_state(const config::Model& model, const HealthView& health,
                      const QuorumView& quorum) {
  Builder b{model, health, quorum, {}};
  b.out.quorum_up.reserve(model.lvs.virtual_server.size());
  for (const auto& vs : model.lvs.virtual_server) {
    b.out.quorum_up.push_back(b.add(vs));
  }
  if (const auto& t = model.global.global_defs.lvs_timeouts) {
    Timeouts to{t->tcp.value_or(0), t->tcpfin.value_or(0), t->udp.value_or(0)};
    if (to != Timeouts{}) {
      b.out.timeouts = to;
    }
  }
  b.out.sync_daemons = sync_daemons(model);
  return std::move(b.out);
}

std::vector<std::vector<ServicePlacement>> layout(const config::Model& model) {
  const HealthView health;
  const QuorumView quorum;
  const Builder b{model, health, quorum, {}};
  std::vector<std::vector<ServicePlacement>> out;
  out.reserve(model.lvs.virtual_server.size());
  for (const auto& vs : model.lvs.virtual_server) {
    std::vector<ServicePlacement>& places = out.emplace_back();
    if (!b.makes_services(vs)) {
      continue;
    }
    for (const auto& t : b.targets_of(vs)) {
      ServicePlacement p;
      p.service = t.key;
      p.real_servers.reserve(vs.real_server.size());
      for (const RealServer& rs : vs.real_server) {
        p.real_servers.push_back(
            DestKey{rs.ip, Builder::dest_port(t, rs_forwarding(vs, rs), rs.port, false)});
      }
      if (vs.sorry_server) {
        p.sorry = DestKey{vs.sorry_server->ip,
                          Builder::dest_port(t, sorry_forwarding(vs), vs.sorry_server->port, true)};
      }
      places.push_back(std::move(p));
    }
  }
  return out;
}

std::set<std::pair<ServiceKey, DestKey>> declared_dests(const config::Model& model) {
  std::set<std::pair<ServiceKey, DestKey>> out;
  for (const auto& places : layout(model)) {
    for (const ServicePlacement& p : places) {
      for (const DestKey& d : p.real_servers) {
        out.emplace(p.service, d);
      }
      if (p.sorry) {
        out.emplace(p.service, *p.sorry);
      }
    }
  }
  return out;
}

namespace {

/// lvs_sync_daemon as configured, or from the deprecated
/// vrrp_instance { lvs_sync_daemon_interface IF } when that is absent.
std::optional<config::LvsSyncDaemon> sync_config(const config::Model& model) {
  if (const auto& g = model.global.global_defs.lvs_sync_daemon) {
    return *g;
  }
  const auto& insts = model.vrrp.vrrp_instance;
  auto it = std::find_if(insts.begin(), insts.end(), [](const config::VrrpInstance& vi) {
    return !vi.lvs_sync_daemon_interface.empty();
  });
  if (it == insts.end()) {
    return std::nullopt;
  }
  config::LvsSyncDaemon cfg;
  cfg.interface = it->lvs_sync_daemon_interface;
  cfg.inst = it->name;
  return cfg;
}

}  // namespace

std::string sync_daemon_instance(const config::Model& model) {
  const auto cfg = sync_config(model);
  return cfg ? cfg->inst : std::string();
}

std::vector<SyncDaemon> sync_daemons(const config::Model& model, SyncDaemon::Role inst_state) {
  config::LvsSyncDaemon cfg;
  if (const auto c = sync_config(model)) {
    cfg = *c;
  } else {
    return {};
  }
  SyncDaemon d;
  d.mcast_ifn = cfg.interface;
  if (cfg.id) {
    d.syncid = *cfg.id;
  } else if (!cfg.inst.empty()) {
    for (const auto& vi : model.vrrp.vrrp_instance) {
      if (vi.name == cfg.inst) {
        d.syncid = static_cast<std::uint8_t>(vi.virtual_router_id & 0xff);
        break;
      }
    }
  }
  d.sync_maxlen = cfg.maxlen.value_or(0);
  d.mcast_port = cfg.port.value_or(0);
  d.mcast_ttl = cfg.ttl.value_or(0);
  d.mcast_group = cfg.group;
  std::vector<SyncDaemon> out;
  if (cfg.inst.empty()) {
    d.role = SyncDaemon::Role::Master;
    out.push_back(d);
    d.role = SyncDaemon::Role::Backup;
    out.push_back(d);
  } else {
    d.role = inst_state;
    out.push_back(d);
  }
  return out;
}

}  // namespace vigil::ipvs
