// SPDX-License-Identifier: GPL-2.0-or-later
// global_defs and the other top-level global keywords: net_namespace, instance,
// linkbeat_interfaces, track_group, interface_up_down_delays and the static_*
// address/route/rule blocks. Ranges and messages follow keepalived 2.2.7's
// checks so `vigild -t` reaches the same verdict.

#include <algorithm>
#include <array>
#include <cctype>

#include "parse_net.hpp"
#include "vigil/runtime/text.hpp"

namespace vigil::config::detail {

namespace {

using std::chrono::seconds;

constexpr std::int64_t kMaxSecs = UINT32_MAX / 1'000'000;  // 4294, keepalived's TIMER_MAX_SEC

/// A flag; keepalived ignores anything after it, so extra words only get a note.
template <class T, class M>
Keyword<T> kw_flag_lenient(std::string_view name, M T::*field) {
  return {name, Shape::Value, [field](Ctx& ctx, const Node& n, T& obj) {
            if (!n.args.empty()) {
              ctx.note(n.args[0], fmt::format("'{}' takes no argument; '{}' is ignored",
                                              n.keyword.text, text::printable(n.args[0].text)));
            }
            obj.*field = true;
          }};
}

/// One word; keepalived takes the first and ignores the rest.
template <class T, class M>
Keyword<T> kw_word(std::string_view name, M T::*field) {
  return {name, Shape::Value, [field](Ctx& ctx, const Node& n, T& obj) {
            if (!need_args(ctx, n, 1, SIZE_MAX)) {
              return;
            }
            if (n.args.size() > 1) {
              ctx.note(n.args[1], fmt::format("'{}' takes one word; '{}' and what follows is "
                                              "ignored",
                                              n.keyword.text, text::printable(n.args[1].text)));
            }
            obj.*field = n.args[0].text;
          }};
}

/// A repeat count that keepalived requires to be at least 1.
template <class T, class M>
Keyword<T> kw_count(std::string_view name, M T::*field, std::int64_t lo) {
  return kw_int(name, field, lo, INT32_MAX);
}

/// A user (and optional group) that must exist on this host, as keepalived
/// checks; the lookups come from LoadOptions (unset: not checked).
bool check_user_group(Ctx& ctx, const Node& n, std::size_t i) {
  if (i >= n.args.size()) {
    return true;
  }
  bool ok = true;
  const std::string& user = n.args[i].text;
  if (ctx.opts().user_exists && !ctx.opts().user_exists(user)) {
    ctx.error(n.args[i], fmt::format("user '{}' for '{}' does not exist", text::printable(user),
                                     n.keyword.text));
    ok = false;
  }
  if (i + 1 < n.args.size()) {
    const std::string& group = n.args[i + 1].text;
    if (ctx.opts().group_exists && !ctx.opts().group_exists(group)) {
      ctx.error(n.args[i + 1], fmt::format("group '{}' for '{}' does not exist",
                                           text::printable(group), n.keyword.text));
      ok = false;
    }
  }
  return ok;
}

template <class T>
Keyword<T> kw_fifo(std::string_view name, std::optional<NotifyFifo> T::*field) {
  return {name, Shape::Value, [field](Ctx& ctx, const Node& n, T& obj) {
            if (!need_args(ctx, n, 1, SIZE_MAX)) {
              return;
            }
            if (n.args.size() > 3) {
              ctx.note(n.args[3], fmt::format("'{}' takes FIFO [user [group]]; '{}' and what "
                                              "follows is ignored",
                                              n.keyword.text, text::printable(n.args[3].text)));
            }
            NotifyFifo f;
            f.name = n.args[0].text;
            f.user = n.args.size() > 1 ? n.args[1].text : std::string();
            f.group = n.args.size() > 2 ? n.args[2].text : std::string();
            obj.*field = std::move(f);
          }};
}

template <class T>
Keyword<T> kw_cpus(std::string_view name, std::vector<std::uint32_t> T::*field) {
  return {name, Shape::Value, [field](Ctx& ctx, const Node& n, T& obj) {
            if (!need_args(ctx, n, 1, SIZE_MAX)) {
              return;
            }
            std::vector<std::uint32_t> cpus;
            for (std::size_t i = 0; i < n.args.size(); ++i) {
              // CPU_SETSIZE is 1024.
              auto v = get_int(ctx, n, i, 0, 1023);
              if (!v) {
                return;
              }
              cpus.push_back(static_cast<std::uint32_t>(*v));
            }
            obj.*field = std::move(cpus);
          }};
}

/// Real-time priority 1..99.
template <class T>
Keyword<T> kw_rt_priority(std::string_view name, std::optional<int> T::*field) {
  return kw_int(name, field, 1, 99);
}

template <class T>
Keyword<T> kw_mcast(std::string_view name, std::optional<IpAddress> T::*field, Family fam) {
  return {name, Shape::Value, [field, fam](Ctx& ctx, const Node& n, T& obj) {
            if (!need_args(ctx, n, 1, 1)) {
              return;
            }
            auto a = get_ip(ctx, n, 0);
            if (!a) {
              return;
            }
            if (a->family != fam) {
              ctx.error(n.args[0],
                        fmt::format("'{}' for '{}' is not an {} address", a->str(), n.keyword.text,
                                    fam == Family::Inet ? "IPv4" : "IPv6"));
              return;
            }
            if (!a->is_multicast()) {
              ctx.error(n.args[0], fmt::format("'{}' for '{}' is not a multicast address", a->str(),
                                               n.keyword.text));
              return;
            }
            obj.*field = *a;
          }};
}

/// A keyword that keepalived 2.2.7 no longer knows: a warning (keepalived
/// reports it as unknown) naming its replacement; the value is not used.
template <class T>
Keyword<T> kw_removed(std::string_view name, std::string_view instead) {
  return {name, Shape::Any, [instead](Ctx& ctx, const Node& n, T&) {
            ctx.warning(n.keyword, fmt::format("'{}' is no longer supported (keepalived removed "
                                               "it); use {}; ignored",
                                               n.keyword.text, instead));
          }};
}

// ---------------------------------------------------------------------------
// global_defs handlers that need more than a builder

void smtp_server(Ctx& ctx, const Node& n, GlobalDefs& g) {
  if (!need_args(ctx, n, 1, SIZE_MAX)) {
    return;
  }
  const std::string& host = n.args[0].text;
  // An IP address, or a host name (letters, digits, '-', '.').
  if (!IpAddress::parse(host)) {
    bool ok = !host.empty() && host.size() <= 253 && host.front() != '-' && host.front() != '.';
    for (char ch : host) {
      ok = ok && (std::isalnum(static_cast<unsigned char>(ch)) != 0 || ch == '-' || ch == '.');
    }
    if (!ok) {
      ctx.error(n.args[0], fmt::format("'{}' for 'smtp_server' is not an IP address or host name",
                                       text::printable(host)));
      return;
    }
  }
  if (n.args.size() > 1) {
    auto port = get_int(ctx, n, 1, 1, 65535);
    if (!port) {
      return;
    }
    g.smtp_server_port = static_cast<std::uint16_t>(*port);
  }
  if (n.args.size() > 2) {
    ctx.note(n.args[2], fmt::format("'smtp_server' takes HOST [PORT]; '{}' is ignored",
                                    text::printable(n.args[2].text)));
  }
  g.smtp_server = host;
}

void smtp_connect_timeout(Ctx& ctx, const Node& n, GlobalDefs& g) {
  if (!need_args(ctx, n, 1, 1)) {
    return;
  }
  auto v = get_int(ctx, n, 0, 0, kMaxSecs);
  if (!v) {
    return;
  }
  if (*v == 0) {
    ctx.error(n.args[0], "'smtp_connect_timeout' must be greater than 0; 1 is used");
    v = 1;
  }
  g.smtp_connect_timeout = Micros(seconds(*v));
}

void lvs_sync_daemon(Ctx& ctx, const Node& n, GlobalDefs& g) {
  if (g.lvs_sync_daemon) {
    ctx.error(n.keyword, fmt::format("'lvs_sync_daemon' is already given (interface {}); ignored",
                                     g.lvs_sync_daemon->interface));
    return;
  }
  if (!need_args(ctx, n, 1, SIZE_MAX)) {
    return;
  }
  LvsSyncDaemon d;
  d.loc = ctx.loc(n);
  d.interface = n.args[0].text;
  bool ok = true;
  std::size_t i = 1;
  auto value = [&](const Token& opt) -> const Token* {
    if (i >= n.args.size()) {
      ctx.error(opt, fmt::format("'{}' in 'lvs_sync_daemon' needs a value", opt.text));
      ok = false;
      return nullptr;
    }
    return &n.args[i++];
  };
  auto number = [&](const Token& opt, std::int64_t lo,
                    std::int64_t hi) -> std::optional<std::int64_t> {
    const Token* v = value(opt);
    if (v == nullptr) {
      return std::nullopt;
    }
    auto x = parse_int(v->text);
    if (!x || *x < lo || *x > hi) {
      ctx.error(*v, fmt::format("'{}' for '{}' in 'lvs_sync_daemon' is not a number in [{}, {}]",
                                text::printable(v->text), opt.text, lo, hi));
      ok = false;
      return std::nullopt;
    }
    return x;
  };
  // A bare second word is the VRRP instance (the older syntax without 'inst').
  static const std::vector<std::string_view> kOpts{"inst", "id", "maxlen", "port", "ttl", "group"};
  if (i < n.args.size() && std::find(kOpts.begin(), kOpts.end(), n.args[i].text) == kOpts.end()) {
    d.inst = n.args[i].text;
    d.inst_loc = ctx.loc(n.args[i]);
    ++i;
  }
  while (i < n.args.size()) {
    const Token& t = n.args[i++];
    if (t.is("inst")) {
      if (const Token* v = value(t)) {
        d.inst = v->text;
        d.inst_loc = ctx.loc(*v);
      }
    } else if (t.is("id")) {
      if (auto v = number(t, 0, 255)) {
        d.id = static_cast<std::uint8_t>(*v);
      }
    } else if (t.is("maxlen")) {
      if (auto v = number(t, 1, 65507)) {
        d.maxlen = static_cast<std::uint16_t>(*v);
      }
    } else if (t.is("port")) {
      if (auto v = number(t, 1, 65535)) {
        d.port = static_cast<std::uint16_t>(*v);
      }
    } else if (t.is("ttl")) {
      if (auto v = number(t, 1, 255)) {
        d.ttl = static_cast<std::uint8_t>(*v);
      }
    } else if (t.is("group")) {
      if (const Token* v = value(t)) {
        auto a = IpAddress::parse(v->text);
        if (!a || !a->is_multicast()) {
          ctx.error(*v, fmt::format("'{}' for 'group' in 'lvs_sync_daemon' is not a multicast "
                                    "address",
                                    text::printable(v->text)));
          ok = false;
        } else {
          d.group = *a;
        }
      }
    } else {
      bad_choice(ctx, n, t, kOpts);
      ok = false;
    }
  }
  (void)ok;
  g.lvs_sync_daemon = std::move(d);
}

void lvs_timeouts(Ctx& ctx, const Node& n, GlobalDefs& g) {
  if (n.args.size() < 2) {
    ctx.error(n.keyword, "'lvs_timeouts' needs at least one of tcp|tcpfin|udp with a value");
    return;
  }
  LvsTimeouts t = g.lvs_timeouts.value_or(LvsTimeouts{});
  for (std::size_t i = 0; i < n.args.size(); ++i) {
    const Token& opt = n.args[i];
    std::optional<std::uint32_t>* field = opt.is("tcp")      ? &t.tcp
                                          : opt.is("tcpfin") ? &t.tcpfin
                                          : opt.is("udp")    ? &t.udp
                                                             : nullptr;
    if (field == nullptr) {
      bad_choice(ctx, n, opt, {"tcp", "tcpfin", "udp"});
      continue;
    }
    if (i + 1 >= n.args.size()) {
      ctx.error(opt, fmt::format("'{}' in 'lvs_timeouts' needs a value", opt.text));
      break;
    }
    const Token& v = n.args[++i];
    auto x = parse_int(v.text);
    if (!x || *x < 0 || *x > 2678400) {
      ctx.error(v, fmt::format("'{}' for '{}' in 'lvs_timeouts' is not a number of seconds in "
                               "[0, 2678400]",
                               text::printable(v.text), opt.text));
      continue;
    }
    *field = static_cast<std::uint32_t>(*x);
  }
  g.lvs_timeouts = t;
}

void umask_kw(Ctx& ctx, const Node& n, GlobalDefs& g) {
  if (!need_args(ctx, n, 1, SIZE_MAX)) {
    return;
  }
  static constexpr std::array<std::pair<std::string_view, std::uint32_t>, 9> kBits{{
      {"IRUSR", 0400},
      {"IWUSR", 0200},
      {"IXUSR", 0100},
      {"IRGRP", 040},
      {"IWGRP", 020},
      {"IXGRP", 010},
      {"IROTH", 04},
      {"IWOTH", 02},
      {"IXOTH", 01},
  }};
  const std::string_view first = n.args[0].text;
  if (!first.empty() && std::isdigit(static_cast<unsigned char>(first[0])) != 0) {
    const int base =
        first.size() > 1 && first[0] == '0' && first[1] != 'x' && first[1] != 'X' ? 8 : 0;
    auto v = parse_int(base == 8 ? first.substr(1) : first, base);
    if (!v || *v < 0 || *v > 0777) {
      ctx.error(n.args[0],
                fmt::format("'{}' for 'umask' is not a mode in [0, 0777]", text::printable(first)));
      return;
    }
    g.umask = static_cast<std::uint32_t>(*v);
    return;
  }
  std::string all;
  for (const auto& a : n.args) {
    all += a.text;
  }
  std::uint32_t mask = 0;
  std::size_t start = 0;
  while (start <= all.size()) {
    auto bar = all.find('|', start);
    if (bar == std::string::npos) {
      bar = all.size();
    }
    const std::string_view bit = std::string_view(all).substr(start, bar - start);
    bool found = false;
    for (const auto& [nm, v] : kBits) {
      if (bit == nm) {
        mask |= v;
        found = true;
      }
    }
    if (!found) {
      ctx.error(n.args[0], fmt::format("'{}' in 'umask' is not a mode bit "
                                       "(I{{R|W|X}}{{USR|GRP|OTH}}, joined with '|')",
                                       text::printable(bit)));
      return;
    }
    start = bar + 1;
  }
  g.umask = mask;
}

void include_check(Ctx& ctx, const Node& n, GlobalDefs& g) {
  IncludeCheckOptions c;
  static const std::vector<std::string_view> kOpts{"readable", "match", "wildcard_match",
                                                   "brace_match"};
  for (const auto& a : n.args) {
    std::string_view opt = a.text;
    if (!opt.empty() && (opt[0] == '+' || opt[0] == '-')) {
      opt.remove_prefix(1);
    }
    if (std::find(kOpts.begin(), kOpts.end(), opt) == kOpts.end()) {
      bad_choice(ctx, n, a, kOpts);
      continue;
    }
    c.options.push_back(a.text);
  }
  g.include_check = std::move(c);
}

const Table<GlobalDefs>& global_defs_table() {
  using G = GlobalDefs;
  static const Table<G> t("global_defs", {
                                             kw_string("tmp_config_directory",
                                                       &G::tmp_config_directory),
                                             kw_string("config_save_dir", &G::config_save_dir),
                                             kw_flag_lenient("process_names", &G::process_names),
                                             kw_word("process_name", &G::process_name),
                                             kw_word("vrrp_process_name", &G::vrrp_process_name),
                                             kw_word("checker_process_name",
                                                     &G::checker_process_name),
                                             kw_word("bfd_process_name", &G::bfd_process_name),
                                             kw_alias("lvs_process_name",
                                                      kw_word("checker_process_name",
                                                              &G::checker_process_name)),
                                             kw_script("startup_script", &G::startup_script),
                                             kw_seconds("startup_script_timeout",
                                                        &G::startup_script_timeout, 1, 1000),
                                             kw_script("shutdown_script", &G::shutdown_script),
                                             kw_seconds("shutdown_script_timeout",
                                                        &G::shutdown_script_timeout, 1, 1000),

                                             {"notification_email", Shape::Block,
                                              [](Ctx& ctx, const Node& n, G& g) {
                                                if (n.children.empty()) {
                                                  ctx.warning(
                                                      n.keyword,
                                                      "'notification_email' block is empty");
                                                }
                                                for (const Node& c : n.children) {
                                                  if (c.has_block) {
                                                    ctx.error(c.keyword,
                                                              "'notification_email' takes "
                                                              "addresses, not a { } block");
                                                    continue;
                                                  }
                                                  g.notification_email.push_back(c.keyword.text);
                                                  for (const auto& a : c.args) {
                                                    g.notification_email.push_back(a.text);
                                                  }
                                                }
                                              }},
                                             kw_word("notification_email_from",
                                                     &G::notification_email_from),
                                             {"smtp_server", Shape::Value, smtp_server},
                                             {"smtp_helo_name", Shape::Value,
                                              [](Ctx&, const Node& n, G& g) {
                                                if (!n.args.empty()) {
                                                  g.smtp_helo_name = n.args[0].text;
                                                }
                                              }},
                                             {"smtp_connect_timeout", Shape::Value,
                                              smtp_connect_timeout},
                                             kw_bool("smtp_alert", &G::smtp_alert),
                                             kw_bool("smtp_alert_vrrp", &G::smtp_alert_vrrp),
                                             kw_bool("smtp_alert_checker", &G::smtp_alert_checker),
                                             kw_bool("checker_log_all_failures",
                                                     &G::checker_log_all_failures),
                                             kw_flag_lenient("no_email_faults",
                                                             &G::no_email_faults),
                                             kw_word("router_id", &G::router_id),
                                             kw_removed<G>("lvs_id", "'router_id'"),

                                             kw_mcast("vrrp_mcast_group4", &G::vrrp_mcast_group4,
                                                      Family::Inet),
                                             kw_mcast("vrrp_mcast_group6", &G::vrrp_mcast_group6,
                                                      Family::Inet6),
                                             kw_word("default_interface", &G::default_interface),
                                             {"lvs_sync_daemon", Shape::Value, lvs_sync_daemon},
                                             kw_removed<G>("lvs_sync_daemon_interface",
                                                           "'lvs_sync_daemon INTERFACE'"),
                                             {"lvs_timeouts", Shape::Value, lvs_timeouts},
                                             kw_flag_lenient("lvs_flush", &G::lvs_flush),
                                             {"lvs_flush_on_stop", Shape::Value,
                                              [](Ctx& ctx, const Node& n, G& g) {
                                                if (!need_args(ctx, n, 0, 1)) {
                                                  return;
                                                }
                                                if (!n.args.empty() && !n.args[0].is("VS")) {
                                                  bad_choice(ctx, n, n.args[0], {"VS"});
                                                  return;
                                                }
                                                g.lvs_flush_on_stop = true;
                                                g.lvs_flush_on_stop_vs = !n.args.empty();
                                              }},
                                             kw_seconds("vrrp_garp_master_delay",
                                                        &G::vrrp_garp_master_delay, 0, kMaxSecs),
                                             kw_count("vrrp_garp_master_repeat",
                                                      &G::vrrp_garp_master_repeat, 1),
                                             kw_seconds("vrrp_garp_lower_prio_delay",
                                                        &G::vrrp_garp_lower_prio_delay, 0,
                                                        kMaxSecs),
                                             kw_count("vrrp_garp_lower_prio_repeat",
                                                      &G::vrrp_garp_lower_prio_repeat, 0),
                                             kw_seconds("vrrp_garp_master_refresh",
                                                        &G::vrrp_garp_master_refresh, 0,
                                                        UINT32_MAX),
                                             kw_count("vrrp_garp_master_refresh_repeat",
                                                      &G::vrrp_garp_master_refresh_repeat, 1),
                                             kw_timer("vrrp_garp_interval", &G::vrrp_garp_interval,
                                                      Micros(0), Micros(seconds(kMaxSecs))),
                                             kw_timer("vrrp_gna_interval", &G::vrrp_gna_interval,
                                                      Micros(0), Micros(seconds(kMaxSecs))),
                                             kw_int("vrrp_down_timer_adverts",
                                                    &G::vrrp_down_timer_adverts, 1, 100),
                                             kw_bool("vrrp_min_garp", &G::vrrp_min_garp),
                                             {"vrrp_garp_extra_if", Shape::Value,
                                              [](Ctx& ctx, const Node& n, G& g) {
                                                if (!need_args(ctx, n, 1, 2)) {
                                                  return;
                                                }
                                                std::size_t i = 0;
                                                bool all = false;
                                                if (n.args.size() == 2) {
                                                  if (!n.args[0].is("all")) {
                                                    bad_choice(ctx, n, n.args[0], {"all"});
                                                    return;
                                                  }
                                                  all = true;
                                                  i = 1;
                                                }
                                                if (auto v = get_int(ctx, n, i, 1, 86400)) {
                                                  g.vrrp_garp_extra_if = Micros(seconds(*v));
                                                  g.vrrp_garp_extra_if_all = all;
                                                }
                                              }},
                                             kw_bool("vrrp_lower_prio_no_advert",
                                                     &G::vrrp_lower_prio_no_advert),
                                             kw_bool("vrrp_higher_prio_send_advert",
                                                     &G::vrrp_higher_prio_send_advert),
                                             kw_int("vrrp_version", &G::vrrp_version, 2, 3),
                                             {"vrrp_iptables", Shape::Value,
                                              [](Ctx& ctx, const Node& n, G& g) {
                                                ctx.warning(
                                                    n.keyword,
                                                    "iptables is not supported; nftables is used "
                                                    "instead "
                                                    "(replace 'vrrp_iptables' with 'nftables')");
                                                std::vector<std::string> chains;
                                                for (const auto& a : n.args) {
                                                  chains.push_back(a.text);
                                                }
                                                g.vrrp_iptables = std::move(chains);
                                              }},
                                             {"vrrp_ipsets", Shape::Value,
                                              [](Ctx& ctx, const Node& n, G& g) {
                                                ctx.warning(
                                                    n.keyword,
                                                    "ipsets are not supported; nftables is used "
                                                    "instead "
                                                    "(replace 'vrrp_ipsets' with 'nftables')");
                                                std::vector<std::string> sets;
                                                for (const auto& a : n.args) {
                                                  sets.push_back(a.text);
                                                }
                                                g.vrrp_ipsets = std::move(sets);
                                              }},
                                             {"nftables", Shape::Value,
                                              [](Ctx& ctx, const Node& n, G& g) {
                                                g.nftables = n.args.empty()
                                                                 ? std::string("keepalived")
                                                                 : n.args[0].text;
                                                if (n.args.size() > 1) {
                                                  ctx.note(n.args[1],
                                                           "'nftables' takes one table name; the "
                                                           "rest is ignored");
                                                }
                                              }},
                                             kw_int("nftables_priority", &G::nftables_priority,
                                                    INT32_MIN, INT32_MAX),
                                             kw_flag_lenient("nftables_counters",
                                                             &G::nftables_counters),
                                             kw_flag_lenient("nftables_ifindex",
                                                             &G::nftables_ifindex),
                                             {"nftables_ipvs", Shape::Value,
                                              [](Ctx&, const Node& n, G& g) {
                                                g.nftables_ipvs =
                                                    n.args.empty() ? std::string("keepalived_ipvs")
                                                                   : n.args[0].text;
                                              }},
                                             kw_int("nftables_ipvs_priority",
                                                    &G::nftables_ipvs_priority, INT32_MIN,
                                                    INT32_MAX),
                                             kw_int("nftables_ipvs_start_fwmark",
                                                    &G::nftables_ipvs_start_fwmark, 1, UINT32_MAX),
                                             kw_flag_lenient("disable_local_igmp",
                                                             &G::disable_local_igmp),
                                             kw_flag_lenient("vrrp_check_unicast_src",
                                                             &G::vrrp_check_unicast_src),
                                             kw_flag_lenient("vrrp_skip_check_adv_addr",
                                                             &G::vrrp_skip_check_adv_addr),
                                             kw_flag_lenient("vrrp_strict", &G::vrrp_strict),
                                             kw_bool("vrrp_notify_priority_changes",
                                                     &G::vrrp_notify_priority_changes),
                                             kw_timer("vrrp_startup_delay", &G::vrrp_startup_delay,
                                                      Micros(0), Micros(seconds(kMaxSecs))),
                                             kw_flag_lenient("log_unknown_vrids",
                                                             &G::log_unknown_vrids),
                                             kw_word("vmac_prefix", &G::vmac_prefix),
                                             kw_word("vmac_addr_prefix", &G::vmac_addr_prefix),

                                             {"max_auto_priority", Shape::Value,
                                              [](Ctx& ctx, const Node& n, G& g) {
                                                if (!need_args(ctx, n, 0, 1)) {
                                                  return;
                                                }
                                                if (n.args.empty()) {
                                                  g.max_auto_priority = 99;
                                                  return;
                                                }
                                                if (auto v = get_int(ctx, n, 0, -1, 99)) {
                                                  g.max_auto_priority = static_cast<int>(*v);
                                                }
                                              }},
                                             kw_int("min_auto_priority_delay",
                                                    &G::min_auto_priority_delay, 1, 10'000'000),
                                             kw_int("vrrp_priority", &G::vrrp_priority, -20, 19),
                                             kw_int("checker_priority", &G::checker_priority, -20,
                                                    19),
                                             kw_int("bfd_priority", &G::bfd_priority, -20, 19),
                                             kw_flag_lenient("vrrp_no_swap", &G::vrrp_no_swap),
                                             kw_flag_lenient("checker_no_swap",
                                                             &G::checker_no_swap),
                                             kw_flag_lenient("bfd_no_swap", &G::bfd_no_swap),
                                             kw_cpus("vrrp_cpu_affinity", &G::vrrp_cpu_affinity),
                                             kw_cpus(
                                                 "checker_cpu_affinity", &G::checker_cpu_affinity),
                                             kw_cpus("bfd_cpu_affinity", &G::bfd_cpu_affinity),
                                             kw_rt_priority(
                                                 "vrrp_rt_priority", &G::vrrp_rt_priority),
                                             kw_rt_priority("checker_rt_priority",
                                                            &G::checker_rt_priority),
                                             kw_rt_priority("bfd_rt_priority", &G::bfd_rt_priority),
                                             kw_int("vrrp_rlimit_rttime", &G::vrrp_rlimit_rttime, 1,
                                                    UINT32_MAX),
                                             kw_int("checker_rlimit_rttime",
                                                    &G::checker_rlimit_rttime, 1, UINT32_MAX),
                                             kw_int("bfd_rlimit_rttime", &G::bfd_rlimit_rttime, 1,
                                                    UINT32_MAX),
                                             kw_alias(
                                                 "vrrp_rlimit_rtime", kw_int("vrrp_rlimit_rttime",
                                                                             &G::vrrp_rlimit_rttime,
                                                                             1, UINT32_MAX)),
                                             kw_alias(
                                                 "checker_rlimit_rtime",
                                                 kw_int("checker_rlimit_rttime",
                                                        &G::checker_rlimit_rttime, 1, UINT32_MAX)),
                                             kw_alias(
                                                 "bfd_rlimit_rtime", kw_int(
                                                                         "bfd_rlimit_rttime",
                                                                         &G::bfd_rlimit_rttime, 1, UINT32_MAX)),

                                             kw_string("snmp_socket", &G::snmp_socket),
                                             kw_flag_lenient(
                                                 "enable_snmp_vrrp", &G::enable_snmp_vrrp),
                                             kw_alias(
                                                 "enable_snmp_keepalived",
                                                 kw_flag_lenient("enable_snmp_vrrp", &G::enable_snmp_vrrp)),
                                             kw_flag_lenient("enable_snmp_checker",
                                                             &G::enable_snmp_checker),
                                             kw_flag_lenient("enable_snmp_rfc",
                                                             &G::enable_snmp_rfc),
                                             kw_flag_lenient("enable_snmp_rfcv2",
                                                             &G::enable_snmp_rfcv2),
                                             kw_flag_lenient("enable_snmp_rfcv3",
                                                             &G::enable_snmp_rfcv3),
                                             kw_flag_lenient("enable_traps", &G::enable_traps),
                                             kw_flag_lenient("enable_dbus", &G::enable_dbus),
                                             kw_word("dbus_service_name", &G::dbus_service_name),

                                             {"script_user", Shape::Value,
                                              [](Ctx& ctx, const Node& n, G& g) {
                                                if (!need_args(ctx, n, 1, 2) ||
                                                    !check_user_group(ctx, n, 0)) {
                                                  return;
                                                }
                                                g.script_user = n.args[0].text;
                                                if (n.args.size() > 1) {
                                                  g.script_group = n.args[1].text;
                                                }
                                              }},
                                             kw_flag_lenient("enable_script_security",
                                                             &G::enable_script_security),
                                             kw_fifo("notify_fifo", &G::notify_fifo),
                                             kw_script("notify_fifo_script",
                                                       &G::notify_fifo_script),
                                             kw_fifo("vrrp_notify_fifo", &G::vrrp_notify_fifo),
                                             kw_script("vrrp_notify_fifo_script",
                                                       &G::vrrp_notify_fifo_script),
                                             kw_fifo("lvs_notify_fifo", &G::lvs_notify_fifo),
                                             kw_script("lvs_notify_fifo_script",
                                                       &G::lvs_notify_fifo_script),
                                             kw_flag_lenient("fifo_write_vrrp_states_on_reload",
                                                             &G::fifo_write_vrrp_states_on_reload),

                                             {"dynamic_interfaces", Shape::Value,
                                              [](Ctx& ctx, const Node& n, G& g) {
                                                if (!need_args(ctx, n, 0, 1)) {
                                                  return;
                                                }
                                                if (!n.args.empty() &&
                                                    !n.args[0].is("allow_if_changes")) {
                                                  bad_choice(ctx, n, n.args[0],
                                                             {"allow_if_changes"});
                                                  return;
                                                }
                                                g.dynamic_interfaces = true;
                                                g.dynamic_interfaces_allow_if_changes =
                                                    !n.args.empty();
                                              }},
                                             kw_int("vrrp_netlink_cmd_rcv_bufs",
                                                    &G::vrrp_netlink_cmd_rcv_bufs, 0, UINT32_MAX),
                                             kw_bool("vrrp_netlink_cmd_rcv_bufs_force",
                                                     &G::vrrp_netlink_cmd_rcv_bufs_force),
                                             kw_int("vrrp_netlink_monitor_rcv_bufs",
                                                    &G::vrrp_netlink_monitor_rcv_bufs, 0,
                                                    UINT32_MAX),
                                             kw_bool("vrrp_netlink_monitor_rcv_bufs_force",
                                                     &G::vrrp_netlink_monitor_rcv_bufs_force),
                                             kw_int("lvs_netlink_cmd_rcv_bufs",
                                                    &G::lvs_netlink_cmd_rcv_bufs, 0, UINT32_MAX),
                                             kw_bool("lvs_netlink_cmd_rcv_bufs_force",
                                                     &G::lvs_netlink_cmd_rcv_bufs_force),
                                             kw_int("lvs_netlink_monitor_rcv_bufs",
                                                    &G::lvs_netlink_monitor_rcv_bufs, 0,
                                                    UINT32_MAX),
                                             kw_bool("lvs_netlink_monitor_rcv_bufs_force",
                                                     &G::lvs_netlink_monitor_rcv_bufs_force),
                                             kw_int("process_monitor_rcv_bufs",
                                                    &G::process_monitor_rcv_bufs, 0, UINT32_MAX),
                                             kw_bool("process_monitor_rcv_bufs_force",
                                                     &G::process_monitor_rcv_bufs_force),
                                             {"vrrp_rx_bufs_policy", Shape::Value,
                                              [](Ctx& ctx, const Node& n, G& g) {
                                                if (!need_args(ctx, n, 1, 1)) {
                                                  return;
                                                }
                                                std::string v = n.args[0].text;
                                                for (char& ch : v) {
                                                  ch = static_cast<char>(
                                                      std::toupper(static_cast<unsigned char>(ch)));
                                                }
                                                RxBufsPolicy p;
                                                if (v == "MTU") {
                                                  p.kind = RxBufsPolicy::Kind::Mtu;
                                                } else if (v == "ADVERT") {
                                                  p.kind = RxBufsPolicy::Kind::Advert;
                                                } else {
                                                  auto x = parse_int(n.args[0].text);
                                                  if (!x || *x < 0 || *x > UINT32_MAX) {
                                                    ctx.error(
                                                        n.args[0],
                                                        fmt::format(
                                                            "'{}' for 'vrrp_rx_bufs_policy' is not "
                                                            "MTU|ADVERT or a size in bytes",
                                                            text::printable(n.args[0].text)));
                                                    return;
                                                  }
                                                  p.size = static_cast<std::uint32_t>(*x);
                                                }
                                                g.vrrp_rx_bufs_policy = p;
                                              }},
                                             kw_int("vrrp_rx_bufs_multiplier",
                                                    &G::vrrp_rx_bufs_multiplier, 1, UINT32_MAX),
                                             kw_bool("rs_init_notifies", &G::rs_init_notifies),
                                             kw_bool("no_checker_emails", &G::no_checker_emails),
                                             {"umask", Shape::Value, umask_kw},
                                             kw_int("random_seed", &G::random_seed, 0, UINT32_MAX),
                                             {"reload_check_config", Shape::Value,
                                              [](Ctx&, const Node& n, G& g) {
                                                g.reload_check_config = true;
                                                if (!n.args.empty()) {
                                                  g.reload_check_config_log_file = n.args[0].text;
                                                }
                                              }},
                                             {"include_check", Shape::Value, include_check},
                                             kw_string("reload_time_file", &G::reload_time_file),
                                             kw_flag_lenient("reload_repeat", &G::reload_repeat),
                                             {"reload_file", Shape::Value,
                                              [](Ctx&, const Node& n, G& g) {
                                                g.reload_file = true;
                                                if (!n.args.empty()) {
                                                  g.reload_file_name = n.args[0].text;
                                                }
                                              }},
                                             kw_bool("data_use_instance", &G::data_use_instance),
                                             kw_deprecated(
                                                 "vrrp_vmac_garp_intvl",
                                                 Keyword<G>{"vrrp_garp_extra_if", Shape::Value,
                                                            [](Ctx& ctx, const Node& n, G& g) {
                                                              if (!need_args(ctx, n, 1, 1)) {
                                                                return;
                                                              }
                                                              if (auto v = get_int(ctx, n, 0, 1,
                                                                                   86400)) {
                                                                g.vrrp_garp_extra_if =
                                                                    Micros(seconds(*v));
                                                              }
                                                            }}),
                                             kw_alias("lvs_flush_onstop",
                                                      Keyword<G>{"lvs_flush_on_stop", Shape::Value,
                                                                 [](Ctx&, const Node&, G& g) {
                                                                   g.lvs_flush_on_stop = true;
                                                                 }}),
                                         });
  return t;
}

// ---------------------------------------------------------------------------
// Other top-level blocks

void linkbeat_interfaces(Ctx& ctx, const Node& n, Model& m) {
  for (const Node& c : n.children) {
    if (c.has_block) {
      ctx.error(c.keyword, "'linkbeat_interfaces' takes interface names, not a { } block");
      continue;
    }
    LinkbeatInterface l;
    l.loc = ctx.loc(c);
    l.name = c.keyword.text;
    if (!c.args.empty()) {
      const Token& t = c.args[0];
      if (!t.is("MII") && !t.is("ETHTOOL") && !t.is("IOCTL")) {
        ctx.error(t, fmt::format("'{}' for linkbeat interface {} is not a polling type "
                                 "(MII|ETHTOOL|IOCTL)",
                                 text::printable(t.text), l.name));
        continue;
      }
      l.type = t.text;
    }
    const auto& exists = ctx.opts().interface_exists;
    if (exists && !exists(l.name)) {
      ctx.fatal(c.keyword,
                fmt::format("linkbeat interface '{}' does not exist", text::printable(l.name)));
      continue;
    }
    m.global.linkbeat_interfaces.push_back(std::move(l));
  }
}

void interface_up_down_delays(Ctx& ctx, const Node& n, Model& m) {
  const Micros max(seconds(255));
  for (const Node& c : n.children) {
    if (c.has_block) {
      ctx.error(c.keyword, "'interface_up_down_delays' lines take no { } block");
      continue;
    }
    InterfaceUpDownDelay d;
    d.loc = ctx.loc(c);
    d.name = c.keyword.text;
    const auto& exists = ctx.opts().interface_exists;
    if (exists && !exists(d.name)) {
      ctx.fatal(c.keyword, fmt::format("interface '{}' for an up/down delay does not exist",
                                       text::printable(d.name)));
      continue;
    }
    if (c.args.empty()) {
      ctx.note(c.keyword, fmt::format("no delay given for interface '{}'; ignored", d.name));
      continue;
    }
    auto delay = [&](std::size_t i, std::string_view which) -> std::optional<Micros> {
      const Token& t = c.args[i];
      auto v = parse_timer(t.text);
      if (!v || *v > max) {
        ctx.error(t, fmt::format("'{}' for the {} delay of interface {} is not a time in [0, 255] "
                                 "seconds",
                                 text::printable(t.text), which, d.name));
        return std::nullopt;
      }
      return v;
    };
    auto down = delay(0, "down");
    if (!down) {
      continue;
    }
    d.down_delay = *down;
    d.up_delay = *down;
    if (c.args.size() > 1) {
      auto up = delay(1, "up");
      if (!up) {
        continue;
      }
      d.up_delay = *up;
    }
    if (c.args.size() > 2) {
      ctx.note(c.args[2], "an up/down delay line takes IFNAME DOWN [UP]; the rest is ignored");
    }
    m.global.interface_up_down_delays.push_back(std::move(d));
  }
}

void track_group(Ctx& ctx, const Node& n, Model& m) {
  if (n.args.empty()) {
    ctx.error(n.keyword, "'track_group' needs a name");
    return;
  }
  TrackGroup g;
  g.name = n.args[0].text;
  g.loc = ctx.loc(n);
  for (const auto& other : m.global.track_group) {
    if (other.name == g.name) {
      ctx.error(n.args[0], fmt::format("track_group '{}' is already defined at line {}", g.name,
                                       other.loc.line));
      return;
    }
  }
  static const Table<TrackGroup> table(
      "track_group", {{"group", Shape::Block, [](Ctx& c, const Node& b, TrackGroup& tg) {
                         for (const Node& e : b.children) {
                           if (e.has_block || !e.args.empty()) {
                             c.error(e.keyword,
                                     "'group' in track_group takes one vrrp_instance "
                                     "name per line");
                             continue;
                           }
                           tg.group.push_back(e.keyword.text);
                           tg.group_locs.push_back(c.loc(e));
                         }
                       }}});
  dispatch(ctx, n, g, table);
  m.global.track_group.push_back(std::move(g));
}

template <class F>
void top_word(TopTable& top, std::string_view name, F field, bool optional_value) {
  top.push_back({name, Shape::Value, [field, optional_value](Ctx& ctx, const Node& n, Model& m) {
                   if (n.args.empty()) {
                     if (optional_value) {
                       m.global.*field = std::string();
                     } else {
                       ctx.error(n.keyword, fmt::format("'{}' needs a name", n.keyword.text));
                     }
                     return;
                   }
                   if (n.args.size() > 1) {
                     ctx.note(n.args[1], fmt::format("'{}' takes one name; the rest is ignored",
                                                     n.keyword.text));
                   }
                   m.global.*field = n.args[0].text;
                 }});
}

template <class F>
void top_flag(TopTable& top, std::string_view name, F field) {
  top.push_back({name, Shape::Value, [field](Ctx& ctx, const Node& n, Model& m) {
                   if (!n.args.empty()) {
                     ctx.note(n.args[0],
                              fmt::format("'{}' takes no argument; ignored", n.keyword.text));
                   }
                   m.global.*field = true;
                 }});
}

template <class Spec>
void check_track_group(Ctx& ctx, const Model& m, const std::vector<Spec>& specs) {
  for (const auto& s : specs) {
    if (s.track_group.empty()) {
      continue;
    }
    bool found = false;
    for (const auto& g : m.global.track_group) {
      found = found || g.name == s.track_group;
    }
    if (!found) {
      ctx.error(s.loc, fmt::format("track_group '{}' is not defined", s.track_group));
    }
  }
}

}  // namespace

void add_global_keywords(TopTable& top) {
  top.push_back({"global_defs", Shape::Block, [](Ctx& ctx, const Node& n, Model& m) {
                   dispatch(ctx, n, m.global.global_defs, global_defs_table());
                 }});
  top_word(top, "net_namespace", &GlobalConfig::net_namespace, false);
  top_word(top, "net_namespace_ipvs", &GlobalConfig::net_namespace_ipvs, true);
  top_flag(top, "namespace_with_ipsets", &GlobalConfig::namespace_with_ipsets);
  top_word(top, "instance", &GlobalConfig::instance, false);
  top_flag(top, "use_pid_dir", &GlobalConfig::use_pid_dir);
  top_flag(top, "linkbeat_use_polling", &GlobalConfig::linkbeat_use_polling);
  top.push_back({"child_wait_time", Shape::Value, [](Ctx& ctx, const Node& n, Model& m) {
                   if (!need_args(ctx, n, 1, 1)) {
                     return;
                   }
                   if (auto v = get_int(ctx, n, 0, 0, UINT32_MAX)) {
                     m.global.child_wait_time = static_cast<std::uint32_t>(*v);
                   }
                 }});
  top.push_back({"linkbeat_interfaces", Shape::Block, linkbeat_interfaces});
  top.push_back({"interface_up_down_delays", Shape::Block, interface_up_down_delays});
  top.push_back({"track_group", Shape::Block, track_group});
  top.push_back({"static_ipaddress", Shape::Block, [](Ctx& ctx, const Node& n, Model& m) {
                   parse_ip_address_block(ctx, n, m.global.static_ipaddress, NetContext::Static);
                 }});
  top.push_back({"static_routes", Shape::Block, [](Ctx& ctx, const Node& n, Model& m) {
                   parse_route_block(ctx, n, m.global.static_routes, NetContext::Static);
                 }});
  top.push_back({"static_rules", Shape::Block, [](Ctx& ctx, const Node& n, Model& m) {
                   parse_rule_block(ctx, n, m.global.static_rules, NetContext::Static);
                 }});
}

void validate_global(Ctx& ctx, Model& m) {
  const GlobalDefs& g = m.global.global_defs;
  // lvs_sync_daemon inst must name a vrrp_instance (keepalived only finds out
  // when it runs).
  if (g.lvs_sync_daemon && !g.lvs_sync_daemon->inst.empty()) {
    bool found = false;
    for (const auto& vi : m.vrrp.vrrp_instance) {
      found = found || vi.name == g.lvs_sync_daemon->inst;
    }
    if (!found) {
      ctx.error(g.lvs_sync_daemon->inst_loc,
                fmt::format("lvs_sync_daemon names vrrp_instance '{}', which is not defined",
                            g.lvs_sync_daemon->inst));
    }
  }
  // track_group members must be vrrp_instances.
  for (const auto& tg : m.global.track_group) {
    for (std::size_t i = 0; i < tg.group.size(); ++i) {
      bool found = false;
      for (const auto& vi : m.vrrp.vrrp_instance) {
        found = found || vi.name == tg.group[i];
      }
      if (!found) {
        ctx.error(tg.group_locs[i], fmt::format("track_group '{}' names vrrp_instance '{}', which "
                                                "is not defined",
                                                tg.name, tg.group[i]));
      }
    }
  }
  check_track_group(ctx, m, m.global.static_ipaddress);
  check_track_group(ctx, m, m.global.static_routes);
  check_track_group(ctx, m, m.global.static_rules);

  // Static addresses without 'dev' go on default_interface, which must exist.
  const auto& exists = ctx.opts().interface_exists;
  const std::string def_if = g.default_interface.value_or("eth0");
  if (exists && !exists(def_if)) {
    for (const auto& a : m.global.static_ipaddress) {
      if (a.dev.empty()) {
        ctx.fatal(a.loc, fmt::format("static address {} has no 'dev' and the default interface "
                                     "'{}' does not exist",
                                     a.address.str(), def_if));
      }
    }
  }
}

}  // namespace vigil::config::detail
