// SPDX-License-Identifier: GPL-2.0-or-later
// Checker blocks: one keyword table per checker kind, built once, sharing the
// common timing and connection keywords. Block-end checks (HTTP_GET without a
// url, MISC_CHECK without misc_path, ...) run here as keepalived runs them when
// the block closes; inheritance of timing from the servers runs in
// validate_lvs.
#include "parse_checkers.hpp"

#include <algorithm>
#include <cctype>

#include "vigil/runtime/text.hpp"

namespace vigil::config::detail {

namespace {

// ---------------------------------------------------------------------------
// Shared keyword groups. The fields live in the CheckerTiming / ConnOpts
// bases; the explicit template arguments convert the base member pointers to
// members of T.

template <class T>
void add_timing_keywords(std::vector<Keyword<T>>& k) {
  using OptU32 = std::optional<std::uint32_t>;
  using OptTimer = std::optional<Micros>;
  k.push_back(kw_int<T, OptU32>("retry", &T::retry, 0, UINT32_MAX));
  k.push_back(
      kw_timer<T, OptTimer>("delay_before_retry", &T::delay_before_retry, Micros(0), kMaxTimer));
  k.push_back(kw_timer<T, OptTimer>("warmup", &T::warmup, Micros(0), kMaxTimer));
  k.push_back(kw_timer<T, OptTimer>("delay_loop", &T::delay_loop, Micros(1), kMaxTimer));
  k.push_back(kw_bool<T, std::optional<bool>>("alpha", &T::alpha));
  k.push_back(kw_bool<T, bool>("log_all_failures", &T::log_all_failures));
}

template <class T>
void add_conn_keywords(std::vector<Keyword<T>>& k) {
  using OptPort = std::optional<std::uint16_t>;
  k.push_back(kw_ip<T, std::optional<IpAddress>>("connect_ip", &T::connect_ip));
  k.push_back(kw_int<T, OptPort>("connect_port", &T::connect_port, 1, 65535));
  k.push_back(kw_ip<T, std::optional<IpAddress>>("bindto", &T::bindto));
  k.push_back(kw_int<T, OptPort>("bind_port", &T::bind_port, 1, 65535));
  k.push_back({"bind_if", Shape::Value, [](Ctx& ctx, const Node& n, T& c) {
                 if (!need_args(ctx, n, 1, 1)) {
                   return;
                 }
                 // IFNAMSIZ - 1
                 if (n.args[0].text.size() > 15) {
                   ctx.error(n.args[0],
                             fmt::format("interface name '{}' for 'bind_if' is longer than 15 "
                                         "characters",
                                         text::printable(n.args[0].text)));
                   return;
                 }
                 c.bind_if = n.args[0].text;
               }});
  k.push_back(kw_timer<T, std::optional<Micros>>("connect_timeout", &T::connect_timeout, Micros(1),
                                                 kMaxConnectTimeout));
  k.push_back(kw_int<T, std::optional<std::uint32_t>>("fwmark", &T::fwmark, 0, UINT32_MAX));
}

/// A keyword keepalived 2.2.7 does not know: parsed into the model, with a
/// warning so `-t` reaches keepalived's verdict (it reports an unknown keyword).
template <class T>
Keyword<T> newer_keyword(Keyword<T> k) {
  auto fn = k.fn;
  k.fn = [fn](Ctx& ctx, const Node& n, T& obj) {
    ctx.warning(n.keyword, fmt::format("'{}' is not supported by keepalived 2.2.7, which rejects "
                                       "it as an unknown keyword",
                                       n.keyword.text));
    fn(ctx, n, obj);
  };
  return k;
}

/// Checks the connection options once the block is closed: bindto must match
/// the family of the address connected to, and a link-local destination needs
/// bind_if.
void check_conn(Ctx& ctx, const Node& n, const ConnOpts& co, const RealServer& rs) {
  const IpAddress& dst = co.connect_ip ? *co.connect_ip : rs.ip;
  if (co.bindto && co.bindto->family != dst.family) {
    ctx.error(n.keyword, fmt::format("{}: bindto address {} does not match the address family of "
                                     "the address connected to ({})",
                                     n.keyword.text, co.bindto->str(), dst.str()));
  }
  if (dst.is_v6() && dst.is_link_local() && co.bind_if.empty()) {
    ctx.error(n.keyword, fmt::format("{}: link-local address {} requires 'bind_if'", n.keyword.text,
                                     dst.str()));
  }
}

// ---------------------------------------------------------------------------
// HTTP_GET / SSL_GET

constexpr std::string_view kRegexOptions[] = {"allow_empty_class", "alt_bsux",
                                              "auto_callout",      "caseless",
                                              "dollar_endonly",    "dotall",
                                              "dupnames",          "extended",
                                              "firstline",         "match_unset_backref",
                                              "multiline",         "never_ucp",
                                              "never_utf",         "no_auto_capture",
                                              "no_auto_possess",   "no_dotstar_anchor",
                                              "no_start_optimize", "ucp",
                                              "ungreedy",          "utf",
                                              "never_backslash_c", "alt_circumflex",
                                              "alt_verbnames",     "use_offset_limit"};

std::optional<std::uint64_t> get_u64(Ctx& ctx, const Node& n, std::size_t i) {
  if (auto v = get_int(ctx, n, i, 0, INT64_MAX)) {
    return static_cast<std::uint64_t>(*v);
  }
  return std::nullopt;
}

const Table<HttpUrl>& url_table() {
  static const Table<HttpUrl> table(
      "url",
      {
          kw_string("path", &HttpUrl::path),
          {"digest", Shape::Value,
           [](Ctx& ctx, const Node& n, HttpUrl& u) {
             if (!need_args(ctx, n, 1, 1)) {
               return;
             }
             const std::string& d = n.args[0].text;
             if (!u.digest.empty()) {
               ctx.error(n.args[0], fmt::format("digest '{}' is a duplicate; this url already has "
                                                "a digest",
                                                text::printable(d)));
               return;
             }
             if (d.size() != 32) {
               ctx.error(n.args[0], fmt::format("digest '{}' must be 32 hex characters (an MD5 "
                                                "sum), not {}",
                                                text::printable(d), d.size()));
               return;
             }
             std::string lower;
             lower.reserve(32);
             for (std::size_t i = 0; i < d.size(); ++i) {
               const char c = d[i];
               if (std::isxdigit(static_cast<unsigned char>(c)) == 0) {
                 ctx.error(n.args[0],
                           fmt::format("digest '{}' has a non-hex character at offset {}",
                                       text::printable(d), i));
                 return;
               }
               lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
             }
             u.digest = std::move(lower);
           }},
          {"status_code", Shape::Value,
           [](Ctx& ctx, const Node& n, HttpUrl& u) {
             if (!need_args(ctx, n, 1, SIZE_MAX)) {
               return;
             }
             for (const Token& t : n.args) {
               const std::string_view s = t.text;
               const auto dash = s.find('-');
               auto lo = parse_int(s.substr(0, dash));
               auto hi = dash == std::string_view::npos ? lo : parse_int(s.substr(dash + 1));
               if (!lo || !hi || *lo < 100 || *lo > 599 || *hi < 100 || *hi > 599 || *lo > *hi) {
                 ctx.error(t, fmt::format("'{}' for 'status_code' is not a status code or range "
                                          "within 100-599 (e.g. 200 or 200-299)",
                                          text::printable(s)));
                 continue;
               }
               u.status_code.push_back(
                   {static_cast<std::uint16_t>(*lo), static_cast<std::uint16_t>(*hi)});
             }
           }},
          kw_string("virtualhost", &HttpUrl::virtualhost),
          kw_string("regex", &HttpUrl::regex),
          kw_flag("regex_no_match", &HttpUrl::regex_no_match),
          {"regex_options", Shape::Value,
           [](Ctx& ctx, const Node& n, HttpUrl& u) {
             if (!need_args(ctx, n, 1, SIZE_MAX)) {
               return;
             }
             static const std::vector<std::string_view> names(std::begin(kRegexOptions),
                                                              std::end(kRegexOptions));
             for (const Token& t : n.args) {
               if (std::find(names.begin(), names.end(), t.text) == names.end()) {
                 bad_choice(ctx, n, t, names);
                 continue;
               }
               u.regex_options.push_back(t.text);
             }
           }},
          {"regex_stack", Shape::Value,
           [](Ctx& ctx, const Node& n, HttpUrl& u) {
             if (!need_args(ctx, n, 2, 2)) {
               return;
             }
             auto start = get_u64(ctx, n, 0);
             auto max = get_u64(ctx, n, 1);
             if (!start || !max) {
               return;
             }
             if (*start > *max) {
               ctx.note(n.keyword, "regex_stack start exceeds max; keepalived ignores the line");
               return;
             }
             u.regex_stack = std::array<std::uint64_t, 2>{*start, *max};
           }},
          {"regex_min_offset", Shape::Value,
           [](Ctx& ctx, const Node& n, HttpUrl& u) {
             if (need_args(ctx, n, 1, 1)) {
               u.regex_min_offset = get_u64(ctx, n, 0);
             }
           }},
          {"regex_max_offset", Shape::Value,
           [](Ctx& ctx, const Node& n, HttpUrl& u) {
             if (need_args(ctx, n, 1, 1)) {
               u.regex_max_offset = get_u64(ctx, n, 0);
             }
           }},
      });
  return table;
}

void parse_url(Ctx& ctx, const Node& n, HttpGet& h) {
  if (!need_args(ctx, n, 0, 0)) {
    return;
  }
  HttpUrl u;
  u.loc = ctx.loc(n);
  dispatch(ctx, n, u, url_table());
  if (u.path.empty()) {
    ctx.error(n.keyword, "url has no 'path'; keepalived ignores it");
    return;
  }
  if (u.regex.empty() && (u.regex_no_match || !u.regex_options.empty() || u.regex_stack ||
                          u.regex_min_offset || u.regex_max_offset)) {
    // keepalived logs this and drops the settings, without counting an error.
    ctx.note(n.keyword, "regex options given without 'regex' are ignored");
    u.regex_no_match = false;
    u.regex_options.clear();
    u.regex_stack.reset();
    u.regex_min_offset.reset();
    u.regex_max_offset.reset();
  }
  if (u.regex_max_offset && u.regex_min_offset.value_or(0) > *u.regex_max_offset) {
    ctx.note(n.keyword, "regex_min_offset exceeds regex_max_offset; keepalived ignores both");
    u.regex_min_offset.reset();
    u.regex_max_offset.reset();
  }
  h.url.push_back(std::move(u));
}

const Table<HttpGet>& http_table() {
  static const Table<HttpGet> t("HTTP_GET", [] {
    std::vector<Keyword<HttpGet>> k;
    add_conn_keywords(k);
    add_timing_keywords(k);
    k.push_back({"nb_get_retry", Shape::Value, [](Ctx& ctx, const Node& n, HttpGet& h) {
                   // keepalived reports this as a configuration error (exit 5).
                   ctx.warning(n.keyword, "'nb_get_retry' is deprecated; use 'retry'");
                   if (need_args(ctx, n, 1, 1)) {
                     if (auto v = get_int(ctx, n, 0, 0, UINT32_MAX)) {
                       h.retry = static_cast<std::uint32_t>(*v);
                     }
                   }
                 }});
    k.push_back(kw_string("virtualhost", &HttpGet::virtualhost));
    k.push_back(kw_enum("http_protocol", &HttpGet::http_protocol,
                        Choices<HttpProtocol>{{"1.0", HttpProtocol::v1_0},
                                              {"1.0C", HttpProtocol::v1_0C},
                                              {"1.0c", HttpProtocol::v1_0C},
                                              {"1.1", HttpProtocol::v1_1}}));
    k.push_back(kw_bool("enable_sni", &HttpGet::enable_sni));
    k.push_back(kw_bool("fast_recovery", &HttpGet::fast_recovery));
    k.push_back(newer_keyword(kw_bool("tls_compliant", &HttpGet::tls_compliant)));
    k.push_back({"url", Shape::Block, parse_url});
    return k;
  }());
  return t;
}

// ---------------------------------------------------------------------------
// The other checkers

const Table<TcpCheck>& tcp_table() {
  static const Table<TcpCheck> t("TCP_CHECK", [] {
    std::vector<Keyword<TcpCheck>> k;
    add_conn_keywords(k);
    add_timing_keywords(k);
    return k;
  }());
  return t;
}

const Table<PingCheck>& ping_table() {
  static const Table<PingCheck> t("PING_CHECK", [] {
    std::vector<Keyword<PingCheck>> k;
    add_conn_keywords(k);
    add_timing_keywords(k);
    return k;
  }());
  return t;
}

const Table<MiscCheck>& misc_table() {
  static const Table<MiscCheck> t("MISC_CHECK", [] {
    std::vector<Keyword<MiscCheck>> k;
    add_timing_keywords(k);
    k.push_back(kw_words("misc_path", &MiscCheck::misc_path));
    k.push_back(kw_timer("misc_timeout", &MiscCheck::misc_timeout, Micros(0), kMaxTimer));
    k.push_back(kw_flag("misc_dynamic", &MiscCheck::misc_dynamic));
    k.push_back({"user", Shape::Value, [](Ctx& ctx, const Node& n, MiscCheck& c) {
                   if (need_args(ctx, n, 1, 2)) {
                     c.user = n.args[0].text;
                     c.group = n.args.size() > 1 ? n.args[1].text : std::string();
                   }
                 }});
    return k;
  }());
  return t;
}

const Table<SmtpHost>& smtp_host_table() {
  static const Table<SmtpHost> t("SMTP_CHECK host", [] {
    std::vector<Keyword<SmtpHost>> k;
    add_conn_keywords(k);
    return k;
  }());
  return t;
}

const Table<SmtpCheck>& smtp_table() {
  static const Table<SmtpCheck> t("SMTP_CHECK", [] {
    std::vector<Keyword<SmtpCheck>> k;
    add_conn_keywords(k);
    add_timing_keywords(k);
    k.push_back(kw_words("helo_name", &SmtpCheck::helo_name));
    k.push_back({"host", Shape::Block, [](Ctx& ctx, const Node& n, SmtpCheck& c) {
                   if (!need_args(ctx, n, 0, 0)) {
                     return;
                   }
                   SmtpHost h;
                   h.loc = ctx.loc(n);
                   dispatch(ctx, n, h, smtp_host_table());
                   c.host.push_back(std::move(h));
                 }});
    return k;
  }());
  return t;
}

const Table<DnsCheck>& dns_table() {
  static const Table<DnsCheck> t("DNS_CHECK", [] {
    std::vector<Keyword<DnsCheck>> k;
    add_conn_keywords(k);
    add_timing_keywords(k);
    k.push_back({"type", Shape::Value, [](Ctx& ctx, const Node& n, DnsCheck& c) {
                   if (!need_args(ctx, n, 1, 1)) {
                     return;
                   }
                   static const std::vector<std::string_view> types = {
                       "A", "NS", "CNAME", "SOA", "MX", "TXT", "AAAA", "RRSIG", "DNSKEY"};
                   std::string up = n.args[0].text;
                   std::transform(up.begin(), up.end(), up.begin(), [](char ch) {
                     return static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
                   });
                   if (std::find(types.begin(), types.end(), up) == types.end()) {
                     bad_choice(ctx, n, n.args[0], types);
                     return;
                   }
                   c.type = std::move(up);
                 }});
    k.push_back(kw_string("name", &DnsCheck::name));
    return k;
  }());
  return t;
}

const Table<UdpCheck>& udp_table() {
  static const Table<UdpCheck> t("UDP_CHECK", [] {
    std::vector<Keyword<UdpCheck>> k;
    add_conn_keywords(k);
    add_timing_keywords(k);
    k.push_back({"payload", Shape::Value, [](Ctx& ctx, const Node& n, UdpCheck& c) {
                   if (!need_args(ctx, n, 1, SIZE_MAX)) {
                     return;
                   }
                   auto hex = normalize_hex(n.args, 0, false);
                   if (!hex) {
                     ctx.error(n.args[0], fmt::format("'{}' for 'payload' is not a hex string",
                                                      text::printable(join_args(n))));
                     return;
                   }
                   c.payload.clear();
                   for (std::size_t i = 0; i + 1 < hex->size(); i += 2) {
                     c.payload.push_back(
                         static_cast<std::uint8_t>(*parse_int(hex->substr(i, 2), 16)));
                   }
                 }});
    k.push_back({"require_reply", Shape::Value, [](Ctx& ctx, const Node& n, UdpCheck& c) {
                   c.require_reply = true;
                   if (n.args.empty()) {
                     c.require_reply_data.clear();
                     return;
                   }
                   auto hex = normalize_hex(n.args, 0, true);
                   if (!hex) {
                     ctx.error(n.args[0],
                               fmt::format("'{}' for 'require_reply' is not a hex string (x for "
                                           "an ignored digit)",
                                           text::printable(join_args(n))));
                     return;
                   }
                   c.require_reply_data = std::move(*hex);
                 }});
    k.push_back(kw_int("min_reply_length", &UdpCheck::min_reply_length, 0, 65535));
    k.push_back(kw_int("max_reply_length", &UdpCheck::max_reply_length, 0, 65535));
    return k;
  }());
  return t;
}

const Table<FileCheck>& file_table() {
  static const Table<FileCheck> t(
      "FILE_CHECK", {
                        kw_string("track_file", &FileCheck::track_file),
                        {"weight", Shape::Value,
                         [](Ctx& ctx, const Node& n, FileCheck& c) {
                           if (!need_args(ctx, n, 1, 2)) {
                             return;
                           }
                           if (auto v = get_int(ctx, n, 0, -2147483647, 2147483647)) {
                             c.weight = static_cast<int>(*v);
                           }
                           if (n.args.size() > 1) {
                             if (n.args[1].is("reverse")) {
                               c.weight_reverse = true;
                             } else if (!n.args[1].is("noreverse")) {
                               ctx.error(n.args[1],
                                         fmt::format("'weight' takes only 'reverse' after the "
                                                     "number, not '{}'",
                                                     text::printable(n.args[1].text)));
                             }
                           }
                         }},
                        newer_keyword(kw_flag("dynamic", &FileCheck::dynamic)),
                    });
  return t;
}

const Table<BfdCheck>& bfd_table() {
  static const Table<BfdCheck> t("BFD_CHECK",
                                 {
                                     kw_string("name", &BfdCheck::name),
                                     kw_bool("alpha", &BfdCheck::alpha),
                                     newer_keyword(kw_int("weight", &BfdCheck::weight, -253, 253)),
                                 });
  return t;
}

template <class C>
C parse_with(Ctx& ctx, const Node& n, const Table<C>& table) {
  C c;
  c.loc = ctx.loc(n);
  dispatch(ctx, n, c, table);
  return c;
}

}  // namespace

std::optional<std::string> normalize_hex(const std::vector<Token>& words, std::size_t from,
                                         bool allow_mask) {
  std::string out;
  for (std::size_t w = from; w < words.size(); ++w) {
    const std::string& s = words[w].text;
    std::string group;
    for (char c : s) {
      const bool mask = allow_mask && (c == 'x' || c == 'X');
      if (std::isxdigit(static_cast<unsigned char>(c)) == 0 && !mask) {
        return std::nullopt;
      }
      group.push_back(mask ? 'x' : static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    }
    if (group.size() % 2 == 1) {
      group.insert(group.size() - 1, 1, '0');
    }
    out += group;
  }
  if (out.empty()) {
    return std::nullopt;
  }
  return out;
}

void parse_checker(Ctx& ctx, const Node& n, RealServer& rs) {
  if (!need_args(ctx, n, 0, 0)) {
    return;
  }
  const std::string_view kw = n.keyword.text;
  if (kw == "HTTP_GET" || kw == "SSL_GET") {
    HttpGet h = parse_with(ctx, n, http_table());
    if (h.url.empty()) {
      // keepalived 2.2.7 drops the checker and then crashes (SIGSEGV) on -t.
      ctx.error(n.keyword, fmt::format("{} has no url; the checker is ignored", kw));
      return;
    }
    check_conn(ctx, n, h, rs);
    if (kw == "HTTP_GET") {
      rs.checkers.emplace_back(std::move(h));
    } else {
      SslGet s;
      static_cast<HttpGet&>(s) = std::move(h);
      rs.checkers.emplace_back(std::move(s));
    }
  } else if (kw == "TCP_CHECK") {
    TcpCheck c = parse_with(ctx, n, tcp_table());
    check_conn(ctx, n, c, rs);
    rs.checkers.emplace_back(std::move(c));
  } else if (kw == "PING_CHECK") {
    PingCheck c = parse_with(ctx, n, ping_table());
    check_conn(ctx, n, c, rs);
    rs.checkers.emplace_back(std::move(c));
  } else if (kw == "MISC_CHECK") {
    MiscCheck c = parse_with(ctx, n, misc_table());
    if (c.misc_path.empty()) {
      ctx.error(n.keyword, "MISC_CHECK has no 'misc_path'; the checker is ignored");
      return;
    }
    rs.checkers.emplace_back(std::move(c));
  } else if (kw == "SMTP_CHECK") {
    SmtpCheck c = parse_with(ctx, n, smtp_table());
    check_conn(ctx, n, c, rs);
    rs.checkers.emplace_back(std::move(c));
  } else if (kw == "DNS_CHECK") {
    DnsCheck c = parse_with(ctx, n, dns_table());
    check_conn(ctx, n, c, rs);
    rs.checkers.emplace_back(std::move(c));
  } else if (kw == "UDP_CHECK") {
    UdpCheck c = parse_with(ctx, n, udp_table());
    if (c.min_reply_length > c.max_reply_length) {
      ctx.error(n.keyword, fmt::format("UDP_CHECK min_reply_length {} is greater than "
                                       "max_reply_length {}; the check would always fail",
                                       c.min_reply_length, c.max_reply_length));
    }
    check_conn(ctx, n, c, rs);
    rs.checkers.emplace_back(std::move(c));
  } else if (kw == "FILE_CHECK") {
    FileCheck c = parse_with(ctx, n, file_table());
    if (c.track_file.empty()) {
      ctx.error(n.keyword, "FILE_CHECK has no 'track_file'; the checker is ignored");
      return;
    }
    rs.checkers.emplace_back(std::move(c));
  } else if (kw == "BFD_CHECK") {
    BfdCheck c = parse_with(ctx, n, bfd_table());
    if (c.name.empty()) {
      ctx.error(n.keyword, "BFD_CHECK has no 'name'; the checker is ignored");
      return;
    }
    rs.checkers.emplace_back(std::move(c));
  }
}

}  // namespace vigil::config::detail
