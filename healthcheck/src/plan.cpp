// SPDX-License-Identifier: GPL-2.0-or-later
// plan_checks(): the configuration's checkers as CheckDefs, with their targets
// and timing resolved and the two keys that let the engine keep state across a
// reload (checker_id) and share one probe between identical checks (probe_key).
#include "vigil/hc/plan.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <climits>
#include <iterator>
#include <limits>
#include <type_traits>
#include <utility>
#include <variant>

namespace vigil::hc {

namespace {

using config::CheckerTiming;
using config::ConnOpts;
using config::Micros;
using std::chrono::seconds;

// keepalived's defaults, used only when the model was not validated (the
// parser fills every checker's effective timing in).
constexpr Micros kDefaultDelayLoop{seconds(60)};
constexpr Micros kDefaultConnectTimeout{seconds(5)};
// FILE_CHECK and BFD_CHECK have no timing of their own: a file checker reports
// what the file says, so it never retries and is read again every second.
constexpr Micros kFileDelay{seconds(1)};

const char* protocol_name(const std::optional<config::LvsProtocol>& p) {
  // keepalived defaults a service without `protocol` to UDP.
  switch (p.value_or(config::LvsProtocol::UDP)) {
    case config::LvsProtocol::TCP:
      return "TCP";
    case config::LvsProtocol::UDP:
      return "UDP";
    case config::LvsProtocol::SCTP:
      return "SCTP";
  }
  return "UDP";
}

std::string addr_port(const config::IpAddress& ip, std::uint16_t port) {
  if (ip.is_v6()) {
    return fmt::format("[{}]:{}", ip.str(), port);
  }
  return fmt::format("{}:{}", ip.str(), port);
}

template <class C>
constexpr CheckKind kind_of() {
  if constexpr (std::is_same_v<C, config::SslGet>) {
    return CheckKind::Ssl;
  } else if constexpr (std::is_same_v<C, config::HttpGet>) {
    return CheckKind::Http;
  } else if constexpr (std::is_same_v<C, config::TcpCheck>) {
    return CheckKind::Tcp;
  } else if constexpr (std::is_same_v<C, config::MiscCheck>) {
    return CheckKind::Misc;
  } else if constexpr (std::is_same_v<C, config::SmtpCheck>) {
    return CheckKind::Smtp;
  } else if constexpr (std::is_same_v<C, config::DnsCheck>) {
    return CheckKind::Dns;
  } else if constexpr (std::is_same_v<C, config::UdpCheck>) {
    return CheckKind::Udp;
  } else if constexpr (std::is_same_v<C, config::PingCheck>) {
    return CheckKind::Ping;
  } else if constexpr (std::is_same_v<C, config::FileCheck>) {
    return CheckKind::File;
  } else {
    static_assert(std::is_same_v<C, config::BfdCheck>);
    return CheckKind::Bfd;
  }
}

/// The effective timing of a checker with CheckerTiming. The parser has
/// already resolved it (checker, then real server, then virtual server, then
/// the kind's default); the same chain is applied here for hand-made models.
TrackerConfig timing_of(const CheckerTiming& c, CheckKind kind, const config::VirtualServer& vs,
                        const config::RealServer& rs) {
  TrackerConfig t;
  t.delay_loop = c.delay_loop    ? *c.delay_loop
                 : rs.delay_loop ? *rs.delay_loop
                 : vs.delay_loop ? *vs.delay_loop
                                 : kDefaultDelayLoop;
  const std::uint32_t default_retry = kind == CheckKind::Misc  ? 0U
                                      : kind == CheckKind::Dns ? 3U
                                                               : 1U;
  const std::uint32_t retry = c.retry    ? *c.retry
                              : rs.retry ? *rs.retry
                              : vs.retry ? *vs.retry
                                         : default_retry;
  t.retry = static_cast<int>(std::min<std::uint32_t>(retry, INT_MAX));
  Micros default_dbr{seconds(1)};
  if (kind == CheckKind::Http || kind == CheckKind::Ssl) {
    default_dbr = seconds(3);
  } else if (kind == CheckKind::Dns) {
    default_dbr = t.delay_loop;
  }
  t.delay_before_retry = c.delay_before_retry    ? *c.delay_before_retry
                         : rs.delay_before_retry ? *rs.delay_before_retry
                         : vs.delay_before_retry ? *vs.delay_before_retry
                                                 : default_dbr;
  t.warmup = c.warmup ? *c.warmup : rs.warmup ? *rs.warmup : vs.warmup ? *vs.warmup : t.delay_loop;
  // alpha: the checker's own, else the real server's, else the virtual server's.
  t.alpha = c.alpha ? *c.alpha : rs.alpha ? *rs.alpha : vs.alpha;
  return t;
}

/// Timing for the kinds without CheckerTiming: checked every second, down at
/// the first failure, the first check within a second.
TrackerConfig event_timing(bool alpha) {
  TrackerConfig t;
  t.retry = 0;
  t.delay_loop = kFileDelay;
  t.delay_before_retry = kFileDelay;
  t.warmup = Micros(0);
  t.alpha = alpha;
  return t;
}

/// The resolved destination of a checker with connection options.
Target target_of(const ConnOpts& c, const config::VirtualServer& vs, const config::RealServer& rs) {
  Target t;
  t.ip = c.connect_ip.value_or(rs.ip);
  if (c.connect_port) {
    t.port = *c.connect_port;
  } else if (rs.port) {
    t.port = *rs.port;
  } else if (vs.ip && vs.port) {
    // A real server without a port on a service named by address serves
    // that service's port.
    t.port = *vs.port;
  }
  t.bindto = c.bindto;
  t.bind_port = c.bind_port;
  t.bind_if = c.bind_if;
  t.connect_timeout = c.connect_timeout    ? *c.connect_timeout
                      : rs.connect_timeout ? *rs.connect_timeout
                      : vs.connect_timeout ? *vs.connect_timeout
                                           : kDefaultConnectTimeout;
  t.fwmark = c.fwmark;
  return t;
}

/// A target for the kinds that do not connect (MISC_CHECK, FILE_CHECK,
/// BFD_CHECK): the real server itself, so that only the same real server
/// under several virtual servers shares their probe.
Target server_target(const config::VirtualServer& vs, const config::RealServer& rs) {
  return target_of(ConnOpts{}, vs, rs);
}

// ---------------------------------------------------------------------------
// The canonical text of a check for probe_key: every field that changes what
// the probe does, never a SourceLoc. Fields come in a fixed order per kind,
// so they carry no names (the key is kept per check, in the plan, the book and
// the engine: short keys keep 10,000 checks small); each value ends with ';'
// and strings are length-prefixed, so no value can run into the next one.

class Canon {
 public:
  Canon& str(std::string_view /*name*/, std::string_view v) {
    fmt::format_to(std::back_inserter(out_), "{}:{};", v.size(), v);
    return *this;
  }
  template <class T>
  Canon& num(std::string_view /*name*/, const T& v) {
    fmt::format_to(std::back_inserter(out_), "{};", v);
    return *this;
  }
  template <class T>
  Canon& opt(std::string_view name, const std::optional<T>& v) {
    if (v) {
      num(name, *v);
    } else {
      out_ += "-;";
    }
    return *this;
  }
  Canon& us(std::string_view name, Micros v) { return num(name, v.count()); }
  Canon& ip(std::string_view name, const std::optional<config::IpAddress>& v) {
    return v ? str(name, v->str()) : str(name, "-");
  }
  std::string take() {
    out_.shrink_to_fit();
    return std::move(out_);
  }

