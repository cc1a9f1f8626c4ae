// SPDX-License-Identifier: GPL-2.0-or-later
// LVS family: the top-level SSL block, virtual_server_group, virtual_server
// and real_server (checkers are in parse_checkers.cpp), and validate_lvs, which
// applies keepalived's cross-checks and resolves the inherited checker timing.
#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "parse_checkers.hpp"
#include "vigil/runtime/text.hpp"

namespace vigil::config::detail {

namespace {

using std::chrono::seconds;

constexpr Micros kDefaultDelayLoop{seconds(60)};
constexpr Micros kDefaultConnectTimeout{seconds(5)};
/// IPVS_SVC_PERSISTENT_TIMEOUT: what a bare `persistence_timeout` means.
constexpr std::uint32_t kDefaultPersistence = 6 * 60;
/// LVS_MAX_TIMEOUT: 31 days.
constexpr std::int64_t kMaxPersistence = 86400LL * 31;

const std::vector<std::string_view>& schedulers() {
  static const std::vector<std::string_view> s = {"rr",    "wrr", "lc", "wlc", "lblc",
                                                  "sh",    "mh",  "dh", "fo",  "ovf",
                                                  "lblcr", "sed", "nq", "twos"};
  return s;
}

/// `lvs_method NAT|DR|TUN [type {ipip|gue port NUM|gre}] [nocsum|csum|remcsum]`
/// (also `lb_kind`, `sorry_server_lvs_method`). Reports and returns nullopt
/// when the line is invalid, as keepalived then keeps the previous method.
std::optional<Forwarding> parse_forwarding(Ctx& ctx, const Node& n) {
  if (!need_args(ctx, n, 1, SIZE_MAX)) {
    return std::nullopt;
  }
  Forwarding f;
  const Token& m = n.args[0];
  if (m.is("NAT")) {
    f.method = LvsMethod::NAT;
  } else if (m.is("DR")) {
    f.method = LvsMethod::DR;
  } else if (m.is("TUN")) {
    f.method = LvsMethod::TUN;
  } else {
    bad_choice(ctx, n, m, {"NAT", "DR", "TUN"});
    return std::nullopt;
  }
  bool have_port = false;
  bool have_csum = false;
  for (std::size_t i = 1; i < n.args.size(); ++i) {
    const Token& t = n.args[i];
    if (t.is("type")) {
      if (i + 1 == n.args.size()) {
        ctx.error(t,
                  fmt::format("'{}': 'type' needs a tunnel type (ipip|gue|gre)", n.keyword.text));
        return std::nullopt;
      }
      auto type = get_enum(
          ctx, n, i + 1,
          Choices<TunType>{{"ipip", TunType::ipip}, {"gue", TunType::gue}, {"gre", TunType::gre}});
      if (!type) {
        return std::nullopt;
      }
      f.type = *type;
      ++i;
    } else if (t.is("port")) {
      if (i + 1 == n.args.size()) {
        ctx.error(t, fmt::format("'{}': 'port' needs the gue port number", n.keyword.text));
        return std::nullopt;
      }
      auto p = get_int(ctx, n, i + 1, 1, 65535);
      if (!p) {
        return std::nullopt;
      }
      f.port = static_cast<std::uint16_t>(*p);
      have_port = true;
      ++i;
    } else if (t.is("nocsum") || t.is("csum") || t.is("remcsum")) {
      f.csum = t.is("nocsum") ? TunCsum::nocsum : t.is("csum") ? TunCsum::csum : TunCsum::remcsum;
      have_csum = f.csum != TunCsum::nocsum;
    } else {
      ctx.error(t, fmt::format("'{}' is not a tunnel option for '{}' (expected type, port, "
                               "nocsum, csum or remcsum)",
                               text::printable(t.text), n.keyword.text));
      return std::nullopt;
    }
  }
  if ((f.type == TunType::gue) != have_port) {
    ctx.error(n.keyword, fmt::format("'{}': a gue tunnel needs 'port NUM', and only a gue tunnel "
                                     "takes a port",
                                     n.keyword.text));
    return std::nullopt;
  }
  if (f.type == TunType::ipip && have_csum) {
    ctx.error(n.keyword,
              fmt::format("'{}': ipip tunnels do not support a checksum option", n.keyword.text));
    return std::nullopt;
  }
  if (f.type == TunType::gre && f.csum == TunCsum::remcsum) {
    ctx.error(n.keyword, fmt::format("'{}': gre tunnels do not support remcsum", n.keyword.text));
    return std::nullopt;
  }
  return f;
}

/// Keeps the first of a repeated script keyword, as keepalived does.
template <class T>
Keyword<T> kw_once_script(std::string_view name, OptionalScript T::*field) {
  return {name, Shape::Value, [field](Ctx& ctx, const Node& n, T& obj) {
            if (obj.*field) {
              ctx.error(n.keyword,
                        fmt::format("'{}' is already set; this one is ignored", n.keyword.text));
              return;
            }
            if (auto s = get_script(ctx, n)) {
              obj.*field = std::move(*s);
            }
          }};
}

/// `retry` of a server: keepalived wants 1..UINT32_MAX there (0 is only valid
/// on a checker).
template <class T>
Keyword<T> kw_server_retry(std::optional<std::uint32_t> T::*field) {
  return kw_int("retry", field, 1, UINT32_MAX);
}

// ---------------------------------------------------------------------------
// real_server

const Table<RealServer>& real_server_table() {
  static const Table<RealServer> t("real_server", [] {
    std::vector<Keyword<RealServer>> k = {
        kw_int("weight", &RealServer::weight, 0, INT32_MAX),
        {"lvs_method", Shape::Value,
         [](Ctx& ctx, const Node& n, RealServer& rs) {
           if (auto f = parse_forwarding(ctx, n)) {
             rs.lvs_method = *f;
           }
         }},
        kw_int("uthreshold", &RealServer::uthreshold, 0, UINT32_MAX),
        kw_int("lthreshold", &RealServer::lthreshold, 0, UINT32_MAX),
        kw_bool("inhibit_on_failure", &RealServer::inhibit_on_failure),
        kw_once_script("notify_up", &RealServer::notify_up),
        kw_once_script("notify_down", &RealServer::notify_down),
        kw_bool("alpha", &RealServer::alpha),
        kw_server_retry(&RealServer::retry),
        kw_timer("delay_before_retry", &RealServer::delay_before_retry, Micros(0), kMaxTimer),
        kw_timer("warmup", &RealServer::warmup, Micros(0), kMaxTimer),
        kw_timer("connect_timeout", &RealServer::connect_timeout, Micros(1), kMaxConnectTimeout),
        kw_timer("delay_loop", &RealServer::delay_loop, Micros(1), kMaxTimer),
        kw_bool("smtp_alert", &RealServer::smtp_alert),
        kw_string("virtualhost", &RealServer::virtualhost),
        kw_string("snmp_name", &RealServer::snmp_name),
    };
    for (std::string_view c : kCheckerKeywords) {
      k.push_back({c, Shape::Block, parse_checker});
    }
    return k;
  }());
  return t;
}

/// `IP [PORT]` of real_server / sorry_server. The port may be 0 or absent.
bool get_server_addr(Ctx& ctx, const Node& n, IpAddress& ip, std::optional<std::uint16_t>& port) {
  if (!need_args(ctx, n, 1, 2)) {
    return false;
  }
  auto a = get_ip(ctx, n, 0);
  if (!a) {
    return false;
  }
  ip = *a;
  if (n.args.size() > 1) {
    auto p = get_port(ctx, n, 1);
    if (!p) {
      return false;
    }
    port = *p;
  }
  return true;
}

// ---------------------------------------------------------------------------
// virtual_server

/// Scheduler flag keywords: keepalived accepts sh-port/sh-fallback only once
/// `lvs_sched sh` has been seen, mh-port/mh-fallback only after `lvs_sched mh`.
Keyword<VirtualServer> kw_sched_flag(std::string_view name, bool VirtualServer::*field,
                                     std::string_view sched) {
  return {name, Shape::Value, [field, sched](Ctx& ctx, const Node& n, VirtualServer& vs) {
            if (!need_args(ctx, n, 0, 0)) {
              return;
            }
            if (!sched.empty() && vs.lvs_sched != sched &&
                !(sched == "sh|mh" && (vs.lvs_sched == "sh" || vs.lvs_sched == "mh"))) {
              ctx.error(n.keyword,
                        fmt::format("'{}' only applies to the {} scheduler and must follow "
                                    "'lvs_sched {}' (lvs_sched is {} here); ignored",
                                    n.keyword.text, sched, sched,
                                    vs.lvs_sched.empty() ? "not set" : "'" + vs.lvs_sched + "'"));
              return;
            }
            vs.*field = true;
          }};
}

Keyword<VirtualServer> kw_sched() {
  return {"lvs_sched", Shape::Value, [](Ctx& ctx, const Node& n, VirtualServer& vs) {
            if (!need_args(ctx, n, 1, 1)) {
              return;
            }
            const auto& s = schedulers();
            if (std::find(s.begin(), s.end(), n.args[0].text) == s.end()) {
              bad_choice(ctx, n, n.args[0], s);
              return;
            }
            vs.lvs_sched = n.args[0].text;
          }};
}

Keyword<VirtualServer> kw_vs_method() {
  return {"lvs_method", Shape::Value, [](Ctx& ctx, const Node& n, VirtualServer& vs) {
            if (auto f = parse_forwarding(ctx, n)) {
              vs.lvs_method = *f;
            }
          }};
}

/// An old keyword name keepalived still accepts silently.
template <class T>
Keyword<T> kw_legacy(std::string_view old_name, Keyword<T> k) {
  k.name = old_name;
  return k;
}

const Table<VirtualServer>& virtual_server_table() {
  static const Table<VirtualServer> t("virtual_server", [] {
    std::vector<Keyword<VirtualServer>> k = {
        {"ip_family", Shape::Value,
         [](Ctx& ctx, const Node& n, VirtualServer& vs) {
           if (!need_args(ctx, n, 1, 1)) {
             return;
           }
           auto f = get_enum(ctx, n, 0,
                             Choices<Family>{{"inet", Family::Inet}, {"inet6", Family::Inet6}});
           if (!f) {
             return;
           }
           if (vs.ip && vs.ip->family != *f) {
             ctx.error(n.args[0], fmt::format("ip_family {} conflicts with the virtual server "
                                              "address {}",
                                              n.args[0].text, vs.ip->str()));
             return;
           }
           vs.ip_family = *f;
         }},
        kw_server_retry(&VirtualServer::retry),
        kw_timer("delay_before_retry", &VirtualServer::delay_before_retry, Micros(0), kMaxTimer),
        kw_timer("warmup", &VirtualServer::warmup, Micros(0), kMaxTimer),
        kw_timer("connect_timeout", &VirtualServer::connect_timeout, Micros(1), kMaxConnectTimeout),
        kw_timer("delay_loop", &VirtualServer::delay_loop, Micros(1), kMaxTimer),
        {"inhibit_on_failure", Shape::Value,
         [](Ctx& ctx, const Node& n, VirtualServer& vs) {
           // keepalived ignores any argument here and sets the flag.
           if (need_args(ctx, n, 0, 1)) {
             vs.inhibit_on_failure = get_bool(ctx, n, 0).value_or(true);
           }
         }},
        kw_sched(),
        kw_legacy("lb_algo", kw_sched()),
        kw_sched_flag("hashed", &VirtualServer::hashed, "sh|mh"),
        kw_sched_flag("ops", &VirtualServer::ops, ""),
        kw_sched_flag("flag-1", &VirtualServer::flag_1, ""),
        kw_sched_flag("flag-2", &VirtualServer::flag_2, ""),
        kw_sched_flag("flag-3", &VirtualServer::flag_3, ""),
        kw_sched_flag("sh-port", &VirtualServer::sh_port, "sh"),
        kw_sched_flag("sh-fallback", &VirtualServer::sh_fallback, "sh"),
        kw_sched_flag("mh-port", &VirtualServer::mh_port, "mh"),
        kw_sched_flag("mh-fallback", &VirtualServer::mh_fallback, "mh"),
        kw_vs_method(),
        kw_legacy("lb_kind", kw_vs_method()),
        {"persistence_engine", Shape::Value,
         [](Ctx& ctx, const Node& n, VirtualServer& vs) {
           if (!need_args(ctx, n, 1, 1)) {
             return;
           }
           // IP_VS_PENAME_MAXLEN is 16 including the terminator.
           if (n.args[0].text.size() > 15) {
             ctx.error(n.args[0], fmt::format("persistence_engine '{}' is longer than 15 "
                                              "characters",
                                              text::printable(n.args[0].text)));
             return;
           }
           vs.persistence_engine = n.args[0].text;
         }},
        {"persistence_timeout", Shape::Value,
         [](Ctx& ctx, const Node& n, VirtualServer& vs) {
           if (!need_args(ctx, n, 0, 1)) {
             return;
           }
           if (n.args.empty()) {
             vs.persistence_timeout = kDefaultPersistence;
           } else if (auto v = get_int(ctx, n, 0, 1, kMaxPersistence)) {
             vs.persistence_timeout = static_cast<std::uint32_t>(*v);
           }
         }},
        {"persistence_granularity", Shape::Value,
         [](Ctx& ctx, const Node& n, VirtualServer& vs) {
           if (!need_args(ctx, n, 1, 1)) {
             return;
           }
           const std::string& s = n.args[0].text;
           Family af = vs.ip ? vs.ip->family : vs.ip_family.value_or(Family::None);
           if (af == Family::None) {
             af = s.find('.') != std::string::npos ? Family::Inet : Family::Inet6;
           }
           Granularity g;
           if (af == Family::Inet6) {
             auto v = parse_int(s);
             if (!v || *v < 1 || *v > 128) {
               ctx.error(n.args[0], fmt::format("'{}' for 'persistence_granularity' is not an "
                                                "IPv6 prefix length (1-128)",
                                                text::printable(s)));
               return;
             }
             g.prefix_len = static_cast<std::uint8_t>(*v);
           } else {
             auto a = IpAddress::parse(s);
             if (!a || !a->is_v4()) {
               ctx.error(n.args[0], fmt::format("'{}' for 'persistence_granularity' is not an "
                                                "IPv4 netmask",
                                                text::printable(s)));
               return;
             }
             g.netmask = *a;
           }
           vs.persistence_granularity = g;
           if (!vs.ip_family && !vs.ip) {
             vs.ip_family = af;
           }
           if (!vs.persistence_timeout) {
             vs.persistence_timeout = kDefaultPersistence;
           }
         }},
        {"protocol", Shape::Value,
         [](Ctx& ctx, const Node& n, VirtualServer& vs) {
           if (!need_args(ctx, n, 1, 1)) {
             return;
           }
           // keepalived compares case-insensitively.
           std::string up = n.args[0].text;
           std::transform(up.begin(), up.end(), up.begin(), [](char c) {
             return static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
           });
           if (up == "TCP") {
             vs.protocol = LvsProtocol::TCP;
           } else if (up == "UDP") {
             vs.protocol = LvsProtocol::UDP;
           } else if (up == "SCTP") {
             vs.protocol = LvsProtocol::SCTP;
           } else {
             bad_choice(ctx, n, n.args[0], {"TCP", "UDP", "SCTP"});
           }
         }},
        kw_flag("ha_suspend", &VirtualServer::ha_suspend),
        kw_bool("smtp_alert", &VirtualServer::smtp_alert),
        kw_string("virtualhost", &VirtualServer::virtualhost),
        kw_string("snmp_name", &VirtualServer::snmp_name),
        kw_bool("alpha", &VirtualServer::alpha),
        kw_flag("omega", &VirtualServer::omega),
        kw_once_script("quorum_up", &VirtualServer::quorum_up),
        kw_once_script("quorum_down", &VirtualServer::quorum_down),
        kw_int("quorum", &VirtualServer::quorum, 1, UINT32_MAX),
        kw_int("hysteresis", &VirtualServer::hysteresis, 0, UINT32_MAX),
        kw_int("weight", &VirtualServer::weight, 1, INT32_MAX),
        {"sorry_server", Shape::Value,
         [](Ctx& ctx, const Node& n, VirtualServer& vs) {
           SorryServer s;
           s.loc = ctx.loc(n);
           if (get_server_addr(ctx, n, s.ip, s.port)) {
             vs.sorry_server = std::move(s);
           }
         }},
        {"sorry_server_inhibit", Shape::Value,
         [](Ctx& ctx, const Node& n, VirtualServer& vs) {
           if (!need_args(ctx, n, 0, 1)) {
             return;
           }
           if (!vs.sorry_server) {
             ctx.error(n.keyword, "'sorry_server_inhibit' must follow 'sorry_server'; ignored");
             return;
           }
           vs.sorry_server->inhibit = get_bool(ctx, n, 0).value_or(true);
         }},
        {"sorry_server_lvs_method", Shape::Value,
         [](Ctx& ctx, const Node& n, VirtualServer& vs) {
           if (!vs.sorry_server) {
             ctx.error(n.keyword, "'sorry_server_lvs_method' must follow 'sorry_server'; ignored");
             return;
           }
           if (auto f = parse_forwarding(ctx, n)) {
             vs.sorry_server->lvs_method = *f;
           }
         }},
        {"real_server", Shape::Block,
         [](Ctx& ctx, const Node& n, VirtualServer& vs) {
           RealServer rs;
           rs.loc = ctx.loc(n);
           if (!get_server_addr(ctx, n, rs.ip, rs.port)) {
             return;
           }
           dispatch(ctx, n, rs, real_server_table());
           vs.real_server.push_back(std::move(rs));
         }},
    };
    return k;
  }());
  return t;
}

// ---------------------------------------------------------------------------
// virtual_server_group

/// `A`, `A-N` (last part of the address), `A-B` (full end address) or `A/len`.
std::optional<VsgRange> parse_vsg_range(Ctx& ctx, const Token& t) {
  const std::string& s = t.text;
  VsgRange r;
  r.loc = ctx.loc(t);
  const auto slash = s.find('/');
  const auto dash = s.find('-');
  auto bad = [&](const std::string& why) {
    ctx.error(t, fmt::format("'{}' is not a virtual_server_group address or range: {}",
                             text::printable(s), why));
    return std::nullopt;
  };
  if (slash != std::string::npos) {
    auto p = Prefix::parse(s);
    if (!p || !p->has_len) {
      return bad("bad prefix");
    }
    r.first = p->addr;
    r.last = p->addr;
    const unsigned bits = p->addr.is_v4() ? 32U : 128U;
    for (unsigned b = p->len; b < bits; ++b) {
      const std::size_t byte = b / 8;
      const auto bit = static_cast<std::uint8_t>(0x80U >> (b % 8));
      r.first.bytes[byte] = static_cast<std::uint8_t>(r.first.bytes[byte] & ~bit);
      r.last.bytes[byte] = static_cast<std::uint8_t>(r.last.bytes[byte] | bit);
    }
    return r;
  }
  auto first = IpAddress::parse(s.substr(0, dash));
  if (!first) {
    return bad("not an IP address");
  }
  r.first = *first;
  r.last = *first;
  if (dash == std::string::npos) {
    return r;
  }
  const std::string end = s.substr(dash + 1);
  if (auto full = IpAddress::parse(end); full && full->family == first->family) {
    r.last = *full;
  } else if (first->is_v4()) {
    auto v = parse_int(end);
    if (!v || *v < 0 || *v > 255) {
      return bad(fmt::format("range end '{}' must be 0-255 or a full address", end));
    }
    r.last.bytes[3] = static_cast<std::uint8_t>(*v);
  } else {
    auto v = parse_int(end, 16);
    if (!v || *v < 0 || *v > 0xffff) {
      return bad(fmt::format("range end '{}' must be a hex group 0-ffff or a full address", end));
    }
    r.last.bytes[14] = static_cast<std::uint8_t>(*v >> 8);
    r.last.bytes[15] = static_cast<std::uint8_t>(*v & 0xff);
  }
  if (!(r.first < r.last)) {
    return bad("the end of the range is not greater than its start");
  }
  return r;
}

void parse_vsg(Ctx& ctx, const Node& n, Model& m) {
  if (!need_args(ctx, n, 1, 1)) {
    return;
  }
  VirtualServerGroup g;
  g.name = n.args[0].text;
  g.loc = ctx.loc(n);
  for (const Node& c : n.children) {
    if (c.has_block) {
      ctx.error(c.keyword, "virtual_server_group entries do not take a { } block");
      continue;
    }
    if (c.keyword.is("fwmark")) {
      if (!need_args(ctx, c, 1, 2)) {
        continue;
      }
      VsgFwmark f;
      f.loc = ctx.loc(c);
      auto v = get_int(ctx, c, 0, 0, UINT32_MAX);
      if (!v) {
        continue;
      }
      f.fwmark = static_cast<std::uint32_t>(*v);
      if (c.args.size() > 1) {
        auto fam =
            get_enum(ctx, c, 1, Choices<Family>{{"inet", Family::Inet}, {"inet6", Family::Inet6}});
        if (!fam) {
          continue;
        }
        f.family = *fam;
      }
      g.fwmark.push_back(f);
      continue;
    }
    // `<IPADDR[RANGE]> [<PORT>]`: the keyword token is the address.
    auto r = parse_vsg_range(ctx, c.keyword);
    if (!r) {
      continue;
    }
    if (c.args.size() > 1) {
      ctx.error(c.args[1], fmt::format("unexpected '{}' after the address and port",
                                       text::printable(c.args[1].text)));
      continue;
    }
    if (!c.args.empty()) {
      auto p = parse_int(c.args[0].text);
      if (!p || *p < 0 || *p > 65535) {
        ctx.error(c.args[0],
                  fmt::format("'{}' is not a port (0-65535)", text::printable(c.args[0].text)));
        continue;
      }
      r->port = static_cast<std::uint16_t>(*p);
    }
    g.addresses.push_back(*r);
  }
  if (g.addresses.empty() && g.fwmark.empty()) {
    ctx.error(n.keyword,
              fmt::format("virtual_server_group {} has no entries; it is ignored", g.name));
    return;
  }
  const bool v4 = std::any_of(g.addresses.begin(), g.addresses.end(),
                              [](const VsgRange& r) { return r.first.is_v4(); });
  const bool v6 = std::any_of(g.addresses.begin(), g.addresses.end(),
                              [](const VsgRange& r) { return r.first.is_v6(); });
  const bool fwm_no_family =
      std::any_of(g.fwmark.begin(), g.fwmark.end(), [](const VsgFwmark& f) { return !f.family; });
  if (v4 && v6 && fwm_no_family) {
    ctx.error(n.keyword, fmt::format("virtual_server_group {} has IPv4 and IPv6 addresses and a "
                                     "fwmark without inet|inet6; it is ignored",
                                     g.name));
    return;
  }
  m.lvs.virtual_server_group.push_back(std::move(g));
}

void parse_vs(Ctx& ctx, const Node& n, Model& m) {
  if (!need_args(ctx, n, 1, 2)) {
    return;
  }
  VirtualServer vs;
  vs.loc = ctx.loc(n);
  if (n.args[0].is("fwmark")) {
    if (!need_args(ctx, n, 2, 2)) {
      return;
    }
    // keepalived reads 0 as "no fwmark" and ends up with a garbage service.
    auto v = get_int(ctx, n, 1, 1, UINT32_MAX);
    if (!v) {
      return;
    }
    vs.fwmark = static_cast<std::uint32_t>(*v);
  } else if (n.args[0].is("group")) {
    if (!need_args(ctx, n, 2, 2)) {
      return;
    }
    vs.group = n.args[1].text;
  } else {
    auto ip = get_ip(ctx, n, 0);
    if (!ip) {
      return;
    }
    vs.ip = *ip;
    if (n.args.size() > 1) {
      auto p = get_port(ctx, n, 1);
      if (!p) {
        return;
      }
      vs.port = *p;
    }
  }
  dispatch(ctx, n, vs, virtual_server_table());
  // Large configurations hold 100,000s of these: drop the vectors' growth slack.
  for (auto& rs : vs.real_server) {
    rs.checkers.shrink_to_fit();
  }
  vs.real_server.shrink_to_fit();
  m.lvs.virtual_server.push_back(std::move(vs));
}

const Table<SslConfig>& ssl_table() {
  static const Table<SslConfig> t("SSL", {
                                             kw_string("password", &SslConfig::password),
                                             kw_string("ca", &SslConfig::ca),
                                             kw_string("certificate", &SslConfig::certificate),
                                             kw_string("key", &SslConfig::key),
                                         });
  return t;
}

// ---------------------------------------------------------------------------
// Validation helpers

std::string vs_name(const VirtualServer& vs) {
  if (vs.fwmark) {
    return fmt::format("fwmark {}", *vs.fwmark);
  }
  if (!vs.group.empty()) {
    return fmt::format("group {}", vs.group);
  }
  if (vs.ip) {
    return vs.port ? fmt::format("{} {}", vs.ip->str(), *vs.port) : vs.ip->str();
  }
  return "?";
}

const char* protocol_name(const std::optional<LvsProtocol>& p) {
  if (!p) {
    return "none";
  }
  switch (*p) {
    case LvsProtocol::TCP:
      return "TCP";
    case LvsProtocol::UDP:
      return "UDP";
    case LvsProtocol::SCTP:
      return "SCTP";
  }
  return "?";
}

bool is_tunnel(const std::optional<Forwarding>& f) {
  return f && f->method == LvsMethod::TUN;
}

/// Fills a checker's timing from the real server, the virtual server and the
/// checker kind's defaults (keepalived: retry 1, MISC_CHECK 0, DNS_CHECK 3;
/// delay_before_retry 1 s, HTTP_GET/SSL_GET 3 s, DNS_CHECK delay_loop;
/// warmup = delay_loop; connect_timeout 5 s).
void resolve_timing(CheckerTiming& c, const VirtualServer& vs, const RealServer& rs,
                    std::uint32_t default_retry, std::optional<Micros> default_dbr) {
  if (!c.delay_loop) {
    c.delay_loop = rs.delay_loop   ? rs.delay_loop
                   : vs.delay_loop ? vs.delay_loop
                                   : kDefaultDelayLoop;
  }
  if (!c.retry) {
    c.retry = rs.retry ? rs.retry : vs.retry ? vs.retry : default_retry;
  }
  if (!c.delay_before_retry) {
    c.delay_before_retry = rs.delay_before_retry   ? rs.delay_before_retry
                           : vs.delay_before_retry ? vs.delay_before_retry
                                                   : default_dbr.value_or(*c.delay_loop);
  }
  if (!c.warmup) {
    c.warmup = rs.warmup ? rs.warmup : vs.warmup ? vs.warmup : c.delay_loop;
  }
  if (!c.alpha) {
    c.alpha = rs.alpha ? *rs.alpha : vs.alpha;
  }
}

void resolve_conn(ConnOpts& c, const VirtualServer& vs, const RealServer& rs) {
  if (!c.connect_timeout) {
    c.connect_timeout = rs.connect_timeout   ? rs.connect_timeout
                        : vs.connect_timeout ? vs.connect_timeout
                                             : kDefaultConnectTimeout;
  }
}

void resolve_checker(CheckerSpec& spec, const VirtualServer& vs, const RealServer& rs) {
  std::visit(
      [&](auto& c) {
        using C = std::decay_t<decltype(c)>;
        if constexpr (std::is_base_of_v<HttpGet, C>) {
          resolve_timing(c, vs, rs, 1, Micros(seconds(3)));
          resolve_conn(c, vs, rs);
          if (c.virtualhost.empty()) {
            c.virtualhost = !rs.virtualhost.empty() ? rs.virtualhost : vs.virtualhost;
          }
        } else if constexpr (std::is_same_v<C, MiscCheck>) {
          resolve_timing(c, vs, rs, 0, Micros(seconds(1)));
        } else if constexpr (std::is_same_v<C, DnsCheck>) {
          resolve_timing(c, vs, rs, 3, std::nullopt);
          resolve_conn(c, vs, rs);
        } else if constexpr (std::is_base_of_v<CheckerTiming, C>) {
          resolve_timing(c, vs, rs, 1, Micros(seconds(1)));
          resolve_conn(c, vs, rs);
        } else if constexpr (std::is_same_v<C, BfdCheck>) {
          if (!c.alpha) {
            c.alpha = rs.alpha ? *rs.alpha : vs.alpha;
          }
        }
      },
      spec);
}

}  // namespace

void add_lvs_keywords(TopTable& top) {
  top.push_back({"SSL", Shape::Block, [](Ctx& ctx, const Node& n, Model& m) {
                   if (!need_args(ctx, n, 0, 0)) {
                     return;
                   }
                   if (m.lvs.ssl) {
                     ctx.error(n.keyword, "SSL is already configured; this block replaces it");
                   }
                   SslConfig s;
                   s.loc = ctx.loc(n);
                   dispatch(ctx, n, s, ssl_table());
                   m.lvs.ssl = std::move(s);
                 }});
  top.push_back({"virtual_server_group", Shape::Block, parse_vsg});
  top.push_back({"virtual_server", Shape::Block, parse_vs});
}

void validate_lvs(Ctx& ctx, Model& m) {
  std::map<std::string_view, const VirtualServerGroup*> groups;
  for (const auto& g : m.lvs.virtual_server_group) {
    groups.emplace(g.name, &g);
  }
  // (kind, ip/fwmark/group, port, protocol) of services seen so far.
  std::map<std::tuple<int, std::string, int, int>, SourceLoc> services;

  for (auto& vs : m.lvs.virtual_server) {
    const std::string name = vs_name(vs);
    const VirtualServerGroup* group = nullptr;
    if (!vs.group.empty()) {
      auto it = groups.find(vs.group);
      if (it == groups.end()) {
        ctx.error(vs.loc, fmt::format("virtual_server group {}: no virtual_server_group named "
                                      "'{}'",
                                      vs.group, vs.group));
      } else {
        group = it->second;
      }
    }

    // Which kind of service this is: addresses (need protocol and port) or
    // fwmarks only (protocol is meaningless).
    const bool has_addresses = vs.ip.has_value() || (group != nullptr && !group->addresses.empty());
    const bool fwmark_only =
        vs.fwmark.has_value() || (group != nullptr && group->addresses.empty());
    if (has_addresses && !vs.protocol) {
      ctx.warning(vs.loc, fmt::format("virtual_server {} has no 'protocol' (TCP|UDP|SCTP)", name));
    }
    if (fwmark_only && vs.protocol) {
      ctx.warning(vs.loc, fmt::format("virtual_server {}: 'protocol' is ignored for a fwmark "
                                      "service",
                                      name));
    }
    if (vs.lvs_sched.empty()) {
      ctx.warning(vs.loc, fmt::format("virtual_server {} has no 'lvs_sched'; using wlc", name));
    }
    if (!vs.lvs_method) {
      ctx.warning(vs.loc, fmt::format("virtual_server {} has no 'lvs_method'; using NAT", name));
    }
    if (vs.ops && vs.protocol != LvsProtocol::UDP) {
      ctx.warning(vs.loc, fmt::format("virtual_server {}: 'ops' (one-packet scheduling) needs "
                                      "protocol UDP; ignored",
                                      name));
    }
    // Port 0 (or none) is only valid for persistent services.
    const bool persistent = vs.persistence_timeout.has_value();
    if (!persistent) {
      if (vs.ip && vs.port.value_or(0) == 0) {
        ctx.warning(vs.loc, fmt::format("virtual_server {}: a port is required unless the "
                                        "service is persistent (persistence_timeout)",
                                        name));
      } else if (group != nullptr) {
        for (const auto& r : group->addresses) {
          if (r.port.value_or(0) == 0) {
            ctx.warning(r.loc, fmt::format("virtual_server group {}: this address has no port, "
                                           "which is only valid for a persistent service",
                                           vs.group));
          }
        }
      }
    }

    // Duplicate services.
    if (vs.ip || vs.fwmark || group != nullptr) {
      const int kind = vs.ip ? 0 : vs.fwmark ? 1 : 2;
      std::string id = vs.ip ? vs.ip->str() : vs.fwmark ? std::to_string(*vs.fwmark) : vs.group;
      const int proto = fwmark_only ? -1 : static_cast<int>(vs.protocol.value_or(LvsProtocol::UDP));
      auto key = std::make_tuple(kind, std::move(id), static_cast<int>(vs.port.value_or(0)), proto);
      auto [it, fresh] = services.emplace(key, vs.loc);
      if (!fresh) {
        ctx.error(vs.loc, fmt::format("virtual_server {} ({}) is already defined at line {}", name,
                                      protocol_name(vs.protocol), it->second.line));
      }
    }

    // Address family of the service.
    Family af = vs.ip ? vs.ip->family : vs.ip_family.value_or(Family::None);
    if (af == Family::None && group != nullptr && !group->addresses.empty()) {
      af = group->addresses.front().first.family;
    }
    if (vs.sorry_server &&
        !is_tunnel(vs.sorry_server->lvs_method ? vs.sorry_server->lvs_method : vs.lvs_method)) {
      if (af == Family::None) {
        af = vs.sorry_server->ip.family;
      } else if (af != vs.sorry_server->ip.family) {
        ctx.error(vs.sorry_server->loc,
                  fmt::format("sorry_server {}: its address family does not match virtual_server "
                              "{}; it is ignored",
                              vs.sorry_server->ip.str(), name));
        vs.sorry_server.reset();
      }
    }

    // Real servers: effective forwarding, family, duplicates, thresholds.
    std::set<std::pair<IpAddress, int>> seen;
    for (auto it = vs.real_server.begin(); it != vs.real_server.end();) {
      RealServer& rs = *it;
      if (!rs.lvs_method) {
        rs.lvs_method = vs.lvs_method.value_or(Forwarding{});
      }
      if (!rs.inhibit_on_failure) {
        rs.inhibit_on_failure = vs.inhibit_on_failure;
      }
      // Only NAT can map ports: DR and TUN deliver to the virtual server's port.
      if (rs.lvs_method && rs.lvs_method->method != LvsMethod::NAT && vs.port && rs.port &&
          *rs.port != *vs.port) {
        ctx.warning(rs.loc,
                    fmt::format("real_server {} port {} does not match virtual_server "
                                "{} port {}, which {} forwarding cannot change; using "
                                "port {}",
                                rs.ip.str(), *rs.port, name, *vs.port,
                                rs.lvs_method->method == LvsMethod::DR ? "DR" : "TUN", *vs.port));
        rs.port = vs.port;
      }
      if (!is_tunnel(rs.lvs_method)) {
        if (af == Family::None) {
          af = rs.ip.family;
        } else if (af != rs.ip.family) {
          ctx.error(rs.loc, fmt::format("real_server {}: its address family does not match "
                                        "virtual_server {} (only TUN real servers may differ); "
                                        "it is ignored",
                                        rs.ip.str(), name));
          it = vs.real_server.erase(it);
          continue;
        }
      }
      if (!seen.emplace(rs.ip, rs.port ? static_cast<int>(*rs.port) : -1).second) {
        ctx.warning(rs.loc,
                    fmt::format("real_server {}{} is duplicated in virtual_server {}; "
                                "the second one is ignored",
                                rs.ip.str(), rs.port ? " " + std::to_string(*rs.port) : "", name));
        it = vs.real_server.erase(it);
        continue;
      }
      if (rs.uthreshold != 0 && rs.lthreshold > rs.uthreshold) {
        ctx.error(rs.loc, fmt::format("real_server {}: lthreshold {} is greater than uthreshold {}",
                                      rs.ip.str(), rs.lthreshold, rs.uthreshold));
      }
      for (auto& c : rs.checkers) {
        resolve_checker(c, vs, rs);
        if (const auto* b = std::get_if<BfdCheck>(&c)) {
          const auto& insts = m.bfd.bfd_instance;
          if (std::none_of(insts.begin(), insts.end(),
                           [&](const BfdInstance& i) { return i.name == b->name; })) {
            ctx.error(b->loc, fmt::format("BFD_CHECK names bfd_instance '{}', which is not "
                                          "configured",
                                          b->name));
          }
        }
      }
      ++it;
    }

    if (vs.real_server.empty()) {
      ctx.warning(vs.loc, fmt::format("virtual_server {} has no real servers", name));
      continue;
    }
    // Quorum against the weights that can ever be up.
    std::uint64_t total = 0;
    for (const auto& rs : vs.real_server) {
      total += rs.weight;
    }
    std::uint64_t quorum = vs.quorum;
    if (quorum > total) {
      ctx.warning(vs.loc, fmt::format("virtual_server {}: quorum {} exceeds the total weight of "
                                      "its real servers ({})",
                                      name, vs.quorum, total));
      quorum = total;
    }
    if (vs.hysteresis >= quorum) {
      ctx.warning(vs.loc, fmt::format("virtual_server {}: hysteresis {} must be less than the "
                                      "quorum ({})",
                                      name, vs.hysteresis, quorum));
    }
  }
}

}  // namespace vigil::config::detail
