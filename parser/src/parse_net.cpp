// SPDX-License-Identifier: GPL-2.0-or-later
// The `ip addr` / `ip route` / `ip rule` line grammar keepalived accepts in the
// static_* and virtual_* blocks. Each line is read left to right by a small
// cursor; every rejection names the option, the bad value and what is allowed,
// located at the offending word. Warnings mirror the ones keepalived gives
// (untrackable routes, rules without a preference), so `-t` verdicts agree.
#include "parse_net.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <climits>

#include "vigil/runtime/text.hpp"

namespace vigil::config::detail {

namespace {

constexpr std::uint8_t kRtprotKeepalived = 18;
constexpr std::uint32_t kForever = UINT32_MAX;
constexpr std::size_t kMaxLabelLen = 15;  // IFNAMSIZ - 1

struct Named {
  std::string_view name;
  std::uint32_t value;
};

constexpr std::array<Named, 5> kScopes{{
    {"global", 0},
    {"site", 200},
    {"link", 253},
    {"host", 254},
    {"nowhere", 255},
}};

constexpr std::array<Named, 4> kTables{{
    {"unspec", 0},
    {"default", 253},
    {"main", 254},
    {"local", 255},
}};

// iproute2's /etc/iproute2/rt_protos as shipped.
constexpr std::array<Named, 22> kProtocols{{
    {"unspec", 0},    {"redirect", 1}, {"kernel", 2}, {"boot", 3},   {"static", 4},
    {"gated", 8},     {"ra", 9},       {"mrt", 10},   {"zebra", 11}, {"bird", 12},
    {"dnrouted", 13}, {"xorp", 14},    {"ntk", 15},   {"dhcp", 16},  {"keepalived", 18},
    {"babel", 42},    {"openr", 99},   {"bgp", 186},  {"isis", 187}, {"ospf", 188},
    {"rip", 189},     {"eigrp", 192},
}};

// IP protocol names accepted by `ipproto` (case-insensitive, as /etc/protocols).
constexpr std::array<Named, 12> kIpProtos{{
    {"icmp", 1},
    {"igmp", 2},
    {"ipip", 4},
    {"tcp", 6},
    {"udp", 17},
    {"dccp", 33},
    {"gre", 47},
    {"esp", 50},
    {"ah", 51},
    {"ipv6-icmp", 58},
    {"sctp", 132},
    {"udplite", 136},
}};

constexpr std::array<std::string_view, 10> kRouteTypes{
    "unicast",   "local",       "broadcast", "anycast", "multicast",
    "blackhole", "unreachable", "prohibit",  "throw",   "nat",
};

template <std::size_t N>
std::optional<std::uint32_t> lookup(const std::array<Named, N>& names, std::string_view s) {
  for (const auto& n : names) {
    if (n.name == s) {
      return n.value;
    }
  }
  return std::nullopt;
}

template <std::size_t N>
std::string name_of(const std::array<Named, N>& names, std::uint32_t v) {
  for (const auto& n : names) {
    if (n.value == v) {
      return std::string(n.name);
    }
  }
  return std::to_string(v);
}

std::optional<std::uint64_t> parse_unsigned(std::string_view s, std::uint64_t max) {
  if (s.empty() || s[0] == '-' || s[0] == '+') {
    return std::nullopt;
  }
  auto v = parse_int(s, 0);
  if (!v || *v < 0 || static_cast<std::uint64_t>(*v) > max) {
    return std::nullopt;
  }
  return static_cast<std::uint64_t>(*v);
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

/// Reads one line's words left to right.
class Cursor {
 public:
  Cursor(Ctx& ctx, const Node& n, std::string_view what) : ctx_(ctx), what_(what) {
    words_.reserve(n.args.size() + 1);
    words_.push_back(&n.keyword);
    for (const auto& a : n.args) {
      words_.push_back(&a);
    }
  }
  [[nodiscard]] bool done() const { return i_ >= words_.size(); }
  [[nodiscard]] const Token& peek() const { return *words_[i_]; }
  const Token& take() { return *words_[i_++]; }
  void back() { --i_; }
  void skip_rest() { i_ = words_.size(); }
  [[nodiscard]] bool ok() const { return ok_; }
  [[nodiscard]] std::string_view what() const { return what_; }

  /// The value after option `opt` (already taken), or an error.
  const Token* value(const Token& opt) {
    if (done()) {
      fail(opt, fmt::format("'{}' in {} needs a value", opt.text, what_));
      return nullptr;
    }
    return &take();
  }

  void fail(const Token& at, std::string msg) {
    ctx_.error(at, std::move(msg));
    ok_ = false;
  }
  Ctx& ctx() { return ctx_; }

  /// An unsigned number in [lo, hi] after `opt`.
  std::optional<std::uint64_t> number(const Token& opt, std::uint64_t lo, std::uint64_t hi) {
    const Token* v = value(opt);
    if (v == nullptr) {
      return std::nullopt;
    }
    return number_at(opt, *v, lo, hi);
  }
  std::optional<std::uint64_t> number_at(const Token& opt, const Token& v, std::uint64_t lo,
                                         std::uint64_t hi) {
    auto n = parse_unsigned(v.text, UINT64_MAX / 2);
    if (!n || *n < lo || *n > hi) {
      fail(v, fmt::format("'{}' for '{}' in {} is not a number in [{}, {}]",
                          text::printable(v.text), opt.text, what_, lo, hi));
      return std::nullopt;
    }
    return n;
  }

 private:
  Ctx& ctx_;
  std::string_view what_;
  std::vector<const Token*> words_;
  std::size_t i_ = 0;
  bool ok_ = true;
};

void unknown_option(Cursor& c, const Token& t, const std::vector<std::string_view>& known) {
  std::string msg = fmt::format("unknown option '{}' in {}", text::printable(t.text), c.what());
  const std::string hint = text::closest(t.text, known);
  if (!hint.empty()) {
    msg += fmt::format("; did you mean '{}'?", hint);
  }
  c.fail(t, std::move(msg));
  c.skip_rest();  // the words after an unknown option cannot be read reliably
}

void check_interface(Ctx& ctx, const Token& t, std::string_view what) {
  const auto& exists = ctx.opts().interface_exists;
  if (exists && !exists(t.text)) {
    ctx.warning(t,
                fmt::format("interface '{}' for {} does not exist", text::printable(t.text), what));
  }
}

/// Tracks the address family of a route or rule: the first address fixes it,
/// later ones must agree.
class FamilyCheck {
 public:
  explicit FamilyCheck(Cursor& c) : c_(c) {}
  bool add(const Token& at, Family f) {
    if (family_ == Family::None) {
      family_ = f;
      return true;
    }
    if (f != family_) {
      c_.fail(at,
              fmt::format("cannot mix IPv4 and IPv6 in {}: '{}' is {} and an earlier "
                          "address is {}",
                          c_.what(), text::printable(at.text), f == Family::Inet ? "IPv4" : "IPv6",
                          family_ == Family::Inet ? "IPv4" : "IPv6"));
      return false;
    }
    return true;
  }
  [[nodiscard]] Family family() const { return family_; }

 private:
  Cursor& c_;
  Family family_ = Family::None;
};

std::optional<Prefix> prefix_at(Cursor& c, const Token& opt, const Token& v) {
  auto p = Prefix::parse(v.text);
  if (!p) {
    c.fail(v, fmt::format("'{}' for '{}' in {} is not an IP address or prefix",
                          text::printable(v.text), opt.text, c.what()));
  }
  return p;
}

std::optional<IpAddress> address_at(Cursor& c, const Token& opt, const Token& v) {
  auto a = IpAddress::parse(v.text);
  if (!a) {
    c.fail(v, fmt::format("'{}' for '{}' in {} is not an IP address", text::printable(v.text),
                          opt.text, c.what()));
  }
  return a;
}

std::optional<std::uint8_t> scope_at(Cursor& c, const Token& opt) {
  const Token* v = c.value(opt);
  if (v == nullptr) {
    return std::nullopt;
  }
  auto s = parse_scope(v->text);
  if (!s) {
    c.fail(*v, fmt::format("'{}' for 'scope' in {} is not a scope (global|site|link|host|nowhere "
                           "or 0..255)",
                           text::printable(v->text), c.what()));
  }
  return s;
}

std::optional<std::uint32_t> table_at(Cursor& c, const Token& opt) {
  const Token* v = c.value(opt);
  if (v == nullptr) {
    return std::nullopt;
  }
  auto t = parse_table(v->text);
  if (!t) {
    c.fail(*v, fmt::format("'{}' for '{}' in {} is not a routing table (main|local|default or "
                           "0..4294967295)",
                           text::printable(v->text), opt.text, c.what()));
  }
  return t;
}

std::optional<std::uint8_t> tos_at(Cursor& c, const Token& opt) {
  if (auto v = c.number(opt, 0, 255)) {
    return static_cast<std::uint8_t>(*v);
  }
  return std::nullopt;
}

std::optional<Realms> realms_at(Cursor& c, const Token& opt) {
  const Token* v = c.value(opt);
  if (v == nullptr) {
    return std::nullopt;
  }
  std::string_view s = v->text;
  Realms r;
  const auto slash = s.find('/');
  auto to = parse_unsigned(slash == std::string_view::npos ? s : s.substr(slash + 1), 65535);
  std::optional<std::uint64_t> from = 0;
  if (slash != std::string_view::npos) {
    from = parse_unsigned(s.substr(0, slash), 65535);
  }
  if (!to || !from) {
    c.fail(*v, fmt::format("'{}' for '{}' in {} is not [FROM/]TO realm numbers (0..65535)",
                           text::printable(v->text), opt.text, c.what()));
    return std::nullopt;
  }
  r.from = static_cast<std::uint16_t>(*from);
  r.to = static_cast<std::uint16_t>(*to);
  return r;
}

/// A tcp_metrics time: NUMBER (milliseconds) or NUMBER{s|sec|secs|ms|msec|msecs}.
std::optional<std::uint32_t> parse_rtt_ms(std::string_view s) {
  std::size_t end = 0;
  while (end < s.size() &&
         (std::isdigit(static_cast<unsigned char>(s[end])) != 0 || s[end] == '.')) {
    ++end;
  }
  const std::string_view num = s.substr(0, end);
  const std::string_view unit = s.substr(end);
  std::int64_t scale_us = 1000;
  if (unit == "s" || unit == "sec" || unit == "secs") {
    scale_us = 1'000'000;
  } else if (unit.empty() || unit == "ms" || unit == "msec" || unit == "msecs") {
    scale_us = 1000;
  } else {
    return std::nullopt;
  }
  auto t = parse_timer(num);  // microseconds if read as seconds
  if (!t) {
    return std::nullopt;
  }
  // parse_timer read NUM as seconds: scale to the unit, then to milliseconds.
  const std::int64_t us =
      t->count() / 1'000'000 * scale_us + t->count() % 1'000'000 * scale_us / 1'000'000;
  if (us % 1000 != 0 || us / 1000 > UINT32_MAX) {
    return std::nullopt;
  }
  return static_cast<std::uint32_t>(us / 1000);
}

// ---------------------------------------------------------------------------
// Printing

std::string realms_str(const Realms& r) {
  return r.from != 0 ? fmt::format("{}/{}", r.from, r.to) : std::to_string(r.to);
}

void metric_words(std::vector<std::string>& w, std::string_view name,
                  const std::optional<RouteMetric>& m, bool ms = false) {
  if (!m) {
    return;
  }
  w.emplace_back(name);
  if (m->lock) {
    w.emplace_back("lock");
  }
  w.push_back(ms ? fmt::format("{}ms", m->value) : std::to_string(m->value));
}

void encap_words(std::vector<std::string>& w, const RouteEncap& e) {
  if (e.type == RouteEncap::Type::None) {
    return;
  }
  w.emplace_back("encap");
  if (e.type == RouteEncap::Type::Mpls) {
    w.emplace_back("mpls");
    w.push_back(fmt::format("{}", fmt::join(e.labels, "/")));
    if (e.ttl) {
      w.emplace_back("ttl");
      w.push_back(std::to_string(*e.ttl));
    }
    return;
  }
  w.emplace_back(e.type == RouteEncap::Type::Ip ? "ip" : "ip6");
  if (e.id) {
    w.emplace_back("id");
    w.push_back(std::to_string(*e.id));
  }
  if (e.src) {
    w.emplace_back("src");
    w.push_back(e.src->str());
  }
  if (e.dst) {
    w.emplace_back("dst");
    w.push_back(e.dst->str());
  }
  if (e.tos) {
    w.emplace_back("tos");
    w.push_back(std::to_string(*e.tos));
  }
  if (e.ttl) {
    w.emplace_back(e.type == RouteEncap::Type::Ip ? "ttl" : "hoplimit");
    w.push_back(std::to_string(*e.ttl));
  }
  if (e.csum) {
    w.emplace_back("csum");
  }
  if (e.seq) {
    w.emplace_back("seq");
  }
}

std::string prefix_str(const Prefix& p) {
  const unsigned max = p.addr.is_v4() ? 32 : 128;
  if (p.len == 0 && p.addr == IpAddress{p.addr.family, {}}) {
    return "default";
  }
  return p.len == max ? p.addr.str() : p.str();
}

std::vector<std::string> route_words(const RouteSpec& r) {
  std::vector<std::string> w;
  if (r.type != RouteType::Unicast) {
    w.emplace_back(kRouteTypes[static_cast<std::size_t>(r.type)]);
  }
  if (r.family == Family::Inet6 && r.to.len == 0) {
    w.emplace_back("inet6");
  }
  w.push_back(prefix_str(r.to));
  if (r.from) {
    w.emplace_back("from");
    w.push_back(r.from->str());
  }
  if (r.src) {
    w.emplace_back("src");
    w.push_back(r.src->str());
  }
  if (r.via) {
    w.emplace_back("via");
    w.push_back(r.via->str());
  }
  if (r.or_via) {
    w.emplace_back("or");
    w.push_back(r.or_via->str());
  }
  if (!r.dev.empty()) {
    w.emplace_back("dev");
    w.push_back(r.dev);
  }
  if (r.table) {
    w.emplace_back("table");
    w.push_back(table_name(*r.table));
  }
  if (r.metric) {
    w.emplace_back("metric");
    w.push_back(std::to_string(*r.metric));
  }
  if (r.scope) {
    w.emplace_back("scope");
    w.push_back(scope_name(*r.scope));
  }
  if (r.tos) {
    w.emplace_back("tos");
    w.push_back(fmt::format("{:#04x}", *r.tos));
  }
  if (r.protocol) {
    w.emplace_back("protocol");
    w.push_back(name_of(kProtocols, *r.protocol));
  }
  metric_words(w, "mtu", r.mtu);
  metric_words(w, "hoplimit", r.hoplimit);
  metric_words(w, "advmss", r.advmss);
  metric_words(w, "rtt", r.rtt, true);
  metric_words(w, "rttvar", r.rttvar, true);
  metric_words(w, "reordering", r.reordering);
  metric_words(w, "window", r.window);
  metric_words(w, "cwnd", r.cwnd);
  metric_words(w, "ssthresh", r.ssthresh);
  metric_words(w, "initcwnd", r.initcwnd);
  metric_words(w, "initrwnd", r.initrwnd);
  metric_words(w, "rto_min", r.rto_min, true);
  if (!r.congctl.empty()) {
    w.emplace_back("congctl");
    if (r.congctl_lock) {
      w.emplace_back("lock");
    }
    w.push_back(r.congctl);
  }
  if (r.features_ecn) {
    w.emplace_back("features");
    w.emplace_back("ecn");
  }
  if (r.quickack) {
    w.emplace_back("quickack");
    w.emplace_back(*r.quickack ? "1" : "0");
  }
  if (r.fastopen_no_cookie) {
    w.emplace_back("fastopen_no_cookie");
    w.emplace_back(*r.fastopen_no_cookie ? "1" : "0");
  }
  if (r.realms) {
    w.emplace_back("realms");
    w.push_back(realms_str(*r.realms));
  }
  if (!r.vrf.empty()) {
    w.emplace_back("vrf");
    w.push_back(r.vrf);
  }
  if (r.pref) {
    w.emplace_back("pref");
    w.emplace_back(*r.pref == RoutePref::Low    ? "low"
                   : *r.pref == RoutePref::High ? "high"
                                                : "medium");
  }
  if (r.expires) {
    w.emplace_back("expires");
    w.push_back(std::to_string(*r.expires));
  }
  if (r.ttl_propagate) {
    w.emplace_back("ttl-propagate");
    w.emplace_back(*r.ttl_propagate ? "enabled" : "disabled");
  }
  encap_words(w, r.encap);
  if (r.onlink) {
    w.emplace_back("onlink");
  }
  if (r.append) {
    w.emplace_back("append");
  }
  if (r.no_track) {
    w.emplace_back("no_track");
  }
  if (!r.track_group.empty()) {
    w.emplace_back("track_group");
    w.push_back(r.track_group);
  }
  for (const auto& nh : r.nexthop) {
    w.emplace_back("nexthop");
    if (nh.via) {
      w.emplace_back("via");
      w.push_back(nh.via->str());
    }
    if (!nh.dev.empty()) {
      w.emplace_back("dev");
      w.push_back(nh.dev);
    }
    if (nh.weight) {
      w.emplace_back("weight");
      w.push_back(std::to_string(*nh.weight));
    }
    if (nh.realms) {
      w.emplace_back("realms");
      w.push_back(realms_str(*nh.realms));
    }
    encap_words(w, nh.encap);
    if (nh.onlink) {
      w.emplace_back("onlink");
    }
  }
  return w;
}

std::string port_range_str(const PortRange& p) {
  return fmt::format("{}-{}", p.low, p.high);
}

std::vector<std::string> rule_words(const RuleSpec& r) {
  std::vector<std::string> w;
  if (r.family == Family::Inet6 && !r.from && !r.to) {
    w.emplace_back("inet6");
  }
  if (r.invert) {
    w.emplace_back("not");
  }
  if (r.from || r.from_all) {
    w.emplace_back("from");
    w.push_back(r.from ? r.from->str() : "all");
  }
  if (r.to || r.to_all) {
    w.emplace_back("to");
    w.push_back(r.to ? r.to->str() : "all");
  }
  if (r.preference) {
    w.emplace_back("preference");
    w.push_back(std::to_string(*r.preference));
  }
  if (r.tos) {
    w.emplace_back("tos");
    w.push_back(fmt::format("{:#04x}", *r.tos));
  }
  if (r.fwmark) {
    w.emplace_back("fwmark");
    w.push_back(r.fwmask ? fmt::format("{:#x}/{:#x}", *r.fwmark, *r.fwmask)
                         : fmt::format("{:#x}", *r.fwmark));
  }
  if (r.realms) {
    w.emplace_back("realms");
    w.push_back(realms_str(*r.realms));
  }
  if (!r.iif.empty()) {
    w.emplace_back("iif");
    w.push_back(r.iif);
  }
  if (!r.oif.empty()) {
    w.emplace_back("oif");
    w.push_back(r.oif);
  }
  if (r.tunnel_id) {
    w.emplace_back("tunnel-id");
    w.push_back(std::to_string(*r.tunnel_id));
  }
  if (r.suppress_prefixlength) {
    w.emplace_back("suppress_prefixlength");
    w.push_back(std::to_string(*r.suppress_prefixlength));
  }
  if (r.suppress_ifgroup) {
    w.emplace_back("suppress_ifgroup");
    w.push_back(std::to_string(*r.suppress_ifgroup));
  }
  if (r.uidrange) {
    w.emplace_back("uidrange");
    w.push_back(fmt::format("{}-{}", r.uidrange->low, r.uidrange->high));
  }
  if (r.protocol) {
    w.emplace_back("protocol");
    w.push_back(std::to_string(*r.protocol));
  }
  if (r.ipproto) {
    w.emplace_back("ipproto");
    w.push_back(name_of(kIpProtos, *r.ipproto));
  }
  if (r.sport) {
    w.emplace_back("sport");
    w.push_back(port_range_str(*r.sport));
  }
  if (r.dport) {
    w.emplace_back("dport");
    w.push_back(port_range_str(*r.dport));
  }
  switch (r.action) {
    case RuleAction::None:
      break;
    case RuleAction::Table:
      w.emplace_back("table");
      w.push_back(table_name(r.table.value_or(0)));
      break;
    case RuleAction::Goto:
      w.emplace_back("goto");
      w.push_back(std::to_string(r.goto_target.value_or(0)));
      break;
    case RuleAction::Nop:
      w.emplace_back("nop");
      break;
    case RuleAction::Blackhole:
      w.emplace_back("blackhole");
      break;
    case RuleAction::Prohibit:
      w.emplace_back("prohibit");
      break;
    case RuleAction::Unreachable:
      w.emplace_back("unreachable");
      break;
    case RuleAction::L3mdev:
      w.emplace_back("l3mdev");
      break;
  }
  if (r.no_track) {
    w.emplace_back("no_track");
  }
  if (!r.track_group.empty()) {
    w.emplace_back("track_group");
    w.push_back(r.track_group);
  }
  return w;
}

// ---------------------------------------------------------------------------
// Routes

const std::vector<std::string_view>& route_options() {
  static const std::vector<std::string_view> v{"to",
                                               "from",
                                               "src",
                                               "via",
                                               "gw",
                                               "or",
                                               "dev",
                                               "oif",
                                               "table",
                                               "metric",
                                               "priority",
                                               "preference",
                                               "scope",
                                               "tos",
                                               "dsfield",
                                               "protocol",
                                               "mtu",
                                               "hoplimit",
                                               "advmss",
                                               "rtt",
                                               "rttvar",
                                               "reordering",
                                               "window",
                                               "cwnd",
                                               "ssthresh",
                                               "initcwnd",
                                               "initrwnd",
                                               "rto_min",
                                               "congctl",
                                               "features",
                                               "quickack",
                                               "fastopen_no_cookie",
                                               "realms",
                                               "vrf",
                                               "pref",
                                               "expires",
                                               "ttl-propagate",
                                               "encap",
                                               "onlink",
                                               "append",
                                               "no_track",
                                               "track_group",
                                               "nexthop",
                                               "inet",
                                               "inet6",
                                               "default"};
  return v;
}

bool parse_encap(Cursor& c, const Token& opt, RouteEncap& e, FamilyCheck* fam) {
  const Token* type = c.value(opt);
  if (type == nullptr) {
    return false;
  }
  if (type->is("mpls")) {
    e.type = RouteEncap::Type::Mpls;
    const Token* labels = c.value(*type);
    if (labels == nullptr) {
      return false;
    }
    std::string_view s = labels->text;
    while (true) {
      const auto slash = s.find('/');
      auto l = parse_unsigned(s.substr(0, slash), (1U << 20) - 1);
      if (!l) {
        c.fail(*labels, fmt::format("'{}' for 'encap mpls' is not a label stack LABEL[/LABEL...] "
                                    "(labels 0..1048575)",
                                    text::printable(labels->text)));
        return false;
      }
      e.labels.push_back(static_cast<std::uint32_t>(*l));
      if (slash == std::string_view::npos) {
        break;
      }
      s.remove_prefix(slash + 1);
    }
    if (!c.done() && c.peek().is("ttl")) {
      const Token& t = c.take();
      if (auto v = c.number(t, 0, 255)) {
        e.ttl = static_cast<std::uint8_t>(*v);
      }
    }
    return true;
  }
  if (type->is("ip") || type->is("ip6")) {
    e.type = type->is("ip") ? RouteEncap::Type::Ip : RouteEncap::Type::Ip6;
    const Family f = type->is("ip") ? Family::Inet : Family::Inet6;
    while (!c.done()) {
      const Token& t = c.peek();
      if (t.is("id")) {
        c.take();
        if (auto v = c.number(t, 0, UINT64_MAX / 2)) {
          e.id = *v;
        }
      } else if (t.is("dst") || t.is("src")) {
        c.take();
        if (const Token* v = c.value(t)) {
          if (auto a = address_at(c, t, *v)) {
            if (a->family != f) {
              c.fail(*v, fmt::format("'{}' for 'encap {} {}' is not an {} address", v->text,
                                     type->text, t.text, f == Family::Inet ? "IPv4" : "IPv6"));
            } else {
              (t.is("dst") ? e.dst : e.src) = *a;
            }
          }
        }
      } else if (t.is("tos") || t.is("tc")) {
        c.take();
        e.tos = tos_at(c, t);
      } else if (t.is("ttl") || t.is("hoplimit")) {
        c.take();
        if (auto v = c.number(t, 0, 255)) {
          e.ttl = static_cast<std::uint8_t>(*v);
        }
      } else if (t.is("csum") || t.is("nocsum")) {
        c.take();
        e.csum = t.is("csum");
      } else if (t.is("seq") || t.is("noseq")) {
        c.take();
        e.seq = t.is("seq");
      } else {
        break;
      }
    }
    (void)fam;
    return true;
  }
  c.fail(*type, fmt::format("'{}' for 'encap' is not an encapsulation vigil supports (mpls|ip|ip6)",
                            text::printable(type->text)));
  return false;
}

std::optional<RouteMetric> route_metric(Cursor& c, const Token& opt, bool lockable, bool time,
                                        std::uint64_t hi = UINT32_MAX) {
  RouteMetric m;
  if (!c.done() && c.peek().is("lock")) {
    if (!lockable) {
      c.fail(c.peek(), fmt::format("'{}' in {} cannot be locked", opt.text, c.what()));
      c.skip_rest();
      return std::nullopt;
    }
    c.take();
    m.lock = true;
  }
  const Token* v = c.value(opt);
  if (v == nullptr) {
    return std::nullopt;
  }
  if (time) {
    auto ms = parse_rtt_ms(v->text);
    if (!ms) {
      c.fail(*v, fmt::format("'{}' for '{}' in {} is not a time (milliseconds, or with a "
                             "s|sec|secs|ms|msec|msecs suffix)",
                             text::printable(v->text), opt.text, c.what()));
      return std::nullopt;
    }
    m.value = *ms;
    return m;
  }
  auto n = c.number_at(opt, *v, 0, hi);
  if (!n) {
    return std::nullopt;
  }
  m.value = static_cast<std::uint32_t>(*n);
  return m;
}

void parse_nexthops(Cursor& c, RouteSpec& r, FamilyCheck& fam) {
  while (!c.done()) {
    const Token& t = c.take();
    if (t.is("nexthop")) {
      r.nexthop.emplace_back();
      continue;
    }
    if (r.nexthop.empty()) {
      c.back();
      return;
    }
    RouteNexthop& nh = r.nexthop.back();
    if (t.is("via")) {
      const Token* v = c.value(t);
      if (v != nullptr && (v->is("inet") || v->is("inet6"))) {
        v = c.value(*v);
      }
      if (v != nullptr) {
        if (auto a = address_at(c, t, *v); a && fam.add(*v, a->family)) {
          nh.via = *a;
        }
      }
    } else if (t.is("dev")) {
      if (const Token* v = c.value(t)) {
        nh.dev = v->text;
        check_interface(c.ctx(), *v, "a route nexthop");
      }
    } else if (t.is("weight")) {
      if (auto v = c.number(t, 1, 256)) {
        nh.weight = static_cast<std::uint16_t>(*v);
      }
    } else if (t.is("onlink")) {
      nh.onlink = true;
    } else if (t.is("realms")) {
      nh.realms = realms_at(c, t);
    } else if (t.is("encap")) {
      parse_encap(c, t, nh.encap, &fam);
    } else {
      c.fail(t, fmt::format("unknown option '{}' after 'nexthop' in {} (expected "
                            "via|dev|weight|onlink|realms|encap|nexthop)",
                            text::printable(t.text), c.what()));
    }
  }
}

}  // namespace

// ---------------------------------------------------------------------------
// Names

std::optional<std::uint8_t> parse_scope(std::string_view s) {
  if (auto v = lookup(kScopes, s)) {
    return static_cast<std::uint8_t>(*v);
  }
  if (auto v = parse_unsigned(s, 255)) {
    return static_cast<std::uint8_t>(*v);
  }
  return std::nullopt;
}

std::string scope_name(std::uint8_t scope) {
  return name_of(kScopes, scope);
}

std::optional<std::uint32_t> parse_table(std::string_view s) {
  if (auto v = lookup(kTables, s)) {
    return v;
  }
  if (auto v = parse_unsigned(s, UINT32_MAX)) {
    return static_cast<std::uint32_t>(*v);
  }
  return std::nullopt;
}

std::string table_name(std::uint32_t table) {
  return table == 0 ? std::string("0") : name_of(kTables, table);
}

}  // namespace vigil::config::detail

namespace vigil::config {

std::string IpAddressSpec::str() const {
  std::vector<std::string> w;
  w.push_back(address.has_len ? address.str() : address.addr.str());
  switch (brd_mode) {
    case BroadcastMode::None:
      break;
    case BroadcastMode::Address:
      w.emplace_back("brd");
      w.push_back(brd ? brd->str() : "");
      break;
    case BroadcastMode::SetHostBits:
      w.emplace_back("brd");
      w.emplace_back("+");
      break;
    case BroadcastMode::ClearHostBits:
      w.emplace_back("brd");
      w.emplace_back("-");
      break;
  }
  if (!dev.empty()) {
    w.emplace_back("dev");
    w.push_back(dev);
  }
  if (use_vmac) {
    w.emplace_back("use_vmac");
  }
  if (scope) {
    w.emplace_back("scope");
    w.push_back(detail::scope_name(*scope));
  }
  if (!label.empty()) {
    w.emplace_back("label");
    w.push_back(label);
  }
  if (peer) {
    w.emplace_back("peer");
    w.push_back(peer->str());
  }
  if (home) {
    w.emplace_back("home");
  }
  if (nodad) {
    w.emplace_back("-nodad");
  }
  if (mngtmpaddr) {
    w.emplace_back("mngtmpaddr");
  }
  if (noprefixroute) {
    w.emplace_back("noprefixroute");
  }
  if (autojoin) {
    w.emplace_back("autojoin");
  }
  if (no_track) {
    w.emplace_back("no_track");
  }
  if (!track_group.empty()) {
    w.emplace_back("track_group");
    w.push_back(track_group);
  }
  if (preferred_lft) {
    w.emplace_back("preferred_lft");
    w.push_back(*preferred_lft == detail::kForever ? std::string("forever")
                                                   : std::to_string(*preferred_lft));
  }
  return fmt::format("{}", fmt::join(w, " "));
}

std::string RouteSpec::str() const {
  return fmt::format("{}", fmt::join(detail::route_words(*this), " "));
}
std::string RuleSpec::str() const {
  return fmt::format("{}", fmt::join(detail::rule_words(*this), " "));
}

}  // namespace vigil::config

namespace vigil::config::detail {

// ---------------------------------------------------------------------------
// Addresses

std::optional<IpAddressSpec> parse_ip_address_line(Ctx& ctx, const Node& n) {
  return parse_ip_address_line(ctx, n, NetContext::Virtual);
}

std::optional<IpAddressSpec> parse_ip_address_line(Ctx& ctx, const Node& n, NetContext where) {
  static const std::vector<std::string_view> kStaticOpts{
      "brd",      "broadcast", "dev",         "scope",        "label",
      "peer",     "home",      "-nodad",      "mngtmpaddr",   "noprefixroute",
      "autojoin", "no_track",  "track_group", "preferred_lft"};
  static const std::vector<std::string_view> kVirtualOpts{
      "brd",  "broadcast", "dev",        "use_vmac",      "scope",    "label",    "peer",
      "home", "-nodad",    "mngtmpaddr", "noprefixroute", "autojoin", "no_track", "preferred_lft"};
  const auto& known = where == NetContext::Static ? kStaticOpts : kVirtualOpts;

  auto p = Prefix::parse(n.keyword.text);
  if (!p) {
    ctx.error(n.keyword,
              fmt::format("'{}' is not an IP address or prefix", text::printable(n.keyword.text)));
    return std::nullopt;
  }
  IpAddressSpec a;
  a.loc = ctx.loc(n);
  a.address = *p;
  const std::string what = fmt::format("address {}", p->str());
  Cursor c(ctx, n, what);
  c.take();
  const Token* dev_tok = nullptr;
  const Token* peer_tok = nullptr;
  while (!c.done()) {
    const Token& t = c.take();
    if (t.is("brd") || t.is("broadcast")) {
      const Token* v = c.value(t);
      if (v == nullptr) {
        continue;
      }
      if (v->is("+")) {
        a.brd_mode = BroadcastMode::SetHostBits;
      } else if (v->is("-")) {
        a.brd_mode = BroadcastMode::ClearHostBits;
      } else if (auto b = address_at(c, t, *v)) {
        if (b->family != Family::Inet || !p->addr.is_v4()) {
          c.fail(*v, fmt::format("'{}' for '{}': a broadcast address is IPv4 and needs an IPv4 "
                                 "address",
                                 v->text, t.text));
        } else {
          a.brd_mode = BroadcastMode::Address;
          a.brd = *b;
        }
      }
    } else if (t.is("dev")) {
      const Token* v = c.value(t);
      if (v == nullptr) {
        continue;
      }
      if (dev_tok != nullptr) {
        c.fail(t, fmt::format("'dev' is given more than once for {}", what));
        continue;
      }
      dev_tok = v;
      a.dev = v->text;
    } else if (t.is("use_vmac") && where == NetContext::Virtual) {
      a.use_vmac = true;
    } else if (t.is("scope")) {
      if (auto s = scope_at(c, t)) {
        a.scope = *s;
      }
    } else if (t.is("label")) {
      const Token* v = c.value(t);
      if (v == nullptr) {
        continue;
      }
      if (v->text.size() > kMaxLabelLen) {
        c.fail(*v, fmt::format("label '{}' for {} is longer than {} characters",
                               text::printable(v->text), what, kMaxLabelLen));
        continue;
      }
      a.label = v->text;
    } else if (t.is("peer")) {
      const Token* v = c.value(t);
      if (v == nullptr) {
        continue;
      }
      if (auto b = address_at(c, t, *v)) {
        if (b->family != p->addr.family) {
          c.fail(*v,
                 fmt::format("peer '{}' is not of the same address family as {}", v->text, what));
        } else {
          a.peer = *b;
          peer_tok = v;
        }
      }
    } else if (t.is("home")) {
      a.home = true;
    } else if (t.is("-nodad")) {
      a.nodad = true;
    } else if (t.is("mngtmpaddr")) {
      a.mngtmpaddr = true;
    } else if (t.is("noprefixroute")) {
      a.noprefixroute = true;
    } else if (t.is("autojoin")) {
      a.autojoin = true;
    } else if (t.is("no_track")) {
      a.no_track = true;
    } else if (t.is("track_group") && where == NetContext::Static) {
      if (const Token* v = c.value(t)) {
        a.track_group = v->text;
      }
    } else if (t.is("preferred_lft")) {
      const Token* v = c.value(t);
      if (v == nullptr) {
        continue;
      }
      if (v->is("forever")) {
        a.preferred_lft = kForever;
      } else if (auto s = c.number_at(t, *v, 0, UINT32_MAX)) {
        a.preferred_lft = static_cast<std::uint32_t>(*s);
      }
    } else {
      unknown_option(c, t, known);
    }
  }
  if (peer_tok != nullptr && p->has_len) {
    c.fail(*peer_tok, fmt::format("{} gives a prefix length and a peer; with 'peer' the address "
                                  "takes no prefix length",
                                  what));
  }
  if (!c.ok()) {
    return std::nullopt;
  }
  if (dev_tok != nullptr) {
    check_interface(ctx, *dev_tok, what);
  }
  return a;
}

// ---------------------------------------------------------------------------
// Routes

std::optional<RouteSpec> parse_route_line(Ctx& ctx, const Node& n) {
  return parse_route_line(ctx, n, NetContext::Virtual);
}

std::optional<RouteSpec> parse_route_line(Ctx& ctx, const Node& n, NetContext where) {
  RouteSpec r;
  r.loc = ctx.loc(n);
  Cursor c(ctx, n, "a route");
  FamilyCheck fam(c);
  bool have_to = false;
  bool want_inet6 = false;
  const Token* inet6_tok = nullptr;
  const Token* dev_tok = nullptr;
  const Token* proto_tok = nullptr;
  const Token* pref_tok = nullptr;

  // Optional route type first, as in `ip route add blackhole PREFIX`.
  for (std::size_t i = 0; i < kRouteTypes.size(); ++i) {
    if (c.peek().is(kRouteTypes[i])) {
      r.type = static_cast<RouteType>(i);
      c.take();
      break;
    }
  }

  auto set_to = [&](const Token& at, const Token& v) {
    if (v.is("default")) {
      have_to = true;
      r.to = Prefix{};
      r.to.has_len = true;
      return;
    }
    if (auto p = prefix_at(c, at, v)) {
      if (fam.add(v, p->addr.family)) {
        r.to = *p;
        have_to = true;
      }
    }
  };

  while (!c.done()) {
    const Token& t = c.take();
    if (t.is("to")) {
      if (const Token* v = c.value(t)) {
        set_to(t, *v);
      }
    } else if (t.is("default")) {
      set_to(t, t);
    } else if (t.is("inet") || t.is("inet6")) {
      if (t.is("inet6")) {
        want_inet6 = true;
        inet6_tok = &t;
      }
    } else if (t.is("from")) {
      if (const Token* v = c.value(t)) {
        if (auto p = prefix_at(c, t, *v)) {
          if (!p->addr.is_v6()) {
            c.fail(*v, fmt::format("'from {}': a route's source prefix is only supported for "
                                   "IPv6",
                                   v->text));
          } else if (fam.add(*v, p->addr.family)) {
            r.from = *p;
          }
        }
      }
    } else if (t.is("src")) {
      if (const Token* v = c.value(t)) {
        if (auto a = address_at(c, t, *v); a && fam.add(*v, a->family)) {
          r.src = *a;
        }
      }
    } else if (t.is("via") || t.is("gw")) {
      if (t.is("gw")) {
        ctx.warning(t, "'gw' in a route is deprecated; use 'via'");
      }
      const Token* v = c.value(t);
      if (v != nullptr && (v->is("inet") || v->is("inet6"))) {
        v = c.value(*v);
      }
      if (v != nullptr) {
        if (auto a = address_at(c, t, *v); a && fam.add(*v, a->family)) {
          if (r.via) {
            ctx.note(t, "'via' is given more than once; the last one is used");
          }
          r.via = *a;
        }
      }
    } else if (t.is("or")) {
      ctx.warning(t, "'or' in a route is deprecated; use 'nexthop'");
      if (const Token* v = c.value(t)) {
        if (auto a = address_at(c, t, *v); a && fam.add(*v, a->family)) {
          r.or_via = *a;
        }
      }
    } else if (t.is("dev") || t.is("oif")) {
      if (const Token* v = c.value(t)) {
        if (dev_tok != nullptr) {
          ctx.note(t, "'dev' is given more than once; the last one is used");
        }
        dev_tok = v;
        r.dev = v->text;
      }
    } else if (t.is("table")) {
      r.table = table_at(c, t);
    } else if (t.is("metric") || t.is("priority") || t.is("preference")) {
      if (auto v = c.number(t, 0, UINT32_MAX)) {
        r.metric = static_cast<std::uint32_t>(*v);
      }
    } else if (t.is("scope")) {
      r.scope = scope_at(c, t);
    } else if (t.is("tos") || t.is("dsfield")) {
      r.tos = tos_at(c, t);
    } else if (t.is("protocol")) {
      if (const Token* v = c.value(t)) {
        auto pr = lookup(kProtocols, v->text);
        if (!pr) {
          if (auto num = parse_unsigned(v->text, 255)) {
            pr = static_cast<std::uint32_t>(*num);
          }
        }
        if (!pr) {
          c.fail(*v, fmt::format("'{}' for 'protocol' in a route is not a routing protocol "
                                 "(a name from rt_protos such as static|bird|keepalived, or "
                                 "0..255)",
                                 text::printable(v->text)));
        } else {
          r.protocol = static_cast<std::uint8_t>(*pr);
          proto_tok = v;
        }
      }
    } else if (t.is("mtu")) {
      r.mtu = route_metric(c, t, true, false);
    } else if (t.is("hoplimit")) {
      r.hoplimit = route_metric(c, t, true, false, 255);
    } else if (t.is("advmss")) {
      r.advmss = route_metric(c, t, true, false);
    } else if (t.is("rtt")) {
      r.rtt = route_metric(c, t, true, true);
    } else if (t.is("rttvar")) {
      r.rttvar = route_metric(c, t, true, true);
    } else if (t.is("rto_min")) {
      r.rto_min = route_metric(c, t, true, true);
    } else if (t.is("reordering")) {
      r.reordering = route_metric(c, t, true, false);
    } else if (t.is("window")) {
      r.window = route_metric(c, t, false, false);
    } else if (t.is("cwnd")) {
      r.cwnd = route_metric(c, t, true, false);
    } else if (t.is("ssthresh")) {
      r.ssthresh = route_metric(c, t, true, false);
    } else if (t.is("initcwnd")) {
      r.initcwnd = route_metric(c, t, true, false);
    } else if (t.is("initrwnd")) {
      r.initrwnd = route_metric(c, t, true, false);
    } else if (t.is("congctl")) {
      if (!c.done() && c.peek().is("lock")) {
        c.take();
        r.congctl_lock = true;
      }
      if (const Token* v = c.value(t)) {
        r.congctl = v->text;
      }
    } else if (t.is("features")) {
      if (const Token* v = c.value(t)) {
        if (v->is("ecn")) {
          r.features_ecn = true;
        } else {
          c.fail(*v, fmt::format("'{}' for 'features' in a route is not a feature (expected ecn)",
                                 text::printable(v->text)));
        }
      }
    } else if (t.is("quickack") || t.is("fastopen_no_cookie")) {
      if (auto v = c.number(t, 0, 1)) {
        (t.is("quickack") ? r.quickack : r.fastopen_no_cookie) = *v == 1;
      }
    } else if (t.is("realms")) {
      r.realms = realms_at(c, t);
    } else if (t.is("vrf")) {
      if (const Token* v = c.value(t)) {
        r.vrf = v->text;
        check_interface(ctx, *v, "a route's 'vrf'");
      }
    } else if (t.is("pref")) {
      if (const Token* v = c.value(t)) {
        pref_tok = &t;
        if (v->is("low")) {
          r.pref = RoutePref::Low;
        } else if (v->is("medium")) {
          r.pref = RoutePref::Medium;
        } else if (v->is("high")) {
          r.pref = RoutePref::High;
        } else {
          c.fail(*v, fmt::format("'{}' for 'pref' in a route is not a preference "
                                 "(low|medium|high)",
                                 text::printable(v->text)));
        }
      }
    } else if (t.is("expires")) {
      pref_tok = &t;
      if (auto v = c.number(t, 0, UINT32_MAX)) {
        r.expires = static_cast<std::uint32_t>(*v);
      }
    } else if (t.is("ttl-propagate")) {
      if (const Token* v = c.value(t)) {
        if (v->is("enabled") || v->is("disabled")) {
          r.ttl_propagate = v->is("enabled");
        } else {
          c.fail(*v, fmt::format("'{}' for 'ttl-propagate' is not enabled|disabled",
                                 text::printable(v->text)));
        }
      }
    } else if (t.is("encap")) {
      parse_encap(c, t, r.encap, &fam);
    } else if (t.is("onlink")) {
      r.onlink = true;
    } else if (t.is("append")) {
      r.append = true;
    } else if (t.is("no_track")) {
      r.no_track = true;
    } else if (t.is("track_group") && where == NetContext::Static) {
      if (const Token* v = c.value(t)) {
        r.track_group = v->text;
      }
    } else if (t.is("nexthop")) {
      c.back();
      parse_nexthops(c, r, fam);
      if (!c.done()) {
        const Token& extra = c.take();
        c.fail(extra, fmt::format("'{}' after the nexthops of a route: options of the whole "
                                  "route go before the first 'nexthop'",
                                  text::printable(extra.text)));
        while (!c.done()) {
          c.take();
        }
      }
    } else if (!have_to && Prefix::parse(t.text)) {
      set_to(t, t);
    } else {
      unknown_option(c, t, route_options());
    }
  }

  if (fam.family() == Family::Inet6 || (fam.family() == Family::None && want_inet6)) {
    r.family = Family::Inet6;
  } else {
    r.family = Family::Inet;
    if (want_inet6 && inet6_tok != nullptr) {
      c.fail(*inet6_tok, "'inet6' is given for an IPv4 route");
    }
  }
  if (have_to && r.to.len == 0 && r.to.addr.family == Family::None) {
    r.to.addr.family = r.family;
  }
  if (!have_to) {
    c.fail(n.keyword, "route has no destination");
  }
  if (pref_tok != nullptr && r.family != Family::Inet6) {
    c.fail(*pref_tok, fmt::format("'{}' is only valid for an IPv6 route", pref_tok->text));
  }
  if (!c.ok()) {
    return std::nullopt;
  }
  if (dev_tok != nullptr) {
    check_interface(ctx, *dev_tok, fmt::format("route {}", prefix_str(r.to)));
  }
  if (!r.no_track) {
    if (r.dev.empty()) {
      ctx.warning(n.keyword, fmt::format("route {} has no interface ('dev') so it cannot be "
                                         "tracked; add 'no_track' to say so",
                                         prefix_str(r.to)));
    } else if (r.protocol && *r.protocol != kRtprotKeepalived && proto_tok != nullptr) {
      ctx.warning(*proto_tok, fmt::format("route {} with protocol {} cannot be tracked (only "
                                          "protocol keepalived(18) can); add 'no_track' to say so",
                                          prefix_str(r.to), proto_tok->text));
    }
  }
  r.words = route_words(r);
  return r;
}

// ---------------------------------------------------------------------------
// Rules

std::optional<RuleSpec> parse_rule_line(Ctx& ctx, const Node& n) {
  return parse_rule_line(ctx, n, NetContext::Virtual);
}

std::optional<RuleSpec> parse_rule_line(Ctx& ctx, const Node& n, NetContext where) {
  static const std::vector<std::string_view> kOpts{"not",
                                                   "from",
                                                   "to",
                                                   "preference",
                                                   "priority",
                                                   "order",
                                                   "tos",
                                                   "dsfield",
                                                   "fwmark",
                                                   "realms",
                                                   "iif",
                                                   "dev",
                                                   "oif",
                                                   "tunnel-id",
                                                   "suppress_prefixlength",
                                                   "suppress_ifgroup",
                                                   "uidrange",
                                                   "protocol",
                                                   "ipproto",
                                                   "sport",
                                                   "dport",
                                                   "table",
                                                   "lookup",
                                                   "goto",
                                                   "nop",
                                                   "blackhole",
                                                   "prohibit",
                                                   "unreachable",
                                                   "type",
                                                   "l3mdev",
                                                   "inet",
                                                   "inet6",
                                                   "no_track",
                                                   "track_group"};
  RuleSpec r;
  r.loc = ctx.loc(n);
  Cursor c(ctx, n, "a rule");
  FamilyCheck fam(c);
  bool want_inet6 = false;
  const Token* inet6_tok = nullptr;
  const Token* action_tok = nullptr;
  const Token* proto_tok = nullptr;

  auto set_action = [&](const Token& at, RuleAction a) {
    if (action_tok != nullptr) {
      c.fail(at, fmt::format("'{}': a rule takes only one action, and '{}' was already given "
                             "(table|lookup|goto|nop|blackhole|prohibit|unreachable|l3mdev)",
                             at.text, action_tok->text));
      return;
    }
    action_tok = &at;
    r.action = a;
  };
  auto range = [&](const Token& at,
                   std::uint64_t max) -> std::optional<std::pair<std::uint64_t, std::uint64_t>> {
    const Token* v = c.value(at);
    if (v == nullptr) {
      return std::nullopt;
    }
    const std::string_view s = v->text;
    const auto dash = s.find('-');
    std::optional<std::uint64_t> lo;
    std::optional<std::uint64_t> hi;
    if (dash != std::string_view::npos) {
      lo = parse_unsigned(s.substr(0, dash), max);
      hi = parse_unsigned(s.substr(dash + 1), max);
    }
    if (!lo || !hi) {
      c.fail(*v, fmt::format("'{}' for '{}' in a rule is not a range LOW-HIGH (0..{})",
                             text::printable(s), at.text, max));
      return std::nullopt;
    }
    if (*lo > *hi) {
      c.fail(*v, fmt::format("'{}' for '{}' in a rule is an empty range (LOW is above HIGH)", s,
                             at.text));
      return std::nullopt;
    }
    return std::pair{*lo, *hi};
  };

  while (!c.done()) {
    const Token& t = c.take();
    if (t.is("not")) {
      r.invert = true;
    } else if (t.is("from") || t.is("to")) {
      const Token* v = c.value(t);
      if (v == nullptr) {
        continue;
      }
      const bool is_from = t.is("from");
      if (v->is("all")) {
        (is_from ? r.from_all : r.to_all) = true;
        (is_from ? r.from : r.to).reset();
      } else if (auto p = prefix_at(c, t, *v); p && fam.add(*v, p->addr.family)) {
        (is_from ? r.from : r.to) = *p;
        (is_from ? r.from_all : r.to_all) = false;
      }
    } else if (t.is("inet") || t.is("inet6")) {
      if (t.is("inet6")) {
        want_inet6 = true;
        inet6_tok = &t;
      }
    } else if (t.is("preference") || t.is("priority") || t.is("order")) {
      if (auto v = c.number(t, 0, UINT32_MAX)) {
        r.preference = static_cast<std::uint32_t>(*v);
      }
    } else if (t.is("tos") || t.is("dsfield")) {
      r.tos = tos_at(c, t);
    } else if (t.is("fwmark")) {
      const Token* v = c.value(t);
      if (v == nullptr) {
        continue;
      }
      const std::string_view s = v->text;
      const auto slash = s.find('/');
      auto mark = parse_unsigned(s.substr(0, slash), UINT32_MAX);
      std::optional<std::uint64_t> mask;
      if (slash != std::string_view::npos) {
        mask = parse_unsigned(s.substr(slash + 1), UINT32_MAX);
      }
      if (!mark || (slash != std::string_view::npos && !mask)) {
        c.fail(*v, fmt::format("'{}' for 'fwmark' in a rule is not MARK[/MASK] (32-bit numbers)",
                               text::printable(s)));
        continue;
      }
      r.fwmark = static_cast<std::uint32_t>(*mark);
      if (mask) {
        r.fwmask = static_cast<std::uint32_t>(*mask);
      }
    } else if (t.is("realms")) {
      r.realms = realms_at(c, t);
    } else if (t.is("iif") || t.is("dev") || t.is("oif")) {
      if (const Token* v = c.value(t)) {
        (t.is("oif") ? r.oif : r.iif) = v->text;
        check_interface(ctx, *v, "a rule");
      }
    } else if (t.is("tunnel-id")) {
      if (auto v = c.number(t, 0, UINT64_MAX / 2)) {
        r.tunnel_id = *v;
      }
    } else if (t.is("suppress_prefixlength")) {
      if (auto v = c.number(t, 0, 128)) {
        r.suppress_prefixlength = static_cast<std::int32_t>(*v);
      }
    } else if (t.is("suppress_ifgroup")) {
      if (auto v = c.number(t, 0, INT32_MAX)) {
        r.suppress_ifgroup = static_cast<std::int32_t>(*v);
      }
    } else if (t.is("uidrange")) {
      if (auto v = range(t, UINT32_MAX)) {
        r.uidrange =
            UidRange{static_cast<std::uint32_t>(v->first), static_cast<std::uint32_t>(v->second)};
      }
    } else if (t.is("sport") || t.is("dport")) {
      if (auto v = range(t, 65535)) {
        (t.is("sport") ? r.sport : r.dport) =
            PortRange{static_cast<std::uint16_t>(v->first), static_cast<std::uint16_t>(v->second)};
      }
    } else if (t.is("protocol")) {
      if (auto v = c.number(t, 0, 255)) {
        r.protocol = static_cast<std::uint8_t>(*v);
        proto_tok = &t;
      }
    } else if (t.is("ipproto")) {
      if (const Token* v = c.value(t)) {
        auto pr = lookup(kIpProtos, lower(v->text));
        if (!pr) {
          if (auto num = parse_unsigned(v->text, 255)) {
            pr = static_cast<std::uint32_t>(*num);
          }
        }
        if (!pr) {
          c.fail(*v, fmt::format("'{}' for 'ipproto' in a rule is not an IP protocol (tcp|udp|"
                                 "sctp|icmp|... or 0..255)",
                                 text::printable(v->text)));
        } else {
          r.ipproto = static_cast<std::uint8_t>(*pr);
        }
      }
    } else if (t.is("table") || t.is("lookup")) {
      if (auto v = table_at(c, t)) {
        set_action(t, RuleAction::Table);
        r.table = *v;
      }
    } else if (t.is("goto")) {
      if (auto v = c.number(t, 0, UINT32_MAX)) {
        set_action(t, RuleAction::Goto);
        r.goto_target = static_cast<std::uint32_t>(*v);
      }
    } else if (t.is("nop")) {
      set_action(t, RuleAction::Nop);
    } else if (t.is("blackhole")) {
      set_action(t, RuleAction::Blackhole);
    } else if (t.is("prohibit")) {
      set_action(t, RuleAction::Prohibit);
    } else if (t.is("unreachable")) {
      set_action(t, RuleAction::Unreachable);
    } else if (t.is("l3mdev")) {
      set_action(t, RuleAction::L3mdev);
    } else if (t.is("type")) {
      if (const Token* v = c.value(t)) {
        if (v->is("blackhole")) {
          set_action(*v, RuleAction::Blackhole);
        } else if (v->is("prohibit")) {
          set_action(*v, RuleAction::Prohibit);
        } else if (v->is("unreachable")) {
          set_action(*v, RuleAction::Unreachable);
        } else if (v->is("nop")) {
          set_action(*v, RuleAction::Nop);
        } else {
          c.fail(*v, fmt::format("'{}' for 'type' in a rule is not a rule type "
                                 "(blackhole|prohibit|unreachable|nop)",
                                 text::printable(v->text)));
        }
      }
    } else if (t.is("no_track")) {
      r.no_track = true;
    } else if (t.is("track_group") && where == NetContext::Static) {
      if (const Token* v = c.value(t)) {
        r.track_group = v->text;
      }
    } else {
      unknown_option(c, t, kOpts);
    }
  }

  if (fam.family() == Family::Inet6 || (fam.family() == Family::None && want_inet6)) {
    r.family = Family::Inet6;
  } else {
    r.family = Family::Inet;
    if (want_inet6 && inet6_tok != nullptr) {
      c.fail(*inet6_tok, "'inet6' is given for an IPv4 rule");
    }
  }
  if (c.ok() && r.action == RuleAction::None) {
    c.fail(n.keyword,
           "rule has no action (table|lookup|goto|nop|blackhole|prohibit|unreachable|"
           "l3mdev)");
  }
  if (c.ok() && r.action == RuleAction::Goto && !r.preference) {
    c.fail(*action_tok, "a rule with 'goto' needs a 'preference'");
  }
  if (!c.ok()) {
    return std::nullopt;
  }
  if (r.protocol && *r.protocol != kRtprotKeepalived && !r.no_track) {
    ctx.warning(*proto_tok, fmt::format("rule with protocol {} cannot be tracked (only protocol "
                                        "keepalived(18) can); add 'no_track' to say so",
                                        *r.protocol));
  }
  if (!r.preference) {
    ctx.warning(n.keyword,
                "rule has no 'preference'; 16384 will be used, which is probably not "
                "what you want");
  }
  r.words = rule_words(r);
  return r;
}

// ---------------------------------------------------------------------------
// Blocks

void parse_ip_address_block(Ctx& ctx, const Node& block, std::vector<IpAddressSpec>& out,
                            NetContext where) {
  out.reserve(out.size() + block.children.size());
  for (const auto& c : block.children) {
    if (c.has_block) {
      ctx.error(c.keyword, "an address line does not take a { } block");
      continue;
    }
    if (auto v = parse_ip_address_line(ctx, c, where)) {
      out.push_back(std::move(*v));
    }
  }
}

void parse_route_block(Ctx& ctx, const Node& block, std::vector<RouteSpec>& out, NetContext where) {
  out.reserve(out.size() + block.children.size());
  for (const auto& c : block.children) {
    if (c.has_block) {
      ctx.error(c.keyword, "a route line does not take a { } block");
      continue;
    }
    if (auto v = parse_route_line(ctx, c, where)) {
      out.push_back(std::move(*v));
    }
  }
}

void parse_rule_block(Ctx& ctx, const Node& block, std::vector<RuleSpec>& out, NetContext where) {
  out.reserve(out.size() + block.children.size());
  for (const auto& c : block.children) {
    if (c.has_block) {
      ctx.error(c.keyword, "a rule line does not take a { } block");
      continue;
    }
    if (auto v = parse_rule_line(ctx, c, where)) {
      out.push_back(std::move(*v));
    }
  }
}

}  // namespace vigil::config::detail