 private:
  std::string out_;
};

void canon_target(Canon& c, const Target& t) {
  c.ip("ip", t.ip).num("port", t.port).ip("bindto", t.bindto).opt("bind_port", t.bind_port);
  c.str("bind_if", t.bind_if).us("connect_timeout", t.connect_timeout).opt("fwmark", t.fwmark);
}

void canon_timing(Canon& c, const TrackerConfig& t) {
  c.num("retry", t.retry).us("delay_loop", t.delay_loop);
  c.us("delay_before_retry", t.delay_before_retry).us("warmup", t.warmup);
  c.num("alpha", t.alpha ? 1 : 0);
}

void canon_conn(Canon& c, const ConnOpts& o) {
  c.ip("connect_ip", o.connect_ip).opt("connect_port", o.connect_port).ip("bindto", o.bindto);
  c.opt("bind_port", o.bind_port).str("bind_if", o.bind_if);
  c.num("connect_timeout", o.connect_timeout ? o.connect_timeout->count() : -1);
  c.opt("fwmark", o.fwmark);
}

void canon_spec(Canon& c, const config::HttpGet& h) {
  c.str("virtualhost", h.virtualhost).num("http_protocol", static_cast<int>(h.http_protocol));
  c.num("enable_sni", h.enable_sni ? 1 : 0).num("fast_recovery", h.fast_recovery ? 1 : 0);
  c.num("tls_compliant", h.tls_compliant ? 1 : 0).num("urls", h.url.size());
  for (const auto& u : h.url) {
    c.str("path", u.path).str("digest", u.digest).num("codes", u.status_code.size());
    for (const auto& r : u.status_code) {
      c.num("min", r.min).num("max", r.max);
    }
    c.str("virtualhost", u.virtualhost).str("regex", u.regex);
    c.num("regex_no_match", u.regex_no_match ? 1 : 0).num("options", u.regex_options.size());
    for (const auto& o : u.regex_options) {
      c.str("option", o);
    }
    if (u.regex_stack) {
      c.num("stack_start", (*u.regex_stack)[0]).num("stack_max", (*u.regex_stack)[1]);
    } else {
      c.str("stack", "-");
    }
    c.opt("regex_min_offset", u.regex_min_offset).opt("regex_max_offset", u.regex_max_offset);
  }
}

void canon_spec(Canon& /*c*/, const config::TcpCheck& /*t*/) {}
void canon_spec(Canon& /*c*/, const config::PingCheck& /*t*/) {}

void canon_spec(Canon& c, const config::MiscCheck& m) {
  c.str("misc_path", m.misc_path);
  c.num("misc_timeout", m.misc_timeout ? m.misc_timeout->count() : -1);
  c.num("misc_dynamic", m.misc_dynamic ? 1 : 0).str("user", m.user).str("group", m.group);
}

void canon_spec(Canon& c, const config::SmtpCheck& s) {
  c.str("helo_name", s.helo_name).num("hosts", s.host.size());
  for (const auto& h : s.host) {
    canon_conn(c, h);
  }
}

void canon_spec(Canon& c, const config::DnsCheck& d) {
  c.str("type", d.type).str("name", d.name);
}

void canon_spec(Canon& c, const config::UdpCheck& u) {
  std::string hex;
  for (const auto b : u.payload) {
    hex += fmt::format("{:02x}", b);
  }
  c.str("payload", hex).num("require_reply", u.require_reply ? 1 : 0);
  c.str("require_reply_data", u.require_reply_data);
  c.num("min_reply_length", u.min_reply_length).num("max_reply_length", u.max_reply_length);
}

void canon_spec(Canon& c, const config::BfdCheck& b) {
  c.str("name", b.name).opt("weight", b.weight);
}

/// FILE_CHECK depends on the track_file block it names (the file, its initial
/// value) and, because its weight is relative to the configured one, on the
/// real server's weight.
void canon_file(Canon& c, const config::FileCheck& f, const config::Model& model,
                const config::RealServer& rs) {
  c.str("track_file", f.track_file).num("weight", f.weight);
  c.num("weight_reverse", f.weight_reverse ? 1 : 0).num("dynamic", f.dynamic ? 1 : 0);
  const auto& files = model.vrrp.track_file;
  const auto it = std::find_if(files.begin(), files.end(),
                               [&](const config::TrackFile& t) { return t.name == f.track_file; });
  if (it != files.end()) {
    c.str("file", it->file).num("file_weight", it->weight);
    c.num("file_reverse", it->weight_reverse ? 1 : 0);
    if (it->init_file) {
      c.num("init", it->init_file->value).num("overwrite", it->init_file->overwrite ? 1 : 0);
    } else {
      c.str("init", "-");
    }
  } else {
    c.str("file", "-");
  }
  c.num("rs_weight", rs.weight);
}

}  // namespace

const char* kind_name(CheckKind k) {
  switch (k) {
    case CheckKind::Tcp:
      return "TCP_CHECK";
    case CheckKind::Http:
      return "HTTP_GET";
    case CheckKind::Ssl:
      return "SSL_GET";
    case CheckKind::Misc:
      return "MISC_CHECK";
    case CheckKind::Smtp:
      return "SMTP_CHECK";
    case CheckKind::Dns:
      return "DNS_CHECK";
    case CheckKind::Udp:
      return "UDP_CHECK";
    case CheckKind::Ping:
      return "PING_CHECK";
    case CheckKind::File:
      return "FILE_CHECK";
    case CheckKind::Bfd:
      return "BFD_CHECK";
  }
  return "?";
}

std::string vs_id(const config::VirtualServer& vs) {
  if (vs.ip) {
    return fmt::format("{}/{}", addr_port(*vs.ip, vs.port.value_or(0)), protocol_name(vs.protocol));
  }
  if (vs.fwmark) {
    return fmt::format("fwmark {}", *vs.fwmark);
  }
  // Two services may use one group with different protocols.
  return fmt::format("group {}/{}", vs.group, protocol_name(vs.protocol));
}

std::string rs_id(const config::VirtualServer& vs, const config::RealServer& rs) {
  return fmt::format("{}|{}", vs_id(vs), addr_port(rs.ip, rs.port.value_or(0)));
}

std::vector<CheckDef> plan_checks(const config::Model& model) {
  std::vector<CheckDef> out;
  // Exactly as many as there are checkers: a CheckDef is over 500 bytes, and
  // doubling growth would leave up to half the array unused.
  std::size_t total = 0;
  for (const auto& vs : model.lvs.virtual_server) {
    for (const auto& rs : vs.real_server) {
      total += rs.checkers.size();
    }
  }
  out.reserve(total);
  const bool log_all_global = model.global.global_defs.checker_log_all_failures.value_or(false);
  for (std::size_t v = 0; v < model.lvs.virtual_server.size(); ++v) {
    const auto& vs = model.lvs.virtual_server[v];
    // keepalived ignores a virtual server without real servers, checkers and all.
    if (vs.real_server.empty()) {
      continue;
    }
    for (std::size_t r = 0; r < vs.real_server.size(); ++r) {
      const auto& rs = vs.real_server[r];
      const std::string id = rs_id(vs, rs);
      std::array<int, 10> ordinal{};
      for (const auto& spec : rs.checkers) {
        CheckDef d;
        d.vs_index = v;
        d.rs_index = r;
        d.rs_id = id;
        d.spec = spec;
        Canon canon;
        std::visit(
            [&](const auto& c) {
              using C = std::decay_t<decltype(c)>;
              d.kind = kind_of<C>();
              if constexpr (std::is_base_of_v<CheckerTiming, C>) {
                d.timing = timing_of(c, d.kind, vs, rs);
                d.log_all_failures = c.log_all_failures || log_all_global;
              } else if constexpr (std::is_same_v<C, config::BfdCheck>) {
                d.timing = event_timing(c.alpha ? *c.alpha : rs.alpha ? *rs.alpha : vs.alpha);
                d.log_all_failures = log_all_global;
              } else {
                d.timing = event_timing(false);
                d.log_all_failures = log_all_global;
              }
              if constexpr (std::is_base_of_v<ConnOpts, C>) {
                d.target = target_of(c, vs, rs);
              } else {
                d.target = server_target(vs, rs);
              }
              canon.num("kind", static_cast<int>(d.kind));
              canon_target(canon, d.target);
              if constexpr (std::is_same_v<C, config::FileCheck>) {
                canon_file(canon, c, model, rs);
              } else if constexpr (std::is_base_of_v<config::HttpGet, C>) {
                canon_spec(canon, static_cast<const config::HttpGet&>(c));
              } else {
                canon_spec(canon, c);
              }
              canon_timing(canon, d.timing);
            },
            spec);
        d.probe_key = canon.take();
        const int n = ordinal.at(static_cast<std::size_t>(d.kind))++;
        d.checker_id = fmt::format("{}|{}#{}", id, kind_name(d.kind), n);
        out.push_back(std::move(d));
      }
    }
  }
  return out;
}

}  // namespace vigil::hc
