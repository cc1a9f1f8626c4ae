// SPDX-License-Identifier: GPL-2.0-or-later
// JSON dump of the LVS family: keys are keepalived's keywords; enums print as
// the words the configuration uses.
#include <fmt/format.h>

#include "dump_util.hpp"

namespace vigil::config {

namespace {

const char* method_name(LvsMethod m) {
  switch (m) {
    case LvsMethod::NAT:
      return "NAT";
    case LvsMethod::DR:
      return "DR";
    case LvsMethod::TUN:
      return "TUN";
  }
  return "?";
}

const char* tun_type_name(TunType t) {
  switch (t) {
    case TunType::ipip:
      return "ipip";
    case TunType::gue:
      return "gue";
    case TunType::gre:
      return "gre";
  }
  return "?";
}

const char* csum_name(TunCsum c) {
  switch (c) {
    case TunCsum::nocsum:
      return "nocsum";
    case TunCsum::csum:
      return "csum";
    case TunCsum::remcsum:
      return "remcsum";
  }
  return "?";
}

const char* protocol_name(LvsProtocol p) {
  switch (p) {
    case LvsProtocol::TCP:
      return "TCP";
    case LvsProtocol::UDP:
      return "UDP";
    case LvsProtocol::SCTP:
      return "SCTP";
  }
  return "?";
}

const char* http_protocol_name(HttpProtocol p) {
  switch (p) {
    case HttpProtocol::v1_0:
      return "1.0";
    case HttpProtocol::v1_0C:
      return "1.0C";
    case HttpProtocol::v1_1:
      return "1.1";
  }
  return "?";
}

nlohmann::json family_json(const std::optional<Family>& f) {
  if (!f || *f == Family::None) {
    return nullptr;
  }
  return *f == Family::Inet ? "inet" : "inet6";
}

nlohmann::json script_json(const OptionalScript& s) {
  if (!s) {
    return nullptr;
  }
  nlohmann::json j;
  to_json(j, *s);
  return j;
}

void timing_json(nlohmann::json& j, const CheckerTiming& c) {
  j["retry"] = c.retry;
  j["delay_before_retry"] = c.delay_before_retry;
  j["warmup"] = c.warmup;
  j["delay_loop"] = c.delay_loop;
  j["alpha"] = c.alpha;
  j["log_all_failures"] = c.log_all_failures;
}

void conn_json(nlohmann::json& j, const ConnOpts& c) {
  j["connect_ip"] = c.connect_ip;
  j["connect_port"] = c.connect_port;
  j["bindto"] = c.bindto;
  j["bind_port"] = c.bind_port;
  j["bind_if"] = c.bind_if;
  j["connect_timeout"] = c.connect_timeout;
  j["fwmark"] = c.fwmark;
}

}  // namespace

void to_json(nlohmann::json& j, const Forwarding& f) {
  j = nlohmann::json{{"method", method_name(f.method)}};
  if (f.method == LvsMethod::TUN) {
    j["type"] = tun_type_name(f.type);
    if (f.type == TunType::gue) {
      j["port"] = f.port;
    }
    j["csum"] = csum_name(f.csum);
  }
}

void to_json(nlohmann::json& j, const HttpUrl& u) {
  j["path"] = u.path;
  j["digest"] = u.digest;
  nlohmann::json codes = nlohmann::json::array();
  for (const auto& r : u.status_code) {
    codes.push_back(r.min == r.max ? fmt::format("{}", r.min) : fmt::format("{}-{}", r.min, r.max));
  }
  j["status_code"] = codes;
  j["virtualhost"] = u.virtualhost;
  j["regex"] = u.regex;
  j["regex_no_match"] = u.regex_no_match;
  j["regex_options"] = u.regex_options;
  j["regex_stack"] = u.regex_stack ? nlohmann::json(*u.regex_stack) : nlohmann::json(nullptr);
  j["regex_min_offset"] = u.regex_min_offset;
  j["regex_max_offset"] = u.regex_max_offset;
}

void to_json(nlohmann::json& j, const HttpGet& c) {
  j["checker"] = "HTTP_GET";
  timing_json(j, c);
  conn_json(j, c);
  j["virtualhost"] = c.virtualhost;
  j["http_protocol"] = http_protocol_name(c.http_protocol);
  j["enable_sni"] = c.enable_sni;
  j["fast_recovery"] = c.fast_recovery;
  j["tls_compliant"] = c.tls_compliant;
  j["url"] = c.url;
}

void to_json(nlohmann::json& j, const SslGet& c) {
  to_json(j, static_cast<const HttpGet&>(c));
  j["checker"] = "SSL_GET";
}

void to_json(nlohmann::json& j, const TcpCheck& c) {
  j["checker"] = "TCP_CHECK";
  timing_json(j, c);
  conn_json(j, c);
}

void to_json(nlohmann::json& j, const PingCheck& c) {
  j["checker"] = "PING_CHECK";
  timing_json(j, c);
  conn_json(j, c);
}

void to_json(nlohmann::json& j, const MiscCheck& c) {
  j["checker"] = "MISC_CHECK";
  timing_json(j, c);
  j["misc_path"] = c.misc_path;
  j["misc_timeout"] = c.misc_timeout;
  j["misc_dynamic"] = c.misc_dynamic;
  j["user"] = c.user;
  j["group"] = c.group;
}

void to_json(nlohmann::json& j, const SmtpHost& h) {
  conn_json(j, h);
}

void to_json(nlohmann::json& j, const SmtpCheck& c) {
  j["checker"] = "SMTP_CHECK";
  timing_json(j, c);
  conn_json(j, c);
  j["helo_name"] = c.helo_name;
  j["host"] = c.host;
}

void to_json(nlohmann::json& j, const DnsCheck& c) {
  j["checker"] = "DNS_CHECK";
  timing_json(j, c);
  conn_json(j, c);
  j["type"] = c.type;
  j["name"] = c.name;
}

void to_json(nlohmann::json& j, const UdpCheck& c) {
  j["checker"] = "UDP_CHECK";
  timing_json(j, c);
  conn_json(j, c);
  std::string hex;
  for (auto b : c.payload) {
    hex += fmt::format("{:02x}", b);
  }
  j["payload"] = hex;
  j["require_reply"] = c.require_reply;
  j["require_reply_data"] = c.require_reply_data;
  j["min_reply_length"] = c.min_reply_length;
  j["max_reply_length"] = c.max_reply_length;
}

void to_json(nlohmann::json& j, const FileCheck& c) {
  j["checker"] = "FILE_CHECK";
  j["track_file"] = c.track_file;
  j["weight"] = c.weight;
  j["weight_reverse"] = c.weight_reverse;
  j["dynamic"] = c.dynamic;
}

void to_json(nlohmann::json& j, const BfdCheck& c) {
  j["checker"] = "BFD_CHECK";
  j["name"] = c.name;
  j["alpha"] = c.alpha;
  j["weight"] = c.weight;
}

void to_json(nlohmann::json& j, const CheckerSpec& c) {
  std::visit([&j](const auto& x) { to_json(j, x); }, c);
}

void to_json(nlohmann::json& j, const RealServer& r) {
  j["ip"] = r.ip;
  j["port"] = r.port;
  j["weight"] = r.weight;
  j["lvs_method"] = r.lvs_method;
  j["inhibit_on_failure"] = r.inhibit_on_failure;
  j["notify_up"] = script_json(r.notify_up);
  j["notify_down"] = script_json(r.notify_down);
  j["uthreshold"] = r.uthreshold;
  j["lthreshold"] = r.lthreshold;
  j["smtp_alert"] = r.smtp_alert;
  j["virtualhost"] = r.virtualhost;
  j["snmp_name"] = r.snmp_name;
  j["alpha"] = r.alpha;
  j["connect_timeout"] = r.connect_timeout;
  j["retry"] = r.retry;
  j["delay_before_retry"] = r.delay_before_retry;
  j["warmup"] = r.warmup;
  j["delay_loop"] = r.delay_loop;
  j["checkers"] = r.checkers;
}

void to_json(nlohmann::json& j, const SorryServer& s) {
  j["ip"] = s.ip;
  j["port"] = s.port;
  j["sorry_server_inhibit"] = s.inhibit;
  j["sorry_server_lvs_method"] = s.lvs_method;
}

void to_json(nlohmann::json& j, const Granularity& g) {
  if (g.netmask) {
    j = g.netmask->str();
  } else {
    j = g.prefix_len;
  }
}

void to_json(nlohmann::json& j, const VirtualServer& v) {
  j["ip"] = v.ip;
  j["port"] = v.port;
  j["fwmark"] = v.fwmark;
  j["group"] = v.group;
  j["ip_family"] = family_json(v.ip_family);
  j["lvs_sched"] = v.lvs_sched;
  j["hashed"] = v.hashed;
  j["ops"] = v.ops;
  j["flag-1"] = v.flag_1;
  j["flag-2"] = v.flag_2;
  j["flag-3"] = v.flag_3;
  j["sh-port"] = v.sh_port;
  j["sh-fallback"] = v.sh_fallback;
  j["mh-port"] = v.mh_port;
  j["mh-fallback"] = v.mh_fallback;
  j["lvs_method"] = v.lvs_method;
  j["persistence_engine"] = v.persistence_engine;
  j["persistence_timeout"] = v.persistence_timeout;
  j["persistence_granularity"] = v.persistence_granularity;
  j["protocol"] = v.protocol ? nlohmann::json(protocol_name(*v.protocol)) : nullptr;
  j["ha_suspend"] = v.ha_suspend;
  j["smtp_alert"] = v.smtp_alert;
  j["virtualhost"] = v.virtualhost;
  j["snmp_name"] = v.snmp_name;
  j["alpha"] = v.alpha;
  j["omega"] = v.omega;
  j["quorum"] = v.quorum;
  j["hysteresis"] = v.hysteresis;
  j["quorum_up"] = script_json(v.quorum_up);
  j["quorum_down"] = script_json(v.quorum_down);
  j["weight"] = v.weight;
  j["sorry_server"] = v.sorry_server;
  j["connect_timeout"] = v.connect_timeout;
  j["retry"] = v.retry;
  j["delay_before_retry"] = v.delay_before_retry;
  j["warmup"] = v.warmup;
  j["delay_loop"] = v.delay_loop;
  j["inhibit_on_failure"] = v.inhibit_on_failure;
  j["real_server"] = v.real_server;
}

void to_json(nlohmann::json& j, const VirtualServerGroup& g) {
  nlohmann::json addrs = nlohmann::json::array();
  for (const auto& r : g.addresses) {
    std::string a = r.first == r.last ? r.first.str() : r.first.str() + "-" + r.last.str();
    if (r.port) {
      a += fmt::format(" {}", *r.port);
    }
    addrs.push_back(a);
  }
  j["addresses"] = addrs;
  nlohmann::json marks = nlohmann::json::array();
  for (const auto& f : g.fwmark) {
    marks.push_back(
        f.family ? fmt::format("{} {}", f.fwmark, *f.family == Family::Inet ? "inet" : "inet6")
                 : fmt::format("{}", f.fwmark));
  }
  j["fwmark"] = marks;
}

void to_json(nlohmann::json& j, const SslConfig& s) {
  j["password"] = s.password;
  j["ca"] = s.ca;
  j["certificate"] = s.certificate;
  j["key"] = s.key;
}

namespace detail {

nlohmann::json dump_lvs(const LvsConfig& l) {
  // SSL and virtual_server_group appear only when configured, so dumps of
  // configurations without them stay unchanged.
  nlohmann::json j;
  if (l.ssl) {
    j["SSL"] = *l.ssl;
  }
  if (!l.virtual_server_group.empty()) {
    j["virtual_server_group"] = by_name(l.virtual_server_group);
  }
  j["virtual_server"] = l.virtual_server;
  return j;
}

}  // namespace detail
}  // namespace vigil::config
