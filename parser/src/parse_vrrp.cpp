// SPDX-License-Identifier: GPL-2.0-or-later
// VRRP family: vrrp_script, track_file (legacy vrrp_track_file),
// vrrp_track_process, vrrp_sync_group, garp_group and vrrp_instance. Keyword
// tables follow keepalived 2.2.7 (names, ranges, legacy spellings); the checks
// that keepalived makes once everything is read (vrrp_validate_config and
// friends) are in validate_vrrp.
#include <algorithm>
#include <climits>
#include <cmath>
#include <type_traits>
#include <unordered_map>
#include <unordered_set>

#include "parse_net.hpp"
#include "vigil/runtime/text.hpp"

namespace vigil::config::detail {

namespace {

using std::chrono::seconds;

constexpr std::size_t kIfNameMax = 15;  // IFNAMSIZ - 1
constexpr int kPriorityOwner = 255;
constexpr int kPriorityDefault = 100;

const char* family_word(Family f) {
  return f == Family::Inet6 ? "IPv6" : "IPv4";
}

// ---------------------------------------------------------------------------
// Shared argument helpers

/// `weight N [reverse|noreverse]` starting at args[i]; reports problems.
/// Returns false when the line is unusable.
bool read_weight(Ctx& ctx, const Node& n, std::size_t i, int lo, int hi, std::optional<int>& weight,
                 bool& reverse, std::string_view what) {
  const auto& a = n.args;
  if (i >= a.size()) {
    return true;
  }
  if (!a[i].is("weight")) {
    ctx.error(a[i], fmt::format("unknown option '{}' for {} '{}' (expected 'weight N [reverse]')",
                                text::printable(a[i].text), what, n.keyword.text));
    return false;
  }
  if (i + 1 >= a.size()) {
    ctx.error(a[i], fmt::format("'weight' needs a value for {} '{}'", what, n.keyword.text));
    return false;
  }
  const Token& t = a[i + 1];
  auto v = parse_int(t.text);
  if (!v) {
    ctx.error(t, fmt::format("'{}' for the weight of {} '{}' is not an integer",
                             text::printable(t.text), what, n.keyword.text));
    return false;
  }
  if (*v < lo || *v > hi) {
    ctx.error(t, fmt::format("weight {} for {} '{}' is outside the range [{}, {}]", *v, what,
                             n.keyword.text, lo, hi));
    return false;
  }
  weight = static_cast<int>(*v);
  if (i + 2 < a.size()) {
    if (a[i + 2].is("reverse")) {
      reverse = true;
    } else if (!a[i + 2].is("noreverse")) {
      ctx.error(a[i + 2], fmt::format("unknown weight option '{}' for {} '{}' (expected "
                                      "reverse|noreverse)",
                                      text::printable(a[i + 2].text), what, n.keyword.text));
      return false;
    }
    if (i + 3 < a.size()) {
      ctx.error(a[i + 3], fmt::format("unexpected '{}' after the weight of {} '{}'",
                                      text::printable(a[i + 3].text), what, n.keyword.text));
      return false;
    }
  }
  return true;
}

/// A track_script / track_file / track_process / track_bfd block.
void parse_track_refs(Ctx& ctx, const Node& block, std::vector<TrackRef>& out, int lo, int hi,
                      std::string_view what) {
  for (const Node& c : block.children) {
    if (c.has_block) {
      ctx.error(c.keyword, fmt::format("{} entry '{}' does not take a {{ }} block", what,
                                       text::printable(c.keyword.text)));
      continue;
    }
    TrackRef r{c.keyword.text, ctx.loc(c), std::nullopt, false};
    if (!read_weight(ctx, c, 0, lo, hi, r.weight, r.reverse, what)) {
      continue;
    }
    const bool dup =
        std::any_of(out.begin(), out.end(), [&](const TrackRef& o) { return o.name == r.name; });
    if (dup) {
      ctx.error(c.keyword, fmt::format("duplicate {} '{}'; ignored", what, r.name));
      continue;
    }
    out.push_back(std::move(r));
  }
}

bool check_ifname(Ctx& ctx, const Token& t, std::string_view what) {
  if (t.text.empty() || t.text.size() > kIfNameMax || t.text.find('/') != std::string::npos) {
    ctx.error(t, fmt::format("'{}' for '{}' is not a valid interface name (1 to {} characters, "
                             "no '/')",
                             text::printable(t.text), what, kIfNameMax));
    return false;
  }
  return true;
}

/// Reports an interface that does not exist on this host (only when the host
/// lookup is available, as for `vigild -t`). keepalived warns and carries on.
void check_if_exists(Ctx& ctx, const Token& t, std::string_view what) {
  const auto& exists = ctx.opts().interface_exists;
  if (exists && !exists(t.text)) {
    ctx.warning(t,
                fmt::format("interface '{}' for {} does not exist", text::printable(t.text), what));
  }
}

void parse_track_interfaces(Ctx& ctx, const Node& block, std::vector<TrackedInterface>& out) {
  for (const Node& c : block.children) {
    if (c.has_block) {
      ctx.error(c.keyword, "track_interface entry does not take a { } block");
      continue;
    }
    if (!check_ifname(ctx, c.keyword, "track_interface")) {
      continue;
    }
    std::optional<int> w;
    bool rev = false;
    if (!read_weight(ctx, c, 0, -253, 253, w, rev, "track_interface")) {
      continue;
    }
    const bool dup = std::any_of(out.begin(), out.end(), [&](const TrackedInterface& o) {
      return o.name == c.keyword.text;
    });
    if (dup) {
      ctx.error(c.keyword, fmt::format("duplicate track_interface '{}'; ignored", c.keyword.text));
      continue;
    }
    check_if_exists(ctx, c.keyword, "track_interface");
    out.push_back({c.keyword.text, ctx.loc(c), w.value_or(0), rev});
  }
}

/// notify_* keywords: a script, given at most once.
template <class T>
Keyword<T> kw_notify(std::string_view name, OptionalScript T::*field) {
  return {name, Shape::Value, [field](Ctx& ctx, const Node& n, T& obj) {
            if (obj.*field) {
              ctx.error(n.keyword, fmt::format("'{}' is already set; '{}' ignored", n.keyword.text,
                                               text::printable(join_args(n))));
              return;
            }
            if (auto s = get_script(ctx, n)) {
              obj.*field = std::move(*s);
            }
          }};
}

// ---------------------------------------------------------------------------
// vrrp_script

const Table<VrrpScript>& vrrp_script_table() {
  static const Table<VrrpScript> t(
      "vrrp_script", {
                         {"script", Shape::Value,
                          [](Ctx& ctx, const Node& n, VrrpScript& s) {
                            if (auto v = get_script(ctx, n)) {
                              s.script = std::move(*v);
                            }
                          }},
                         kw_seconds("interval", &VrrpScript::interval, 1, UINT32_MAX / 1000000),
                         kw_seconds("timeout", &VrrpScript::timeout, 1, UINT32_MAX / 1000000),
                         {"weight", Shape::Value,
                          [](Ctx& ctx, const Node& n, VrrpScript& s) {
                            if (!need_args(ctx, n, 1, 2)) {
                              return;
                            }
                            if (auto v = get_int(ctx, n, 0, -253, 253)) {
                              s.weight = static_cast<int>(*v);
                            }
                            if (n.args.size() > 1) {
                              if (n.args[1].is("reverse")) {
                                s.weight_reverse = true;
                              } else if (!n.args[1].is("noreverse")) {
                                ctx.error(n.args[1],
                                          fmt::format("unknown weight option '{}' (expected "
                                                      "reverse|noreverse)",
                                                      text::printable(n.args[1].text)));
                              }
                            }
                          }},
                         kw_int("rise", &VrrpScript::rise, 1, INT32_MAX),
                         kw_int("fall", &VrrpScript::fall, 1, INT32_MAX),
                         {"user", Shape::Value,
                          [](Ctx& ctx, const Node& n, VrrpScript& s) {
                            if (need_args(ctx, n, 1, 2)) {
                              s.user = n.args[0].text;
                              s.group = n.args.size() > 1 ? n.args[1].text : std::string();
                            }
                          }},
                         kw_flag("init_fail", &VrrpScript::init_fail),
                     });
  return t;
}

// ---------------------------------------------------------------------------
// track_file

const Table<TrackFile>& track_file_table() {
  static const Table<TrackFile> t(
      "track_file",
      {
          {"file", Shape::Value,
           [](Ctx& ctx, const Node& n, TrackFile& f) {
             if (!need_args(ctx, n, 1, 1)) {
               return;
             }
             if (!f.file.empty()) {
               ctx.error(n.args[0], fmt::format("track_file {} already has a file ('{}'); '{}' "
                                                "ignored",
                                                f.name, f.file, text::printable(n.args[0].text)));
               return;
             }
             f.file = n.args[0].text;
           }},
          {"weight", Shape::Value,
           [](Ctx& ctx, const Node& n, TrackFile& f) {
             if (!need_args(ctx, n, 1, 2)) {
               return;
             }
             if (auto v = get_int(ctx, n, 0, -254, 254)) {
               f.weight = static_cast<int>(*v);
             }
             if (n.args.size() > 1) {
               if (n.args[1].is("reverse")) {
                 f.weight_reverse = true;
               } else if (!n.args[1].is("noreverse")) {
                 ctx.error(n.args[1], fmt::format("unknown weight option '{}' (expected "
                                                  "reverse|noreverse)",
                                                  text::printable(n.args[1].text)));
               }
             }
           }},
          {"init_file", Shape::Value,
           [](Ctx& ctx, const Node& n, TrackFile& f) {
             if (!need_args(ctx, n, 0, 2)) {
               return;
             }
             TrackFileInit init;
             std::size_t i = 0;
             if (i < n.args.size() && !n.args[i].is("overwrite")) {
               auto v = parse_int(n.args[i].text);
               if (!v || *v < INT32_MIN || *v > INT32_MAX) {
                 ctx.error(n.args[i], fmt::format("'{}' for 'init_file' is not an integer value "
                                                  "or 'overwrite'",
                                                  text::printable(n.args[i].text)));
                 return;
               }
               init.value = *v;
               ++i;
             }
             if (i < n.args.size()) {
               if (!n.args[i].is("overwrite")) {
                 ctx.error(n.args[i], fmt::format("unknown init_file option '{}' (expected "
                                                  "'overwrite')",
                                                  text::printable(n.args[i].text)));
                 return;
               }
               init.overwrite = true;
               ++i;
             }
             if (i < n.args.size()) {
               ctx.error(n.args[i], fmt::format("unexpected '{}' after 'init_file'",
                                                text::printable(n.args[i].text)));
               return;
             }
             f.init_file = init;
           }},
      });
  return t;
}

// ---------------------------------------------------------------------------
// vrrp_track_process

Keyword<VrrpTrackProcess> kw_process_delay(std::string_view name, bool fork, bool terminate) {
  return {name, Shape::Value, [fork, terminate](Ctx& ctx, const Node& n, VrrpTrackProcess& p) {
            if (!need_args(ctx, n, 1, 1)) {
              return;
            }
            if (auto v = get_timer(ctx, n, 0, Micros(1), Micros(seconds(3600)))) {
              if (fork) {
                p.fork_delay = *v;
              }
              if (terminate) {
                p.terminate_delay = *v;
              }
            }
          }};
}

const Table<VrrpTrackProcess>& track_process_table() {
  static const Table<VrrpTrackProcess> t(
      "vrrp_track_process",
      {
          {"process", Shape::Value,
           [](Ctx& ctx, const Node& n, VrrpTrackProcess& p) {
             if (!need_args(ctx, n, 1, SIZE_MAX)) {
               return;
             }
             if (!p.process.empty()) {
               ctx.error(n.args[0], fmt::format("vrrp_track_process {} already has a process; "
                                                "'{}' ignored",
                                                p.name, text::printable(join_args(n))));
               return;
             }
             for (const auto& a : n.args) {
               p.process.push_back(a.text);
             }
           }},
          kw_enum("param_match", &VrrpTrackProcess::param_match,
                  Choices<ParamMatch>{{"initial", ParamMatch::Initial},
                                      {"partial", ParamMatch::Partial}}),
          {"weight", Shape::Value,
           [](Ctx& ctx, const Node& n, VrrpTrackProcess& p) {
             if (!need_args(ctx, n, 1, 2)) {
               return;
             }
             if (auto v = get_int(ctx, n, 0, -254, 254)) {
               p.weight = static_cast<int>(*v);
             }
             if (n.args.size() > 1) {
               if (n.args[1].is("reverse")) {
                 p.weight_reverse = true;
               } else if (!n.args[1].is("noreverse")) {
                 ctx.error(n.args[1], fmt::format("unknown weight option '{}' (expected "
                                                  "reverse|noreverse)",
                                                  text::printable(n.args[1].text)));
               }
             }
           }},
          {"quorum", Shape::Value,
           [](Ctx& ctx, const Node& n, VrrpTrackProcess& p) {
             if (!need_args(ctx, n, 1, 1)) {
               return;
             }
             auto v = get_int(ctx, n, 0, 1, 65535);
             if (!v) {
               return;
             }
             if (p.quorum_max && *v > *p.quorum_max) {
               ctx.error(n.args[0], fmt::format("quorum {} is greater than quorum_max {}; ignored",
                                                *v, *p.quorum_max));
               return;
             }
             p.quorum = static_cast<int>(*v);
           }},
          {"quorum_max", Shape::Value,
           [](Ctx& ctx, const Node& n, VrrpTrackProcess& p) {
             if (!need_args(ctx, n, 1, 1)) {
               return;
             }
             auto v = get_int(ctx, n, 0, 0, 65535);
             if (!v) {
               return;
             }
             if (p.quorum && *v < *p.quorum) {
               ctx.error(n.args[0], fmt::format("quorum_max {} is less than quorum {}; ignored", *v,
                                                *p.quorum));
               return;
             }
             p.quorum_max = static_cast<int>(*v);
           }},
          kw_process_delay("delay", true, true),
          kw_process_delay("fork_delay", true, false),
          kw_process_delay("terminate_delay", false, true),
          kw_flag("full_command", &VrrpTrackProcess::full_command),
      });
  return t;
}

// ---------------------------------------------------------------------------
// garp_group

const Table<GarpGroup>& garp_group_table() {
  static const Table<GarpGroup> t(
      "garp_group",
      {
          kw_timer("garp_interval", &GarpGroup::garp_interval, Micros(0),
                   Micros(seconds(UINT32_MAX / 1000000))),
          kw_timer("gna_interval", &GarpGroup::gna_interval, Micros(0),
                   Micros(seconds(UINT32_MAX / 1000000))),
          {"interface", Shape::Value,
           [](Ctx& ctx, const Node& n, GarpGroup& g) {
             if (!need_args(ctx, n, 1, 1) || !check_ifname(ctx, n.args[0], "interface")) {
               return;
             }
             check_if_exists(ctx, n.args[0], "garp_group");
             g.interface = n.args[0].text;
           }},
          {"interfaces", Shape::Block,
           [](Ctx& ctx, const Node& n, GarpGroup& g) {
             if (n.children.empty()) {
               ctx.warning(n.keyword, "empty garp_group interfaces block");
             }
             for (const Node& c : n.children) {
               if (!c.args.empty() || c.has_block) {
                 ctx.error(c.keyword, "'interfaces' block takes one interface name per line");
                 continue;
               }
               if (!check_ifname(ctx, c.keyword, "interfaces")) {
                 continue;
               }
               check_if_exists(ctx, c.keyword, "garp_group");
               g.interfaces.push_back({c.keyword.text, ctx.loc(c)});
             }
           }},
      });
  return t;
}

// ---------------------------------------------------------------------------
// vrrp_sync_group

const Table<VrrpSyncGroup>& sync_group_table() {
  static const Table<VrrpSyncGroup> t(
      "vrrp_sync_group",
      {
          {"group", Shape::Block,
           [](Ctx& ctx, const Node& n, VrrpSyncGroup& g) {
             if (!g.group.empty()) {
               ctx.error(n.keyword, fmt::format("vrrp_sync_group {} already has a group list; "
                                                "this one is ignored",
                                                g.name));
               return;
             }
             if (n.children.empty()) {
               ctx.warning(n.keyword,
                           fmt::format("vrrp_sync_group {} has an empty group block", g.name));
             }
             for (const Node& c : n.children) {
               if (!c.args.empty() || c.has_block) {
                 ctx.error(c.keyword, "'group' block takes one vrrp_instance name per line");
                 continue;
               }
               g.group.push_back({c.keyword.text, ctx.loc(c)});
             }
           }},
          {"track_interface", Shape::Block,
           [](Ctx& ctx, const Node& n, VrrpSyncGroup& g) {
             parse_track_interfaces(ctx, n, g.track_interface);
           }},
          {"track_script", Shape::Block,
           [](Ctx& ctx, const Node& n, VrrpSyncGroup& g) {
             parse_track_refs(ctx, n, g.track_script, -253, 253, "track_script");
           }},
          {"track_file", Shape::Block,
           [](Ctx& ctx, const Node& n, VrrpSyncGroup& g) {
             parse_track_refs(ctx, n, g.track_file, -254, 254, "track_file");
           }},
          {"track_process", Shape::Block,
           [](Ctx& ctx, const Node& n, VrrpSyncGroup& g) {
             parse_track_refs(ctx, n, g.track_process, -254, 254, "track_process");
           }},
          {"track_bfd", Shape::Block,
           [](Ctx& ctx, const Node& n, VrrpSyncGroup& g) {
             parse_track_refs(ctx, n, g.track_bfd, -253, 253, "track_bfd");
           }},
          kw_notify("notify_master", &VrrpSyncGroup::notify_master),
          kw_notify("notify_backup", &VrrpSyncGroup::notify_backup),
          kw_notify("notify_fault", &VrrpSyncGroup::notify_fault),
          kw_notify("notify_stop", &VrrpSyncGroup::notify_stop),
          kw_notify("notify", &VrrpSyncGroup::notify),
          kw_bool("notify_priority_changes", &VrrpSyncGroup::notify_priority_changes),
          kw_bool("smtp_alert", &VrrpSyncGroup::smtp_alert),
          kw_deprecated(kw_flag("global_tracking", &VrrpSyncGroup::global_tracking),
                        "use track_interface/track_script/track_file on the vrrp_sync_group"),
          kw_flag("sync_group_tracking_weight", &VrrpSyncGroup::sync_group_tracking_weight),
      });
  return t;
}

// ---------------------------------------------------------------------------
// vrrp_instance

/// Records the instance's address family from `a`, or reports a mismatch.
bool take_family(Ctx& ctx, const Token& t, VrrpInstance& v, Family f, std::string_view what) {
  if (v.family == Family::None) {
    v.family = f;
    return true;
  }
  if (v.family != f) {
    ctx.error(t,
              fmt::format("{} {} is {} but vrrp_instance {} is {}; ignored", what,
                          text::printable(t.text), family_word(f), v.name, family_word(v.family)));
    return false;
  }
  return true;
}

/// "xx:xx:xx:xx:xx[:xx]"
std::optional<std::vector<std::uint8_t>> parse_mac(std::string_view s) {
  std::vector<std::uint8_t> out;
  std::size_t i = 0;
  while (i <= s.size()) {
    const auto colon = s.find(':', i);
    const auto part = s.substr(i, colon == std::string_view::npos ? s.npos : colon - i);
    if (part.empty() || part.size() > 2) {
      return std::nullopt;
    }
    auto v = parse_int(part, 16);
    if (!v || *v < 0 || part.front() == '-' || part.front() == '+') {
      return std::nullopt;
    }
    out.push_back(static_cast<std::uint8_t>(*v));
    if (colon == std::string_view::npos) {
      break;
    }
    i = colon + 1;
  }
  if (out.size() != 5 && out.size() != 6) {
    return std::nullopt;
  }
  return out;
}

bool looks_like_mac(std::string_view s) {
  return s.find(':') != std::string_view::npos &&
         s.find_first_not_of("0123456789abcdefABCDEF:") == std::string_view::npos;
}

void parse_use_vmac(Ctx& ctx, const Node& n, VrrpInstance& v) {
  if (!need_args(ctx, n, 0, 2)) {
    return;
  }
  UseVmac u;
  bool have_if = false;
  bool have_mac = false;
  for (const Token& a : n.args) {
    if (looks_like_mac(a.text)) {
      if (have_mac) {
        ctx.error(a, "use_vmac: the MAC address is already given; ignored");
        continue;
      }
      auto mac = parse_mac(a.text);
      if (!mac) {
        ctx.error(a, fmt::format("use_vmac: '{}' is not a MAC address (5 or 6 hex octets)",
                                 text::printable(a.text)));
        continue;
      }
      if (((*mac)[0] & 1) != 0) {
        ctx.error(a,
                  fmt::format("use_vmac: MAC address {} is a multicast address; ignored", a.text));
        continue;
      }
      // RFC 5798 §7.3: 00-00-5E-00-01-{VRID} (IPv4) and 00-00-5E-00-02-{VRID} (IPv6)
      // are the standard virtual router MACs; a configured one must differ.
      if ((*mac)[0] == 0 && (*mac)[1] == 0 && (*mac)[2] == 0x5e && (*mac)[3] == 0 &&
          ((*mac)[4] == 1 || (*mac)[4] == 2)) {
        ctx.error(a, fmt::format("use_vmac: MAC address {} is in the RFC 5798 virtual router "
                                 "range; ignored",
                                 a.text));
        continue;
      }
      u.mac = a.text;
      have_mac = true;
    } else {
      if (have_if) {
        ctx.error(a, "use_vmac: the interface name is already given; ignored");
        continue;
      }
      if (!check_ifname(ctx, a, "use_vmac")) {
        continue;
      }
      u.ifname = a.text;
      have_if = true;
    }
  }
  v.use_vmac = std::move(u);
}

void parse_use_ipvlan(Ctx& ctx, const Node& n, VrrpInstance& v) {
  if (v.use_ipvlan) {
    ctx.error(n.keyword, "use_ipvlan is already given; ignored");
    return;
  }
  if (!need_args(ctx, n, 0, 3)) {
    return;
  }
  UseIpvlan u;
  bool have_mode = false;
  for (const Token& a : n.args) {
    if (a.is("bridge") || a.is("private") || a.is("vepa")) {
      if (have_mode) {
        ctx.error(a, "use_ipvlan: the mode is already given; ignored");
        continue;
      }
      u.mode = a.is("bridge") ? IpvlanMode::Bridge
                              : (a.is("private") ? IpvlanMode::Private : IpvlanMode::Vepa);
      have_mode = true;
    } else if (auto p = Prefix::parse(a.text)) {
      if (u.address) {
        ctx.error(a, "use_ipvlan: the address is already given; ignored");
        continue;
      }
      if (take_family(ctx, a, v, p->addr.family, "use_ipvlan address")) {
        u.address = *p;
      }
    } else {
      if (!u.ifname.empty()) {
        ctx.error(a, fmt::format("use_ipvlan: the interface name is already given; '{}' ignored "
                                 "(a mode is bridge|private|vepa)",
                                 text::printable(a.text)));
        continue;
      }
      if (check_ifname(ctx, a, "use_ipvlan")) {
        u.ifname = a.text;
      }
    }
  }
  v.use_ipvlan = std::move(u);
}

void parse_unicast_peers(Ctx& ctx, const Node& n, VrrpInstance& v) {
  if (n.children.empty()) {
    ctx.warning(n.keyword, fmt::format("vrrp_instance {}: empty unicast_peer block (multicast is "
                                       "used)",
                                       v.name));
  }
  for (const Node& c : n.children) {
    if (c.has_block) {
      ctx.error(c.keyword, "a unicast_peer line does not take a { } block");
      continue;
    }
    auto a = IpAddress::parse(c.keyword.text);
    if (!a) {
      ctx.error(c.keyword, fmt::format("'{}' in unicast_peer is not an IP address",
                                       text::printable(c.keyword.text)));
      continue;
    }
    UnicastPeer p{ctx.loc(c), *a, std::nullopt, std::nullopt};
    bool ok = true;
    for (std::size_t i = 0; i < c.args.size() && ok; i += 2) {
      const Token& opt = c.args[i];
      if (!opt.is("min_ttl") && !opt.is("max_ttl")) {
        ctx.error(opt, fmt::format("unknown unicast_peer option '{}' (expected min_ttl|max_ttl)",
                                   text::printable(opt.text)));
        ok = false;
        break;
      }
      if (i + 1 >= c.args.size()) {
        ctx.error(opt, fmt::format("'{}' needs a value", opt.text));
        ok = false;
        break;
      }
      auto val = parse_int(c.args[i + 1].text);
      if (!val || *val < 0 || *val > 255) {
        ctx.error(c.args[i + 1], fmt::format("'{}' for '{}' is not in the range [0, 255]",
                                             text::printable(c.args[i + 1].text), opt.text));
        ok = false;
        break;
      }
      (opt.is("min_ttl") ? p.min_ttl : p.max_ttl) = static_cast<int>(*val);
    }
    if (!ok) {
      continue;
    }
    if (p.min_ttl && p.max_ttl && *p.min_ttl > *p.max_ttl) {
      ctx.warning(c.keyword, fmt::format("unicast_peer {}: min_ttl {} > max_ttl {}; every packet "
                                         "will be discarded",
                                         a->str(), *p.min_ttl, *p.max_ttl));
    }
    if (!take_family(ctx, c.keyword, v, a->family, "unicast_peer")) {
      continue;
    }
    v.unicast_peer.push_back(p);
  }
}

Keyword<VrrpInstance> kw_src_ip(std::string_view name, std::optional<IpAddress> VrrpInstance::*f) {
  return {name, Shape::Value, [f](Ctx& ctx, const Node& n, VrrpInstance& v) {
            if (!need_args(ctx, n, 1, 1)) {
              return;
            }
            auto a = get_ip(ctx, n, 0);
            if (a && take_family(ctx, n.args[0], v, a->family, n.keyword.text)) {
              v.*f = *a;
            }
          }};
}

Keyword<VrrpInstance> kw_garp_extra_if(std::string_view name) {
  return {name, Shape::Value, [](Ctx& ctx, const Node& n, VrrpInstance& v) {
            if (!need_args(ctx, n, 1, 2)) {
              return;
            }
            GarpExtraIf g;
            std::size_t i = 0;
            if (n.args[0].is("all")) {
              g.all = true;
              i = 1;
            }
            if (i + 1 != n.args.size()) {
              ctx.error(n.keyword, fmt::format("'{}' takes [all] <SECONDS>", n.keyword.text));
              return;
            }
            if (auto s = get_int(ctx, n, i, 0, 86400)) {
              g.interval = static_cast<int>(*s);
              v.garp_extra_if = g;
            }
          }};
}

const Table<Authentication>& authentication_table() {
  static const Table<Authentication> t(
      "authentication",
      {
          kw_enum("auth_type", &Authentication::auth_type,
                  Choices<AuthType>{{"PASS", AuthType::Pass}, {"AH", AuthType::Ah}}),
          {"auth_pass", Shape::Value,
           [](Ctx& ctx, const Node& n, Authentication& a) {
             if (!need_args(ctx, n, 1, 1)) {
               return;
             }
             a.auth_pass = n.args[0].text;
             constexpr std::size_t kMax = 8;  // the VRRPv2 authentication data field
             if (a.auth_pass.size() > kMax) {
               ctx.warning(n.args[0], fmt::format("auth_pass is longer than {} characters; only "
                                                  "'{}' is used",
                                                  kMax, a.auth_pass.substr(0, kMax)));
               a.auth_pass.resize(kMax);
             }
           }},
      });
  return t;
}

const Table<VrrpInstance>& vrrp_instance_table() {
  static const Table<VrrpInstance> t(
      "vrrp_instance",
      {
          {"state", Shape::Value,
           [](Ctx& ctx, const Node& n, VrrpInstance& v) {
             if (!need_args(ctx, n, 1, 1)) {
               return;
             }
             const Token& a = n.args[0];
             if (a.is("MASTER")) {
               v.state = VrrpState::Master;
             } else if (a.is("BACKUP")) {
               if (v.state == VrrpState::Master) {
                 ctx.error(a, "state was already set to MASTER; BACKUP ignored");
                 return;
               }
               v.state = VrrpState::Backup;
             } else {
               bad_choice(ctx, n, a, {"MASTER", "BACKUP"});
             }
           }},
          {"interface", Shape::Value,
           [](Ctx& ctx, const Node& n, VrrpInstance& v) {
             if (!need_args(ctx, n, 1, 1) || !check_ifname(ctx, n.args[0], "interface")) {
               return;
             }
             if (!v.vrf.empty()) {
               ctx.error(n.args[0], "'interface' cannot be given with 'vrf'; ignored");
               return;
             }
             if (n.args[0].text == "lo") {
               ctx.error(n.args[0], fmt::format("vrrp_instance {} cannot use the loopback "
                                                "interface lo",
                                                v.name));
               return;
             }
             check_if_exists(ctx, n.args[0], "vrrp_instance " + v.name);
             v.interface = n.args[0].text;
           }},
          {"vrf", Shape::Value,
           [](Ctx& ctx, const Node& n, VrrpInstance& v) {
             if (!need_args(ctx, n, 1, 1) || !check_ifname(ctx, n.args[0], "vrf")) {
               return;
             }
             if (!v.interface.empty()) {
               ctx.error(n.args[0], "'vrf' cannot be given with 'interface'; ignored");
               return;
             }
             if (!v.vrf.empty()) {
               ctx.error(n.args[0], fmt::format("vrf is already set to '{}'; ignored", v.vrf));
               return;
             }
             if (n.args[0].text == "lo") {
               ctx.error(n.args[0], "the loopback interface lo cannot be a vrf");
               return;
             }
             check_if_exists(ctx, n.args[0], "vrf");
             v.vrf = n.args[0].text;
           }},
          {"use_vmac", Shape::Value, parse_use_vmac},
          kw_flag("use_vmac_addr", &VrrpInstance::use_vmac_addr),
          kw_flag("vmac_xmit_base", &VrrpInstance::vmac_xmit_base),
          {"use_ipvlan", Shape::Value, parse_use_ipvlan},
          {"native_ipv6", Shape::Value,
           [](Ctx& ctx, const Node& n, VrrpInstance& v) {
             if (!need_args(ctx, n, 0, 0)) {
               return;
             }
             ctx.note(n.keyword, "'native_ipv6' is deprecated: the addresses decide the family");
             if (take_family(ctx, n.keyword, v, Family::Inet6, "native_ipv6")) {
               v.native_ipv6 = true;
             }
           }},
          kw_flag("dont_track_primary", &VrrpInstance::dont_track_primary),
          {"track_interface", Shape::Block,
           [](Ctx& ctx, const Node& n, VrrpInstance& v) {
             parse_track_interfaces(ctx, n, v.track_interface);
           }},
          {"track_script", Shape::Block,
           [](Ctx& ctx, const Node& n, VrrpInstance& v) {
             parse_track_refs(ctx, n, v.track_script, -253, 253, "track_script");
           }},
          {"track_file", Shape::Block,
           [](Ctx& ctx, const Node& n, VrrpInstance& v) {
             parse_track_refs(ctx, n, v.track_file, -254, 254, "track_file");
           }},
          {"track_process", Shape::Block,
           [](Ctx& ctx, const Node& n, VrrpInstance& v) {
             parse_track_refs(ctx, n, v.track_process, -254, 254, "track_process");
           }},
          {"track_bfd", Shape::Block,
           [](Ctx& ctx, const Node& n, VrrpInstance& v) {
             parse_track_refs(ctx, n, v.track_bfd, -253, 253, "track_bfd");
           }},
          kw_src_ip("mcast_src_ip", &VrrpInstance::mcast_src_ip),
          kw_src_ip("unicast_src_ip", &VrrpInstance::unicast_src_ip),
          {"mcast_dst_ip", Shape::Value,
           [](Ctx& ctx, const Node& n, VrrpInstance& v) {
             if (!need_args(ctx, n, 1, 1)) {
               return;
             }
             auto a = get_ip(ctx, n, 0);
             if (!a) {
               return;
             }
             if (!a->is_multicast()) {
               ctx.error(n.args[0], fmt::format("mcast_dst_ip {} is not a multicast address; "
                                                "ignored",
                                                a->str()));
               return;
             }
             if (a->is_v6() && (a->bytes[1] & 0x0f) != 2) {
               ctx.error(n.args[0], fmt::format("mcast_dst_ip {} is not a link-local multicast "
                                                "address (ffX2::/16); ignored",
                                                a->str()));
               return;
             }
             if (take_family(ctx, n.args[0], v, a->family, "mcast_dst_ip")) {
               v.mcast_dst_ip = *a;
             }
           }},
          kw_flag("track_src_ip", &VrrpInstance::track_src_ip),
          kw_int("version", &VrrpInstance::version, 2, 3),
          kw_flag("check_unicast_src", &VrrpInstance::check_unicast_src),
          {"unicast_peer", Shape::Block, parse_unicast_peers},
          kw_flag("unicast_fault_no_peer", &VrrpInstance::unicast_fault_no_peer),
          kw_int("unicast_ttl", &VrrpInstance::unicast_ttl, 0, 255),
          {"old_unicast_checksum", Shape::Value,
           [](Ctx& ctx, const Node& n, VrrpInstance& v) {
             if (!need_args(ctx, n, 0, 1)) {
               return;
             }
             if (n.args.empty()) {
               v.old_unicast_checksum = OldUnicastChecksum::On;
             } else if (n.args[0].is("never")) {
               v.old_unicast_checksum = OldUnicastChecksum::Never;
             } else {
               bad_choice(ctx, n, n.args[0], {"never"});
             }
           }},
          kw_bool("v3_checksum_as_v2", &VrrpInstance::v3_checksum_as_v2),
          kw_seconds("garp_master_delay", &VrrpInstance::garp_master_delay, 0,
                     UINT32_MAX / 1000000),
          kw_int("garp_master_repeat", &VrrpInstance::garp_master_repeat, 1, INT32_MAX),
          kw_seconds("garp_lower_prio_delay", &VrrpInstance::garp_lower_prio_delay, 0,
                     UINT32_MAX / 1000000),
          kw_int("garp_lower_prio_repeat", &VrrpInstance::garp_lower_prio_repeat, 0, INT32_MAX),
          kw_seconds("garp_master_refresh", &VrrpInstance::garp_master_refresh, 0,
                     UINT32_MAX / 1000000),
          kw_int("garp_master_refresh_repeat", &VrrpInstance::garp_master_refresh_repeat, 1,
                 INT32_MAX),
          kw_garp_extra_if("garp_extra_if"),
          kw_deprecated(kw_garp_extra_if("vmac_garp_intvl"), "use 'garp_extra_if'"),
          kw_int("down_timer_adverts", &VrrpInstance::down_timer_adverts, 1, 100),
          kw_bool("lower_prio_no_advert", &VrrpInstance::lower_prio_no_advert),
          kw_bool("higher_prio_send_advert", &VrrpInstance::higher_prio_send_advert),
          kw_int("virtual_router_id", &VrrpInstance::virtual_router_id, 1, 255),
          kw_int("priority", &VrrpInstance::priority, 1, 255),
          kw_timer("advert_int", &VrrpInstance::advert_int, Micros(10'000), Micros(seconds(255))),
          {"authentication", Shape::Block,
           [](Ctx& ctx, const Node& n, VrrpInstance& v) {
             Authentication a = v.authentication.value_or(Authentication{});
             a.loc = ctx.loc(n);
             dispatch(ctx, n, a, authentication_table());
             v.authentication = std::move(a);
           }},
          {"virtual_ipaddress", Shape::Block,
           [](Ctx& ctx, const Node& n, VrrpInstance& v) {
             std::vector<IpAddressSpec> got;
             parse_ip_address_block(ctx, n, got);
             v.virtual_ipaddress.reserve(v.virtual_ipaddress.size() + got.size());
             for (std::size_t i = 0, c = 0; i < got.size(); ++i) {
               // Find the line this address came from, for the family message.
               while (c < n.children.size() && ctx.loc(n.children[c]) != got[i].loc) {
                 ++c;
               }
               const Token& at = c < n.children.size() ? n.children[c].keyword : n.keyword;
               if (take_family(ctx, at, v, got[i].address.addr.family, "virtual_ipaddress")) {
                 v.virtual_ipaddress.push_back(std::move(got[i]));
               }
             }
           }},
          {"virtual_ipaddress_excluded", Shape::Block,
           [](Ctx& ctx, const Node& n, VrrpInstance& v) {
             parse_ip_address_block(ctx, n, v.virtual_ipaddress_excluded);
           }},
          kw_flag("promote_secondaries", &VrrpInstance::promote_secondaries),
          {"virtual_routes", Shape::Block,
           [](Ctx& ctx, const Node& n, VrrpInstance& v) {
             parse_route_block(ctx, n, v.virtual_routes);
           }},
          {"virtual_rules", Shape::Block,
           [](Ctx& ctx, const Node& n, VrrpInstance& v) {
             parse_rule_block(ctx, n, v.virtual_rules);
           }},
          kw_flag("accept", &VrrpInstance::accept, true),
          kw_flag("no_accept", &VrrpInstance::accept, false),
          kw_flag("nopreempt", &VrrpInstance::nopreempt, true),
          kw_flag("preempt", &VrrpInstance::nopreempt, false),
          kw_timer("preempt_delay", &VrrpInstance::preempt_delay, Micros(0), Micros(seconds(1000))),
          kw_bool("skip_check_adv_addr", &VrrpInstance::skip_check_adv_addr),
          kw_bool("strict_mode", &VrrpInstance::strict_mode),
          kw_int("debug", &VrrpInstance::debug, 0, 4),
          kw_notify("notify_master", &VrrpInstance::notify_master),
          kw_notify("notify_backup", &VrrpInstance::notify_backup),
          kw_notify("notify_fault", &VrrpInstance::notify_fault),
          kw_notify("notify_stop", &VrrpInstance::notify_stop),
          {"notify_deleted", Shape::Value,
           [](Ctx& ctx, const Node& n, VrrpInstance& v) {
             if (v.notify_deleted) {
               ctx.error(n.keyword, "'notify_deleted' is already set; ignored");
               return;
             }
             if (n.args.empty()) {
               v.notify_deleted = Script{};
             } else if (auto s = get_script(ctx, n)) {
               v.notify_deleted = std::move(*s);
             }
           }},
          kw_notify("notify", &VrrpInstance::notify),
          kw_notify("notify_master_rx_lower_pri", &VrrpInstance::notify_master_rx_lower_pri),
          kw_bool("notify_priority_changes", &VrrpInstance::notify_priority_changes),
          kw_bool("smtp_alert", &VrrpInstance::smtp_alert),
          kw_int("kernel_rx_buf_size", &VrrpInstance::kernel_rx_buf_size, 1, UINT32_MAX),
          kw_deprecated(kw_flag("linkbeat_use_polling", &VrrpInstance::linkbeat_use_polling),
                        "use a linkbeat_interfaces block"),
          kw_deprecated(
              kw_string("lvs_sync_daemon_interface", &VrrpInstance::lvs_sync_daemon_interface),
              "use the global lvs_sync_daemon"),
      });
  return t;
}

// ---------------------------------------------------------------------------
// Validation helpers

/// Drops later definitions of a name already defined (keepalived keeps the first).
template <class T>
void drop_duplicates(Ctx& ctx, std::vector<T>& items, std::string_view block, bool is_error) {
  std::unordered_map<std::string_view, const T*> seen;
  seen.reserve(items.size());
  std::vector<std::size_t> drop;
  for (std::size_t i = 0; i < items.size(); ++i) {
    auto [it, fresh] = seen.emplace(items[i].name, &items[i]);
    if (!fresh) {
      const std::string msg =
          fmt::format("{} {} is already defined at {}:{}; this one is ignored", block,
                      items[i].name, it->second->loc.file, it->second->loc.line);
      if (is_error) {
        ctx.error(items[i].loc, msg);
      } else {
        ctx.note(items[i].loc, msg);
      }
      drop.push_back(i);
    }
  }
  if (drop.empty()) {
    return;
  }
  std::vector<T> kept;
  kept.reserve(items.size() - drop.size());
  std::size_t d = 0;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (d < drop.size() && drop[d] == i) {
      ++d;
      continue;
    }
    kept.push_back(std::move(items[i]));
  }
  items = std::move(kept);
}

/// A trackable object by name, with its place in the reading order.
template <class T>
struct Found {
  const T* obj = nullptr;
  std::size_t order = 0;
};
template <class T>
using FoundMap = std::unordered_map<std::string_view, Found<T>>;

struct Lookups {
  FoundMap<VrrpScript> script;
  FoundMap<TrackFile> file;
  FoundMap<VrrpTrackProcess> process;
  FoundMap<BfdInstance> bfd;
};

/// Reading order of the first definition of each name (before duplicates go).
template <class T>
std::unordered_map<std::string, std::size_t> reading_order(const std::vector<T>& items) {
  std::unordered_map<std::string, std::size_t> out;
  out.reserve(items.size());
  for (std::size_t i = 0; i < items.size(); ++i) {
    out.emplace(items[i].name, i);
  }
  return out;
}

template <class T>
FoundMap<T> found_map(const std::vector<T>& items,
                      const std::unordered_map<std::string, std::size_t>& order) {
  FoundMap<T> out;
  out.reserve(items.size());
  for (const auto& i : items) {
    out.emplace(i.name, Found<T>{&i, order.at(i.name)});
  }
  return out;
}

/// Removes references to objects that do not exist, or that are defined only
/// after the referring block (keepalived looks them up while reading).
template <class T>
void check_refs(Ctx& ctx, std::vector<TrackRef>& refs, const FoundMap<T>& known,
                std::size_t defined_before, std::string_view what, std::string_view target,
                std::string_view owner) {
  std::erase_if(refs, [&](const TrackRef& r) {
    auto it = known.find(r.name);
    if (it == known.end()) {
      ctx.error(r.loc, fmt::format("{}: {} '{}' does not name a {}; ignored", owner, what, r.name,
                                   target));
      return true;
    }
    if (it->second.order >= defined_before) {
      ctx.error(r.loc, fmt::format("{}: {} '{}' is defined after this block (at {}:{}); define it "
                                   "first; ignored",
                                   owner, what, r.name, it->second.obj->loc.file,
                                   it->second.obj->loc.line));
      return true;
    }
    return false;
  });
}

template <class T>
int default_weight(const FoundMap<T>& known, const TrackRef& r) {
  auto it = known.find(r.name);
  return it == known.end() ? 0 : it->second.obj->weight;
}

/// Tracking weights are ignored for an address owner and for members of a sync
/// group (unless sync_group_tracking_weight): report and drop weighted entries.
void drop_weighted_tracks(Ctx& ctx, VrrpInstance& v, const Lookups& lk, std::string_view why) {
  std::erase_if(v.track_interface, [&](const TrackedInterface& t) {
    if (t.weight == 0) {
      return false;
    }
    ctx.warning(t.loc, fmt::format("vrrp_instance {}: track_interface {} has weight {}, which is "
                                   "ignored {}; tracking dropped",
                                   v.name, t.name, t.weight, why));
    return true;
  });
  auto drop = [&](std::vector<TrackRef>& refs, const auto& known, std::string_view what) {
    std::erase_if(refs, [&](const TrackRef& r) {
      const int w = r.weight.value_or(default_weight(known, r));
      if (w == 0) {
        return false;
      }
      ctx.warning(r.loc,
                  fmt::format("vrrp_instance {}: {} {} has weight {}{}, which is ignored "
                              "{}; specify weight 0",
                              v.name, what, r.name, w, r.weight ? "" : " (its default)", why));
      return true;
    });
  };
  drop(v.track_script, lk.script, "track_script");
  drop(v.track_file, lk.file, "track_file");
  drop(v.track_process, lk.process, "track_process");
  drop(v.track_bfd, lk.bfd, "track_bfd");
}

void validate_instance(Ctx& ctx, const Model& m, VrrpInstance& v, const Lookups& lk) {
  const std::string owner = "vrrp_instance " + v.name;
  if (v.virtual_router_id == 0) {
    ctx.error(v.loc, fmt::format("vrrp_instance {} has no virtual_router_id", v.name));
  }
  if (v.family == Family::None) {
    v.family = Family::Inet;
  }
  // Version: IPv6 is always VRRPv3; else the instance's, else global vrrp_version.
  if (v.family == Family::Inet6) {
    if (v.version == 2) {
      ctx.note(v.loc, fmt::format("vrrp_instance {} is IPv6, which needs VRRP version 3; using 3",
                                  v.name));
    }
    v.version = 3;
  } else if (!v.version) {
    v.version = m.global.global_defs.vrrp_version.value_or(2);
  }
  if (!v.priority) {
    v.priority = v.state == VrrpState::Master ? kPriorityOwner : kPriorityDefault;
  }
  const bool strict = v.strict_mode.value_or(m.global.global_defs.vrrp_strict);

  // advert_int: VRRPv2 carries whole seconds, VRRPv3 centiseconds below 40.96 s.
  if (*v.version == 2 && v.advert_int.count() % 1'000'000 != 0) {
    const auto secs = std::max<std::int64_t>(1, (v.advert_int.count() + 500'000) / 1'000'000);
    ctx.warning(v.loc, fmt::format("vrrp_instance {}: VRRPv2 advert_int {}s must be whole "
                                   "seconds; using {}s",
                                   v.name, static_cast<double>(v.advert_int.count()) / 1e6, secs));
    v.advert_int = seconds(secs);
  } else if (*v.version == 3 && v.advert_int > Micros(40'950'000)) {
    ctx.warning(v.loc, fmt::format("vrrp_instance {}: VRRPv3 advert_int {}s is above 40.95s; "
                                   "using 40.95s",
                                   v.name, static_cast<double>(v.advert_int.count()) / 1e6));
    v.advert_int = Micros(40'950'000);
  }

  if (v.authentication) {
    const Authentication& a = *v.authentication;
    if (*v.version == 3) {
      ctx.warning(a.loc, fmt::format("vrrp_instance {}: VRRP version 3 does not support "
                                     "authentication; ignored",
                                     v.name));
      v.authentication.reset();
    } else if (strict) {
      ctx.warning(a.loc, fmt::format("vrrp_instance {}: strict mode does not support "
                                     "authentication; ignored",
                                     v.name));
      v.authentication.reset();
    } else if (a.auth_pass.empty() || !a.auth_type) {
      ctx.warning(a.loc, fmt::format("vrrp_instance {}: authentication needs auth_type and "
                                     "auth_pass; ignored",
                                     v.name));
      v.authentication.reset();
    } else if (*a.auth_type == AuthType::Ah && v.state == VrrpState::Master) {
      ctx.warning(a.loc, fmt::format("vrrp_instance {}: initial state MASTER is incompatible with "
                                     "AH authentication; using BACKUP",
                                     v.name));
      v.state = VrrpState::Backup;
    }
  }

  if (v.nopreempt) {
    if (*v.priority == kPriorityOwner) {
      ctx.warning(v.loc, fmt::format("vrrp_instance {}: nopreempt is incompatible with priority "
                                     "255 (address owner); nopreempt cleared",
                                     v.name));
      v.nopreempt = false;
    } else if (v.state == VrrpState::Master) {
      ctx.warning(v.loc, fmt::format("vrrp_instance {}: nopreempt does not work with initial "
                                     "state MASTER; nopreempt cleared",
                                     v.name));
      v.nopreempt = false;
    }
  }
  if (v.preempt_delay.count() != 0 && v.nopreempt) {
    ctx.warning(v.loc, fmt::format("vrrp_instance {}: preempt_delay is incompatible with "
                                   "nopreempt; preempt_delay cleared",
                                   v.name));
    v.preempt_delay = Micros(0);
  }
  if (v.preempt_delay.count() != 0 && v.state == VrrpState::Master) {
    ctx.warning(v.loc, fmt::format("vrrp_instance {}: preempt_delay does not work with initial "
                                   "state MASTER; preempt_delay cleared",
                                   v.name));
    v.preempt_delay = Micros(0);
  }
  if (strict && v.state == VrrpState::Master && *v.priority != kPriorityOwner) {
    ctx.warning(v.loc, fmt::format("vrrp_instance {}: in strict mode, state MASTER requires "
                                   "priority 255 (address owner)",
                                   v.name));
  }
  if (strict && *v.version == 2 && v.accept == true) {
    ctx.warning(v.loc, fmt::format("vrrp_instance {}: accept mode with VRRP version 2 does not "
                                   "comply with RFC 3768 in strict mode; accept cleared",
                                   v.name));
    v.accept = false;
  }
  if (v.virtual_ipaddress.empty()) {
    ctx.warning(v.loc, fmt::format("vrrp_instance {} has no virtual_ipaddress", v.name));
  }

  // Unicast.
  if (v.unicast_peer.empty()) {
    if (v.unicast_ttl) {
      ctx.warning(
          v.loc, fmt::format("vrrp_instance {}: unicast_ttl needs unicast peers; ignored", v.name));
      v.unicast_ttl.reset();
    }
    if (v.unicast_src_ip || v.check_unicast_src || v.old_unicast_checksum) {
      ctx.warning(v.loc, fmt::format("vrrp_instance {}: a unicast keyword is given without any "
                                     "unicast_peer; multicast is used",
                                     v.name));
    }
  } else if (v.use_vmac && !v.vmac_xmit_base) {
    ctx.warning(v.loc, fmt::format("vrrp_instance {}: use_vmac with unicast peers requires "
                                   "vmac_xmit_base; setting it",
                                   v.name));
    v.vmac_xmit_base = true;
  }
  if (v.use_vmac && v.promote_secondaries) {
    ctx.warning(
        v.loc, fmt::format("vrrp_instance {}: promote_secondaries is implied by use_vmac", v.name));
  }
  if (v.interface.empty() && v.unicast_peer.empty()) {
    ctx.error(v.loc, fmt::format("vrrp_instance {} has no (usable) interface", v.name));
  }

  // References.
  const DefinedBefore& db = v.defined_before;
  check_refs(ctx, v.track_script, lk.script, db.vrrp_script, "track_script", "vrrp_script", owner);
  check_refs(ctx, v.track_file, lk.file, db.track_file, "track_file", "track_file", owner);
  check_refs(ctx, v.track_process, lk.process, db.vrrp_track_process, "track_process",
             "vrrp_track_process", owner);
  check_refs(ctx, v.track_bfd, lk.bfd, db.bfd_instance, "track_bfd",
             "bfd_instance (with vrrp events)", owner);
  if (*v.priority == kPriorityOwner) {
    drop_weighted_tracks(ctx, v, lk, "for an address owner (priority 255)");
  }
}

/// Two instances clash when they share interface, family and VRID and would
/// read the same adverts: both multicast to the same group, or both unicast
/// with a peer in common.
bool vrid_clash(const VrrpInstance& a, const VrrpInstance& b) {
  if (a.unicast_peer.empty() != b.unicast_peer.empty()) {
    return false;
  }
  if (a.unicast_peer.empty()) {
    return a.mcast_dst_ip == b.mcast_dst_ip;
  }
  for (const auto& p : a.unicast_peer) {
    for (const auto& q : b.unicast_peer) {
      if (p.address == q.address) {
        return true;
      }
    }
  }
  return false;
}

void check_vrids(Ctx& ctx, const std::vector<VrrpInstance>& insts) {
  std::unordered_map<std::string, std::vector<std::size_t>> by_key;
  by_key.reserve(insts.size());
  for (std::size_t i = 0; i < insts.size(); ++i) {
    const auto& v = insts[i];
    if (v.virtual_router_id == 0) {
      continue;
    }
    std::string key = fmt::format("{}|{}|{}", v.interface.empty() ? v.vrf : v.interface,
                                  static_cast<int>(v.family), v.virtual_router_id);
    auto& same = by_key[std::move(key)];
    for (std::size_t j : same) {
      if (vrid_clash(insts[j], v)) {
        ctx.error(v.loc,
                  fmt::format("vrrp_instance {} uses virtual_router_id {} with {} on "
                              "interface {}, as vrrp_instance {} does",
                              v.name, v.virtual_router_id, family_word(v.family),
                              v.interface.empty() ? "(default)" : v.interface, insts[j].name));
        break;
      }
    }
    same.push_back(i);
  }
}

void validate_sync_groups(Ctx& ctx, VrrpConfig& vc, const Lookups& lk) {
  std::unordered_map<std::string_view, VrrpInstance*> inst;
  inst.reserve(vc.vrrp_instance.size());
  for (auto& v : vc.vrrp_instance) {
    inst.emplace(v.name, &v);
  }
  // Which group each instance belongs to.
  std::unordered_map<std::string_view, std::string> member_of;
  std::vector<VrrpSyncGroup> kept;
  kept.reserve(vc.vrrp_sync_group.size());
  for (auto& g : vc.vrrp_sync_group) {
    const std::string owner = "vrrp_sync_group " + g.name;
    std::erase_if(g.group, [&](const NameRef& r) {
      if (inst.count(r.name) == 0) {
        ctx.error(r.loc,
                  fmt::format("{}: vrrp_instance {} does not exist; ignored", owner, r.name));
        return true;
      }
      auto [it, fresh] = member_of.emplace(r.name, g.name);
      if (!fresh) {
        ctx.error(r.loc, fmt::format("{}: vrrp_instance {} is already in vrrp_sync_group {}; an "
                                     "instance can be in only one sync group",
                                     owner, r.name, it->second));
        return true;
      }
      return false;
    });
    if (g.group.empty()) {
      ctx.warning(g.loc, fmt::format("{} has no vrrp_instance; group ignored", owner));
      continue;
    }
    if (g.group.size() == 1) {
      ctx.warning(g.loc, fmt::format("{} has only one vrrp_instance ({}); a sync group is for "
                                     "several",
                                     owner, g.group[0].name));
    }
    const DefinedBefore& db = g.defined_before;
    check_refs(ctx, g.track_script, lk.script, db.vrrp_script, "track_script", "vrrp_script",
               owner);
    check_refs(ctx, g.track_file, lk.file, db.track_file, "track_file", "track_file", owner);
    check_refs(ctx, g.track_process, lk.process, db.vrrp_track_process, "track_process",
               "vrrp_track_process", owner);
    check_refs(ctx, g.track_bfd, lk.bfd, db.bfd_instance, "track_bfd",
               "bfd_instance (with vrrp events)", owner);
    for (const auto& r : g.group) {
      VrrpInstance& v = *inst.at(r.name);
      // An object tracked by the group need not be tracked by its members.
      for (const auto& t : g.track_interface) {
        const bool dup = t.name == v.interface ||
                         std::any_of(v.track_interface.begin(), v.track_interface.end(),
                                     [&](const TrackedInterface& o) { return o.name == t.name; });
        if (dup) {
          ctx.warning(t.loc, fmt::format("track_interface {} is tracked by both {} and its member "
                                         "vrrp_instance {}",
                                         t.name, owner, v.name));
        }
      }
      auto both = [&](const std::vector<TrackRef>& gr, const std::vector<TrackRef>& vr,
                      std::string_view what) {
        for (const auto& t : gr) {
          if (std::any_of(vr.begin(), vr.end(),
                          [&](const TrackRef& o) { return o.name == t.name; })) {
            ctx.warning(t.loc, fmt::format("{} {} is tracked by both {} and its member "
                                           "vrrp_instance {}; remove it from the instance",
                                           what, t.name, owner, v.name));
          }
        }
      };
      both(g.track_script, v.track_script, "track_script");
      both(g.track_file, v.track_file, "track_file");
      both(g.track_process, v.track_process, "track_process");
      both(g.track_bfd, v.track_bfd, "track_bfd");
      if (!g.sync_group_tracking_weight) {
        drop_weighted_tracks(ctx, v, lk,
                             fmt::format("in vrrp_sync_group {} (without "
                                         "sync_group_tracking_weight)",
                                         g.name));
      }
    }
    kept.push_back(std::move(g));
  }
  vc.vrrp_sync_group = std::move(kept);
}

void validate_garp_groups(Ctx& ctx, VrrpConfig& vc) {
  std::unordered_set<std::string> used;
  for (auto& g : vc.garp_group) {
    auto claim = [&](const std::string& ifname, const SourceLoc& loc) {
      if (!used.insert(ifname).second) {
        ctx.error(loc,
                  fmt::format("interface {} is already in another garp_group; ignored", ifname));
        return false;
      }
      return true;
    };
    if (!g.interface.empty() && !claim(g.interface, g.loc)) {
      g.interface.clear();
    }
    std::erase_if(g.interfaces, [&](const NameRef& r) { return !claim(r.name, r.loc); });
  }
}

}  // namespace

void add_vrrp_keywords(TopTable& top) {
  top.push_back({"vrrp_script", Shape::Block, [](Ctx& ctx, const Node& n, Model& m) {
                   if (!need_args(ctx, n, 1, 1)) {
                     return;
                   }
                   VrrpScript s;
                   s.name = n.args[0].text;
                   s.loc = ctx.loc(n);
                   dispatch(ctx, n, s, vrrp_script_table());
                   if (s.script.cmd.empty()) {
                     ctx.error(n.keyword,
                               fmt::format("vrrp_script {} has no 'script'; ignored", s.name));
                     return;
                   }
                   m.vrrp.vrrp_script.push_back(std::move(s));
                 }});
  auto track_file = [](Ctx& ctx, const Node& n, Model& m) {
    if (n.keyword.is("vrrp_track_file")) {
      ctx.note(n.keyword, "'vrrp_track_file' is deprecated; use 'track_file'");
    }
    if (!need_args(ctx, n, 1, 1)) {
      return;
    }
    TrackFile f;
    f.name = n.args[0].text;
    f.loc = ctx.loc(n);
    dispatch(ctx, n, f, track_file_table());
    if (f.file.empty()) {
      ctx.error(n.keyword, fmt::format("track_file {} has no 'file'; ignored", f.name));
      return;
    }
    m.vrrp.track_file.push_back(std::move(f));
  };
  top.push_back({"track_file", Shape::Block, track_file});
  top.push_back({"vrrp_track_file", Shape::Block, track_file});
  top.push_back({"vrrp_track_process", Shape::Block, [](Ctx& ctx, const Node& n, Model& m) {
                   if (!need_args(ctx, n, 1, 1)) {
                     return;
                   }
                   VrrpTrackProcess p;
                   p.name = n.args[0].text;
                   p.loc = ctx.loc(n);
                   dispatch(ctx, n, p, track_process_table());
                   if (p.process.empty()) {
                     ctx.error(n.keyword, fmt::format("vrrp_track_process {} has no 'process'; "
                                                      "ignored",
                                                      p.name));
                     return;
                   }
                   m.vrrp.vrrp_track_process.push_back(std::move(p));
                 }});
  top.push_back({"vrrp_sync_group", Shape::Block, [](Ctx& ctx, const Node& n, Model& m) {
                   if (!need_args(ctx, n, 1, 1)) {
                     return;
                   }
                   VrrpSyncGroup g;
                   g.name = n.args[0].text;
                   g.loc = ctx.loc(n);
                   g.defined_before = {m.vrrp.vrrp_script.size(), m.vrrp.track_file.size(),
                                       m.vrrp.vrrp_track_process.size(), m.bfd.bfd_instance.size()};
                   dispatch(ctx, n, g, sync_group_table());
                   m.vrrp.vrrp_sync_group.push_back(std::move(g));
                 }});
  top.push_back({"garp_group", Shape::Block, [](Ctx& ctx, const Node& n, Model& m) {
                   if (!n.args.empty()) {
                     ctx.note(n.args[0], "garp_group takes no name; ignored");
                   }
                   GarpGroup g;
                   g.loc = ctx.loc(n);
                   dispatch(ctx, n, g, garp_group_table());
                   if (!g.garp_interval && !g.gna_interval) {
                     ctx.error(n.keyword,
                               "garp_group has neither garp_interval nor "
                               "gna_interval; ignored");
                     return;
                   }
                   if (g.interface.empty() && g.interfaces.empty()) {
                     ctx.note(n.keyword, "garp_group names no interface; it has no effect");
                   }
                   m.vrrp.garp_group.push_back(std::move(g));
                 }});
  top.push_back({"vrrp_instance", Shape::Block, [](Ctx& ctx, const Node& n, Model& m) {
                   if (!need_args(ctx, n, 1, 1)) {
                     return;
                   }
                   VrrpInstance v;
                   v.name = n.args[0].text;
                   v.loc = ctx.loc(n);
                   v.defined_before = {m.vrrp.vrrp_script.size(), m.vrrp.track_file.size(),
                                       m.vrrp.vrrp_track_process.size(), m.bfd.bfd_instance.size()};
                   dispatch(ctx, n, v, vrrp_instance_table());
                   m.vrrp.vrrp_instance.push_back(std::move(v));
                 }});
}

void validate_vrrp(Ctx& ctx, Model& m) {
  VrrpConfig& vc = m.vrrp;
  // keepalived 2.2.7 silently keeps duplicate vrrp_script and track_file names
  // (a note, so verdicts stay equal); duplicate instances and groups are errors.
  const auto script_order = reading_order(vc.vrrp_script);
  const auto file_order = reading_order(vc.track_file);
  const auto process_order = reading_order(vc.vrrp_track_process);
  drop_duplicates(ctx, vc.vrrp_script, "vrrp_script", false);
  drop_duplicates(ctx, vc.track_file, "track_file", false);
  drop_duplicates(ctx, vc.vrrp_track_process, "vrrp_track_process", false);
  drop_duplicates(ctx, vc.vrrp_instance, "vrrp_instance", true);
  drop_duplicates(ctx, vc.vrrp_sync_group, "vrrp_sync_group", true);

  Lookups lk;
  lk.script = found_map(vc.vrrp_script, script_order);
  lk.file = found_map(vc.track_file, file_order);
  lk.process = found_map(vc.vrrp_track_process, process_order);
  const auto& bfds = m.bfd.bfd_instance;
  for (std::size_t i = 0; i < bfds.size(); ++i) {
    // A bfd_instance that sends its events only to the checker is not visible
    // to VRRP.
    if (bfds[i].vrrp || !bfds[i].checker) {
      lk.bfd.emplace(bfds[i].name, Found<BfdInstance>{&bfds[i], i});
    }
  }
  for (auto& v : vc.vrrp_instance) {
    validate_instance(ctx, m, v, lk);
  }
  check_vrids(ctx, vc.vrrp_instance);
  validate_sync_groups(ctx, vc, lk);
  validate_garp_groups(ctx, vc);
}

}  // namespace vigil::config::detail
